"""The VTIMEZONE blocks of events.ics, read the way an app that ignores the zone's name reads
them (Outlook): icalendar turns our observances into a time zone, and every date of the event
must fall at the same instant as the IANA rules (zoneinfo) put it, in every year it has."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from tests.conftest import build_events


def build_ics(root: Path, events: dict[str, str]) -> bytes:
    result, out = build_events(root, events)
    assert result.exit_code == 0, result.output
    return (out / "events.ics").read_bytes()


def mismatches(data: bytes, until: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
    """Each date whose instant by our VTIMEZONE differs from its instant by zoneinfo."""
    cal = icalendar.Calendar.from_ical(data)
    ours = {str(tz["TZID"]): tz.to_tz(lookup_tzid=False) for tz in cal.walk("VTIMEZONE")}
    wrong = []
    for ev in recurring_ical_events.of(cal).between(dt.date(2000, 1, 1), until):
        start = ev.decoded("DTSTART")
        assert isinstance(start.tzinfo, ZoneInfo)
        by_vtimezone = start.replace(tzinfo=ours[start.tzinfo.key])
        if by_vtimezone.astimezone(dt.UTC) != start.astimezone(dt.UTC):
            wrong.append((start, by_vtimezone.astimezone(dt.UTC)))
    return wrong


@pytest.mark.parametrize(
    ("zone", "starts", "rule"),
    [
        ("America/New_York", "2015-01-06T18:00", "weekly on Tuesday"),
        ("Europe/London", "2015-01-13T18:00", "monthly on the second Tuesday"),
        ("Australia/Lord_Howe", "2015-01-05T01:45", "monthly on the first Monday"),
        ("America/Santiago", "2017-01-06T20:00", "every 2 weeks on Friday"),
        ("Asia/Jerusalem", "2015-01-30T18:00", "monthly on the last Friday"),
        ("Asia/Tokyo", "2015-01-30T18:00", "monthly on the last Friday"),
        # with an end, but past the ten years written out
        ("America/New_York", "2015-01-06T18:00", "weekly on Tuesday\ncount: 1000"),
        ("Europe/Berlin", "2015-01-01T18:00", "monthly on the first Thursday\nuntil: 2040-12-31"),
    ],
)
def test_a_rule_without_end_keeps_its_hour_after_the_years_written_out(
    tmp_path: Path, zone: str, starts: str, rule: str
) -> None:
    # a weekly call begun in 2015 with no end: the ten years of changes written out end in
    # 2025, and an app reading the VTIMEZONE put every summer date after that an hour off
    event = (
        f"---\ntitle: Call\nid: call\ndate: 2014-12-01\nstarts: {starts}\n"
        f"timezone: {zone}\nrepeat: {rule}\n---\nThe call.\n"
    )
    data = build_ics(tmp_path, {"call.md": event})
    assert mismatches(data, dt.date(2041, 1, 1)) == []


def test_the_offset_before_the_first_change_written_is_given(tmp_path: Path) -> None:
    # Almaty went from +06 to +05 on 1 March 2024 after years without a change: a January
    # 2024 event came before every observance written, where an app must guess the offset
    event = (
        "---\ntitle: Meetup\nid: meetup\ndate: 2023-12-01\nstarts: 2024-01-10T18:00\n"
        "timezone: Asia/Almaty\n---\nMeet.\n"
    )
    data = build_ics(tmp_path, {"meetup.md": event})
    assert mismatches(data, dt.date(2025, 1, 1)) == []


def test_an_offset_changed_between_two_events_years_apart(tmp_path: Path) -> None:
    # Almaty: +06 in 2020, +05 since March 2024, with no DST change in the years around
    # either event: the later event's hour came from the earlier one's offset
    events = {
        f"meetup-{year}.md": (
            f"---\ntitle: Meetup {year}\nid: meetup-{year}\ndate: 2019-12-01\n"
            f"starts: {year}-06-10T18:00\ntimezone: Asia/Almaty\n---\nMeet.\n"
        )
        for year in (2020, 2026)
    }
    data = build_ics(tmp_path, events)
    assert mismatches(data, dt.date(2027, 1, 1)) == []
