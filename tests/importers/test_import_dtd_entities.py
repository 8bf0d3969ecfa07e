"""A feed with RSS 0.91's Netscape DOCTYPE (an external DTD, never fetched, that defines
HTML's entities) using ``&eacute;`` and ``&nbsp;``; and titles whose words a no-break space
parts or that an emoji with its variation selector starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.importers.conftest import front_matter, publish
from tests.importers.test_real_podcast_feeds import _item

DOCTYPE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
    '"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n'
)
CHANNEL = (
    '<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">\n'
    "<channel><title>Show</title><link>https://old.example.com/</link>"
    "<description>d</description><language>en</language>\n"
    '<itunes:category text="Technology"/><itunes:explicit>false</itunes:explicit>\n'
)


def test_htmls_entities_under_an_external_dtd_are_read_as_apps_read_them(home: Path) -> None:
    """They were skipped: "Caf&eacute;&nbsp;Talk &mdash; Part&nbsp;1" was imported as
    "CafTalk  Part1", exit 0, no word of it (lint-feed and feed-diff refused the file)."""
    episode = _item(1, "<itunes:summary>Caf&eacute; &amp; more&hellip;</itunes:summary>")
    episode = episode.replace("Episode 1", "Caf&eacute;&nbsp;Talk &mdash; Part&nbsp;1")
    (home / "feed.xml").write_text(DOCTYPE + CHANNEL + episode + "</channel></rss>\n")
    result = publish("import", "podcast", "feed.xml")
    assert result.exit_code == 0, result.output
    written = home / "content" / "episodes" / "café-talk-part-1.md"
    assert front_matter(written)["title"] == "Café\u00a0Talk — Part\u00a01"
    assert "Café &amp; more…" in written.read_text(encoding="utf-8")


def test_an_entity_no_dtd_of_html_defines_is_refused_at_its_line(home: Path) -> None:
    episode = _item(1, "").replace("Episode 1", "A &madeup; title")
    (home / "feed.xml").write_text(DOCTYPE + CHANNEL + episode + "</channel></rss>\n")
    result = publish("import", "podcast", "feed.xml")
    assert result.exit_code == 2, result.output
    assert "feed.xml:6: " in result.stderr and "&madeup;" in result.stderr
    assert not (home / "content").exists()


@pytest.mark.parametrize(
    ("title", "name"),
    [("🎙️ Live from the hall", "live-from-the-hall"), ("❤️", "ep-1"), ("A\u00a0B", "a-b")],
)
def test_a_file_is_named_by_the_words_of_its_title(home: Path, title: str, name: str) -> None:
    """An emoji's variation selector (U+FE0F) was left as the file's whole name or its first
    character (a name no one can see or type); a no-break space joined two words."""
    episode = _item(1, "").replace("<title>Episode 1</title>", f"<title>{title}</title>")
    episode = episode.replace("<guid", "<link>https://old.example.com/?p=1</link><guid")
    (home / "feed.xml").write_text(DOCTYPE + CHANNEL + episode + "</channel></rss>\n")
    result = publish("import", "podcast", "feed.xml")
    assert result.exit_code == 0, result.output
    assert [p.name for p in (home / "content" / "episodes").glob("*.md")] == [f"{name}.md"]
