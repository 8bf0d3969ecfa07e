"""The URLs of an episode's transcript, chapters and persons are read as its enclosure is:
a relative one is made absolute against ``xml:base``, else the feed's own URL (the one it
was fetched from, else its ``<link>``), and named; one that is no http(s) URL then (``javascript:``, ``http://[x``, or
relative in a feed that gives nothing to resolve it against) is left out and named at its
line, while the person it belongs to is kept. The build accepts what is written."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pytest_httpserver import HTTPServer

from tests.importers.conftest import front_matter, imported, podcast_head, publish

HEAD = podcast_head('xmlns:podcast="https://podcastindex.org/namespace/1.0"')
"""Five lines: what the channel adds is line 6, the first item line 7."""
EPISODE = Path("content") / "episodes" / "episode-1.md"
LINKS = (
    '<podcast:transcript url="{0}t/1.vtt" type="text/vtt"/>'
    '<podcast:chapters url="{0}c/1.json" type="application/json+chapters"/>'
    '<podcast:person href="{0}people/ann" img="{0}ann.jpg">Ann</podcast:person>'
)


def _feed(extra: str, channel: str = "", head: str = HEAD, item: str = "<item>") -> str:
    return (
        head + channel + "\n" + item + "<title>Episode 1</title><guid>ep-1</guid>"
        "<pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate>"
        '<enclosure url="https://cdn.example.com/1.mp3" length="1000" type="audio/mpeg"/>'
        f"{extra}</item>\n</channel></rss>\n"
    )


def _built() -> None:
    built = publish("build")
    assert built.exit_code == 0, built.output


def test_a_person_link_that_is_no_url_is_left_out_and_named(home: Path) -> None:
    channel = '<podcast:person img="javascript:alert(1)">Host</podcast:person>'
    person = (
        '<podcast:person role="guest" href="javascript:alert(1)" img="http://[x/b.jpg">'
        "Bob</podcast:person>"
    )
    result = imported(home, "podcast", _feed(person, channel))
    assert front_matter(EPISODE)["persons"] == [{"name": "Bob", "role": "guest"}]
    config = tomllib.loads((home / "publish.toml").read_text(encoding="utf-8"))
    assert config["podcast"]["persons"] == [{"name": "Host"}]
    for line in (
        "6: podcast:person: person 'Host': img 'javascript:alert(1)' is no absolute http(s) "
        "URL: left out (the person is kept)",
        "7: podcast:person: person 'Bob': href 'javascript:alert(1)' is no absolute http(s) "
        "URL: left out (the person is kept)",
        "7: podcast:person: person 'Bob': img 'http://[x/b.jpg' is no absolute http(s) URL: "
        "left out (the person is kept)",
    ):
        assert f"warning: feed.xml:{line}\n" in result.stderr
    _built()


def test_relative_links_resolve_against_the_items_xml_base(home: Path) -> None:
    item = '<item xml:base="https://cdn.example.com/show/">'
    channel = '<podcast:person href="/hosts/cy">Cy</podcast:person>'
    result = imported(home, "podcast", _feed(LINKS.format(""), channel, item=item))
    front = front_matter(EPISODE)
    assert front["transcript"] == "https://cdn.example.com/show/t/1.vtt"
    assert front["chapters"] == "https://cdn.example.com/show/c/1.json"
    assert front["persons"] == [
        {
            "name": "Ann",
            "href": "https://cdn.example.com/show/people/ann",
            "img": "https://cdn.example.com/show/ann.jpg",
        }
    ]
    config = tomllib.loads((home / "publish.toml").read_text(encoding="utf-8"))
    assert config["podcast"]["persons"] == [  # the channel's base: its <link>
        {"name": "Cy", "href": "https://old.example.com/hosts/cy"}
    ]
    assert (
        "warning: feed.xml:7: transcript: relative podcast:transcript 't/1.vtt' written as "
        "'https://cdn.example.com/show/t/1.vtt'\n"
    ) in result.stderr
    assert (
        "warning: feed.xml:7: podcast:person: person 'Ann': relative img 'ann.jpg' written as "
        "'https://cdn.example.com/show/ann.jpg'\n"
    ) in result.stderr
    _built()


def test_relative_links_resolve_against_the_url_fetched(home: Path, httpserver: HTTPServer) -> None:
    feed = _feed(LINKS.format("../media/"), head=HEAD.replace("https://old.example.com/", "/"))
    httpserver.expect_request("/feeds/show.xml").respond_with_data(feed)
    result = publish("import", "podcast", httpserver.url_for("/feeds/show.xml"))
    assert result.exit_code == 0, result.output
    front = front_matter(EPISODE)
    assert front["transcript"] == httpserver.url_for("/media/t/1.vtt")
    assert front["chapters"] == httpserver.url_for("/media/c/1.json")
    assert front["persons"][0]["href"] == httpserver.url_for("/media/people/ann")
    _built()


def test_relative_links_in_a_feed_without_a_base_are_left_out_and_named(home: Path) -> None:
    head = HEAD.replace("<link>https://old.example.com/</link>", "")
    result = imported(home, "podcast", _feed(LINKS.format(""), head=head))
    front = front_matter(EPISODE)
    assert "transcript" not in front and "chapters" not in front
    assert front["persons"] == [{"name": "Ann"}]
    no_base = "is relative and the feed gives no URL to resolve it against"
    for line in (
        f"transcript: podcast:transcript 't/1.vtt' {no_base}: not kept",
        f"chapters: podcast:chapters 'c/1.json' {no_base}: not kept",
        f"podcast:person: person 'Ann': href 'people/ann' {no_base}: left out (the person is kept)",
        f"podcast:person: person 'Ann': img 'ann.jpg' {no_base}: left out (the person is kept)",
    ):
        assert f"warning: feed.xml:7: {line}\n" in result.stderr
    _built()


def test_a_relative_transcript_not_kept_is_named_once(home: Path) -> None:
    transcripts = (
        '<podcast:transcript url="t/1.html" type="text/html"/>'
        '<podcast:transcript url="t/1.vtt" type="text/vtt"/>'
    )
    result = imported(home, "podcast", _feed(transcripts))
    assert front_matter(EPISODE)["transcript"] == "https://old.example.com/t/1.vtt"
    notes = [line for line in result.stderr.splitlines() if ": transcript: " in line]
    assert notes == [
        "warning: feed.xml:7: transcript: 't/1.html' not kept: one .vtt or .srt transcript is "
        "published",
        "warning: feed.xml:7: transcript: relative podcast:transcript 't/1.vtt' written as "
        "'https://old.example.com/t/1.vtt'",
    ]
    _built()


def test_a_person_without_a_name_or_with_an_unknown_group_is_named(home: Path) -> None:
    persons = (
        '<podcast:person href="https://old.example.com/x"></podcast:person>'
        '<podcast:person group="Friends">Dee</podcast:person>'
    )
    result = imported(home, "podcast", _feed(persons))
    assert front_matter(EPISODE)["persons"] == [{"name": "Dee"}]
    for line in (
        "podcast:person: no name (the element's text): left out",
        "podcast:person: person 'Dee': group 'friends' is not a Podcast Taxonomy group: left "
        "out (cast, the default, applies)",
    ):
        assert f"warning: feed.xml:7: {line}\n" in result.stderr
    _built()
