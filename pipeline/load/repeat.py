"""The ``repeat`` fields of an event's front matter, read and checked.

```yaml
repeat: monthly on the first Thursday   # or an RFC 5545 rule: FREQ=MONTHLY;BYDAY=1TH
until: 2026-12-31                       # or count: 12 (or UNTIL=/COUNT= in the rule)
except: [2026-08-06]                    # dates that do not take place
overrides:                              # one date held at another time or place
  2026-04-02: 2026-04-09T18:00
  2026-10-01: {location: Room 2}
  2026-12-03: {cancelled: true}
```

The friendly form is read by :mod:`pipeline.load.friendly` and normalised to an RRULE; every
rule is checked by building it with python-dateutil: ``starts`` must be its first date
(RFC 5545 counts DTSTART as one; dateutil does not, so a DTSTART off the rule would make two
calendars disagree), and every ``except``/``overrides`` date must be one of its dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from pipeline.load.friendly import EXAMPLE, friendly_rule
from pipeline.load.friendly import number as _number
from pipeline.load.friendly import short as _short
from pipeline.model import Moved, Recurrence
from pipeline.support.dates import shown_value, to_datetime
from pipeline.support.recurrence import WEEKDAY_NAME, build_rule, day_text

REPEAT_KEYS = frozenset({"repeat", "until", "count", "except", "overrides"})
FREQS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
RULE_KEYS = ("FREQ", "INTERVAL", "BYMONTH", "BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY")
RULE_KEYS_TAIL = ("BYSETPOS", "WKST")
ONLY_WITH = {
    "BYMONTHDAY": ("MONTHLY", "YEARLY"),
    "BYYEARDAY": ("YEARLY",),
    "BYWEEKNO": ("YEARLY",),
    "BYSETPOS": ("MONTHLY", "YEARLY"),
}
"""RFC 5545 3.3.10's limits, and BYMONTHDAY/BYSETPOS kept off daily and weekly rules (say
'monthly on the 15th'): dateutil runs a rule that never matches to the year 9999, a period at
a time, so only frequencies with few periods may carry filters that can match nothing."""
MAX_COUNT = 10_000
MAX_INTERVAL = 1_000
HINT_SPAN = dt.timedelta(days=366 * 5)
"""How far an error looks for a rule's first date (bounds the work a hostile rule causes)."""
ErrorSink = Callable[[str, str], None]


def normalise(text: str) -> tuple[str, str | None, str | None]:
    """(rule without UNTIL/COUNT in a fixed order, UNTIL as written, COUNT as written)."""
    raw = text.strip()
    if raw.upper().startswith("RRULE:"):
        raw = raw[6:]
    if "=" not in raw:
        raw = friendly_rule(raw)
    parts: dict[str, str] = {}
    for piece in raw.split(";"):
        if not piece.strip():
            continue
        key, eq, value = piece.partition("=")
        key, value = key.strip().upper(), value.strip().upper()
        if not eq or not value:
            raise ValueError(f"expected NAME=VALUE parts separated by ';', got {_short(piece)!r}")
        if key in parts:
            raise ValueError(f"{key} is given twice")
        if key in ("BYHOUR", "BYMINUTE", "BYSECOND"):
            raise ValueError(f"{key} is not used: the time of day comes from 'starts'")
        if key not in (*RULE_KEYS, *RULE_KEYS_TAIL, "UNTIL", "COUNT"):
            raise ValueError(f"unknown rule part {_short(key)!r}; {EXAMPLE}")
        parts[key] = value
    if parts.get("FREQ") not in FREQS:
        raise ValueError(f"FREQ must be one of {', '.join(FREQS)}; {EXAMPLE}")
    freq = parts["FREQ"]
    for key, allowed in ONLY_WITH.items():
        if key in parts and freq not in allowed:
            raise ValueError(f"{key} goes with FREQ={' or '.join(allowed)}, not {freq}; {EXAMPLE}")
    if freq in ("DAILY", "WEEKLY") and any(
        not d.strip()[:-2].isalpha() and d.strip()[:-2] for d in parts.get("BYDAY", "").split(",")
    ):
        raise ValueError(f"BYDAY with a number (1TH) goes with FREQ=MONTHLY or YEARLY; {EXAMPLE}")
    _check_possible(parts)
    for key, top in (("INTERVAL", MAX_INTERVAL), ("COUNT", MAX_COUNT)):
        if key in parts and not 1 <= (_number(parts[key]) or 0) <= top:
            got = _short(parts[key])
            raise ValueError(f"{key} must be a whole number from 1 to {top}, got {got}")
    if parts.get("INTERVAL") == "1":
        del parts["INTERVAL"]
    core = ";".join(f"{k}={parts[k]}" for k in (*RULE_KEYS, *RULE_KEYS_TAIL) if k in parts)
    return core, parts.get("UNTIL"), parts.get("COUNT")


