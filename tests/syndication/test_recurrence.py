"""Recurring events: the rule as written, the calendar two libraries read, pages and digests.

Our .ics is read back by ``icalendar`` + ``recurring-ical-events`` and its dates compared
with python-dateutil's expansion of the rule as the author wrote it and with our own
:func:`upcoming`, across the spring and autumn DST changes of Berlin and New York (which
change on different Sundays).
"""

from __future__ import annotations

import datetime as dt
import itertools
import textwrap
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import html5lib
import icalendar
import pytest
import recurring_ical_events
from click.testing import CliRunner
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.build.run import BuildResult
from pipeline.build.run import build as build_site
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.load.loader import load_site
from pipeline.load.repeat import friendly_rule, normalise, parse_repeat
from pipeline.model import guid_for
from pipeline.support.recurrence import rule_text, upcoming

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")

CONFIG = """\
[site]
title = "Living Handbook"
base_url = "https://handbook.example/"
timezone = "Europe/Berlin"
pages = true

[newsletter]
backend = "outbox"
list_name = "Handbook digest"
from_address = "digest@handbook.example"
unsubscribe_url = "https://handbook.example/unsubscribe"
"""

CALL = """\
---
title: Network call
id: network-call
date: 2025-12-01
starts: 2026-01-01T18:00
ends: 2026-01-01T19:30
location: Online (link on the forum)
repeat: monthly on the first Thursday
until: 2027-06-30
except: [2026-08-06]
overrides:
  2026-04-02: 2026-04-09T18:00
  2026-10-01: {location: "Room 2, Town Hall"}
  2026-12-03: {cancelled: true}
---
Our monthly call: news, questions, introductions.
"""

MEETUP = """\
---
title: New York meetup
id: ny-meetup
date: 2025-12-01
starts: 2026-01-06T19:00
ends: 2026-01-06T21:00
timezone: America/New_York
location: The Loft
repeat: FREQ=WEEKLY;INTERVAL=2;BYDAY=TU
count: 30
---
Every other Tuesday.
"""


def make_site(root: Path, events: dict[str, str]) -> Path:
    (root / "content" / "events").mkdir(parents=True)
    (root / "publish.toml").write_text(CONFIG)
    for name, text in events.items():
        (root / "content" / "events" / name).write_text(text)
    return root


def build(runner: CliRunner, site: Path) -> Path:
    out = site / "out"
    result = runner.invoke(
        main, ["build", "--config", str(site / "publish.toml"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    return out


# -- the rule as written ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("monthly on the first Thursday", "FREQ=MONTHLY;BYDAY=1TH"),
        ("Monthly, first Thursday", "FREQ=MONTHLY;BYDAY=1TH"),
        ("every first Thursday of the month", "FREQ=MONTHLY;BYDAY=1TH"),
        ("weekly on Tuesday", "FREQ=WEEKLY;BYDAY=TU"),
        ("every Tuesday", "FREQ=WEEKLY;BYDAY=TU"),
        ("every 2 weeks on Monday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
        ("every other week on Monday and Wednesday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE"),
        ("fortnightly on Fridays", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"),
        ("monthly on the last Friday", "FREQ=MONTHLY;BYDAY=-1FR"),
        ("monthly on the 15th", "FREQ=MONTHLY;BYMONTHDAY=15"),
        ("every 3 months on the second Tuesday", "FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU"),
        ("daily", "FREQ=DAILY"),
        ("yearly", "FREQ=YEARLY"),
    ],
)
def test_friendly_forms_become_rrules(text: str, rule: str) -> None:
    assert friendly_rule(text) == rule
    assert normalise(text)[0] == rule


def test_rrule_text_is_normalised_and_until_count_taken_out() -> None:
    assert normalise("rrule:byday=1th;freq=monthly;interval=1;until=20261231") == (
        "FREQ=MONTHLY;BYDAY=1TH",
        "20261231",
        None,
    )
    assert normalise("FREQ=WEEKLY;COUNT=5;BYDAY=TU,TH") == ("FREQ=WEEKLY;BYDAY=TU,TH", None, "5")


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=MONTHLY;BYDAY=1TH", "every month on the first Thursday"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE", "every other week on Monday and Wednesday"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "every month on the last Friday"),
        ("FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=21", "every year on the 21st in March"),
        ("FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2", "repeats FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2"),
    ],
)
def test_rules_in_words(rule: str, words: str) -> None:
    assert rule_text(rule) == words


