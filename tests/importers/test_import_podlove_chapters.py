"""publish import podcast: Podlove Simple Chapters inside an item become the episode's
chapters: a JSON chapters file beside the episode, named by its ``chapters`` key, which
``publish build`` publishes as the item's ``podcast:chapters``. A chapter whose start or title
is wrong is named at its line and left out, the others kept; an item that also has a
``podcast:chapters`` URL keeps the URL, and the report says so."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.importers.podlove import npt_seconds
from tests.importers.conftest import front_matter, imported, publish, tree

PODCAST_NS = "https://podcastindex.org/namespace/1.0"
HEAD = """\
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" \
xmlns:podcast="https://podcastindex.org/namespace/1.0" xmlns:psc="http://podlove.org/simple-chapters">
<channel><title>Show</title><link>https://old.example.com/</link><description>d</description>
<language>en</language><itunes:image href="https://old.example.com/cover.jpg"/>
<itunes:category text="Technology"/><itunes:explicit>false</itunes:explicit>
<itunes:owner><itunes:name>O</itunes:name><itunes:email>o@example.com</itunes:email></itunes:owner>
"""
FIAT_LUX = """\
<item><title>Fiat Lux</title><guid>ep-1</guid><pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate>
<enclosure url="https://cdn.example.com/1.mp3" length="1000" type="audio/mpeg"/><itunes:duration>4000</itunes:duration>
<psc:chapters version="1.2">
<psc:chapter start="00:00:00.000" title="Welcome" image="https://old.example.com/ch/welcome.jpg"/>
<psc:chapter start="3:07" title="Introducing Podlove" href="http://podlove.org/"/>
<psc:chapter start="8:26.250" title="Podlove WordPress Plugin" href="/plugin"/>
<psc:chapter start="01:02:03.5" title="Late"/>
<psc:chapter start="37" title="Thirty-seven"/>
<psc:chapter start="1:2:3" title="Bad minutes"/>
<psc:chapter start="12:75" title="Bad seconds"/>
<psc:chapter start="20:00"/>
<psc:chapter title="No start"/>
</psc:chapters></item>
"""
"""Lines 7 to 19 of the feed: the chapters at lines 10 to 18."""
BOTH = """\
<item><title>Both</title><guid>ep-2</guid><pubDate>Tue, 02 Jan 2024 10:00:00 GMT</pubDate>\
<enclosure url="https://cdn.example.com/2.mp3" length="1000" type="audio/mpeg"/>\
<podcast:chapters url="https://old.example.com/2/chapters.json" type="application/json+chapters"/>
<psc:chapters version="1.2"><psc:chapter start="0" title="Only"/></psc:chapters></item>
"""
"""Lines 20 and 21."""
TAIL = "</channel></rss>\n"
EXPECTED = {
    "version": "1.2.0",
    "chapters": [
        {"startTime": 0, "title": "Welcome", "img": "https://old.example.com/ch/welcome.jpg"},
        {"startTime": 37, "title": "Thirty-seven"},
        {"startTime": 187, "title": "Introducing Podlove", "url": "http://podlove.org/"},
        {
            "startTime": 506.25,
            "title": "Podlove WordPress Plugin",
            "url": "https://old.example.com/plugin",
        },
        {"startTime": 3723.5, "title": "Late"},
    ],
}
"""In time order, as the spec says clients show them."""


def test_podlove_chapters_become_the_episodes_chapters_file(home: Path) -> None:
    result = imported(home, "podcast", HEAD + FIAT_LUX + BOTH + TAIL)
    episodes = home / "content" / "episodes"
    front = front_matter(episodes / "fiat-lux.md")
    assert front["chapters"] == "fiat-lux.chapters.json"
    data = (episodes / "fiat-lux.chapters.json").read_bytes()
    assert json.loads(data) == EXPECTED
    assert data.startswith(
        b'{\n  "version": "1.2.0",\n  "chapters": [\n    {\n      "startTime": 0,'
    )
    assert data.endswith(b'"title": "Late"\n    }\n  ]\n}\n')  # indented, one newline
    assert "created: content/episodes/fiat-lux.chapters.json\n" in result.stdout
    for line in (
        "feed.xml:15: psc:chapter start: '1:2:3' is not a time (HH:MM:SS.mmm, MM:SS or "
        "seconds): chapter 'Bad minutes' left out",
        "feed.xml:16: psc:chapter start: '12:75' is not a time (HH:MM:SS.mmm, MM:SS or "
        "seconds): chapter 'Bad seconds' left out",
        "feed.xml:17: psc:chapter title: missing: the chapter at '20:00' left out",
        "feed.xml:18: psc:chapter start: missing: chapter 'No start' left out",
        "feed.xml:21: psc:chapters: not converted: the item's podcast:chapters URL "
        "'https://old.example.com/2/chapters.json' is used",
    ):
        assert f"warning: {line}\n" in result.stderr
    assert "not kept" not in result.stderr  # psc:chapters is no longer said to be dropped
    # and the show's podcast:guid, which nothing in a saved feed names
    assert "6 source problems" in result.stderr
    both = front_matter(episodes / "both.md")
    assert both["chapters"] == "https://old.example.com/2/chapters.json"
    assert sorted(p.name for p in episodes.iterdir()) == [
        "both.md",
        "fiat-lux.chapters.json",
        "fiat-lux.md",
    ]

    built = publish("build", "--out", str(home / "out"), "-q")
    assert built.exit_code == 0, built.output
    channel = ET.parse(home / "out" / "podcast.xml").getroot().find("channel")
    assert channel is not None
    urls = {
        item.findtext("guid"): item.find(f"{{{PODCAST_NS}}}chapters")
        for item in channel.findall("item")
    }
    mine, theirs = urls["ep-1"], urls["ep-2"]
    assert mine is not None and theirs is not None
    assert mine.get("type") == "application/json+chapters"
    assert theirs.get("url") == "https://old.example.com/2/chapters.json"
    prefix = "https://new.example.org/"
    url = mine.get("url") or ""
    assert url.startswith(prefix) and url.endswith("/fiat-lux.chapters.json")
    published = json.loads((home / "out" / url.removeprefix(prefix)).read_bytes())
    assert [c["startTime"] for c in published["chapters"]] == [0, 37, 187, 506.25, 3723.5]
    assert published == EXPECTED


def test_a_rerun_updates_the_chapters_file_and_never_overwrites_an_edited_one(
    home: Path,
) -> None:
    imported(home, "podcast", HEAD + FIAT_LUX + TAIL)
    before = tree(home)
    again = imported(home, "podcast", HEAD + FIAT_LUX + TAIL)
    assert again.stdout == ""
    assert "0 new, 0 updated, 2 unchanged, 0 left alone" in again.stderr
    assert tree(home) == before

    renamed = FIAT_LUX.replace('title="Late"', 'title="Later"')
    result = imported(home, "podcast", HEAD + renamed + TAIL)
    assert result.stdout == "updated: content/episodes/fiat-lux.chapters.json\n"
    chapters = home / "content" / "episodes" / "fiat-lux.chapters.json"
    assert json.loads(chapters.read_bytes())["chapters"][-1]["title"] == "Later"

    chapters.write_text('{"version": "1.2.0", "chapters": []}\n', encoding="utf-8")
    kept = imported(home, "podcast", HEAD + FIAT_LUX + TAIL)
    assert kept.stdout == (
        "kept: content/episodes/fiat-lux.chapters.json:1: import: edited since the import: "
        "not overwritten\n"
    )
    assert chapters.read_text(encoding="utf-8") == '{"version": "1.2.0", "chapters": []}\n'


def test_only_the_first_psc_chapters_counts_and_a_link_that_is_no_url_is_left_out(
    home: Path,
) -> None:
    twice = FIAT_LUX.replace(
        "</psc:chapters></item>",
        '</psc:chapters><psc:chapters><psc:chapter start="5" title="Other"/></psc:chapters></item>',
    ).replace('href="http://podlove.org/"', 'href="javascript:alert(1)"')
    result = imported(home, "podcast", HEAD + twice + TAIL)
    assert (
        "warning: feed.xml:11: psc:chapter href: 'javascript:alert(1)' is not an http(s) URL: "
        "left out of chapter 'Introducing Podlove'\n"
    ) in result.stderr
    assert (
        "warning: feed.xml:19: psc:chapters: another one in the item: ignored, as the spec "
        "says (the first is converted)\n"
    ) in result.stderr
    written = home / "content" / "episodes" / "fiat-lux.chapters.json"
    chapters = json.loads(written.read_bytes())["chapters"]
    assert [c["title"] for c in chapters] == [
        "Welcome",
        "Thirty-seven",
        "Introducing Podlove",
        "Podlove WordPress Plugin",
        "Late",
    ]
    assert "url" not in chapters[2]


@pytest.mark.parametrize(
    ("written", "seconds"),
    [
        ("01:35:52", 5752),
        ("7:48", 468),
        ("35:12.250", 2112.25),
        ("05:12:03.500", 18723.5),
        ("37", 37),
        ("37.", 37),
        ("0.5", 0.5),
        ("00:00:00.000", 0),
        ("100:00:00", 360000),
    ],
)
def test_normal_play_time_as_the_spec_writes_it(written: str, seconds: float) -> None:
    parsed = npt_seconds(written)
    assert parsed == seconds
    assert isinstance(parsed, int) == isinstance(seconds, int)


@pytest.mark.parametrize(
    "written",
    ["", "1:2:3", "12:75", "75:00", "1:60:00", "1.2.3", "-1", "1:", ":30", "\u0663", "1e3"],
)
def test_what_is_not_normal_play_time(written: str) -> None:
    assert npt_seconds(written) is None


@given(
    st.integers(0, 999),
    st.integers(0, 59),
    st.integers(0, 59),
    st.text("0123456789", max_size=9),
)
def test_hh_mm_ss_fraction_is_read_exactly(h: int, m: int, s: int, fraction: str) -> None:
    written = f"{h:02d}:{m:02d}:{s:02d}" + (f".{fraction}" if fraction else "")
    exact = Decimal(h * 3600 + m * 60 + s) + Decimal(f"0.{fraction or 0}")
    assert npt_seconds(written) == float(exact)
