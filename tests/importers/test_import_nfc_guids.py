"""Two GUIDs that are one string once Unicode-normalised (``Cafe\\u0301`` and ``Café``)
are two episodes to podcast apps, which compare GUIDs exactly, but one id to the build,
which reads ids as NFC: the later one is written with an id derived from its GUID, named,
and kept in the ledger, so no id changes on a later run. Both GUIDs are kept exactly."""

from __future__ import annotations

import json
from pathlib import Path

from tests.importers.conftest import front_matter, imported, podcast_head, publish, tree

HEAD = podcast_head()
"""Five lines: the first item is line 6."""
DECOMPOSED = "Cafe\u0301"
COMPOSED = "Caf\u00e9"
EPISODES = Path("content") / "episodes"


def _item(n: int, guid: str) -> str:
    return (
        f"<item><title>Episode {n}</title><guid>{guid}</guid>"
        f"<pubDate>Mon, 0{n} Jan 2024 10:00:00 GMT</pubDate>"
        f'<enclosure url="https://cdn.example.com/{n}.mp3" length="1000" type="audio/mpeg"/>'
        "</item>\n"
    )


def _feed(*items: tuple[int, str]) -> str:
    return HEAD + "".join(_item(n, guid) for n, guid in items) + "</channel></rss>\n"


def _built() -> str:
    built = publish("build")
    assert built.exit_code == 0, built.output
    return Path("feeds/podcast.xml").read_text(encoding="utf-8")


def test_guids_equal_once_normalised_are_two_episodes_the_build_accepts(home: Path) -> None:
    result = imported(home, "podcast", _feed((1, DECOMPOSED), (2, COMPOSED), (3, "ep-3")))
    first, second, third = (front_matter(EPISODES / f"episode-{n}.md") for n in (1, 2, 3))
    assert (first["guid"], second["guid"]) == (DECOMPOSED, COMPOSED)  # exactly
    assert (first["id"], third["id"]) == (DECOMPOSED, "ep-3")  # no clash: the GUID
    assert second["id"] not in (DECOMPOSED, COMPOSED)
    assert result.stdout == (  # written, with a note: no file was left alone
        "created: content/episodes/episode-1.md\n"
        "created: content/episodes/episode-2.md\n"
        "created: content/episodes/episode-3.md\n"
        f"note: content/episodes/episode-2.md:1: id: feed.xml:7: its id {COMPOSED!r} is the "
        "id of episodes/episode-1.md as the build compares ids (Unicode-normalised): "
        f"written as id {second['id']!r}; its GUID {COMPOSED!r} is kept exactly\n"
    )
    assert "3 new, 0 updated, 0 unchanged, 0 left alone" in result.stderr
    ledger = json.loads((home / "imports.json").read_text(encoding="utf-8"))
    assert ledger["items"]["episodes"][COMPOSED]["id"] == second["id"]
    assert "id" not in ledger["items"]["episodes"][DECOMPOSED]
    feed = _built()
    assert f">{DECOMPOSED}</guid>" in feed
    assert f">{COMPOSED}</guid>" in feed


def test_the_derived_id_never_changes(home: Path) -> None:
    imported(home, "podcast", _feed((1, DECOMPOSED), (2, COMPOSED)))
    derived = front_matter(EPISODES / "episode-2.md")["id"]
    before = tree(home / "content")
    again = imported(home, "podcast", _feed((2, COMPOSED), (1, DECOMPOSED)))  # reordered
    assert again.stdout == ""
    assert tree(home / "content") == before
    imported(home, "podcast", _feed((2, COMPOSED)))  # the other one gone upstream
    assert tree(home / "content") == before
    assert front_matter(EPISODES / "episode-2.md")["id"] == derived
    _built()


def test_an_existing_file_with_the_id_keeps_it(home: Path) -> None:
    (home / "content" / "essays").mkdir(parents=True)
    mine = "---\ntitle: Mine\ndate: 2024-01-01\nid: Caf\u00e9\n---\n\nMine.\n"
    (home / "content" / "essays" / "mine.md").write_text(mine, encoding="utf-8")
    result = imported(home, "podcast", _feed((1, DECOMPOSED)))
    assert "id of essays/mine.md as the build compares ids" in result.stdout
    assert front_matter(EPISODES / "episode-1.md")["guid"] == DECOMPOSED
    assert (home / "content" / "essays" / "mine.md").read_text(encoding="utf-8") == mine
    _built()


def test_a_guid_with_a_control_character_gets_an_id_the_build_accepts(home: Path) -> None:
    """The build refuses an id with a line break or a control character (it goes into
    calendar UIDs and the digest ledger); a GUID holding one gets a derived id, named, and
    is kept exactly."""
    odd = "ep&#9;4"  # a tab, as the feed's XML writes it
    result = imported(home, "podcast", _feed((1, odd), (2, "ep-2")))
    first = front_matter(EPISODES / "episode-1.md")
    assert first["guid"] == "ep\t4" and first["id"] != "ep\t4"
    assert "holds a line break or a control character, which the build refuses" in result.stdout
    feed = _built()
    assert ">ep\t4</guid>" in feed
