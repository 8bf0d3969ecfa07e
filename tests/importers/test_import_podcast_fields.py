"""What real podcast feeds hold that an import once lost or broke: full show notes in
``itunes:summary`` behind a ``[…]`` excerpt, ``x-audio/mp3`` enclosures, and elements no key
keeps (``podcast:value``, alternate enclosures, ``itunes:title``), which the report now
counts and places instead of dropping without a word (Podlove chapters are kept now: see
``test_import_podlove_chapters.py``)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.importers.conftest import front_matter, publish

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
    'xmlns:podcast="https://podcastindex.org/namespace/1.0" '
    'xmlns:psc="http://podlove.org/simple-chapters">\n'
    "<channel><title>Show</title><description>d</description><language>en</language>"
    '<itunes:image href="https://old.example.com/cover.jpg"/>'
    '<itunes:category text="Technology"/><itunes:explicit>false</itunes:explicit>'
    "<itunes:owner><itunes:name>O</itunes:name><itunes:email>o@example.com</itunes:email>"
    "</itunes:owner>\n"
)
VALUE = (
    '<podcast:value type="lightning" method="keysend">'
    '<podcast:valueRecipient name="Host" type="node" address="02abc" split="100"/>'
    "</podcast:value>"
)


def _item(n: int, extra: str = "", kind: str = "audio/mpeg", title: str = "") -> str:
    """One episode on one line (so the test knows its line)."""
    return (
        f"<item><title>{title or f'Episode {n}'}</title><guid>ep-{n}</guid>"
        "<pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate>"
        f'<enclosure url="https://cdn.example.com/{n}.mp3" length="1000" type="{kind}"/>'
        f"<itunes:duration>60</itunes:duration>{extra}</item>\n"
    )


def _write(home: Path, channel_extra: str, items: list[str]) -> Path:
    source = home / "feed.xml"
    source.write_text(HEAD + channel_extra + "\n" + "".join(items) + "</channel></rss>\n")
    return source


def test_full_notes_in_itunes_summary_win_over_a_truncated_description(home: Path) -> None:
    excerpt = "Johannes talks to Axel about JavaScript. They first talk about [&#8230;]"
    full = (
        "&lt;p&gt;Johannes talks to Axel about JavaScript. They first talk about its "
        'history, then modules.&lt;/p&gt;&lt;p&gt;Links: &lt;a href="https://2ality.com"&gt;'
        "2ality&lt;/a&gt;&lt;/p&gt;"
    )
    whole = "<description>The whole notes.</description><itunes:summary>Short</itunes:summary>"
    truncated = f"<description>{excerpt}</description><itunes:summary>{full}</itunes:summary>"
    source = _write(home, "", [_item(1, truncated), _item(2, whole)])
    result = publish("import", "podcast", str(source))
    assert result.exit_code == 0, result.output
    first = (home / "content" / "episodes" / "episode-1.md").read_text()
    assert '<a href="https://2ality.com">2ality</a>' in first
    assert "history, then modules." in first
    assert front_matter(home / "content" / "episodes" / "episode-1.md")["description"] == (
        "Johannes talks to Axel about JavaScript. They first talk about […]"
    )  # the excerpt is kept as the summary it was
    second = home / "content" / "episodes" / "episode-2.md"
    assert "The whole notes." in second.read_text()  # the longer one, as before
    assert "description" not in front_matter(second)


def test_x_audio_mp3_is_written_as_audio_mpeg_and_validates(home: Path) -> None:
    source = _write(home, "", [_item(1, kind="x-audio/mp3"), _item(2, kind="audio/mpg")])
    result = publish("import", "podcast", str(source))
    assert result.exit_code == 0, result.output
    assert (
        f"warning: {source}:5: enclosure: type 'x-audio/mp3' written as 'audio/mpeg' (Apple's)"
        in result.stderr
    )
    assert f"{source}:6: enclosure: type 'audio/mpg' written as 'audio/mpeg'" in result.stderr
    for n in (1, 2):
        assert front_matter(home / "content" / "episodes" / f"episode-{n}.md")["type"] == (
            "audio/mpeg"
        )
    validated = publish("validate")
    assert validated.exit_code == 0, validated.output


def test_elements_no_key_keeps_are_counted_and_placed(home: Path) -> None:
    alternate = (
        '<podcast:alternateEnclosure type="audio/mpeg" length="9">'
        '<podcast:source uri="https://cdn.example.com/4-low.mp3"/></podcast:alternateEnclosure>'
    )
    source = _write(
        home,
        VALUE,
        [
            _item(1, VALUE),
            _item(2, VALUE, title="Cincinnatus | 10").replace(
                "<guid>", "<itunes:title>Cincinnatus</itunes:title><guid>"
            ),
            _item(3),
            _item(4, alternate + alternate),
            _item(5, "<itunes:title>Episode 5</itunes:title>"),  # the same title: kept
            _item(6, f"<itunes:title>{'x' * 1001}</itunes:title>"),  # past the build's limit
        ],
    )
    result = publish("import", "podcast", str(source), "--format", "json")
    assert result.exit_code == 0, result.output
    expected = [
        f"{source}:3: podcast:value: 3 not kept (publish has no value-for-value (Lightning) "
        "settings: set payments up again by hand), in the channel at line 3; "
        "the items at lines 5, 6",
        f"{source}:8: podcast:alternateEnclosure: 2 not kept (only the <enclosure> is "
        "published), in the item at line 8",
    ]
    too_long = f"{source}:10: itunes:title: over 1000 characters: not kept"
    problems = json.loads(result.stdout)["source_problems"]
    assert too_long in problems  # (the build refuses a longer apple_title: not written)
    problems.remove(too_long)
    # and the show's podcast:guid, which nothing in a saved feed names
    assert problems[1:] == expected and "podcast:guid: none in the feed" in problems[0]
    assert "4 source problems" in result.stderr
    for line in expected:
        assert f"warning: {line}\n" in result.stderr
    # the title Apple shows is kept beside the item's (a helper's finding: Blubrry's feeds),
    # and the built feed shows it again; one no other than the <title> is not written twice
    fronts = {p.name: p.read_text(encoding="utf-8") for p in (home / "content").rglob("*.md")}
    assert sum("\napple_title: Cincinnatus\n" in t for t in fronts.values()) == 1
    assert sum("apple_title" in t for t in fronts.values()) == 1


def test_podcasting20_names_and_live_items_no_key_keeps_are_named(home: Path) -> None:
    named = (
        '<podcast:season name="The Beginning">1</podcast:season>'
        '<podcast:episode display="Ch. 1">1</podcast:episode>'
        '<podcast:location geo="geo:30.2,97.7" osm="R113314">Austin, TX</podcast:location>'
    )
    live = (
        '<podcast:liveItem status="pending" start="2024-02-01T10:00:00Z">'
        "<title>Live</title><guid>live-1</guid></podcast:liveItem>"
    )
    trailer = '<podcast:trailer url="https://cdn.example.com/t.mp3">Trailer</podcast:trailer>'
    source = _write(home, live + trailer, [_item(1, named), _item(2, named)])
    result = publish("import", "podcast", str(source))
    assert result.exit_code == 0, result.output
    front = front_matter(home / "content" / "episodes" / "episode-1.md")
    assert (front["season"], front["episode"], front["location"]) == (1, 1, "Austin, TX")
    for line in (
        "3: podcast:liveItem: 1 not kept (publish has no live items), in the channel at line 3",
        "3: podcast:trailer: 1 not kept (a trailer here is an episode with episode_type: "
        "trailer), in the channel at line 3",
        "5: podcast:season name: 2 not kept (an episode keeps its number only), in the items "
        "at lines 5, 6",
        "5: podcast:episode display: 2 not kept (an episode keeps its number only), in the "
        "items at lines 5, 6",
        "5: podcast:location geo: 2 not kept (a location is its name only), in the items at "
        "lines 5, 6",
        "5: podcast:location osm: 2 not kept (a location is its name only), in the items at "
        "lines 5, 6",
    ):
        assert f"warning: {source}:{line}\n" in result.stderr
    assert "live-1" not in "".join(p.read_text() for p in (home / "content").rglob("*.md"))


def test_a_second_category_funding_or_chapters_is_named(home: Path) -> None:
    channel = (
        '<itunes:category text="Education"/>'
        '<podcast:funding url="https://old.example.com/support">Support</podcast:funding>'
        '<podcast:funding url="https://ko-fi.example/show">Ko-fi</podcast:funding>'
    )
    chapters = (
        '<podcast:chapters url="https://cdn.example.com/{}.json" type="application/json+chapters"/>'
    )
    source = _write(home, channel, [_item(1, chapters.format("a") + chapters.format("b"))])
    result = publish("import", "podcast", str(source))
    assert result.exit_code == 0, result.output
    front = front_matter(home / "content" / "episodes" / "episode-1.md")
    assert front["chapters"] == "https://cdn.example.com/a.json"
    for line in (
        "3: itunes:category: 1 not kept (only the first is kept: [podcast] has one category "
        "and its subcategory), in the channel at line 3",
        "3: podcast:funding: 1 not kept (only the first is kept: [podcast] has one), in the "
        "channel at line 3",
        "5: podcast:chapters: 1 not kept (only an item's first is published), in the item at "
        "line 5",
    ):
        assert f"warning: {source}:{line}\n" in result.stderr


def test_show_notes_holding_template_tags_or_dollars_build_as_written(home: Path) -> None:
    """Notes of a show about Jekyll, Hugo or maths are text: the build's pre-pass once read
    them as tags (dropped, or a YouTube embed) and formulas."""
    notes = (
        "<description><![CDATA[<p>Use {% include footer.html %} or {{< youtube abc >}}; "
        "{{ site.baseurl }} costs $$x^2$$.</p>]]></description>"
    )
    plain = "<description>Plain: {% raw %} and $$a$$.</description>"
    source = _write(home, "", [_item(1, notes), _item(2, plain)])
    assert publish("import", "podcast", str(source)).exit_code == 0
    built = publish("build")
    assert built.exit_code == 0, built.output
    pages = home / "feeds" / "episodes"
    first = (pages / "episode-1" / "index.html").read_text(encoding="utf-8")
    assert (
        "<p>Use {% include footer.html %} or {{&lt; youtube abc &gt;}}; {{ site.baseurl }} "
        "costs $$x^2$$.</p>"
    ) in first
    assert 'class="embed"' not in first and "math-inline" not in first
    second = (pages / "episode-2" / "index.html").read_text(encoding="utf-8")
    assert "<p>Plain: {% raw %} and $$a$$.</p>" in second
