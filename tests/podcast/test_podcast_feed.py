"""podcast.xml: every channel and item element, deterministic bytes, read back by feedparser."""

from __future__ import annotations

import dataclasses
import html
import json
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser

from pipeline.config import Config
from pipeline.feedcheck import lint_feed
from pipeline.model import Item
from pipeline.podcast.feed import podcast_files, render_podcast_feed
from pipeline.podcast.show import pin_guid, podcast_guid_for, show_guid
from tests.podcast.conftest import BASE, replace_podcast

NS = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
}


def channel(data: bytes) -> ET.Element:
    ch = ET.fromstring(data).find("channel")
    assert ch is not None
    return ch


def test_same_input_same_bytes(items: list[Item], config: Config) -> None:
    assert render_podcast_feed(items, config) == render_podcast_feed(list(items), config)


def test_feedparser_reads_back_enclosure_duration_guid(items: list[Item], config: Config) -> None:
    parsed = feedparser.parse(render_podcast_feed(items, config))
    assert not parsed.bozo
    assert len(parsed.entries) == 3
    for item, entry in zip(items, parsed.entries, strict=True):
        audio = item.episode.audio  # type: ignore[union-attr]
        assert entry.id == item.guid
        assert entry.guidislink is False
        (enclosure,) = entry.enclosures
        assert enclosure.href == audio.url
        assert int(enclosure.length) == audio.length
        assert enclosure.type == audio.mime_type
        assert entry.itunes_duration == str(round(audio.duration or 0))
        assert entry.title == item.title
    assert parsed.feed.title == "Commons Radio"


def test_channel_elements(items: list[Item], config: Config) -> None:
    cfg = replace_podcast(
        config,
        subcategory="",
        category="Society & Culture",
        copyright="© 2025 The Commons",
        new_feed_url="https://new.example.org/podcast.xml",
        block=True,
        complete=True,
        podroll=["917393e3-1b1e-5cef-ace4-edaa54e1f810"],
        txt=["applepodcastsverify: abc123", "plain note"],
        explicit=True,
    )
    cfg = replace_podcast(cfg, subcategory="Philosophy")
    data = render_podcast_feed(items, cfg)
    ch = channel(data)
    assert ch.findtext("title") == "Commons Radio"
    assert ch.findtext("language") == "en"
    assert ch.findtext("lastBuildDate") == "Mon, 02 Jun 2025 15:30:00 GMT"
    self_link = ch.find("atom:link", NS)
    assert self_link is not None and self_link.attrib == {
        "href": BASE + "podcast.xml",
        "rel": "self",
        "type": "application/rss+xml",
    }
    assert ch.find("itunes:image", NS).get("href") == BASE + "podcast/cover.jpg"  # type: ignore[union-attr]
    cat = ch.find("itunes:category", NS)
    assert cat is not None and cat.get("text") == "Society & Culture"
    assert cat.find("itunes:category", NS).get("text") == "Philosophy"  # type: ignore[union-attr]
    assert b'text="Society &amp; Culture"' in data
    assert ch.findtext("itunes:explicit", namespaces=NS) == "true"
    assert ch.findtext("itunes:type", namespaces=NS) == "episodic"
    assert ch.findtext("itunes:owner/itunes:email", namespaces=NS) == "podcast@example.org"
    assert (
        ch.findtext("itunes:new-feed-url", namespaces=NS) == "https://new.example.org/podcast.xml"
    )
    assert ch.findtext("itunes:block", namespaces=NS) == "Yes"
    assert ch.findtext("itunes:complete", namespaces=NS) == "Yes"
    assert ch.findtext("copyright") == "© 2025 The Commons"
    locked = ch.find("podcast:locked", NS)
    assert locked is not None and (locked.text, locked.get("owner")) == (
        "yes",
        "podcast@example.org",
    )
    funding = ch.find("podcast:funding", NS)
    assert funding is not None and funding.get("url") == "https://example.org/donate/"
    assert ch.find("podcast:person", NS).text == "Ada Quill"  # type: ignore[union-attr]
    assert ch.findtext("podcast:license", namespaces=NS) == "CC-BY-4.0"
    assert ch.findtext("podcast:medium", namespaces=NS) == "podcast"
    remote = ch.find("podcast:podroll/podcast:remoteItem", NS)
    assert remote is not None and remote.get("feedGuid") == "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    txts = ch.findall("podcast:txt", NS)
    assert [(t.get("purpose"), t.text) for t in txts] == [
        ("applepodcastsverify", "abc123"),
        (None, "plain note"),
    ]
    freq = ch.find("podcast:updateFrequency", NS)
    assert freq is not None and (freq.get("rrule"), freq.text) == ("FREQ=MONTHLY", "Monthly")


