"""What podcast apps accept in show and episode values: one definition for the configuration
check, the feed writer and the feed linter."""

from __future__ import annotations

import re

MEDIUMS = (
    "podcast",
    "music",
    "video",
    "film",
    "audiobook",
    "newsletter",
    "blog",
    "publisher",
    "course",
    "mixed",
)
"""Values of ``podcast:medium``; each also has a list variant ending in ``L``."""
DESCRIPTION_MAX_BYTES = 4000
"""Apple's limit on a show's or an episode's description."""
EMAIL = re.compile(r"^[^@\s<>]+@(?=[^@\s<>]+\.[^@\s<>])[^@\s<>]++$")
"""A dot with something on both sides after the ``@``: looked ahead for once, not tried at
each dot of the domain (``a@`` with many dots and a second ``@`` was quadratic)."""
LANGUAGE = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")
""" An ISO 639 code with optional subtags (en, en-us)."""
HTTP_URL = re.compile(r"^https?://[^/\s]+")
RRULE = re.compile(r"^FREQ=[A-Z]+")
TXT_MAX = 4000
"""Characters of a ``podcast:txt`` value (its purpose: at most 128)."""

_TXT_PURPOSE = re.compile(r"([A-Za-z0-9_-]{1,128}):")


def txt_parts(value: str) -> tuple[str | None, str]:
    """(purpose, text) of ``purpose: text`` (one line of text after it), else (None, value).
    The regex reads the purpose only: blanks before the text, matched by one, were tried in
    every split against a newline after them (quadratic)."""
    m = _TXT_PURPOSE.match(value)
    text = value[m.end() :].lstrip() if m else ""
    text = text[:-1] if text.endswith("\n") else text  # as "$" allows
    return (m.group(1), text) if m and text and "\n" not in text else (None, value)
