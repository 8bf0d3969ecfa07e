"""publish import podcast: fixtures of what real hosts emit, imported, built and compared with
feed-diff and feedparser: every valid episode present with its GUID, isPermaLink and enclosure."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import feedparser
import pytest
from pytest_httpserver import HTTPServer

from tests.importers.conftest import IMPORTS, feed_diff, front_matter, publish

AUDIO_ALIASES = {"audio/mp3": "audio/mpeg"}
OWNER = '[podcast]\ncategory = "Leisure"\nowner_email = "me@messy.example"\n'
"""What the messy fixture lacks for a valid show (the import says so)."""


def _expected(source: Path) -> dict[str, tuple[bool | None, str, str, str]]:
    """GUID -> (isPermaLink, enclosure URL, length, type) of the episodes podcast apps show:
    the first item of each GUID (the enclosure URL when there is none), with an enclosure and
    a readable date."""
    parsed = feedparser.parse(source.read_bytes())
    out: dict[str, tuple[bool | None, str, str, str]] = {}
    for entry in parsed.entries:
        if not entry.get("enclosures") or entry.get("published_parsed") is None:
            continue
        enc = entry.enclosures[0]
        guid = entry.get("id") or enc.href
        if guid in out:
            continue
        permalink = entry.get("guidislink") if entry.get("id") else None
        length = enc.get("length") or "4242"  # what the test server says
        kind = enc.get("type") or "audio/mpeg"
        out[guid] = (permalink, enc.href, length, AUDIO_ALIASES.get(kind, kind))
    return out


def _built(feed: Path) -> dict[str, tuple[bool | None, str, str, str]]:
    parsed = feedparser.parse(feed.read_bytes())
    out = {}
    for entry in parsed.entries:
        enc = entry.enclosures[0]
        out[entry.id] = (entry.guidislink, enc.href, enc.length, enc.type)
    return out


@pytest.mark.parametrize(
    ("fixture", "episodes", "removed"),
    [("buzzsprout", 2, 0), ("libsyn", 3, 0), ("anchor", 3, 0), ("hostile", 3, 3)],
)
def test_import_build_feed_diff_keeps_every_guid_and_enclosure(
    home: Path, fixture: str, episodes: int, removed: int, httpserver: HTTPServer
) -> None:
    source = IMPORTS / f"{fixture}.xml"
    if fixture == "hostile":
        (home / "publish.toml").write_text((home / "publish.toml").read_text() + OWNER)
        # the episode with an empty length: the build asks its server for the size
        audio = httpserver.url_for("/2.mp3")
        httpserver.expect_request("/2.mp3").respond_with_data(
            b"ID3" + bytes(4239), content_type="audio/mpeg"
        )
        data = source.read_bytes().replace(b"https://cdn.messy.example/2.mp3", audio.encode())
        source = home / "hostile.xml"
        source.write_bytes(data)
    httpserver.expect_request("/feed.xml").respond_with_data(
        source.read_bytes(), content_type="application/rss+xml"
    )
    result = publish("import", "podcast", httpserver.url_for("/feed.xml"))  # as from the host
    assert result.exit_code == 0, result.output
    built = publish("build")
    assert built.exit_code == 0, built.output
    diff = feed_diff(source, home / "feeds" / "podcast.xml")
    assert diff["counts"]["guid"] == 0
    assert diff["counts"]["enclosure"] == 0
    assert diff["counts"]["added"] == 0
    assert diff["counts"]["removed"] == removed  # not episodes, or not dated: reported
    ours = _built(home / "feeds" / "podcast.xml")
    theirs = _expected(source)
    assert len(ours) == episodes
    for guid, (permalink, url, length, kind) in theirs.items():
        assert guid in ours, guid
        got_permalink, got_url, got_length, got_kind = ours[guid]
        assert (got_url, got_length, got_kind) == (url, length, kind)
        if permalink is not None:
            assert got_permalink == permalink, guid


def test_episode_front_matter_keeps_the_podcast_facts(home: Path) -> None:
    assert publish("import", "podcast", str(IMPORTS / "buzzsprout.xml")).exit_code == 0
    meta = front_matter(home / "content" / "episodes" / "compost-part-2.md")
    assert meta["guid"] == "Buzzsprout-15000002"
    assert "guid_permalink" not in meta
    assert meta["date"] == "2024-05-14T06:00:00-04:00"  # the offset as the host wrote it
    assert (meta["season"], meta["episode"], meta["duration"]) == (2, 8, 2576)
    assert meta["explicit"] is False
    assert meta["transcript"].endswith("/transcript.vtt")
    assert meta["chapters"].endswith("/chapters.json")
    assert meta["persons"] == [
        {"name": "Ana Ruiz", "role": "host", "href": "https://gardentalk.example.com/ana"}
    ]
    assert meta["soundbites"] == [
        {"start": 310.0, "duration": 45.0, "title": "Why hot piles smell"}
    ]
    trailer = front_matter(home / "content" / "episodes" / "trailer.md")
    assert trailer["episode_type"] == "trailer"
    assert trailer["image"] == "https://storage.buzzsprout.example/artwork/trailer.png"

    assert publish("build").exit_code == 0
    feed = feedparser.parse((home / "feeds" / "podcast.xml").read_bytes())
    entry = next(e for e in feed.entries if e.id == "Buzzsprout-15000002")
    notes = entry.content[0].value
    # the HTML is kept: no Markdown emphasis out of '_' or '*', the list and link as they were
    assert '<a href="https://example.com/compost">compost_guide</a> * 2' in notes
    assert "<em>both</em>" in notes and "<li>05:10 Hot piles</li>" in notes
    assert entry.itunes_season == "2" and entry.itunes_episode == "8"
    assert entry.itunes_duration == "2576"
    assert entry.published_parsed[:5] == (2024, 5, 14, 10, 0)  # the same instant
    text = (home / "feeds" / "podcast.xml").read_text()
    assert (
        'podcast:transcript url="https://www.buzzsprout.example/123456/15000002/transcript.vtt"'
        in text
    )
    assert "<podcast:soundbite" in text and 'role="host"' in text


def test_durations_as_seconds_hhmmss_mmss_and_missing(home: Path) -> None:
    (home / "publish.toml").write_text((home / "publish.toml").read_text() + OWNER)
    assert publish("import", "podcast", str(IMPORTS / "libsyn.xml")).exit_code == 0
    assert publish("import", "podcast", str(IMPORTS / "hostile.xml")).exit_code == 0
    (home / "content" / "episodes" / "empty-guid.md").unlink()  # its size is on a server
    assert publish("build").exit_code == 0
    feed = feedparser.parse((home / "feeds" / "podcast.xml").read_bytes())
    durations = {e.title: e.get("itunes_duration") for e in feed.entries}
    assert durations["Ep. 12 - The Dragon's Tax Return"] == "3645"  # 01:00:45
    assert durations["Ep. 11 - Bonus: Outtakes"] == "2530"  # 42:10
    assert durations["Ep. 10 - Long one"] == "4500"  # 75:00, minutes past the hour
    assert durations["No duration, no guid"] is None  # unknown stays unknown
    meta = front_matter(home / "content" / "episodes" / "no-duration-no-guid.md")
    assert meta["duration"] is None


def test_plain_text_notes_are_not_read_as_markdown(home: Path) -> None:
    assert publish("import", "podcast", str(IMPORTS / "libsyn.xml")).exit_code == 0
    assert publish("build").exit_code == 0
    feed = feedparser.parse((home / "feeds" / "podcast.xml").read_bytes())
    entry = next(e for e in feed.entries if e.id.endswith("a1b2c3d4e5f6"))
    notes = entry.content[0].value
    assert "*Again*" in notes and "snake_case_names" in notes and "<em>" not in notes


def test_show_settings_go_into_publish_toml_with_the_old_podcast_guid(home: Path) -> None:
    result = publish("import", "podcast", str(IMPORTS / "buzzsprout.xml"))
    assert result.exit_code == 0
    text = (home / "publish.toml").read_text()
    assert text.startswith("# our new home\n")  # the editor's file kept as it was
    podcast = tomllib.loads(text)["podcast"]
    assert podcast["guid"] == "8e1c3f0e-1a2b-5c3d-9e4f-001122334455"
    assert (podcast["category"], podcast["subcategory"]) == ("Leisure", "Home & Garden")
    assert podcast["explicit"] is False and podcast["locked"] is True
    assert podcast["owner_email"] == "hosts@gardentalk.example.com"
    assert podcast["funding_url"] == "https://gardentalk.example.com/support"
    assert publish("build").exit_code == 0
    feed = (home / "feeds" / "podcast.xml").read_text()
    assert "<podcast:guid>8e1c3f0e-1a2b-5c3d-9e4f-001122334455</podcast:guid>" in feed


def test_a_pinned_guid_is_never_overwritten_and_the_difference_is_said(home: Path) -> None:
    pinned = '[podcast]\nguid = "11111111-2222-5333-8444-555555555555"\ntitle = "Mine"\n'
    (home / "publish.toml").write_text((home / "publish.toml").read_text() + pinned)
    result = publish("import", "podcast", str(IMPORTS / "buzzsprout.xml"))
    assert result.exit_code == 0
    podcast = tomllib.loads((home / "publish.toml").read_text())["podcast"]
    assert podcast["guid"] == "11111111-2222-5333-8444-555555555555"
    assert podcast["title"] == "Mine"
    assert "podcast:guid is '8e1c3f0e-1a2b-5c3d-9e4f-001122334455'" in result.stderr
    assert "[podcast] title kept" in result.stderr


def test_categories_are_mapped_to_apples_2019_list(home: Path) -> None:
    assert publish("import", "podcast", str(IMPORTS / "libsyn.xml")).exit_code == 0
    podcast = tomllib.loads((home / "publish.toml").read_text())["podcast"]
    assert (podcast["category"], podcast["subcategory"]) == ("Leisure", "Games")
    assert podcast["explicit"] is False  # "clean"
    result = publish("import", "podcast", str(IMPORTS / "hostile.xml"), "--dry-run")
    assert (
        "hostile.xml:8: itunes:category: 'Made Up Category' is not on Apple's list" in result.stderr
    )


def test_source_problems_are_reported_per_item_with_what_was_done(home: Path) -> None:
    result = publish("import", "podcast", str(IMPORTS / "hostile.xml"))
    assert result.exit_code == 0
    err = result.stderr
    src = str(IMPORTS / "hostile.xml")
    assert f"{src}:17: guid: an empty <guid>: the enclosure URL is kept as its GUID" in err
    assert f"{src}:25: guid: duplicate of the item at line 10: apps show one, not imported" in err
    assert f"{src}:31: pubDate: missing or unreadable: written as a draft" in err
    assert f"{src}:36: pubDate: missing or unreadable" in err
    assert f"{src}:42: guid: no <guid>: the enclosure URL is kept" in err
    assert f"{src}:47: enclosure: no enclosure URL: not an episode, not imported" in err
    assert f"{src}:17: season: 'S2' is not a positive whole number" in err
    files = sorted(p.name for p in (home / "content" / "episodes").iterdir())
    assert files == [
        "bad-date.md",
        "empty-guid.md",
        "good-one.md",
        "no-date.md",
        "no-duration-no-guid.md",
    ]
    draft = front_matter(home / "content" / "episodes" / "no-date.md")
    assert draft["draft"] is True and draft["date"] == "2024-06-01T10:00:00+02:00"
    empty = front_matter(home / "content" / "episodes" / "empty-guid.md")
    assert empty["guid"] == "https://cdn.messy.example/2.mp3"
    assert "length" not in empty and empty["type"] == "audio/mpeg"


def test_relative_artwork_resolves_against_the_feed_url(home: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/show/feed.xml").respond_with_data(
        (IMPORTS / "anchor.xml").read_bytes(), content_type="application/rss+xml"
    )
    url = httpserver.url_for("/show/feed.xml")
    result = publish("import", "podcast", url)
    assert result.exit_code == 0, result.output
    meta = front_matter(home / "content" / "episodes" / "week-21.md")
    assert meta["image"] == httpserver.url_for("/art/w21.jpg")
    assert meta["guid_permalink"] is True  # isPermaLink absent and a URL: a permalink
    saved = home / "old-feed.xml"
    shutil.copy(IMPORTS / "anchor.xml", saved)
    assert publish("build").exit_code == 0
    diff = feed_diff(saved, home / "feeds" / "podcast.xml")
    assert (diff["counts"]["guid"], diff["counts"]["enclosure"], diff["counts"]["removed"]) == (
        0,
        0,
        0,
    )


def test_google_play_tags_stand_in_for_missing_itunes_ones(home: Path, tmp_path: Path) -> None:
    source = tmp_path / "play.xml"
    source.write_text(
        '<rss version="2.0" xmlns:googleplay="http://www.google.com/schemas/play-podcasts/1.0">'
        "<channel><title>P</title><googleplay:author>Play Author</googleplay:author>"
        "<googleplay:description>From Play.</googleplay:description>"
        "<googleplay:explicit>yes</googleplay:explicit>"
        '<googleplay:image href="https://play.example/cover.jpg"/></channel></rss>'
    )
    assert publish("import", "podcast", str(source)).exit_code == 0
    podcast = tomllib.loads((home / "publish.toml").read_text())["podcast"]
    assert podcast["author"] == "Play Author" and podcast["description"] == "From Play."
    assert podcast["explicit"] is True and podcast["image"] == "https://play.example/cover.jpg"


def test_two_guidless_items_with_one_enclosure_are_one_episode(home: Path, tmp_path: Path) -> None:
    item = (
        "<item><title>{t}</title><pubDate>Sat, 01 Jun 2024 10:00:00 +0000</pubDate>"
        '<enclosure url="https://x.example/same.mp3" length="1" type="audio/mpeg"/></item>'
    )
    source = tmp_path / "twice.xml"
    source.write_text(
        f'<rss version="2.0"><channel><title>S</title>\n{item.format(t="A")}\n'
        f"{item.format(t='B')}\n</channel></rss>"
    )
    result = publish("import", "podcast", str(source))
    assert result.exit_code == 0
    assert f"{source}:3: guid: duplicate of the item at line 2" in result.stderr
    assert [p.name for p in (home / "content" / "episodes").iterdir()] == ["a.md"]
