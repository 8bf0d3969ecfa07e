"""An event's times as the organiser writes them: a wall-clock time the clocks skip on a DST
day is refused at its line (calendar apps would each put it elsewhere), a time that happens
twice is the first of them, and a moved date may be given as a date alone."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from click.testing import Result

from tests.conftest import build_events

BERLIN = ZoneInfo("Europe/Berlin")


def build(root: Path, event: str) -> tuple[Result, Path]:
    return build_events(root, {"call.md": event})


def dates(out: Path) -> list[tuple[object, object]]:
    cal = icalendar.Calendar.from_ical((out / "events.ics").read_bytes())
    found = recurring_ical_events.of(cal).between(dt.date(2020, 1, 1), dt.date(2030, 1, 1))
    return sorted(((e.decoded("DTSTART"), e.decoded("DTEND")) for e in found), key=str)


@pytest.mark.parametrize(
    ("lines", "where"),
    [
        ("starts: 2027-03-28T02:30\nends: 2027-03-28T03:30\n", r"call\.md:5: starts: "),
        ("starts: 2027-03-28T01:30\nends: 2027-03-28T02:15\n", r"call\.md:6: ends: "),
        (
            "starts: 2027-03-21T02:30\nrepeat: weekly\ncount: 3\n"
            "overrides: {2027-03-21: 2027-03-28T02:45}\n",
            r"call\.md:8: overrides: 2027-03-21: ",
        ),
    ],
)
def test_a_time_the_clocks_skip_is_refused_at_its_line(
    tmp_path: Path, lines: str, where: str
) -> None:
    event = f"---\ntitle: Call\nid: call\ndate: 2025-12-01\n{lines}---\nThe call.\n"
    result, out = build(tmp_path, event)
    assert result.exit_code == 2, result.output
    assert re.search(where + r".*(02:30|02:15|02:45).*Europe/Berlin", result.output)
    assert not (out / "events.ics").exists()


def test_a_time_that_happens_twice_is_the_first(tmp_path: Path) -> None:
    event = (
        "---\ntitle: Call\nid: call\ndate: 2025-12-01\n"
        "starts: 2027-10-31T02:30\nends: 2027-10-31T02:45\n---\nThe call.\n"
    )
    result, out = build(tmp_path, event)
    assert result.exit_code == 0, result.output
    ((start, end),) = dates(out)
    assert isinstance(start, dt.datetime) and isinstance(end, dt.datetime)
    assert start.astimezone(dt.UTC) == dt.datetime(2027, 10, 31, 0, 30, tzinfo=dt.UTC)
    assert end - start == dt.timedelta(minutes=15)


def test_an_all_day_date_moves_to_another_date(tmp_path: Path) -> None:
    event = (
        "---\ntitle: Fair\nid: fair\ndate: 2025-12-01\nstarts: 2026-01-01\nends: 2026-01-02\n"
        "repeat: monthly on the 1st\ncount: 5\noverrides: {2026-04-01: 2026-04-03}\n"
        "---\nThe fair.\n"
    )
    result, out = build(tmp_path, event)
    assert result.exit_code == 0, result.output
    assert [start for start, _ in dates(out)] == [
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
        dt.date(2026, 3, 1),
        dt.date(2026, 4, 3),
        dt.date(2026, 5, 1),
    ]
    assert (dt.date(2026, 4, 3), dt.date(2026, 4, 5)) in dates(out)  # still two days


def test_a_timed_date_moved_to_a_date_keeps_its_time(tmp_path: Path) -> None:
    event = (
        "---\ntitle: Call\nid: call\ndate: 2025-12-01\n"
        "starts: 2026-01-01T18:00\nends: 2026-01-01T19:30\n"
        "repeat: monthly on the first Thursday\ncount: 4\n"
        "overrides: {2026-04-02: 2026-04-09}\n---\nThe call.\n"
    )
    result, out = build(tmp_path, event)
    assert result.exit_code == 0, result.output
    moved = dt.datetime(2026, 4, 9, 18, 0, tzinfo=BERLIN)
    assert (moved, moved + dt.timedelta(minutes=90)) in dates(out)
    assert all(start != dt.datetime(2026, 4, 2, 18, 0, tzinfo=BERLIN) for start, _ in dates(out))
