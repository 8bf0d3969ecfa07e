"""publish import --verify: builds, then compares the source with the built feed in one line;
exit 2 when a GUID or an enclosure changed or an imported item is missing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.importers.conftest import IMPORTS, publish


@pytest.mark.parametrize(
    ("kind", "fixture", "line"),
    [
        ("podcast", "libsyn.xml", "3 of 3 episodes present in podcast.xml"),
        ("podcast", "anchor.xml", "3 of 3 episodes present in podcast.xml"),
        ("feed", "wordpress.xml", "2 of 2 posts present in rss.xml (1 source items left out"),
        ("feed", "ghost-atom.xml", "2 of 2 posts present in atom.xml"),
        ("feed", "blog.json", "2 of 2 posts present in feed.json"),
    ],
)
def test_verify_says_so_in_one_line(home: Path, kind: str, fixture: str, line: str) -> None:
    result = publish("import", kind, str(IMPORTS / fixture), "--verify")
    assert result.exit_code == 0, result.output
    verdict = result.stdout.strip().splitlines()[-1]
    assert verdict.startswith("Verified: 0 GUID changes, 0 enclosure URL changes, ")
    assert line in verdict
    assert (home / "feeds").is_dir()


def test_verify_fails_on_a_guid_edited_since_the_import(home: Path) -> None:
    assert publish("import", "podcast", str(IMPORTS / "libsyn.xml")).exit_code == 0
    episode = home / "content" / "episodes" / "ep-10-long-one.md"
    text = episode.read_text()
    episode.write_text(text.replace("guid: 3c9d2b7a-0000-4000-8000-000000000010", "guid: oops"))
    result = publish(
        "import", "podcast", str(IMPORTS / "libsyn.xml"), "--verify", "--format", "json"
    )
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    assert doc["kept"] == [
        "content/episodes/ep-10-long-one.md:1: import: edited since the import: not overwritten"
    ]
    assert "NOT VERIFIED: 1 GUID change, 0 enclosure URL changes, 2 of 3 episodes" in result.stderr
    assert "missing: 3c9d2b7a-0000-4000-8000-000000000010" in result.stderr
