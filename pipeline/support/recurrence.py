"""Occurrences of a repeating event, and its rule in words.

The rule is expanded by python-dateutil in the event's own zone, so a meeting at 18:00 in
Berlin stays at 18:00 on both sides of a DST change (as RFC 5545 says for a DTSTART with a
TZID); skipped dates are left out and moved ones put where they moved to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

from pipeline.model import Event

HORIZON = dt.timedelta(days=366 * 10)
"""How far ahead :func:`upcoming` looks for the next dates of a rule."""

FREQ_UNIT = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}
WEEKDAY_NAME = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}
ORDINAL_NAME = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}
MONTH_NAME = (
    *("January", "February", "March", "April", "May", "June", "July", "August"),
    *("September", "October", "November", "December"),
)


@dataclass(frozen=True)
class Occurrence:
    """One date of an event, where and when it actually happens."""

    starts: dt.datetime
    ends: dt.datetime | None
    location: str | None
    original: dt.datetime
    """The date the rule gives it (equal to ``starts`` unless it was moved)."""

    @property
    def moved(self) -> bool:
        return self.starts != self.original


def zone_of(event: Event) -> ZoneInfo:
    return ZoneInfo(event.timezone)


def rule_parts(rule: str) -> dict[str, str]:
    """``FREQ=MONTHLY;BYDAY=1TH`` as ``{"FREQ": "MONTHLY", "BYDAY": "1TH"}``."""
    out: dict[str, str] = {}
    for part in rule.split(";"):
        key, _, value = part.partition("=")
        out[key.strip().upper()] = value.strip().upper()
    return out


def build_rule(
    rule: str, starts: dt.datetime, until: dt.datetime | None, count: int | None
) -> rrule:
    """The dateutil rule of an RRULE value (no UNTIL/COUNT in it) starting at ``starts``.

    Raises ValueError (and, for malformed values, whatever dateutil raises: callers that
    read user text catch broadly)."""
    parsed = rrulestr("RRULE:" + rule, dtstart=starts)
    if not isinstance(parsed, rrule):
        raise ValueError("expected a single RRULE")
    if until is not None:
        parsed = parsed.replace(until=until)
    elif count is not None:
        parsed = parsed.replace(count=count)
    return parsed


def rule_of(event: Event) -> rrule:
    rep = event.repeat
    if rep is None:
        raise ValueError("not a repeating event")
    return build_rule(rep.rule, event.starts.astimezone(zone_of(event)), rep.until, rep.count)


def _key(value: dt.datetime) -> float:
    return value.timestamp()


def _last_moment(event: Event, occ: Occurrence) -> dt.datetime:
    end = occ.ends or occ.starts
    return end + dt.timedelta(days=1) if event.all_day else end


def _expand(event: Event, after: dt.datetime) -> Iterator[Occurrence]:
    """Occurrences in the rule's order whose rule date is not too early to matter."""
    rep = event.repeat
    zone = zone_of(event)
    starts = event.starts.astimezone(zone)
    duration = event.ends - event.starts if event.ends else None
    if rep is None:
        yield Occurrence(starts, event.ends, event.location, starts)
        return
    skipped = {_key(d) for d in rep.skipped}
    moved = {_key(m.original): m for m in rep.moved}
    rule = rule_of(event)
    for original in rule.xafter(after, inc=True):
        if original > after + HORIZON:
            return
        if _key(original) in skipped:
            continue
        if (m := moved.get(_key(original))) is not None:
            yield Occurrence(m.starts, m.ends, m.location or event.location, original)
        else:
            ends = original + duration if duration is not None else None
            yield Occurrence(original, ends, event.location, original)


def upcoming(event: Event, after: dt.datetime, limit: int) -> list[Occurrence]:
    """The next ``limit`` occurrences not over at ``after``, in the order they happen."""
    rep = event.repeat
    shift = dt.timedelta(0)
    if rep is not None:
        for m in rep.moved:
            shift = max(shift, abs(m.starts - m.original))
    span = (event.ends - event.starts if event.ends else dt.timedelta(0)) + dt.timedelta(days=1)
    found: list[Occurrence] = []
    for occ in _expand(event, after - shift - span):
        if found and len(found) >= limit:
            found.sort(key=lambda o: _key(o.starts))
            if occ.original - shift > found[limit - 1].starts:
                break
        if _last_moment(event, occ) > after:
            found.append(occ)
    found.sort(key=lambda o: _key(o.starts))
    return found[:limit]


# -- words ----------------------------------------------------------------------------------
def day_text(value: dt.date) -> str:
    return f"{value:%A} {value.day} {MONTH_NAME[value.month - 1]} {value.year}"


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _ordinal_day(n: int) -> str:
    if n < 0:
        return "the last day" if n == -1 else f"the {-n}th day from the end"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"the {n}{suffix}"


