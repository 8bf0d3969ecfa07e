"""JSON that someone else wrote: a chapters file, a ledger kept in the repository, a feed.

Python's decoder recurses once per level of nesting, so ``[[[[…]]]]`` 100,000 deep raises
RecursionError, which no ``except ValueError`` catches: a crash where malformed JSON gets a
message. :func:`loads` raises :class:`NestedTooDeep`, a ValueError, instead.
"""

from __future__ import annotations

import json
from typing import Any


class NestedTooDeep(ValueError):
    """JSON nested deeper than the decoder can follow."""


def loads(text: str | bytes, *, strict_numbers: bool = False) -> Any:
    """``json.loads(text)`` (bytes may start with a UTF-8 byte order mark, as a service's
    answer may); :class:`NestedTooDeep` (a ValueError) for nesting too deep to read,
    ValueError for anything else that is not JSON. ``strict_numbers``: ``NaN``,
    ``Infinity`` and ``-Infinity``, which Python reads and JSON does not have, are a
    ValueError too (a file we publish as JSON must be JSON to every reader)."""
    if isinstance(text, bytes) and text.startswith(b"\xef\xbb\xbf"):
        text = text[3:]
    try:
        if strict_numbers:
            return json.loads(text, parse_constant=_not_a_number)
        return json.loads(text)
    except RecursionError:
        raise NestedTooDeep("JSON nested too deep to read") from None


def _not_a_number(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")
