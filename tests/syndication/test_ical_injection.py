"""Hostile values in an event's front matter cannot add to or break the calendar we write:
a line break in a value is escaped or refused, never written as the end of a property."""

from __future__ import annotations

import re
from pathlib import Path

import icalendar
from click.testing import Result

from tests.conftest import build_events


def build(root: Path, event: str) -> tuple[Result, Path]:
    return build_events(root, {"call.md": event})


def test_a_url_with_a_line_break_is_a_content_error(tmp_path: Path) -> None:
    # written as it was, the URL ended its property and the rest became a second event
    event = (
        "---\ntitle: Call\nid: call\ndate: 2025-12-01\nstarts: 2026-01-13T18:00\n"
        'url: "https://x.example/\\r\\nEND:VEVENT\\r\\nBEGIN:VEVENT\\r\\nSUMMARY:Injected"\n'
        "---\nThe call.\n"
    )
    result, out = build(tmp_path, event)
    assert result.exit_code == 2, result.output
    assert re.search(r"call\.md:6: url: .*line break", result.output), result.output
    assert not (out / "events.ics").exists()


def test_a_carriage_return_in_a_location_stays_inside_it(tmp_path: Path) -> None:
    event = (
        "---\ntitle: Call\nid: call\ndate: 2025-12-01\nstarts: 2026-01-13T18:00\n"
        'location: "Room 1\\rEND:VEVENT\\rBEGIN:VEVENT\\rSUMMARY:Injected"\n'
        "repeat: weekly\ncount: 3\n"
        'overrides: {2026-01-20: {location: "Hall\\rEND:VEVENT"}}\n'
        "---\nThe call.\n"
    )
    result, out = build(tmp_path, event)
    assert result.exit_code == 0, result.output
    data = (out / "events.ics").read_bytes()
    assert re.search(rb"\r(?!\n)", data) is None  # every CR ends a line, with its LF
    assert re.search(rb"(?<!\r)\n", data) is None
    cal = icalendar.Calendar.from_ical(data)
    events = cal.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Call", "Call"]
    assert str(events[0]["LOCATION"]) == "Room 1\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:Injected"
    assert str(events[1]["LOCATION"]) == "Hall\nEND:VEVENT"


def test_a_line_break_in_an_id_cannot_end_the_event(tmp_path: Path) -> None:
    # the id is the UID: written raw, its CRLF ended the VEVENT and no app could read the file
    event = (
        '---\ntitle: Call\nid: "call\\r\\nEND:VEVENT"\ndate: 2025-12-01\n'
        "starts: 2026-01-13T18:00\n---\nThe call.\n"
    )
    result, out = build(tmp_path, event)
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:  # refused where ids are read: nothing written
        assert re.search(r"call\.md:\d+: id", result.output), result.output
        return
    data = (out / "events.ics").read_bytes()
    assert re.search(rb"\r(?!\n)|(?<!\r)\n", data) is None
    (only,) = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert str(only["SUMMARY"]) == "Call"
    assert str(only["UID"]).endswith("@handbook.example")


def test_an_event_url_is_written_as_a_uri(tmp_path: Path) -> None:
    """``URL`` is a URI (RFC 5545 3.8.4.6): quotes, angle brackets and letters beyond
    ASCII were written raw (``URL:https://ok.example/"><script>``), no valid URI."""
    event = (
        "---\ntitle: Call\nid: call\ndate: 2025-12-01\nstarts: 2026-01-13T18:00\n"
        "url: 'https://exämple.org/\"><script>x</script>ü'\n---\nThe call.\n"
    )
    result, out = build(tmp_path, event)
    assert result.exit_code == 0, result.output
    cal = icalendar.Calendar.from_ical((out / "events.ics").read_bytes())
    (found,) = cal.walk("VEVENT")
    assert str(found["URL"]) == (
        "https://xn--exmple-cua.org/%22%3E%3Cscript%3Ex%3C/script%3E%C3%BC"
    )
