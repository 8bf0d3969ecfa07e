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
        f"{source}:6: itunes:title: 1 not kept (the item's <title> is its title; Apple shows "
        "the itunes:title), in the item at line 6",
    ]
    assert json.loads(result.stdout)["source_problems"] == expected
    assert "3 source problems" in result.stderr
    for line in expected:
        assert f"warning: {line}\n" in result.stderr
