"""Whatever publish import podcast writes, publish build accepts: a value the build would
refuse (a soundbite past the audio's end, a duration over 1000 hours, a tag too long for a
file name, a URL no parser reads) is left out, an episode it would refuse to publish (its
audio another episode's, a type that is no audio, hidden from Apple) is written as a draft,
and each is named in the report at the item's line with what was done."""

from __future__ import annotations

import tomllib
from pathlib import Path

from click.testing import Result
from pytest_httpserver import HTTPServer

from tests.importers.conftest import front_matter, imported, podcast_head, publish

HEAD = podcast_head(
    'xmlns:podcast="https://podcastindex.org/namespace/1.0"',
    'xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"',
)
"""Five lines: what the channel adds is line 6, the first item line 7."""
EPISODES = Path("content") / "episodes"


def _item(n: int, extra: str = "", **kw: str) -> str:
    """Episode ``n`` on one line; ``kw`` replaces its guid, date, enclosure or duration."""
    guid = kw.get("guid", f"<guid>ep-{n}</guid>")
    date = kw.get("date", "Mon, 01 Jan 2024 10:00:00 GMT")
    enclosure = kw.get(
        "enclosure",
        f'<enclosure url="https://cdn.example.com/{n}.mp3" length="1000" type="audio/mpeg"/>',
    )
    duration = kw.get("duration", "1234")
    return (
        f"<item><title>Episode {n}</title>{guid}<pubDate>{date}</pubDate>{enclosure}"
        f"<itunes:duration>{duration}</itunes:duration>{extra}</item>\n"
    )


def _import_and_build(home: Path, items: list[str], channel: str = "", head: str = HEAD) -> Result:
    """The feed imported, then built: the build accepts what the import wrote."""
    result = imported(
        home, "podcast", head + channel + "\n" + "".join(items) + "</channel></rss>\n"
    )
    built = publish("build")
    assert built.exit_code == 0, built.output
    return result


def _front(n: int) -> dict[str, object]:
    return front_matter(EPISODES / f"episode-{n}.md")


def test_soundbites_the_build_refuses_are_left_out_and_named(home: Path) -> None:
    bites = [("nan", "10"), ("-5", "10"), ("2000", "30"), ("inf", "1"), ("10", "5")]
    extra = "".join(
        f'<podcast:soundbite startTime="{s}" duration="{d}">b{s}</podcast:soundbite>'
        for s, d in bites
    )
    result = _import_and_build(home, [_item(1, extra)])
    assert _front(1)["soundbites"] == [{"start": 10.0, "duration": 5.0, "title": "b10"}]
    for start, length in bites[:2] + bites[3:4]:
        assert (
            f"warning: feed.xml:7: soundbite: startTime {start!r}, duration {length!r}: 'start' "
            "and 'duration' must be seconds (or MM:SS), at most 1000 hours, and the duration "
            "above 0: left out\n"
        ) in result.stderr
    assert (
        "warning: feed.xml:7: soundbite: startTime '2000', duration '30' ends at 2030 s, after "
        "the audio (1234 s): left out\n"
    ) in result.stderr
    # and the show's podcast:guid, which nothing in a saved feed names
    assert "5 source problems" in result.stderr


def test_durations_past_the_builds_limit_are_left_out_and_named(home: Path) -> None:
    padded = "0" * 33 + "1:00:00"
    items = [
        _item(1, duration="99999999"),
        _item(2, duration="5000:00:00"),
        _item(3, duration=padded),
    ]
    result = _import_and_build(home, [*items, _item(4, duration="1000:00:00")])
    for n in (1, 2, 3):
        assert _front(n)["duration"] is None
    assert _front(4)["duration"] == "1000:00:00"  # the limit itself is taken
    over = "is more than 1000 hours (the build's limit): left out, the duration is unknown"
    assert f"warning: feed.xml:7: duration: itunes:duration '99999999' {over}\n" in result.stderr
    assert f"warning: feed.xml:8: duration: itunes:duration '5000:00:00' {over}\n" in result.stderr
    assert (
        f"warning: feed.xml:9: duration: itunes:duration {padded!r} is longer than the 32 "
        "characters the build reads: left out, the duration is unknown\n"
    ) in result.stderr