_DAYS_IN = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_RANGES = {"BYMONTH": (1, 12), "BYMONTHDAY": (1, 31), "BYYEARDAY": (1, 366), "BYWEEKNO": (1, 53)}


def _numbers(parts: Mapping[str, str], key: str, low: int, high: int) -> list[int]:
    """The values of a numeric part, each checked to be in ±low..high (ValueError if not)."""
    out: list[int] = []
    for raw in parts[key].split(",") if key in parts else ():
        n = _signed(raw.strip())
        if n is None or not low <= abs(n) <= high or (n < 0 and key == "BYMONTH"):
            raise ValueError(f"{key} values go from {low} to {high}, got {_short(raw)}")
        out.append(n)
    return out


def _signed(text: str) -> int | None:
    """``3``, ``+3`` or ``-3`` as a number, else None."""
    sign = -1 if text.startswith("-") else 1
    n = _number(text[1:] if text[:1] in ("+", "-") else text)
    return None if n is None else sign * n


def _check_possible(parts: Mapping[str, str]) -> None:
    """Refuse the rules that can give no date at all (Feb 30, the 6th Thursday): dateutil
    would look for one until the year 9999. What is left always has dates within years."""
    months = _numbers(parts, "BYMONTH", *_RANGES["BYMONTH"]) or list(range(1, 13))
    monthdays = _numbers(parts, "BYMONTHDAY", *_RANGES["BYMONTHDAY"])
    yeardays = _numbers(parts, "BYYEARDAY", *_RANGES["BYYEARDAY"])
    weeknos = _numbers(parts, "BYWEEKNO", *_RANGES["BYWEEKNO"])
    if monthdays and not any(abs(d) <= _DAYS_IN[m - 1] for m in months for d in monthdays):
        raise ValueError("BYMONTH and BYMONTHDAY name no day that exists (like 30 February)")
    if (yeardays or weeknos) and ("BYMONTH" in parts or monthdays):
        raise ValueError("BYYEARDAY and BYWEEKNO do not combine with BYMONTH or BYMONTHDAY here")
    days = [d.strip() for d in parts["BYDAY"].split(",")] if "BYDAY" in parts else []
    plain = 0
    for day in days:
        nth = _signed(day[:-2]) if day[:-2] else 0
        if day[-2:] not in WEEKDAY_NAME or nth is None:
            raise ValueError(f"BYDAY takes days like TH, 1TH or -1FR, got {_short(day)}")
        if not nth:
            plain += 1
            continue
        top = 53 if parts["FREQ"] == "YEARLY" and "BYMONTH" not in parts else 5
        if not 1 <= abs(nth) <= top:
            raise ValueError(f"BYDAY={day}: a {'year' if top == 53 else 'month'} has at most {top}")
        if monthdays or yeardays or weeknos:
            raise ValueError(f"BYDAY={day} does not combine with BYMONTHDAY, BYYEARDAY or BYWEEKNO")
    if "BYSETPOS" in parts:
        top = 4 * plain  # each weekday comes at least four times a month
        if plain != len(days) or not days or monthdays or yeardays or weeknos:
            raise ValueError("BYSETPOS is supported with plain BYDAY days (MO,TU,WE,TH,FR) only")
        if parts["FREQ"] == "YEARLY" and "BYMONTH" not in parts:
            raise ValueError("BYSETPOS in a yearly rule needs BYMONTH")
        _numbers(parts, "BYSETPOS", 1, top)


def _until_from_rule(text: str, zone: ZoneInfo) -> dt.datetime:
    """An RRULE UNTIL (``20261231``, ``20261231T170000Z`` or local) in the event's zone."""
    try:
        if len(text) == 8:
            day = dt.datetime.strptime(text + "+0000", "%Y%m%d%z")
            return day.replace(hour=23, minute=59, second=59, tzinfo=zone)
        utc = text.endswith("Z")
        moment = dt.datetime.strptime(text.removesuffix("Z") + "+0000", "%Y%m%dT%H%M%S%z")
    except ValueError:
        shown = _short(text)
        raise ValueError(f"UNTIL={shown} is not a date like 20261231 or 20261231T170000Z") from None
    return moment.replace(tzinfo=dt.UTC).astimezone(zone) if utc else moment.replace(tzinfo=zone)


