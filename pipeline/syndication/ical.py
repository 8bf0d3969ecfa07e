"""events.ics: an iCalendar (RFC 5545) feed calendar apps can subscribe to.

UIDs derive from item ids; SEQUENCE comes from the content (the larger of a ``sequence`` key
and the minutes between ``date`` and ``updated``), never from build history; DTSTAMP is the item's
own last change, so the file is byte-stable. Timed events carry their own zone (TZID, with a
VTIMEZONE built from the IANA database); all-day events are dates.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from pipeline import __version__
from pipeline.config import Config
from pipeline.model import Event, Item
from pipeline.support.paths import iri_to_uri
from pipeline.support.recurrence import rule_of
from pipeline.support.text import clean
from pipeline.syndication.common import summary
from pipeline.syndication.vtimezone import vtimezone

ONE_HOUR = dt.timedelta(hours=1)
ZONE_YEARS = 10
"""Years of DST changes written out for a repeating event; for one that goes on longer, the
changes of the last of them then repeat yearly (see :mod:`pipeline.syndication.vtimezone`)."""


def _text(value: str) -> str:
    return (
        clean(value)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def _uri(value: str) -> str:
    """A URI or UID value with its control characters percent-encoded, so no line break in a
    value can end the property and start another (``END:VEVENT``); the rest is kept as it
    is, so a UID stays what it was."""
    return "".join(f"%{ord(ch):02X}" if ord(ch) < 0x20 or ord(ch) == 0x7F else ch for ch in value)


def _fold(line: str) -> str:
    """Fold at 75 octets without splitting a UTF-8 character (RFC 5545 3.1)."""
    out: list[str] = []
    current, size = "", 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > (75 if not out else 74):
            out.append(current)
            current, size = "", 0
        current += ch
        size += n
    out.append(current)
    return "\r\n ".join(out)


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _local(value: dt.datetime, zone: ZoneInfo) -> str:
    return value.astimezone(zone).strftime("%Y%m%dT%H%M%S")


def sequence_of(item: Item) -> int:
    """The larger of ``sequence`` and the minutes between ``date`` and ``updated``: a
    ``sequence`` added to an event already revised (SEQUENCE 1440 a day after its date) never
    lowers it, which calendar apps read as an older copy and ignore (RFC 5545 3.8.7.4: it
    only grows)."""
    assert item.event is not None
    derived = 0
    if item.updated and item.date and item.updated > item.date:
        derived = int((item.updated - item.date).total_seconds() // 60)
    return max(item.event.sequence or 0, derived)


def _stamp(name: str, ev: Event, value: dt.datetime) -> str:
    """``NAME;TZID=Zone:local`` for a timed event, ``NAME;VALUE=DATE:day`` for an all-day one."""
    if ev.all_day:
        return f"{name};VALUE=DATE:{value.strftime('%Y%m%d')}"
    return f"{name};TZID={ev.timezone}:{_local(value, ZoneInfo(ev.timezone))}"


def _when(ev: Event, starts: dt.datetime, ends: dt.datetime | None) -> list[str]:
    if ev.all_day:
        end = (ends or starts) + dt.timedelta(days=1)
        return [_stamp("DTSTART", ev, starts), f"DTEND;VALUE=DATE:{end.strftime('%Y%m%d')}"]
    return [_stamp("DTSTART", ev, starts), _stamp("DTEND", ev, ends or starts + ONE_HOUR)]


def _about(item: Item, location: str | None) -> list[str]:
    assert item.event is not None
    lines = [
        f"SUMMARY:{_text(item.title)}",
        f"DESCRIPTION:{_text(summary(item) + chr(10) + chr(10) + item.url)}",
    ]
    if location:
        lines.append(f"LOCATION:{_text(location)}")
    lines.append(f"URL:{_uri(iri_to_uri(item.event.url or item.url))}")  # RFC 3986, as VALUE=URI
    return lines


def repeat_lines(ev: Event) -> list[str]:
    """RRULE and EXDATE of a repeating event (RFC 5545 3.8.5): UNTIL in UTC for a timed
    event (its DTSTART has a TZID), a DATE for an all-day one; EXDATE in the event's zone."""
    rep = ev.repeat
    if rep is None:
        return []
    rule = rep.rule
    if rep.until is not None:
        rule += f";UNTIL={rep.until.strftime('%Y%m%d') if ev.all_day else _utc(rep.until)}"
    elif rep.count is not None:
        rule += f";COUNT={rep.count}"
    return [f"RRULE:{rule}", *(_stamp("EXDATE", ev, day) for day in rep.skipped)]


def zone_years(ev: Event) -> tuple[set[int], bool]:
    """Years the event's VTIMEZONE must describe: from its start to its last date, at most
    ten years on; and whether it has dates after those (its zone's changes must then go on
    by rule)."""
    years = {ev.starts.year} | ({ev.ends.year} if ev.ends else set())
    rep = ev.repeat
    if rep is None:
        return years, False
    last = ev.starts.year + ZONE_YEARS
    ends = last + 1  # a rule without an end goes on past them
    if rep.until is not None:
        ends = rep.until.year
    elif rep.count is not None:
        ends = max(d.year for d in _limited(rule_of(ev), rep.count))
    years |= set(range(ev.starts.year, min(last, ends) + 1))
    years |= {m.starts.year for m in rep.moved}
    return years, ends > last


def _limited(rule: Iterable[dt.datetime], count: int) -> list[dt.datetime]:
    return list(itertools.islice(rule, count))


def render_ics(cfg: Config, items: Sequence[Item]) -> bytes:
    host = urlsplit(cfg.site.base_url).hostname or "localhost"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//publish//{__version__}//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_text(cfg.site.title)}",
        f"X-WR-TIMEZONE:{cfg.site.timezone}",
    ]
    zones: dict[str, set[int]] = {}
    open_ended: set[str] = set()  # zones of rules that go on past the years written out
    for item in items:
        if item.event and not item.event.all_day:
            years, goes_on = zone_years(item.event)
            zones.setdefault(item.event.timezone, set()).update(years)
            if goes_on:
                open_ended.add(item.event.timezone)
    for name, years in sorted(zones.items()):
        lines += vtimezone(name, years, open_ended=name in open_ended)
    for item in sorted(items, key=lambda i: (i.event.starts if i.event else i.date, i.guid)):
        ev = item.event
        if ev is None or item.date is None:
            continue
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_uri(item.id)}@{host}",
            f"DTSTAMP:{_utc(item.updated or item.date)}",
            f"CREATED:{_utc(item.date)}",
            f"LAST-MODIFIED:{_utc(item.updated or item.date)}",
            f"SEQUENCE:{sequence_of(item)}",
        ]
        lines += _when(ev, ev.starts, ev.ends)
        lines += repeat_lines(ev)
        lines += _about(item, ev.location)
        lines += ["STATUS:CONFIRMED", "TRANSP:OPAQUE", "END:VEVENT"]
        for moved in ev.repeat.moved if ev.repeat else ():
            lines += [
                "BEGIN:VEVENT",
                f"UID:{_uri(item.id)}@{host}",
                f"DTSTAMP:{_utc(item.updated or item.date)}",
                f"LAST-MODIFIED:{_utc(item.updated or item.date)}",
                f"SEQUENCE:{sequence_of(item)}",
                _stamp("RECURRENCE-ID", ev, moved.original),
                *_when(ev, moved.starts, moved.ends),
                *_about(item, moved.location or ev.location),
                "STATUS:CONFIRMED",
                "TRANSP:OPAQUE",
                "END:VEVENT",
            ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")
