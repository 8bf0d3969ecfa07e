"""events.ics: an iCalendar (RFC 5545) feed calendar apps can subscribe to.

UIDs derive from item ids; SEQUENCE comes from the content (a ``sequence`` key, else the
minutes between ``date`` and ``updated``), never from build history; DTSTAMP is the item's
own last change, so the file is byte-stable. Timed events carry their own zone (TZID, with a
VTIMEZONE built from the IANA database); all-day events are dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from pipeline import __version__
from pipeline.config import Config
from pipeline.model import Item
from pipeline.support.text import clean
from pipeline.syndication.common import summary
from pipeline.syndication.vtimezone import vtimezone


def _text(value: str) -> str:
    return (
        clean(value)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


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
    assert item.event is not None
    if item.event.sequence:
        return item.event.sequence
    if item.updated and item.date and item.updated > item.date:
        return int((item.updated - item.date).total_seconds() // 60)
    return 0


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
    for item in items:
        if item.event and not item.event.all_day:
            zones.setdefault(item.event.timezone, set()).add(item.event.starts.year)
            if item.event.ends:
                zones[item.event.timezone].add(item.event.ends.year)
    for name, years in sorted(zones.items()):
        lines += vtimezone(name, years)
    for item in sorted(items, key=lambda i: (i.event.starts if i.event else i.date, i.guid)):
        ev = item.event
        if ev is None or item.date is None:
            continue
        lines += [
            "BEGIN:VEVENT",
            f"UID:{item.id}@{host}",
            f"DTSTAMP:{_utc(item.updated or item.date)}",
            f"CREATED:{_utc(item.date)}",
            f"LAST-MODIFIED:{_utc(item.updated or item.date)}",
            f"SEQUENCE:{sequence_of(item)}",
        ]
        if ev.all_day:
            lines.append(f"DTSTART;VALUE=DATE:{ev.starts.strftime('%Y%m%d')}")
            end = ev.ends or ev.starts
            lines.append(f"DTEND;VALUE=DATE:{(end + dt.timedelta(days=1)).strftime('%Y%m%d')}")
        else:
            zone = ZoneInfo(ev.timezone)
            ends = ev.ends or ev.starts + dt.timedelta(hours=1)
            lines.append(f"DTSTART;TZID={ev.timezone}:{_local(ev.starts, zone)}")
            lines.append(f"DTEND;TZID={ev.timezone}:{_local(ends, zone)}")
        lines.append(f"SUMMARY:{_text(item.title)}")
        lines.append(f"DESCRIPTION:{_text(summary(item) + chr(10) + chr(10) + item.url)}")
        if ev.location:
            lines.append(f"LOCATION:{_text(ev.location)}")
        lines.append(f"URL:{ev.url or item.url}")
        lines += ["STATUS:CONFIRMED", "TRANSP:OPAQUE", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")