# -- the calendar, read by two libraries ----------------------------------------------------
def _dateutil_dates(text: str, start: dt.datetime) -> list[dt.datetime]:
    """The author's rule expanded by dateutil alone, from the front matter as written."""
    return list(rrulestr(text, dtstart=start))


def test_ics_expands_the_same_in_two_libraries_across_dst(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"call.md": CALL, "meetup.md": MEETUP})
    out = build(CliRunner(), site)
    data = (out / "events.ics").read_bytes()
    text = data.decode()
    assert "RRULE:FREQ=MONTHLY;BYDAY=1TH;UNTIL=20270630T215959Z\r\n" in text
    assert "EXDATE;TZID=Europe/Berlin:20260806T180000\r\n" in text
    assert "EXDATE;TZID=Europe/Berlin:20261203T180000\r\n" in text  # the cancelled one
    assert "RECURRENCE-ID;TZID=Europe/Berlin:20260402T180000\r\n" in text
    assert "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=30\r\n" in text

    cal = icalendar.Calendar.from_ical(data)
    window = (dt.datetime(2025, 1, 1, tzinfo=dt.UTC), dt.datetime(2028, 1, 1, tzinfo=dt.UTC))
    theirs: dict[str, list[tuple[dt.datetime, dt.datetime, str]]] = {}
    for ev in recurring_ical_events.of(cal).between(*window):
        theirs.setdefault(str(ev["SUMMARY"]), []).append(
            (ev.decoded("DTSTART"), ev.decoded("DTEND"), str(ev.get("LOCATION", "")))
        )
    for found in theirs.values():
        found.sort()

    # the Berlin call: dateutil's reading of the author's rule, minus except/cancelled, moved
    rule = _dateutil_dates(
        "RRULE:FREQ=MONTHLY;BYDAY=1TH;UNTIL=20270630T215959Z",
        dt.datetime(2026, 1, 1, 18, 0, tzinfo=BERLIN),
    )
    skipped = {dt.date(2026, 8, 6), dt.date(2026, 12, 3)}
    expected = []
    for day in rule:
        if day.date() in skipped:
            continue
        start = (
            dt.datetime(2026, 4, 9, 18, 0, tzinfo=BERLIN)
            if day.date() == dt.date(2026, 4, 2)
            else day
        )
        place = (
            "Room 2, Town Hall"
            if day.date() == dt.date(2026, 10, 1)
            else "Online (link on the forum)"
        )
        expected.append((start, start + dt.timedelta(minutes=90), place))
    call = theirs["Network call"]
    assert [(s.astimezone(dt.UTC), e.astimezone(dt.UTC), p) for s, e, p in call] == [
        (s.astimezone(dt.UTC), e.astimezone(dt.UTC), p) for s, e, p in expected
    ]
    assert len(call) == 16  # 18 first Thursdays, one skipped, one cancelled
    # wall-clock 18:00 in Berlin on both sides of DST (29 March and 25 October 2026)
    assert {s.astimezone(BERLIN).time() for s, _, _ in call} == {dt.time(18, 0)}
    offsets = {s.date(): s.utcoffset() for s, _, _ in call}
    assert offsets[dt.date(2026, 3, 5)] == dt.timedelta(hours=1)
    assert offsets[dt.date(2026, 4, 9)] == dt.timedelta(hours=2)
    assert offsets[dt.date(2026, 11, 5)] == dt.timedelta(hours=1)

    # the New York meetup: every other Tuesday, 30 times, through both US DST changes
    rule = _dateutil_dates(
        "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=30",
        dt.datetime(2026, 1, 6, 19, 0, tzinfo=NEW_YORK),
    )
    meetup = theirs["New York meetup"]
    assert [s.astimezone(dt.UTC) for s, _, _ in meetup] == [d.astimezone(dt.UTC) for d in rule]
    assert len(meetup) == 30
    assert {s.astimezone(NEW_YORK).time() for s, _, _ in meetup} == {dt.time(19, 0)}
    ny = {s.date(): s.astimezone(dt.UTC).hour for s, _, _ in meetup}
    assert ny[dt.date(2026, 3, 3)] == 0 and ny[dt.date(2026, 3, 17)] == 23  # 8 March
    assert ny[dt.date(2026, 10, 27)] == 23 and ny[dt.date(2026, 11, 10)] == 0  # 1 November

    # our own expansion agrees with both
    cfg = load_config(site / "publish.toml")
    loaded = {i.id: i for i in load_site(cfg, site / "content").items}
    for item_id, title in (("network-call", "Network call"), ("ny-meetup", "New York meetup")):
        event = loaded[item_id].event
        assert event is not None
        ours = upcoming(event, window[0], 100)
        assert [(o.starts.astimezone(dt.UTC), o.location or "") for o in ours] == [
            (s.astimezone(dt.UTC), p) for s, _, p in theirs[title]
        ]