def test_a_duration_of_zero_is_left_out_and_named_as_zero(home: Path) -> None:
    result = _import_and_build(home, [_item(1, duration="0"), _item(2, duration="00:00:00")])
    assert _front(1)["duration"] is None and _front(2)["duration"] is None
    for line, raw in ((7, "0"), (8, "00:00:00")):
        assert (
            f"warning: feed.xml:{line}: duration: itunes:duration {raw!r} is no time at all "
            "(0 seconds): left out, the duration is unknown\n"
        ) in result.stderr


def test_a_later_item_sharing_an_earlier_ones_audio_is_a_draft_naming_both(home: Path) -> None:
    audio = '<enclosure url="https://cdn.example.com/same.mp3" length="1000" type="audio/mpeg"/>'
    later = _item(1, enclosure=audio, date="Tue, 02 Jan 2024 10:00:00 GMT")
    earlier = _item(2, enclosure=audio)
    result = _import_and_build(home, [later, earlier, _item(3)])
    assert _front(1)["draft"] is True
    assert "draft" not in _front(2) and "draft" not in _front(3)
    assert (
        "warning: feed.xml:7: enclosure: URL 'https://cdn.example.com/same.mp3' is also the audio "
        "of the item at line 8 ('Episode 2'), dated earlier: written as a draft"
    ) in result.stderr
    feed = (home / "feeds" / "podcast.xml").read_text()
    assert feed.count("https://cdn.example.com/same.mp3") == 1
    assert '<guid isPermaLink="false">ep-1</guid>' not in feed


def test_a_serial_show_with_an_unnumbered_full_episode_is_imported_episodic(home: Path) -> None:
    items = [
        _item(1, "<itunes:episode>1</itunes:episode>"),
        _item(2),
        _item(3, "<itunes:episodeType>trailer</itunes:episodeType>"),  # may go without
        _item(4, "<itunes:episode>none</itunes:episode>"),  # not a number: left out
    ]
    result = _import_and_build(home, items, "<itunes:type>serial</itunes:type>")
    with (home / "publish.toml").open("rb") as fh:
        assert tomllib.load(fh)["podcast"]["type"] == "episodic"
    assert (
        "warning: feed.xml:6: itunes:type: 'serial', but 2 full episodes have no itunes:episode "
        "number (the items at lines 8, 10), which a serial show needs on every full episode: "
        'written as type = "episodic"; set type = "serial" in [podcast] once they are numbered\n'
    ) in result.stderr
    numbered = [_item(n, f"<itunes:episode>{n}</itunes:episode>") for n in (1, 2, 4)]
    again = _import_and_build(home, numbered, "<itunes:type>serial</itunes:type>")
    assert "itunes:type" not in again.stderr  # all numbered: serial, kept as the editor set it
    assert "publish.toml: [podcast] type kept ('episodic'; the feed has 'serial')" in again.stderr


def test_is_permalink_true_on_a_guid_that_is_no_url_is_not_written(home: Path) -> None:
    items = [
        _item(1, guid='<guid isPermaLink="true">ep-1</guid>'),
        _item(2, guid='<guid isPermaLink="true">https://old.example.com/e/2</guid>'),
    ]
    result = _import_and_build(home, items)
    assert "guid_permalink" not in _front(1) and _front(1)["guid"] == "ep-1"
    assert _front(2)["guid_permalink"] is True
    assert (
        "warning: feed.xml:7: guid: isPermaLink=\"true\" but 'ep-1' is no absolute http(s) URL: "
        "written without guid_permalink (the GUID is kept)\n"
    ) in result.stderr


