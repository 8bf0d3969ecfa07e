"""An item imported into one section is never written a second time into another: a
re-run with another ``--section`` (or none) updates it where it is, and says where."""

from __future__ import annotations

from pathlib import Path

from tests.importers.conftest import front_matter, podcast_head, publish, tree

HEAD = podcast_head()
KEPT = (
    "note: content/{where}/episode-1.md:1: import: GUID 'ep-1' was imported into {where}/ "
    "(imports.json): kept in this file, not written a second time into {other}/"
)


def _import(home: Path, notes: str, *section: str) -> str:
    feed = HEAD + (
        "<item><title>Episode 1</title><guid>ep-1</guid>"
        "<pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate>"
        '<enclosure url="https://cdn.example.com/1.mp3" length="1000" type="audio/mpeg"/>'
        f"<description>{notes}</description></item>\n</channel></rss>\n"
    )
    (home / "feed.xml").write_text(feed, encoding="utf-8")
    result = publish("import", "podcast", "feed.xml", *section)
    assert result.exit_code == 0, result.output
    return result.stdout


def _markdown(home: Path) -> list[str]:
    return sorted(p.relative_to(home / "content").as_posix() for p in home.rglob("*.md"))


def _builds() -> None:
    built = publish("build")
    assert built.exit_code == 0, built.output


def test_an_item_in_another_section_is_updated_where_it_is(home: Path) -> None:
    _import(home, "First notes.", "--section", "shows")
    out = _import(home, "First notes.")
    assert KEPT.format(where="shows", other="episodes") in out
    assert _markdown(home) == ["shows/episode-1.md"]
    out = _import(home, "Changed notes.")
    assert (
        out
        == "updated: content/shows/episode-1.md\n"
        + KEPT.format(where="shows", other="episodes")
        + "\n"
    )  # a note on the file updated, not a file left alone
    assert _markdown(home) == ["shows/episode-1.md"]
    front = front_matter(home / "content" / "shows" / "episode-1.md")
    assert front["kind"] == "episode"  # still an episode in shows/
    assert "Changed notes." in (home / "content" / "shows" / "episode-1.md").read_text()
    _builds()


def test_a_section_given_later_leaves_the_item_in_episodes(home: Path) -> None:
    _import(home, "Notes.")
    before = tree(home / "content")
    out = _import(home, "Notes.", "--section", "shows")
    assert KEPT.format(where="episodes", other="shows") in out
    assert tree(home / "content") == before  # no kind key added, nothing written
    _builds()


def test_without_the_ledger_a_file_in_any_section_holding_the_guid_counts(home: Path) -> None:
    _import(home, "Notes.", "--section", "shows")
    (home / "imports.json").unlink()
    out = _import(home, "Notes.")
    assert "content/shows/episode-1.md:1: import: already holds GUID 'ep-1'" in out
    assert _markdown(home) == ["shows/episode-1.md"]
    _builds()