def test_ics_bytes_are_stable_and_lines_folded(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"call.md": CALL, "meetup.md": MEETUP})
    runner = CliRunner()
    first = (build(runner, site) / "events.ics").read_bytes()
    (site / "out" / "events.ics").unlink()
    assert (build(runner, site) / "events.ics").read_bytes() == first
    assert all(len(line) <= 75 for line in first.split(b"\r\n"))
    # a moved date is its own VEVENT with the master's UID
    cal = icalendar.Calendar.from_ical(first)
    uids = [str(e["UID"]) for e in cal.walk("VEVENT") if "network-call" in str(e["UID"])]
    assert len(uids) == 3 and len(set(uids)) == 1


def test_all_day_repeat_uses_dates(tmp_path: Path) -> None:
    fair = textwrap.dedent("""\
        ---
        title: Repair fair
        date: 2025-12-01
        starts: 2026-03-21
        repeat: yearly
        count: 3
        except: [2027-03-21]
        ---
        Bring what is broken.
        """)
    out = build(CliRunner(), make_site(tmp_path, {"fair.md": fair}))
    text = (out / "events.ics").read_bytes().decode()
    assert "DTSTART;VALUE=DATE:20260321\r\n" in text
    assert "RRULE:FREQ=YEARLY;COUNT=3\r\n" in text
    assert "EXDATE;VALUE=DATE:20270321\r\n" in text
    cal = icalendar.Calendar.from_ical(text)
    days = sorted(
        e.decoded("DTSTART")
        for e in recurring_ical_events.of(cal).between(dt.date(2025, 1, 1), dt.date(2030, 1, 1))
    )
    assert days == [dt.date(2026, 3, 21), dt.date(2028, 3, 21)]


# -- pages and digests ----------------------------------------------------------------------
def test_page_says_the_schedule_in_words(tmp_path: Path) -> None:
    out = build(CliRunner(), make_site(tmp_path, {"call.md": CALL}))
    page = html5lib.parse((out / "events" / "call" / "index.html").read_bytes())
    texts = ["".join(p.itertext()) for p in page.iter("{http://www.w3.org/1999/xhtml}p")]
    when = next(t for t in texts if t.startswith("When:"))
    assert when == (
        "When: Every month on the first Thursday, 18:00–19:30 CET (Europe/Berlin), from "
        "Thursday 1 January 2026 until Wednesday 30 June 2027. Not on Thursday 6 August 2026 "
        "and Thursday 3 December 2026. Thursday 2 April 2026 moves to Thursday 9 April 2026, "
        "18:00–19:30 CEST (Europe/Berlin). Thursday 1 October 2026 is at Room 2, Town Hall. "
        "· Where: Online (link on the forum)"
    )


def _next_line(out: Path) -> str:
    page = html5lib.parse((out / "events" / "call" / "index.html").read_bytes())
    (found,) = [
        "".join(p.itertext())
        for p in page.iter("{http://www.w3.org/1999/xhtml}p")
        if "next" in p.get("class", "")
    ]
    return found