def test_tags_past_the_limit_or_too_long_for_a_file_name_are_left_out(home: Path) -> None:
    many = "".join(f"<category>tag{i}</category>" for i in range(103))
    long = "<category>" + "x" * 300 + "</category><category>short</category>"
    result = _import_and_build(home, [_item(1, many), _item(2, long)])
    assert _front(1)["tags"] == [f"tag{i}" for i in range(100)]
    assert _front(2)["tags"] == ["short"]
    assert (
        "warning: feed.xml:7: category: 3 tags past the first 100 (the build's limit): not kept, "
        "from 'tag100'\n"
    ) in result.stderr
    assert (
        "warning: feed.xml:8: category: 1 tag too long for the file name the build makes of each "
        "tag (at most 255 bytes): not kept, 'xxxx"
    ) in result.stderr


def test_a_transcript_suffix_is_read_from_the_urls_path(home: Path) -> None:
    def transcript(url: str) -> str:
        return f'<podcast:transcript url="{url}" type="text/vtt"/>'

    items = [
        _item(1, transcript("https://cdn.example.com/t1#x.vtt")),
        _item(2, transcript("https://cdn.example.com/t2.vtt#t=1")),
        _item(3, transcript("https://cdn.example.com/t3.srt?sig=a.b")),
    ]
    result = _import_and_build(home, items)
    assert _front(1)["transcript"] == {
        "url": "https://cdn.example.com/t1#x.vtt",
        "type": "text/vtt",
    }
    assert _front(2)["transcript"] == "https://cdn.example.com/t2.vtt#t=1"
    assert _front(3)["transcript"] == "https://cdn.example.com/t3.srt?sig=a.b"
    assert ": transcript: " not in result.stderr


def test_a_podlove_transcript_url_without_a_suffix_is_kept_with_its_type(home: Path) -> None:
    """Podlove serves ``…?podlove_transcript=webvtt``: the feed's type says what the path does
    not, and the build publishes ``{url, type}`` (it refused the transcript before). A JSON
    transcript is none the build publishes."""
    page = "https://o.example/e1?podlove_transcript="
    transcripts = (
        f'<podcast:transcript url="{page}webvtt" type="text/vtt" />'
        f'<podcast:transcript url="{page}json_podcastindex" type="application/json" />'
    )
    result = _import_and_build(home, [_item(1, transcripts)])
    assert _front(1)["transcript"] == {"url": f"{page}webvtt", "type": "text/vtt"}
    notes = [line for line in result.stderr.splitlines() if ": transcript: " in line]
    assert notes == [
        f"warning: feed.xml:7: transcript: '{page}json_podcastindex' not kept: one .vtt or "
        ".srt transcript is published",
    ]
    feed = (home / "feeds" / "podcast.xml").read_text(encoding="utf-8")
    assert f'<podcast:transcript url="{page}webvtt" type="text/vtt"' in feed


def test_an_enclosure_type_that_is_no_audio_is_read_from_the_file_name(home: Path) -> None:
    octet = '<enclosure url="https://cdn.example.com/1.mp3" length="1000" type="application/octet-stream"/>'
    html = '<enclosure url="https://cdn.example.com/play/2" length="1000" type="text/html"/>'
    result = _import_and_build(home, [_item(1, enclosure=octet), _item(2, enclosure=html)])
    assert _front(1)["type"] == "audio/mpeg" and "draft" not in _front(1)
    assert (_front(2)["type"], _front(2)["draft"]) == ("audio/mpeg", True)
    assert (
        "warning: feed.xml:7: enclosure: type 'application/octet-stream' is not audio or video "
        "podcast apps play: audio/mpeg written (from the file name)\n"
    ) in result.stderr
    assert (
        "warning: feed.xml:8: enclosure: type 'text/html' is not audio or video podcast apps "
        "play, nor does its file name say one: written as a draft with type audio/mpeg"
    ) in result.stderr


def test_an_episode_the_old_host_blocked_is_a_draft(home: Path) -> None:
    result = _import_and_build(home, [_item(1), _item(2, "<itunes:block>Yes</itunes:block>")])
    assert _front(2)["draft"] is True and "draft" not in _front(1)
    assert (
        "warning: feed.xml:8: itunes:block: the old host hid this episode from Apple Podcasts; "
        "an episode here has no block: written as a draft (remove 'draft' to publish it)\n"
    ) in result.stderr
    assert "ep-2" not in (home / "feeds" / "podcast.xml").read_text()


