"""feed-diff's text output is three lines a change; a title written over several lines (as
feeds often indent it: ``<title>Part one\\n    part two</title>``) printed its own lines,
so a line of the report was a piece of a title. The title is shown on its one line."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main

FEED = (
    '<rss version="2.0"><channel><title>t</title><link>https://x.example/</link>'
    "<description>d</description>{items}</channel></rss>"
)


def test_a_title_over_several_lines_is_shown_on_one(tmp_path: Path) -> None:
    old, new = tmp_path / "old.xml", tmp_path / "new.xml"
    old.write_text(FEED.format(items=""), encoding="utf-8")
    item = "<item><guid>g</guid><title>Part one\n    part two\r\n\tend</title></item>"
    new.write_text(FEED.format(items=item), encoding="utf-8")
    result = CliRunner().invoke(main, ["feed-diff", str(old), str(new)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "new           Part one part two end",
        " " * 14 + "g",
        " " * 14 + "in new.xml",
    ]


def test_lint_feed_names_an_item_of_such_a_title_on_one_line(tmp_path: Path) -> None:
    """lint-feed names an item by its title: one result was two lines of output."""
    feed = tmp_path / "rss.xml"
    item = "<item><guid>g</guid><title>Part one\n    part two</title></item>"
    feed.write_text(FEED.format(items=item), encoding="utf-8")
    result = CliRunner().invoke(main, ["lint-feed", str(feed)])
    assert result.exit_code == 2, result.output
    assert "hard rss.item.guid-permalink: item 1 (Part one part two): guid 'g'" in result.stdout
    assert all(line.startswith(("hard ", "soft ")) for line in result.stdout.splitlines())


def test_media_gone_from_an_item_is_not_called_a_move(tmp_path: Path) -> None:
    """An item whose enclosure went (an Atom podcast read as a blog) was reported as ``…mp3 →
    (none): downloads follow the new URL``; there is none to follow."""
    old, new = tmp_path / "old.xml", tmp_path / "new.xml"
    audio = '<enclosure url="https://x.example/1.mp3" length="9" type="audio/mpeg"/>'
    old.write_text(FEED.format(items=f"<item><guid>g</guid>{audio}</item>"), encoding="utf-8")
    new.write_text(FEED.format(items="<item><guid>g</guid></item>"), encoding="utf-8")
    result = CliRunner().invoke(main, ["feed-diff", str(old), str(new)])
    assert result.exit_code == 0, result.output
    assert (
        "https://x.example/1.mp3 → (none): the item has no media now (apps cannot download it)"
    ) in result.stdout
    assert "downloads follow" not in result.stdout


def _episode(length: str, duration: str, extra: str = "") -> str:
    audio = f'<enclosure url="https://x.example/1.mp3" length="{length}" type="audio/mpeg"/>'
    return (
        f"<item><guid>g</guid><title>Ep</title>{audio}"
        f"<itunes:duration>{duration}</itunes:duration>{extra}</item>"
    )


ITUNES_FEED = FEED.replace(
    "<rss ", '<rss xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
)


def test_an_episodes_size_duration_and_number_are_compared(tmp_path: Path) -> None:
    """A move that wrote length 5 for 30,000,001, a duration of 1 second for 41 minutes or
    another episode number was "no changes" (only GUIDs, URLs, titles, links and dates were
    compared; a helper's finding). The same value written another way is no change."""
    old, new, same = tmp_path / "old.xml", tmp_path / "new.xml", tmp_path / "same.xml"
    was = _episode("30000001", "00:41:01", "<itunes:episode>2</itunes:episode>")
    old.write_text(ITUNES_FEED.format(items=was), encoding="utf-8")
    now = _episode("5", "1", "<itunes:episode>9</itunes:episode>")
    new.write_text(ITUNES_FEED.format(items=now), encoding="utf-8")
    alike = _episode("030000001", "2461.0", "<itunes:episode>02</itunes:episode>")
    same.write_text(ITUNES_FEED.format(items=alike), encoding="utf-8")
    result = CliRunner().invoke(main, ["feed-diff", str(old), str(new)])
    assert result.exit_code == 0, result.output
    assert (
        "length 30000001, duration 2461, episode 2 → length 5, duration 1, episode 9: "
        "apps show the new values"
    ) in result.stdout
    assert "1 episode with other media details" in result.stderr
    unchanged = CliRunner().invoke(main, ["feed-diff", str(old), str(same)])
    assert unchanged.stdout == "No changes subscribers would see.\n"


def test_the_title_apple_shows_and_the_episode_type_are_compared(tmp_path: Path) -> None:
    """Two feeds differing only in itunes:title and itunes:episodeType were "no changes"
    (a helper's finding: a move dropped Blubrry's itunes:title, and Apple showed another
    title on every episode). An itunes:title no other than the <title>, or a missing
    episodeType (Apple reads it as full), is no change."""
    old, new, same = tmp_path / "old.xml", tmp_path / "new.xml", tmp_path / "same.xml"
    apple = "<itunes:title>Short</itunes:title><itunes:episodeType>trailer</itunes:episodeType>"
    old.write_text(ITUNES_FEED.format(items=_episode("1", "1", apple)), encoding="utf-8")
    new.write_text(ITUNES_FEED.format(items=_episode("1", "1")), encoding="utf-8")
    result = CliRunner().invoke(main, ["feed-diff", str(old), str(new)])
    assert "itunes:episodeType trailer, itunes:title Short → itunes:episodeType full, " in (
        result.stdout
    )
    assert "itunes:title Ep: apps show the new values" in result.stdout
    alike = "<itunes:title>Ep</itunes:title><itunes:episodeType>FULL</itunes:episodeType>"
    same.write_text(ITUNES_FEED.format(items=_episode("1", "1", alike)), encoding="utf-8")
    result = CliRunner().invoke(main, ["feed-diff", str(new), str(same)])
    assert result.exit_code == 0 and "media details" not in result.output, result.output