def test_page_lists_the_next_dates_and_is_rebuilt_when_one_is_over(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"call.md": CALL})
    cfg = load_config(site / "publish.toml")
    out, cache = site / "out", site / ".cache"

    def run(now: dt.datetime) -> BuildResult:
        return build_site(cfg, site / "content", out, now=now, cache_dir=cache)

    run(dt.datetime(2026, 3, 2, tzinfo=dt.UTC))
    assert _next_line(out) == (
        "Next: Thursday 5 March 2026, 18:00–19:30 CET (Europe/Berlin); Thursday 9 April 2026, "
        "18:00–19:30 CEST (Europe/Berlin) (moved from Thursday 2 April 2026); Thursday 7 May "
        "2026, 18:00–19:30 CEST (Europe/Berlin)"
    )
    first = (out / "events/call/index.html").read_bytes()
    # the same day: nothing to do; the manifest knows when the page falls due
    assert run(dt.datetime(2026, 3, 5, 17, 0, tzinfo=dt.UTC)).written == ()
    assert (out / "events/call/index.html").read_bytes() == first
    # once the 5 March call is over, the next build rewrites the page (and nothing else)
    later = run(dt.datetime(2026, 3, 5, 18, 31, tzinfo=dt.UTC))
    assert later.written == ("events/call/index.html",)
    assert _next_line(out).startswith("Next: Thursday 9 April 2026, 18:00–19:30 CEST")
    run(dt.datetime(2026, 9, 20, tzinfo=dt.UTC))
    assert _next_line(out) == (
        "Next: Thursday 1 October 2026, 18:00–19:30 CEST (Europe/Berlin) at Room 2, Town Hall; "
        "Thursday 5 November 2026, 18:00–19:30 CET (Europe/Berlin); Thursday 7 January 2027, "
        "18:00–19:30 CET (Europe/Berlin)"
    )
    run(dt.datetime(2027, 7, 1, tzinfo=dt.UTC))
    assert _next_line(out) == "No dates to come."


def test_upcoming_feed_lists_the_next_dates_of_every_event(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"call.md": CALL, "meetup.md": MEETUP})
    toml = site / "publish.toml"
    toml.write_text(
        toml.read_text().replace("pages = true\n", "pages = true\n\n[feeds]\nupcoming = 4\n")
    )
    cfg = load_config(toml)
    out, cache = site / "out", site / ".cache"
    build_site(
        cfg, site / "content", out, now=dt.datetime(2026, 3, 20, tzinfo=dt.UTC), cache_dir=cache
    )
    atom = feedparser.parse((out / "upcoming/atom.xml").read_bytes())
    rss = feedparser.parse((out / "upcoming/rss.xml").read_bytes())
    assert not atom.bozo and not rss.bozo
    expected = [
        (
            "ny-meetup/20260331T230000Z",
            "New York meetup — Tuesday 31 March 2026, 19:00–21:00 EDT (America/New_York)",
        ),
        (
            "network-call/20260402T160000Z",
            "Network call — Thursday 9 April 2026, 18:00–19:30 CEST (Europe/Berlin)",
        ),
        (
            "ny-meetup/20260414T230000Z",
            "New York meetup — Tuesday 14 April 2026, 19:00–21:00 EDT (America/New_York)",
        ),
        (
            "ny-meetup/20260428T230000Z",
            "New York meetup — Tuesday 28 April 2026, 19:00–21:00 EDT (America/New_York)",
        ),
    ]
    for feed in (atom, rss):
        assert [(e.id, e.title) for e in feed.entries] == [(guid_for(i), t) for i, t in expected]
    assert atom.entries[1].summary.startswith(
        "When: Thursday 9 April 2026, 18:00–19:30 CEST (Europe/Berlin). Where: Online (link on the forum). Our monthly call"
    )
    assert "upcoming/atom.xml" in (out / "index.html").read_text()
    first = (out / "upcoming/atom.xml").read_bytes()
    # later the same day nothing changes; once the meetup is over the feed moves on, and the
    # entries still listed keep their GUIDs
    later = build_site(
        cfg, site / "content", out, now=dt.datetime(2026, 3, 31, 22, tzinfo=dt.UTC), cache_dir=cache
    )
    assert later.written == () and (out / "upcoming/atom.xml").read_bytes() == first
    build_site(
        cfg, site / "content", out, now=dt.datetime(2026, 4, 1, 2, tzinfo=dt.UTC), cache_dir=cache
    )
    atom = feedparser.parse((out / "upcoming/atom.xml").read_bytes())
    assert [e.id for e in atom.entries][:3] == [guid_for(i) for i, _ in expected[1:]]