def test_a_second_enclosure_is_counted_as_not_kept(home: Path) -> None:
    second = '<enclosure url="https://cdn.example.com/1.m4a" length="2000" type="audio/x-m4a"/>'
    result = _import_and_build(home, [_item(1, second), _item(2)])
    assert _front(1)["audio"] == "https://cdn.example.com/1.mp3"
    assert (
        "warning: feed.xml:7: enclosure: 1 not kept (only an item's first <enclosure> is "
        "published: RSS has one), in the item at line 7\n"
    ) in result.stderr


def test_a_url_no_parser_reads_is_left_out_not_the_whole_feed(home: Path) -> None:
    bad = "http://[old.example.com/x"
    head = HEAD.replace("<link>https://old.example.com/</link>", f"<link>{bad}</link>")
    items = [
        _item(1, f"<link>{bad}</link><feedburner:origLink>{bad}</feedburner:origLink>"),
        _item(2, enclosure=f'<enclosure url="{bad}.mp3" length="1000" type="audio/mpeg"/>'),
        _item(3, f'<itunes:image href="{bad}.jpg"/>'),
        _item(4, f'<podcast:transcript url="{bad}.vtt"/><podcast:chapters url="{bad}.json"/>'),
        _item(5, f"<feedburner:origEnclosureLink>{bad}.mp3</feedburner:origEnclosureLink>"),
    ]
    funding = f'<podcast:funding url="{bad}/f">Fund</podcast:funding>'
    result = _import_and_build(home, items, funding, head=head)
    assert sorted(p.name for p in EPISODES.glob("*.md")) == [
        f"episode-{n}.md" for n in (1, 3, 4, 5)
    ]
    expected = [
        f"3: link: '{bad}' is not a URL: ignored (the show's site and the base of relative URLs)",
        f"6: podcast:funding: '{bad}/f' is not a URL: not written to [podcast] funding_url",
        f"7: feedburner:origLink: '{bad}' is not a URL: left out",
        f"7: link: '{bad}' is not a URL: left out",
        f"8: enclosure: URL '{bad}.mp3' is not an absolute http(s) URL: not imported",
        f"9: image: '{bad}.jpg' is not a URL: left out (the show's artwork is used)",
        f"10: transcript: podcast:transcript '{bad}.vtt' is no absolute http(s) URL: not kept",
        f"10: chapters: podcast:chapters '{bad}.json' is no absolute http(s) URL: not kept",
        f"11: feedburner:origEnclosureLink: '{bad}.mp3' is not an absolute http(s) URL: the "
        "<enclosure> URL is kept",
    ]
    for line in expected:
        assert f"warning: feed.xml:{line}" in result.stderr
    assert _front(5)["audio"] == "https://cdn.example.com/5.mp3"
    assert "image" not in _front(3) and "transcript" not in _front(4)


def test_relative_enclosures_resolve_against_xml_base(home: Path) -> None:
    head = HEAD.replace("<channel>", '<channel xml:base="https://cdn.example.com/media/">')
    relative = '<enclosure url="{}" length="1000" type="audio/mpeg"/>'
    items = [
        _item(1, enclosure=relative.format("1.mp3")),
        _item(2, enclosure=relative.format("a/2.mp3")).replace(
            "<item>", '<item xml:base="https://other.example.com/x/">'
        ),
    ]
    result = _import_and_build(home, items, head=head)
    assert _front(1)["audio"] == "https://cdn.example.com/media/1.mp3"
    assert _front(2)["audio"] == "https://other.example.com/x/a/2.mp3"
    assert (
        "warning: feed.xml:7: enclosure: relative URL '1.mp3' written as "
        "'https://cdn.example.com/media/1.mp3'\n"
    ) in result.stderr