def _byday_words(value: str) -> list[str] | None:
    out: list[str] = []
    for part in value.split(","):
        day = part[-2:]
        if day not in WEEKDAY_NAME:
            return None
        nth = part[:-2].lstrip("+")
        if not nth:
            out.append(WEEKDAY_NAME[day])
            continue
        try:
            ordinal = ORDINAL_NAME[int(nth)]
        except (ValueError, KeyError):
            return None
        out.append(f"the {ordinal} {WEEKDAY_NAME[day]}")
    return out


def rule_text(rule: str) -> str:
    """``FREQ=MONTHLY;BYDAY=1TH`` in words: ``every month on the first Thursday``; a rule
    with parts these words do not cover is shown as written."""
    parts = rule_parts(rule)
    unit = FREQ_UNIT.get(parts.pop("FREQ", ""))
    interval = parts.pop("INTERVAL", "1")
    parts.pop("WKST", None)
    if unit is None or not interval.isdigit():
        return f"repeats {rule}"
    n = int(interval)
    head = f"every {unit}" if n == 1 else f"every other {unit}" if n == 2 else f"every {n} {unit}s"
    on: list[str] = []
    if "BYDAY" in parts:
        words = _byday_words(parts.pop("BYDAY"))
        if words is None:
            return f"repeats {rule}"
        on += words
    if "BYMONTHDAY" in parts:
        try:
            on += [_ordinal_day(int(d)) for d in parts.pop("BYMONTHDAY").split(",")]
        except ValueError:
            return f"repeats {rule}"
    months = ""
    if "BYMONTH" in parts:
        try:
            names = [MONTH_NAME[int(m) - 1] for m in parts.pop("BYMONTH").split(",")]
        except (ValueError, IndexError):
            return f"repeats {rule}"
        months = " in " + _join(names)
    if parts:
        return f"repeats {rule}"
    return head + (" on " + _join(on) if on else "") + months


def time_text(starts: dt.datetime, ends: dt.datetime | None, zone: ZoneInfo) -> str:
    """``18:00–19:30 CET (Europe/Berlin)`` for one occurrence."""
    local = starts.astimezone(zone)
    text = f"{local:%H:%M}"
    if ends is not None:
        end = ends.astimezone(zone)
        text += f"–{end:%H:%M}" if end.date() == local.date() else f" – {day_text(end)} {end:%H:%M}"
    return f"{text} {local.tzname()} ({zone.key})"


def occurrence_text(event: Event, occ: Occurrence) -> str:
    """``Thursday 5 March 2026, 18:00–19:30 CET (Europe/Berlin)``: date, time and zone."""
    zone = zone_of(event)
    day = day_text(occ.starts.astimezone(zone).date())
    if event.all_day:
        if occ.ends is not None and occ.ends.date() != occ.starts.date():
            return f"{day} – {day_text(occ.ends.date())}"
        return day
    return f"{day}, {time_text(occ.starts, occ.ends, zone)}"


NEXT_DATES = 3
"""How many next dates an event's page lists."""


def next_dates(event: Event, after: dt.datetime, limit: int = NEXT_DATES) -> list[str]:
    """The next dates of a repeating event in words, each with its place when it differs."""
    out = []
    for occ in upcoming(event, after, limit):
        text = occurrence_text(event, occ)
        if occ.moved:
            text += f" (moved from {day_text(occ.original.astimezone(zone_of(event)).date())})"
        if occ.location and occ.location != event.location:
            text += f" at {occ.location}"
        out.append(text)
    return out


def next_change(event: Event, after: dt.datetime) -> dt.datetime | None:
    """When the list of next dates at ``after`` changes: the end of the first of them."""
    found = upcoming(event, after, 1)
    if not found:
        return None
    occ = found[0]
    end = occ.ends or occ.starts
    return end + dt.timedelta(days=1) if event.all_day else end


def repeat_text(event: Event) -> str:
    """The whole schedule in words, for a page: rule, time, zone, bounds, skipped, moved."""
    rep = event.repeat
    if rep is None:
        return occurrence_text(event, Occurrence(event.starts, event.ends, None, event.starts))
    zone = zone_of(event)
    words = rule_text(rep.rule)
    text = words[:1].upper() + words[1:]
    if not event.all_day:
        text += ", " + time_text(event.starts, event.ends, zone)
    text += f", from {day_text(event.starts.astimezone(zone).date())}"
    if rep.until is not None:
        text += f" until {day_text(rep.until.astimezone(zone).date())}"
    elif rep.count is not None:
        text += f", {rep.count} times"
    text += "."
    if rep.skipped:
        text += " Not on " + _join([day_text(d.astimezone(zone).date()) for d in rep.skipped]) + "."
    for m in rep.moved:
        day = day_text(m.original.astimezone(zone).date())
        where = f" at {m.location}" if m.location and m.location != event.location else ""
        length = event.ends - event.starts if event.ends else None
        same_time = m.starts == m.original and (m.ends - m.starts if m.ends else None) == length
        if same_time:  # only the place changes
            text += f" {day} is{where}." if where else ""
            continue
        new = occurrence_text(event, Occurrence(m.starts, m.ends, m.location, m.original))
        text += f" {day} moves to {new}{where}."
    return text