def test_podcast_guid_computed_then_pinned(
    items: list[Item], config: Config, tmp_path: Path
) -> None:
    expected = str(
        uuid.uuid5(
            uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6"), "commons.example.org/podcast.xml"
        )
    )
    assert podcast_guid_for("https://commons.example.org/podcast.xml/") == expected
    assert show_guid(config) == expected
    assert (
        channel(render_podcast_feed(items, config)).findtext("podcast:guid", namespaces=NS)
        == expected
    )
    pinned = replace_podcast(config, guid="00000000-0000-5000-8000-000000000001")
    assert channel(render_podcast_feed(items, pinned)).findtext("podcast:guid", namespaces=NS) == (
        "00000000-0000-5000-8000-000000000001"
    )
    toml = tmp_path / "p.toml"
    toml.write_text('[site]\ntitle = "x"\n\n[podcast]\ntitle = "Radio"\nguid = ""\n')
    assert (
        pin_guid(toml, expected)
        == f"podcast:guid {expected} computed and pinned in {toml}: commit it"
    )
    assert f'guid = "{expected}"' in toml.read_text()
    assert pin_guid(toml, "other") is None  # a pinned guid is never replaced
    bare = tmp_path / "q.toml"
    bare.write_text('[site]\ntitle = "x"')
    assert pin_guid(bare, expected) is not None
    assert bare.read_text() == f'[site]\ntitle = "x"\n\n[podcast]\nguid = "{expected}"\n'


def test_item_elements(items: list[Item], config: Config) -> None:
    data = render_podcast_feed(items, config)
    newest, middle, oldest = channel(data).findall("item")
    assert newest.findtext("guid") == items[0].guid
    assert newest.find("guid").get("isPermaLink") == "false"  # type: ignore[union-attr]
    assert newest.findtext("pubDate") == "Mon, 02 Jun 2025 15:30:00 GMT"
    assert newest.findtext("link") == f"{BASE}episodes/003-release/"
    assert newest.findtext("description") == items[0].description
    assert newest.findtext("content:encoded", namespaces=NS) == items[0].html
    assert b"<![CDATA[<p>Release day" in data
    assert newest.findtext("itunes:duration", namespaces=NS) == "12"
    assert newest.findtext("itunes:episode", namespaces=NS) == "3"
    assert newest.findtext("itunes:season", namespaces=NS) == "1"
    assert newest.findtext("podcast:episode", namespaces=NS) == "3"
    assert newest.findtext("podcast:season", namespaces=NS) == "1"
    assert newest.findtext("itunes:episodeType", namespaces=NS) == "full"
    assert oldest.findtext("itunes:episodeType", namespaces=NS) == "trailer"
    assert newest.findtext("itunes:explicit", namespaces=NS) == "false"
    transcript = oldest.find("podcast:transcript", NS)
    assert transcript is not None and transcript.attrib == {
        "url": f"{BASE}episodes/001-welcome/001-welcome.vtt",
        "type": "text/vtt",
        "language": "en",
        "rel": "captions",
    }
    chapters = middle.find("podcast:chapters", NS)
    assert chapters is not None and chapters.attrib == {
        "url": f"{BASE}chapters/episodes/002-governance.json",
        "type": "application/json+chapters",
    }
    persons = [(p.text, p.get("role")) for p in middle.findall("podcast:person", NS)]
    assert persons == [("Ada Quill", "host"), ("Bruno Seidel", "guest")]
    assert middle.findtext("podcast:location", namespaces=NS) == "Berlin, Germany"
    bite = middle.find("podcast:soundbite", NS)
    assert bite is not None and (bite.get("startTime"), bite.get("duration")) == ("3", "3")


