"""VTIMEZONE components built from the IANA database (zoneinfo), so events carry their own
zone (``DTSTART;TZID=Europe/Berlin:...``) and calendar apps show them right across DST.

Each offset change of the years asked for is an observance of its own. For a repeating event
that goes on after them (``open_ended``), the changes of the last of those years carry a
yearly RRULE (``BYMONTH=3;BYDAY=-1SU``) when one describes the zone's changes in the years
after it too: an app that reads the VTIMEZONE rather than the zone's name (Outlook) then
keeps showing summer dates at the right hour after the years written out.
"""

from __future__ import annotations

import datetime as dt
import itertools
from calendar import monthrange
from typing import NamedTuple
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

RULE_CHECK_YEARS = 30
"""Years after the last one written out in which a yearly RRULE must match the zone."""
_WEEKDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class Observance(NamedTuple):
    """One offset change: local start (in the offset before it), offsets, name, kind."""

    kind: str
    local_start: dt.datetime
    offset_from: str
    offset_to: str
    name: str


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


def observances(zone: ZoneInfo, year: int) -> list[Observance]:
    """The zone's offset changes in ``year``, each as a VTIMEZONE observance."""
    out = []
    for instant in transitions(zone, year):
        before = (instant - dt.timedelta(minutes=1)).astimezone(zone)
        after = instant.astimezone(zone)
        off_before = before.utcoffset() or dt.timedelta(0)
        off_after = after.utcoffset() or dt.timedelta(0)
        out.append(
            Observance(
                "DAYLIGHT" if after.dst() else "STANDARD",
                after.replace(tzinfo=None) - (off_after - off_before),
                _offset(off_before),
                _offset(off_after),
                after.tzname() or _offset(off_after),
            )
        )
    return out


def _candidates(start: dt.datetime) -> list[str]:
    """Yearly rules that give ``start``'s date: the nth or last weekday, the day itself, or
    the weekday on or after a day of the month."""
    day, month = start.day, start.month
    weekday = _WEEKDAY[start.weekday()]
    rules = [f"FREQ=YEARLY;BYMONTH={month};BYDAY={(day - 1) // 7 + 1}{weekday}"]
    if day + 7 > monthrange(start.year, month)[1]:
        rules.append(f"FREQ=YEARLY;BYMONTH={month};BYDAY=-1{weekday}")
    rules.append(f"FREQ=YEARLY;BYMONTH={month};BYMONTHDAY={day}")
    for first in range(max(1, day - 6), min(day, 25) + 1):  # the weekday on or after (Sun>=2)
        days = ",".join(str(d) for d in range(first, first + 7))
        rules.append(f"FREQ=YEARLY;BYMONTH={month};BYMONTHDAY={days};BYDAY={weekday}")
    return rules


def yearly_rules(zone: ZoneInfo, year: int) -> list[str] | None:
    """One RRULE per offset change of ``year`` that gives the zone's changes in each of the
    :data:`RULE_CHECK_YEARS` years after it, or None when the zone follows no such rule."""
    base = observances(zone, year)
    later = [observances(zone, y) for y in range(year + 1, year + RULE_CHECK_YEARS + 1)]
    if not base or any(
        [o[:1] + o[2:] for o in obs] != [o[:1] + o[2:] for o in base] for obs in later
    ):
        return None  # the changes differ from year to year (or stop): no rule to give
    rules = []
    for i, obs in enumerate(base):
        actual = [obs.local_start] + [year_obs[i].local_start for year_obs in later]
        for rule in _candidates(obs.local_start):
            dates = rrulestr(rule, dtstart=obs.local_start)
            if list(itertools.islice(dates, len(actual))) == actual:
                rules.append(rule)
                break
        else:
            return None
    return rules


def _lines(obs: Observance, rule: str | None = None) -> list[str]:
    return [
        f"BEGIN:{obs.kind}",
        f"DTSTART:{obs.local_start.strftime('%Y%m%dT%H%M%S')}",
        *([f"RRULE:{rule}"] if rule else []),
        f"TZOFFSETFROM:{obs.offset_from}",
        f"TZOFFSETTO:{obs.offset_to}",
        f"TZNAME:{obs.name}",
        f"END:{obs.kind}",
    ]


def vtimezone(name: str, years: set[int], *, open_ended: bool = False) -> list[str]:
    """Lines of a VTIMEZONE covering ``years``: one observance per offset change, and with
    ``open_ended`` the last year's changes as yearly rules where the zone keeps to them."""
    zone = ZoneInfo(name)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{name}"]
    last = max(years)
    rules = yearly_rules(zone, last) if open_ended else None
    found: list[tuple[Observance, str | None]] = []
    written = sorted(years | {y - 1 for y in years})  # each with the rule on January 1st
    in_force: str | None = None
    for year in written:
        changes = observances(zone, year)
        if year - 1 not in written and not changes:
            # a year without changes before the years of the events: its offset, which an
            # app reading the VTIMEZONE has no other way to know (the zone may have changed
            # it in the years not written)
            jan1 = dt.datetime(year, 1, 1, tzinfo=dt.UTC).astimezone(zone)
            off = _offset(jan1.utcoffset() or dt.timedelta(0))
            if off != in_force:
                start = dt.datetime.combine(
                    dt.date(1970 if in_force is None else year, 1, 1), dt.time()
                )
                anchor = Observance("STANDARD", start, in_force or off, off, jan1.tzname() or off)
                found.append((anchor, None))
        if year == last and rules is not None:
            found += zip(changes, rules, strict=True)
        else:
            found += [(obs, None) for obs in changes]
        in_force = found[-1][0].offset_to if found else None
    for obs, rule in found:
        lines += _lines(obs, rule)
    lines.append("END:VTIMEZONE")
    return lines