def test_an_enclosure_url_no_uri_may_hold_is_named_as_the_build_writes_it(home: Path) -> None:
    spaced = (
        '<enclosure url="https://cdn.example.com/my ep\u00e9.mp3" length="1" type="audio/mpeg"/>'
    )
    result = _import_and_build(home, [_item(1, enclosure=spaced), _item(2)])
    assert _front(1)["audio"] == "https://cdn.example.com/my ep\u00e9.mp3"  # as apps have it
    built = "https://cdn.example.com/my%20ep%C3%A9.mp3"
    assert f'<enclosure url="{built}"' in (home / "feeds" / "podcast.xml").read_text()
    notes = [line for line in result.stderr.splitlines() if ": enclosure: " in line]
    assert notes == [
        "warning: feed.xml:7: enclosure: URL 'https://cdn.example.com/my ep\u00e9.mp3' holds "
        f"characters a URL may not: the feed built writes it as {built!r} (the same file, "
        "at the address apps request)"
    ]


def test_a_saved_feed_resolves_relative_urls_against_its_self_link(home: Path) -> None:
    """A saved copy reads as the feed at its URL does (apps resolve against that URL), not
    against its <link>, the show's site on another host."""
    atom = 'xmlns:atom="http://www.w3.org/2005/Atom"'
    own = '<atom:link href="https://feeds.example.net/show/rss" rel="self"/>'
    head = HEAD.replace("<rss ", f"<rss {atom} ").replace("<channel>", f"<channel>{own}")
    relative = '<enclosure url="../media/1.mp3" length="1000" type="audio/mpeg"/>'
    result = _import_and_build(home, [_item(1, enclosure=relative)], head=head)
    assert _front(1)["audio"] == "https://feeds.example.net/media/1.mp3"
    assert (
        "warning: feed.xml:7: enclosure: relative URL '../media/1.mp3' written as "
        "'https://feeds.example.net/media/1.mp3'\n"
    ) in result.stderr


def test_relative_enclosures_resolve_against_the_url_fetched(
    home: Path, httpserver: HTTPServer
) -> None:
    relative = '<enclosure url="../media/1.mp3" length="1000" type="audio/mpeg"/>'
    feed = HEAD + "\n" + _item(1, enclosure=relative) + "</channel></rss>\n"
    httpserver.expect_request("/feeds/show.xml").respond_with_data(feed)
    result = publish("import", "podcast", httpserver.url_for("/feeds/show.xml"))
    assert result.exit_code == 0, result.output
    assert _front(1)["audio"] == httpserver.url_for("/media/1.mp3")
    built = publish("build")
    assert built.exit_code == 0, built.output


def test_a_number_past_32_bits_is_left_out_and_two_numbers_are_named(home: Path) -> None:
    """``itunes:episode 123456789012`` was written as it was, and the build refused the page
    (up to 2,147,483,647: a whole site stopped by one value); ``itunes:episode 4`` beside
    ``podcast:episode 5`` became 5 → 4 in the built feed without a word (helpers' findings)."""
    items = [
        _item(1, "<itunes:episode>123456789012</itunes:episode>"),
        _item(2, "<itunes:season>2147483648</itunes:season>"),
        _item(3, "<itunes:episode>4</itunes:episode><podcast:episode>5</podcast:episode>"),
        _item(4, "<itunes:episode>6</itunes:episode><podcast:episode>6</podcast:episode>"),
    ]
    result = _import_and_build(home, items)
    assert "episode" not in _front(1) and "season" not in _front(2)
    assert _front(3)["episode"] == 4 and _front(4)["episode"] == 6
    err = result.stderr
    assert (
        "feed.xml:7: episode: 123456789012 is past 2,147,483,647, the largest number podcast "
        "apps keep: left out\n"
    ) in err
    assert "feed.xml:8: season: 2147483648 is past 2,147,483,647" in err
    assert (
        "feed.xml:9: episode: itunes:episode 4 and podcast:episode '5' differ: 4 written"
    ) in err
    assert "feed.xml:10:" not in err