def _until(value: object, zone: ZoneInfo) -> dt.datetime:
    """``until:`` from front matter: a date means the end of that day in the event's zone."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day, 23, 59, 59, tzinfo=zone)
    if isinstance(value, str) and len(value.strip()) == 10:
        day = to_datetime(value, zone)
        return day.replace(hour=23, minute=59, second=59)
    return to_datetime(value, zone).astimezone(zone)


def skipped_time(value: dt.datetime, zone: ZoneInfo) -> str | None:
    """Why a local time in ``zone`` cannot be held, or None: a time the clocks skip when they
    go forward (02:30 on a spring DST day) is read differently by calendar apps."""
    if value.tzinfo is not zone:
        return None  # written with an offset: an instant, not a wall-clock time
    real = value.astimezone(dt.UTC).astimezone(zone)
    if real.replace(tzinfo=None) == value.replace(tzinfo=None):
        return None
    return (
        f"{value:%H:%M} on {day_text(value.date())} does not exist in {zone.key}: the clocks "
        f"go forward over it (the same moment is {real:%H:%M} {real.tzname()})"
    )


def _is_day(value: object) -> bool:
    """A date without a time (``2026-04-09``, as YAML reads it or as text)."""
    if isinstance(value, str):
        try:
            dt.date.fromisoformat(value.strip())
        except ValueError:
            return False
        return True
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _day_of(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    raise ValueError(f"expected a date like 2026-08-06, got {shown_value(value)}")


def _date_on(rule: Any, day: dt.date, zone: ZoneInfo) -> dt.datetime:
    """The rule's date on ``day``; ValueError naming the nearest dates when it has none."""
    start = dt.datetime(day.year, day.month, day.day, tzinfo=zone)
    end = start + dt.timedelta(days=1)
    found = rule.between(start, end - dt.timedelta(microseconds=1), inc=True)
    if found:
        return found[0]  # type: ignore[no-any-return]
    near = [d for d in (rule.before(start), rule.after(end, inc=True)) if d is not None]
    hint = " or ".join(day_text(d.date()) for d in near)
    raise ValueError(
        f"{day_text(day)} is not one of the event's dates" + (f" (nearest: {hint})" if hint else "")
    )


