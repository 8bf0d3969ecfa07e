"""Reading front-matter dates: ``YYYY-MM-DD`` or ISO 8601; naive values take the site zone.
Reading a feed's dates as apps read them: :func:`read_date`."""

from __future__ import annotations

import datetime as dt
import re
from email.utils import format_datetime, parsedate_to_datetime
from zoneinfo import ZoneInfo

YEARS = range(1970, 9001)
"""The years a date may be in: from the Unix epoch (what a file's time and git's can say) to
a year every library reads."""


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
    if result.year not in YEARS:
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


def rfc822_datetime(text: str) -> dt.datetime | None:
    """``text`` read as an RFC 822 date (:func:`email.utils.parsedate_to_datetime`), None when
    it is none: the one place that knows what that function raises (a year of 20 digits
    overflows)."""
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def read_date(raw: str) -> tuple[dt.datetime | None, str | None]:
    """A date of someone else's feed as podcast apps and feed readers read it: an aware
    datetime from an RFC 822 (RSS) or ISO 8601 (Atom, JSON Feed) date, keeping its offset
    (None when absent or unreadable), and what an import report says of it (None: nothing).
    The importer, ``feed-diff`` and ``lint-feed`` read dates through it alike. An RFC
    822 offset may be written with a colon (``+05:30``) or after GMT (``GMT+2``), and its
    zone may be one of :data:`ZONES`; a date that names no zone (``-0000`` included) is read
    as UTC, and so is one naming a zone that is neither (``IST``: India, Ireland or Israel),
    which is said. ``Sept``, a fraction of a second and a date without its time of day
    (midnight UTC, said) are read as feedparser reads them. A four-digit year that
    :mod:`email.utils` would read as another (``0001`` as 2001) is no date."""
    raw = " ".join(raw.split())
    if not raw:
        return None, None
    note = None
    try:
        parsed = dt.datetime.fromisoformat(raw[:-1] + "+00:00" if raw.endswith("Z") else raw)
    except ValueError:
        raw = _FRACTION.sub(r"\1", _SEPT.sub("Sep", raw))
        if _DAY_ONLY.fullmatch(raw):  # as feedparser, and so the apps built on it, read it
            raw += " 00:00:00 +0000"
            note = "no time of day: read as midnight UTC, as podcast apps read it"
        read = rfc822_datetime(raw)
        if read is None:
            return None, None
        parsed = read
        if not year_as_written(raw, parsed):  # "0001" is not 2001: no date a reader has
            return None, None
        if parsed.tzinfo is None:
            zone = _rfc822_zone(raw)
            if zone is dt.UTC and note is None:
                note = "no time zone: taken as UTC, as podcast apps read it; check the date"
            if zone is None:
                found = _TIME_ZONE.search(raw)
                note = (
                    f"time zone {_shown(found.group(1) if found else '')} not read (it names "
                    "several zones, or none): taken as UTC; check the date, or write it with "
                    "its offset (+05:30)"
                )
            parsed = parsed.replace(tzinfo=zone or dt.UTC)
    if parsed.tzinfo is None:  # ISO 8601 without an offset (RFC 3339 requires one)
        note = note or (
            "no time of day: read as midnight UTC, as podcast apps read it"
            if len(raw) <= 10
            else "no time zone: taken as UTC, as podcast apps read it; check the date"
        )
        parsed = parsed.replace(tzinfo=dt.UTC)
    if parsed.year not in YEARS:
        return None, None
    return parsed, note


ZONES: dict[str, int] = {
    "WET": 0,
    **dict.fromkeys(("CET", "MET", "WEST"), 60),
    **dict.fromkeys(("CEST", "MEST", "EET"), 120),
    **dict.fromkeys(("EEST", "MSK"), 180),
    **dict.fromkeys(("AWST", "HKT", "SGT"), 480),
    **dict.fromkeys(("JST", "KST"), 540),
    "ACST": 570,
    "AEST": 600,
    "ACDT": 630,
    "AEDT": 660,
    "NZST": 720,
    "NZDT": 780,
    "NDT": -150,
    "HST": -600,
    "AKST": -540,
    "AKDT": -480,
}
"""Zone abbreviations RFC 822 does not define that feeds write, each used for one offset
only (minutes east of UTC). Ones several zones share (IST: India, Ireland or Israel; BST,
SST) are left out: a date naming one is unreadable rather than guessed."""
_TIME_ZONE = re.compile(r"\d:\d\d(?::\d\d)?(?:\.\d{1,9})? ?(\S*)")
"""The time of an RFC 822 date and what follows it: its zone, if any."""
_OFFSET = re.compile(r"([+-])([01]\d|2[0-3]):?([0-5]\d)")
_GMT_OFFSET = re.compile(r"(?:GMT|UTC|UT)([+-])(1[0-4]|0?\d)(?::?([0-5]\d))?")
"""An offset written after GMT or UTC (``GMT+2``, ``GMT+0200``, ``UTC-05:00``): east of UTC
when ``+``, as feedparser reads ``GMT+0200``."""
_SEPT = re.compile(r"\bSept\b", re.I)
_FRACTION = re.compile(r"(\d:\d\d:\d\d)\.\d{1,9}")
"""Seconds with a fraction (``13:00:21.123``), which RFC 822 has not: the whole second kept."""
_DAY_ONLY = re.compile(r"(?:[A-Za-z]{3,9},? ?)?\d{1,2} [A-Za-z]{3,9} \d{4}")
"""A date without a time of day (``Thu, 05 Jan 2023``)."""


def _rfc822_zone(raw: str) -> dt.timezone | None:
    """The zone of an RFC 822 date that :mod:`email.utils` left unread: UTC when it names
    none (or ``-0000``, RFC 5322's "no zone"), a ``+05:30`` offset, one of :data:`ZONES`;
    None for any other."""
    found = _TIME_ZONE.search(raw)
    zone = found.group(1).strip("()").upper() if found else ""
    if zone in ("", "-0000"):
        return dt.UTC
    if (offset := _OFFSET.fullmatch(zone) or _GMT_OFFSET.fullmatch(zone)) is not None:
        sign, hours, minutes = offset.groups()
        east = int(hours) * 60 + int(minutes or 0)
        return dt.timezone(dt.timedelta(minutes=-east if sign == "-" else east))
    if zone in ZONES:
        return dt.timezone(dt.timedelta(minutes=ZONES[zone]))
    return None


def _shown(value: str, limit: int = 60) -> str:
    """``value`` quoted as a report line shows it, cut to ``limit``."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"