def test_text_hygiene_and_cdata(items: list[Item], config: Config) -> None:
    dirty = dataclasses.replace(
        items[0],
        title="Cafe\u0301 \x0bnight",
        description="ok\x00 & <fine>",
        html="<p>a ]]> b\x1f</p>",
    )
    data = render_podcast_feed([dirty], config)
    item = channel(data).find("item")
    assert item is not None
    assert item.findtext("title") == "Café night"
    assert item.findtext("description") == "ok &amp; &lt;fine&gt;"  # HTML showing the text
    assert item.findtext("content:encoded", namespaces=NS) == "<p>a ]]> b</p>"


def test_a_podcast_app_shows_the_description_as_text(items: list[Item], config: Config) -> None:
    """Apps decode ``<description>`` as HTML: markup in the notes' code or in a
    ``description:`` must reach them as text, not as an element."""
    code = "<img src=x onerror=alert(1)>"
    notes = dataclasses.replace(
        items[0], description=None, html=f"<p>Run <code>{html.escape(code)}</code>, done.</p>"
    )
    described = dataclasses.replace(items[1], description=f"<b>Bold</b> {code}")
    entries = feedparser.parse(render_podcast_feed([notes, described], config)).entries
    assert [html.unescape(e.summary) for e in entries] == [
        f"Run {code}, done.",
        f"<b>Bold</b> {code}",
    ]
    assert all("<" not in e.summary for e in entries)  # feedparser's HTML: text, no element


def test_description_of_4000_bytes_counts_its_escapes(items: list[Item], config: Config) -> None:
    long = dataclasses.replace(items[0], description="<&> " * 2000)
    item = channel(render_podcast_feed([long], config)).find("item")
    assert item is not None
    text = item.findtext("description") or ""
    assert len(text.encode("utf-8")) <= 4000 and text.endswith("…")
    assert html.unescape(text).startswith("<&> <&>")


def test_description_cut_at_4000_bytes_on_a_character(items: list[Item], config: Config) -> None:
    long = dataclasses.replace(items[0], description="é" * 3000)
    item = channel(render_podcast_feed([long], config)).find("item")
    assert item is not None
    cut = item.findtext("description") or ""
    assert len(cut.encode("utf-8")) <= 4000
    assert cut.endswith("…") and set(cut[:-1]) == {"é"}


def test_rendered_feed_passes_the_linter(items: list[Item], config: Config) -> None:
    results = lint_feed(render_podcast_feed(items, config), podcast=True)
    assert results == []


def test_podcast_files_chapters_and_cover(items: list[Item], config: Config, content: Path) -> None:
    files = podcast_files(items, config, content)
    assert set(files) == {"chapters/episodes/002-governance.json", "podcast/cover.jpg"}
    doc = json.loads(files["chapters/episodes/002-governance.json"])
    assert doc == {
        "version": "1.2.0",
        "chapters": [
            {"startTime": 0, "title": "Introduction"},
            {"startTime": 3, "title": "Lazy consensus"},
            {"startTime": 6, "title": "Votes and the steering committee"},
        ],
    }
    chapters_media = items[1].episode.chapters  # type: ignore[union-attr]
    assert chapters_media is not None
    assert chapters_media.length == len(files["chapters/episodes/002-governance.json"])
    assert files["podcast/cover.jpg"] == (content / "podcast/cover.jpg").read_bytes()
