"""Reading front-matter dates: ``YYYY-MM-DD`` or ISO 8601; naive values take the site zone."""

from __future__ import annotations

import datetime as dt
import re
from email.utils import format_datetime
from zoneinfo import ZoneInfo


def shown_value(value: object, depth: int = 0) -> str:
    """A front-matter value as the editor wrote it in YAML, for messages (not Python's repr:
    ``datetime.date(2024, 1, 1)`` means nothing to an editor); lists and maps to two levels,
    five entries each."""
    if isinstance(value, (list, dict)) and depth >= 2:
        return "a list […]" if isinstance(value, list) else "a map {…}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing (null)"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return "a list [" + ", ".join(shown_value(v, depth + 1) for v in value[:5]) + "]"
    if isinstance(value, dict):
        return (
            "a map {"
            + ", ".join(f"{k}: {shown_value(v, depth + 1)}" for k, v in list(value.items())[:5])
            + "}"
        )
    return repr(value) if isinstance(value, str) else str(value)


def to_datetime(value: object, tz: ZoneInfo) -> dt.datetime:
    """An aware datetime from a YAML value; raises ValueError with what was expected."""
    if isinstance(value, bool) or value is None:
        raise ValueError(
            f"expected a date like 2024-05-01 or 2024-05-01T18:00:00+02:00, got {value!r}"
        )
    if isinstance(value, dt.datetime):
        result = value
    elif isinstance(value, dt.date):
        result = dt.datetime(value.year, value.month, value.day, tzinfo=tz)
    elif isinstance(value, str):
        text = value.strip()
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        try:
            result = dt.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(
                f"expected a date like 2024-05-01 or 2024-05-01T18:00:00+02:00, got {value!r}"
            ) from None
    else:
        raise ValueError(f"expected a date like 2024-05-01, got {shown_value(value)}")
    if result.tzinfo is None:
        result = result.replace(tzinfo=tz)
    if not 1970 <= result.year <= 9000:
        raise ValueError(f"date {result.date().isoformat()} is out of range (1970-9000)")
    return result


def rfc822(value: dt.datetime, *, gmt: bool = False) -> str:
    """An RFC 822 date as feeds write it: ``Wed, 02 Oct 2002 15:00:00 +0200`` in the value's
    own offset, or with ``gmt`` ``Wed, 02 Oct 2002 13:00:00 GMT`` (what podcast apps read best)."""
    if gmt:
        return format_datetime(value.astimezone(dt.UTC), usegmt=True)
    return format_datetime(value)


def iana_zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name``; ValueError for one there is none of, or for ``localtime``
    (the zone of whatever machine builds: the same content would give other bytes)."""
    if name == "localtime":
        raise ValueError("localtime is the building machine's zone")
    try:
        return ZoneInfo(name)
    except Exception:  # ZoneInfoNotFoundError, and path errors from hostile names
        raise ValueError(f"unknown IANA time zone {name!r}") from None


_FOUR_DIGITS = re.compile(r"(?<![\d+-])\d{4}(?!\d)")
"""The year of an RFC 822 date written with four digits (not a ``+0100`` offset)."""


def year_as_written(text: str, parsed: dt.datetime) -> bool:
    """False when ``email.utils`` read the four-digit year of ``text`` as another: it takes
    any year below 100 for a two-digit one, ``0001`` for 2001 and ``0000`` for 2000."""
    found = _FOUR_DIGITS.search(text)
    return found is None or int(found.group()) == parsed.year
