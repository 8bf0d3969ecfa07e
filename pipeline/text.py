"""Text hygiene shared by every output: what a feed reader can safely receive."""

from __future__ import annotations

import re
import unicodedata

_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
"""XML-illegal characters, plus C1 controls (readers decode them as cp1252: U+0080 shows €)."""


def clean(text: str) -> str:
    """NFC text without XML-illegal characters (they make feeds unparseable)."""
    return _ILLEGAL_XML.sub("", unicodedata.normalize("NFC", text))