@pytest.mark.parametrize(
    ("epoch_day", "when", "where"),
    [
        (
            dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
            "When: Thursday 5 March 2026, 18:00–19:30 CET (Europe/Berlin)",
            "Where: Online (link on the forum)",
        ),
        (
            dt.datetime(2026, 3, 6, tzinfo=dt.UTC),  # 2 April moved to 9 April, after DST
            "When: Thursday 9 April 2026, 18:00–19:30 CEST (Europe/Berlin)",
            "Where: Online (link on the forum)",
        ),
        (
            dt.datetime(2026, 9, 20, tzinfo=dt.UTC),
            "When: Thursday 1 October 2026, 18:00–19:30 CEST (Europe/Berlin)",
            "Where: Room 2, Town Hall",
        ),
        (
            dt.datetime(2026, 11, 6, tzinfo=dt.UTC),  # 3 December is cancelled
            "When: Thursday 7 January 2027, 18:00–19:30 CET (Europe/Berlin)",
            "Where: Online (link on the forum)",
        ),
    ],
)
def test_digest_announces_the_next_date(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    epoch_day: dt.datetime,
    when: str,
    where: str,
) -> None:
    site = make_site(tmp_path, {"call.md": CALL})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(epoch_day.timestamp())))
    result = CliRunner().invoke(main, ["digest", "--config", str(site / "publish.toml")])
    assert result.exit_code == 0, result.output
    (txt,) = (site / "outbox").glob("*.txt")
    lines = txt.read_text().splitlines()
    assert when in lines and where in lines
    (page,) = (site / "outbox").glob("*.html")
    doc = html5lib.parse(page.read_bytes())
    found = [
        "".join(p.itertext())
        for p in doc.iter("{http://www.w3.org/1999/xhtml}p")
        if "when" in p.get("class", "")
    ]
    assert found == [when + where]


# -- validation ------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=60),
        st.lists(
            st.sampled_from(
                [
                    "FREQ=",
                    "MONTHLY",
                    "DAILY",
                    "YEARLY",
                    ";",
                    "=",
                    ",",
                    "BYDAY",
                    "BYMONTH",
                    "BYMONTHDAY",
                    "BYSETPOS",
                    "BYYEARDAY",
                    "BYWEEKNO",
                    "INTERVAL",
                    "COUNT",
                    "UNTIL",
                    "1",
                    "-1",
                    "31",
                    "2",
                    "0",
                    "5",
                    "TH",
                    "1TH",
                    "-1FR",
                    "+2",
                    "20261231",
                    "every",
                    "on",
                    "the",
                    "first",
                    "last",
                    "Thursday",
                    "weeks",
                    "month",
                    "and",
                    " ",
                ]
            ),
            max_size=12,
        ).map("".join),
    )
)
def test_any_rule_text_is_read_or_refused_with_a_message(text: str) -> None:
    starts = dt.datetime(2026, 1, 1, 18, 0, tzinfo=BERLIN)
    problems: list[tuple[str, str]] = []
    found = parse_repeat(
        {"repeat": text}, starts, None, BERLIN, lambda k, m: problems.append((k, m))
    )
    assert (found is None) == bool(problems)
    if found is not None:  # what we accept, dateutil expands from 'starts' on
        assert upcoming_dates(found.rule, starts)[0] == starts
    assert all(len(message) < 400 for _, message in problems)


