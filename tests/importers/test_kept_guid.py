"""The front matter an import writes, read by the loader: ``guid`` (the old GUID, emitted
exactly), ``guid_permalink`` and ``duration: null``; wrong values are errors at path:line."""

from __future__ import annotations

from pathlib import Path

import feedparser

from tests.importers.conftest import publish

EPISODE = """---
title: Kept
date: 2024-06-01T10:00:00+02:00
guid: {guid}
{more}audio: https://cdn.example.net/kept.mp3
length: 1234
type: audio/mpeg
duration: {duration}
---

Notes.
"""

SHOW = '[podcast]\ntitle = "Show"\ndescription = "d"\nimage = "https://x.example/c.jpg"\ncategory = "News"\nauthor = "a"\nowner_name = "o"\nowner_email = "o@x.example"\nlanguage = "en"\n'


def _site(home: Path, guid: str, more: str = "", duration: str = "600") -> Path:
    (home / "publish.toml").write_text((home / "publish.toml").read_text() + SHOW)
    folder = home / "content" / "episodes"
    folder.mkdir(parents=True)
    path = folder / "kept.md"
    path.write_text(EPISODE.format(guid=guid, more=more, duration=duration))
    return path


def test_a_kept_guid_is_emitted_exactly_in_every_feed(home: Path) -> None:
    _site(home, "'Buzzsprout-42'")
    result = publish("build")
    assert result.exit_code == 0, result.output
    feeds = home / "feeds"
    podcast = (feeds / "podcast.xml").read_text()
    assert '<guid isPermaLink="false">Buzzsprout-42</guid>' in podcast
    assert '<guid isPermaLink="false">Buzzsprout-42</guid>' in (feeds / "rss.xml").read_text()
    assert feedparser.parse((feeds / "atom.xml").read_bytes()).entries[0].id == "Buzzsprout-42"
    assert '"id": "Buzzsprout-42"' in (feeds / "feed.json").read_text()


def test_guid_permalink_and_unknown_duration(home: Path) -> None:
    _site(home, "https://old.example.com/ep/1", "guid_permalink: true\n", "null")
    result = publish("build")
    assert result.exit_code == 0, result.output
    podcast = (home / "feeds" / "podcast.xml").read_text()
    assert '<guid isPermaLink="true">https://old.example.com/ep/1</guid>' in podcast
    assert "itunes:duration" not in podcast


def test_wrong_values_are_errors_at_their_line(home: Path) -> None:
    _site(home, "''", "guid_permalink: 'yes'\n")
    result = publish("build")
    assert result.exit_code == 2
    assert "content/episodes/kept.md:4: guid: expected the item's old feed GUID" in result.stderr
    assert "content/episodes/kept.md:5: guid_permalink: expected true or false" in result.stderr
    assert not (home / "feeds").exists()


def test_remote_audio_still_needs_a_duration_key(home: Path) -> None:
    path = _site(home, "x")
    path.write_text(path.read_text().replace("duration: 600\n", ""))
    result = publish("build")
    assert result.exit_code == 2
    assert "or null when unknown" in result.stderr
