"""Re-running an import: what changed upstream is updated, nothing is duplicated, and a file
an editor changed (or deleted) since the import is left alone and named."""

from __future__ import annotations

import json
from pathlib import Path

from tests.importers.conftest import IMPORTS, front_matter, publish, tree

BUZZ = IMPORTS / "buzzsprout.xml"


def test_a_second_run_changes_nothing(home: Path) -> None:
    assert publish("import", "podcast", str(BUZZ)).exit_code == 0
    before = tree(home)
    again = publish("import", "podcast", str(BUZZ))
    assert again.exit_code == 0
    assert again.stdout == ""  # nothing created or updated
    assert "0 new, 0 updated, 2 unchanged, 0 left alone" in again.stderr
    assert tree(home) == before


def test_upstream_changes_update_the_same_file(home: Path, tmp_path: Path) -> None:
    assert publish("import", "podcast", str(BUZZ)).exit_code == 0
    changed = tmp_path / "changed.xml"
    changed.write_bytes(
        BUZZ.read_bytes().replace(b"<title>Compost, part 2</title>", b"<title>Compost (2)</title>")
    )
    result = publish("import", "podcast", str(changed))
    assert result.exit_code == 0
    assert result.stdout == "updated: content/episodes/compost-part-2.md\n"
    files = sorted(p.name for p in (home / "content" / "episodes").iterdir())
    assert files == ["compost-part-2.md", "trailer.md"]  # a new title, not a new file
    assert (
        front_matter(home / "content" / "episodes" / "compost-part-2.md")["title"] == "Compost (2)"
    )


def test_a_file_edited_since_the_import_is_never_overwritten(home: Path, tmp_path: Path) -> None:
    assert publish("import", "podcast", str(BUZZ)).exit_code == 0
    episode = home / "content" / "episodes" / "trailer.md"
    edited = episode.read_text().replace("Coming soon.", "Coming in June.")
    episode.write_text(edited)
    changed = tmp_path / "changed.xml"
    changed.write_bytes(
        BUZZ.read_bytes().replace(b"<title>Trailer</title>", b"<title>Hello</title>")
    )
    result = publish("import", "podcast", str(changed))
    assert result.exit_code == 0
    assert (
        "kept: content/episodes/trailer.md:1: import: edited since the import: not overwritten"
        in result.stdout
    )
    assert episode.read_text() == edited
    assert "1 left alone" in result.stderr


def test_a_deleted_file_is_not_recreated_and_a_lost_ledger_never_duplicates(home: Path) -> None:
    assert publish("import", "podcast", str(BUZZ)).exit_code == 0
    (home / "content" / "episodes" / "trailer.md").unlink()
    result = publish("import", "podcast", str(BUZZ))
    assert "trailer.md:1: import: deleted since the import: not re-created" in result.stdout
    assert not (home / "content" / "episodes" / "trailer.md").exists()
    (home / "imports.json").unlink()  # the ledger lost: the GUIDs in the files still count
    result = publish("import", "podcast", str(BUZZ))
    assert result.exit_code == 0
    assert "compost-part-2.md:1: import: already holds GUID 'Buzzsprout-15000002'" in result.stdout
    names = sorted(p.name for p in (home / "content" / "episodes").iterdir())
    assert names == ["compost-part-2.md", "trailer.md"]


def test_the_ledger_is_deterministic_json(home: Path) -> None:
    assert publish("import", "podcast", str(BUZZ)).exit_code == 0
    ledger = json.loads((home / "imports.json").read_text())
    assert sorted(ledger["items"]["episodes"]) == ["Buzzsprout-15000001", "Buzzsprout-15000002"]
    assert ledger["items"]["episodes"]["Buzzsprout-15000001"]["file"] == "episodes/trailer.md"


def test_dry_run_writes_nothing(home: Path) -> None:
    before = tree(home)
    result = publish("import", "podcast", str(BUZZ), "--dry-run", "--format", "json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["created"] == ["content/episodes/compost-part-2.md", "content/episodes/trailer.md"]
    assert doc["dry_run"] is True
    assert "[podcast] guid would be set" in result.stderr
    assert tree(home) == before


def test_since_leaves_older_items_out(home: Path) -> None:
    result = publish("import", "podcast", str(BUZZ), "--since", "2024-05-01")
    assert result.exit_code == 0
    assert sorted(p.name for p in (home / "content" / "episodes").iterdir()) == [
        "compost-part-2.md"
    ]
    bad = publish("import", "podcast", str(BUZZ), "--since", "last week")
    assert bad.exit_code == 2