def upcoming_dates(rule: str, starts: dt.datetime) -> list[dt.datetime]:
    return list(itertools.islice(rrulestr("RRULE:" + rule, dtstart=starts), 3))


def _event(extra: str, starts: str = "2026-01-01T18:00") -> str:
    return f"---\ntitle: Call\ndate: 2025-12-01\nstarts: {starts}\n{extra}---\nText.\n"


@pytest.mark.parametrize(
    ("extra", "starts", "expected"),
    [
        ("repeat: monthly on the firstt Thursday\n", None, ":5: repeat: cannot read 'firstt'"),
        ("repeat: FREQ=HOURLY\n", None, ":5: repeat: FREQ must be one of"),
        ("repeat: FREQ=MONTHLY;BYDAY=1TH;BYHOUR=9\n", None, ":5: repeat: BYHOUR is not used"),
        ("repeat: FREQ=MONTHLY;BYDAY=1XX\n", None, ":5: repeat: BYDAY takes days like"),
        (
            "repeat: FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30\n",
            None,
            ":5: repeat: BYMONTH and BYMONTHDAY",
        ),
        ("repeat: FREQ=MONTHLY;BYDAY=6TH\n", None, ":5: repeat: BYDAY=6TH: a month has at most 5"),
        ("repeat: FREQ=DAILY;BYMONTHDAY=1\n", None, ":5: repeat: BYMONTHDAY goes with FREQ="),
        ("repeat: FREQ=MONTHLY;INTERVAL=0\n", None, ":5: repeat: INTERVAL must be a whole number"),
        ("repeat: FREQ=MONTHLY;BYDAY=--1TH\n", None, ":5: repeat: BYDAY takes days like"),
        ("repeat: FREQ=MONTHLY;COLOR=RED\n", None, ":5: repeat: unknown rule part 'COLOR'"),
        (
            "repeat: monthly on the first Thursday\n",
            "2026-01-07T18:00",
            ":5: repeat: 'starts' (Wednesday 7 January 2026) is not one of its dates; make "
            "'starts' the first date, Thursday 5 February 2026",
        ),
        (
            "repeat: monthly on the first Thursday\nuntil: 2026-06-30\ncount: 3\n",
            None,
            ":5: repeat: give either until or count",
        ),
        (
            "repeat: weekly on Thursday\nexcept: [2026-01-09]\n",
            None,
            ":6: except: Friday 9 January 2026 is not one of the event's dates (nearest: "
            "Thursday 8 January 2026 or Thursday 15 January 2026)",
        ),
        (
            "repeat: weekly on Thursday\noverrides:\n  2026-01-08: {room: 2}\n",
            None,
            ":6: overrides: 2026-01-08: unknown key 'room'",
        ),
        ("until: 2026-06-30\n", None, ":5: until: only means something with 'repeat:'"),
        ("repeat: [monthly]\n", None, ":5: repeat: expected a rule"),
        ("repeat: monthly\nuntil: 2025-06-30\n", None, ":6: until: is before 'starts'"),
    ],
)
def test_bad_rules_name_file_line_and_field(
    tmp_path: Path, extra: str, starts: str | None, expected: str
) -> None:
    site = make_site(tmp_path, {"call.md": _event(extra, starts or "2026-01-01T18:00")})
    out = site / "out"
    result = CliRunner().invoke(
        main, ["build", "--config", str(site / "publish.toml"), "--out", str(out)]
    )
    assert result.exit_code == 2, result.output
    assert f"events/call.md{expected}" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()  # nothing half-written


def test_an_unreadable_rule_of_escaped_characters_is_named_briefly() -> None:
    """A rule of control and astral characters was shown twice, each escaped to ten
    characters (hypothesis found a 400-character message): shown once, cut by its shown
    length."""
    text = "0" * 28 + "\x1b" * 9 + "\U0001089f" * 8
    starts = dt.datetime(2026, 1, 1, 18, 0, tzinfo=BERLIN)
    problems: list[tuple[str, str]] = []
    parse_repeat({"repeat": text}, starts, None, BERLIN, lambda k, m: problems.append((k, m)))
    assert len(problems) == 1 and len(problems[0][1]) < 160, problems
