"""VTIMEZONE components built from the IANA database (zoneinfo), so events carry their own
zone (``DTSTART;TZID=Europe/Berlin:...``) and calendar apps show them right across DST."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


def _offset(value: dt.timedelta) -> str:
    total = int(value.total_seconds())
    sign = "+" if total >= 0 else "-"
    total = abs(total)
    return f"{sign}{total // 3600:02d}{total % 3600 // 60:02d}"


def transitions(zone: ZoneInfo, year: int) -> list[dt.datetime]:
    """UTC instants in ``year`` where the zone's offset changes (found by bisection)."""
    found: list[dt.datetime] = []
    start = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
    step = dt.timedelta(days=7)
    t = start
    while t.year == year:
        nxt = t + step
        if t.astimezone(zone).utcoffset() != nxt.astimezone(zone).utcoffset():
            lo, hi = t, nxt
            while hi - lo > dt.timedelta(minutes=1):
                mid = lo + (hi - lo) / 2
                if mid.astimezone(zone).utcoffset() == lo.astimezone(zone).utcoffset():
                    lo = mid
                else:
                    hi = mid
            found.append(hi.replace(second=0, microsecond=0))
        t = nxt
    return found


def vtimezone(name: str, years: set[int]) -> list[str]:
    """Lines of a VTIMEZONE covering ``years``: one observance per offset change."""
    zone = ZoneInfo(name)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{name}"]
    observances = []
    for year in sorted(years | {y - 1 for y in years}):  # the rule in force on January 1st
        for instant in transitions(zone, year):
            before = (instant - dt.timedelta(minutes=1)).astimezone(zone)
            after = instant.astimezone(zone)
            observances.append((before, after))
    if not observances:
        first = dt.datetime(min(years), 1, 1, tzinfo=dt.UTC).astimezone(zone)
        off = _offset(first.utcoffset() or dt.timedelta(0))
        lines += [
            "BEGIN:STANDARD",
            "DTSTART:19700101T000000",
            f"TZOFFSETFROM:{off}",
            f"TZOFFSETTO:{off}",
            f"TZNAME:{first.tzname()}",
            "END:STANDARD",
        ]
    for before, after in observances:
        kind = "DAYLIGHT" if after.dst() else "STANDARD"
        local_start = after.replace(tzinfo=None) - (
            (after.utcoffset() or dt.timedelta(0)) - (before.utcoffset() or dt.timedelta(0))
        )
        lines += [
            f"BEGIN:{kind}",
            f"DTSTART:{local_start.strftime('%Y%m%dT%H%M%S')}",
            f"TZOFFSETFROM:{_offset(before.utcoffset() or dt.timedelta(0))}",
            f"TZOFFSETTO:{_offset(after.utcoffset() or dt.timedelta(0))}",
            f"TZNAME:{after.tzname()}",
            f"END:{kind}",
        ]
    lines.append("END:VTIMEZONE")
    return lines