def _held(value: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """A moved date's start or end in the event's zone; ValueError for a skipped time."""
    if (problem := skipped_time(value, zone)) is not None and value.time() != dt.time():
        raise ValueError(problem)
    return value.astimezone(zone)


def _override(
    value: object, original: dt.datetime, duration: dt.timedelta | None, zone: ZoneInfo
) -> Moved | None:
    """One ``overrides`` entry: a new start (text or date-time), or a map; None = cancelled."""
    fields: Mapping[str, Any]
    if isinstance(value, Mapping):
        fields = value
    elif isinstance(value, (str, dt.date)):
        fields = {"starts": value}
    else:
        raise ValueError(
            f"expected a new start like 2026-04-09T18:00 (or a date: the same time that day) "
            f"or a map of starts, ends, location, cancelled; got {shown_value(value)}"
        )
    unknown = sorted(str(k) for k in fields if k not in ("starts", "ends", "location", "cancelled"))
    if unknown:
        raise ValueError(f"unknown key {unknown[0]!r}; use starts, ends, location or cancelled")
    cancelled = fields.get("cancelled", False)
    if not isinstance(cancelled, bool):
        raise ValueError(f"cancelled: expected true or false, got {shown_value(cancelled)}")
    if cancelled:
        if len(fields) > 1:
            raise ValueError("a cancelled date takes no other keys")
        return None
    starts = original
    if "starts" in fields and _is_day(fields["starts"]):  # a date alone: the same time then
        day = _day_of(fields["starts"])
        starts = _held(dt.datetime.combine(day, original.time()).replace(tzinfo=zone), zone)
    elif "starts" in fields:
        starts = _held(to_datetime(fields["starts"], zone), zone)
    ends = None
    if fields.get("ends") is not None:
        ends = _held(to_datetime(fields["ends"], zone), zone)
        if ends < starts:
            raise ValueError("its 'ends' is before its 'starts'")
    elif duration is not None:
        ends = starts + duration
    location = fields.get("location")
    if location is not None and not isinstance(location, str):
        raise ValueError(f"location: expected text, got {shown_value(location)}")
    return Moved(original, starts, ends, location.strip() if location else None)


class _Refused(Exception):
    """A problem with one key of a repeating event: reported, and the event taken as none."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key, self.message = key, message


def parse_repeat(
    meta: Mapping[str, Any],
    starts: dt.datetime,
    ends: dt.datetime | None,
    zone: ZoneInfo,
    error: ErrorSink,
) -> Recurrence | None:
    """The event's :class:`Recurrence`, or None (one-off, or a problem reported to ``error``)."""
    if "repeat" not in meta:
        for key in sorted(REPEAT_KEYS & set(meta)):
            error(key, "only means something with 'repeat:' (the event happens once)")
        return None
    value = meta["repeat"]
    if not isinstance(value, str) or not value.strip():
        error("repeat", f"expected a rule, {EXAMPLE}; got {shown_value(value)}")
        return None
    starts = starts.astimezone(zone)
    try:
        core, until, count = _bounds(meta, value, starts, zone)
        rule = _rule(core, starts, until, count)
        duration = ends - starts if ends is not None else None
        skipped, moved = _changes(meta, rule, duration, zone)
    except _Refused as refused:
        if refused.key in meta or refused.key == "repeat":
            error(refused.key, refused.message)
        else:  # the rule's own UNTIL or COUNT: the repeat key's line
            error("repeat", f"its {refused.key.upper()} {refused.message}")
        return None
    return Recurrence(
        rule=core,
        until=until,
        count=count,
        skipped=tuple(skipped[k] for k in sorted(skipped)),
        moved=tuple(sorted(moved, key=lambda m: m.original.timestamp())),
    )


def _bounds(
    meta: Mapping[str, Any], value: str, starts: dt.datetime, zone: ZoneInfo
) -> tuple[str, dt.datetime | None, int | None]:
    """The rule without UNTIL and COUNT, and the end the rule or the keys give it: an
    ``until`` date or a ``count`` of dates, not both."""
    try:
        core, rule_until, rule_count = normalise(value)
        until = _until_from_rule(rule_until, zone) if rule_until else None
        count = int(rule_count) if rule_count else None  # digits: normalise checked
    except ValueError as exc:
        raise _Refused("repeat", str(exc)) from None
    try:
        if "until" in meta:
            if until is not None:
                raise ValueError("UNTIL is already in the rule")
            until = _until(meta["until"], zone)
    except ValueError as exc:
        raise _Refused("until", str(exc)) from None
    if "count" in meta:
        raw = meta["count"]
        if not isinstance(raw, int) or isinstance(raw, bool) or count is not None:
            message = f"expected a whole number of dates (once), got {shown_value(raw)}"
            raise _Refused("count", message)
        count = raw
    if until is not None and count is not None:
        raise _Refused("repeat", "give either until or count, not both (RFC 5545)")
    if count is not None and not 1 <= count <= MAX_COUNT:
        raise _Refused("count", f"expected 1 to {MAX_COUNT} dates, got {count}")
    if until is not None and until < starts:
        raise _Refused("until", f"is before 'starts' ({day_text(starts.date())})")
    return core, until, count


def _rule(core: str, starts: dt.datetime, until: dt.datetime | None, count: int | None) -> Any:
    """The rule's dates (dateutil's rrule), which must include ``starts`` itself."""
    try:
        rule = build_rule(core, starts, until, count)
        on_start = next(iter(build_rule(core, starts, starts, None)), None)
        first = None
        if on_start is None:  # say which date would do, looking a bounded span ahead
            horizon = min(until or starts + HINT_SPAN, starts + HINT_SPAN)
            first = next(iter(build_rule(core, starts, horizon, None)), None)
    except Exception as exc:  # dateutil raises ValueError, KeyError, IndexError on bad parts
        raise _Refused("repeat", f"not a valid rule ({core}): {exc}; {EXAMPLE}") from None
    if on_start is None:
        hint = (
            f"make 'starts' the first date, {day_text(first.date())}"
            if first is not None
            else f"it gives no date in the {HINT_SPAN.days // 366} years after it"
        )
        message = f"'starts' ({day_text(starts.date())}) is not one of its dates; {hint}"
        raise _Refused("repeat", message)
    return rule


def _changes(
    meta: Mapping[str, Any], rule: Any, duration: dt.timedelta | None, zone: ZoneInfo
) -> tuple[dict[float, dt.datetime], list[Moved]]:
    """The dates skipped (``except``, and overrides to nothing) by timestamp, and the dates
    moved (``overrides``); each must be one of the rule's dates."""
    skipped: dict[float, dt.datetime] = {}
    moved: list[Moved] = []
    raw_except = meta.get("except") or []
    for entry in raw_except if isinstance(raw_except, list) else [raw_except]:
        try:
            when = _date_on(rule, _day_of(entry), zone)
        except ValueError as exc:
            raise _Refused("except", str(exc)) from None
        skipped[when.timestamp()] = when
    overrides = meta.get("overrides") or {}
    if not isinstance(overrides, Mapping):
        message = f"expected a map of date: new start, got {shown_value(overrides)}"
        raise _Refused("overrides", message)
    for key, entry in overrides.items():
        try:
            original = _date_on(rule, _day_of(key), zone)
            change = _override(entry, original, duration, zone)
        except ValueError as exc:
            raise _Refused("overrides", f"{key}: {exc}") from None
        if change is None:
            skipped[original.timestamp()] = original
        elif original.timestamp() in skipped:
            raise _Refused("overrides", f"{key}: the date is also in 'except'")
        else:
            moved.append(change)
    return skipped, moved
