"""The id ledger gives each file without an ``id`` key its id in time linear in the files:
it looked through every entry for each file it had no entry for, so the first build of a site
without a ledger was quadratic (20,000 files: 8 s in the ledger alone; 40,000: 32 s). A
renamed file is still found by its title, else its slug, among the entries whose file is gone."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.load.ids import IdLedger
from tests.timing import assert_linear


def test_a_site_without_a_ledger_gets_its_ids_in_linear_time(tmp_path: Path) -> None:
    def assign_all(n: int) -> None:
        ledger = IdLedger(tmp_path / "none.json")
        existing = {f"essays/a{i}.md" for i in range(n)}
        for i in range(n):
            ledger.assign(f"essays/a{i}.md", f"Title {i}", f"a{i}", existing)

    assert_linear(assign_all, 8_000, label="8,000 new files: ")


def _ledger(tmp_path: Path, entries: dict[str, tuple[str, str, str]]) -> IdLedger:
    path = tmp_path / ".publish-ids.json"
    items = {s: {"id": i, "title": t, "slug": g} for s, (i, t, g) in entries.items()}
    path.write_text(json.dumps({"items": items}), encoding="utf-8")
    return IdLedger(path)


def test_a_renamed_file_keeps_its_id_by_title_then_by_slug(tmp_path: Path) -> None:
    ledger = _ledger(
        tmp_path,
        {
            "old/a.md": ("id-a", "Alpha", "a"),
            "old/b.md": ("id-b", "Beta", "b"),
            "kept.md": ("id-k", "Kept", "kept"),
        },
    )
    existing = {"new/a.md", "new/bee.md", "kept.md", "fresh.md"}
    assert ledger.assign("kept.md", "Kept", "kept", existing) == "id-k"
    assert ledger.assign("new/a.md", "Alpha", "alpha", existing) == "id-a"  # by title
    assert ledger.assign("new/bee.md", "Bee", "b", existing) == "id-b"  # by slug
    assert ledger.assign("fresh.md", "Alpha", "a", existing) not in {"id-a", "id-b", "id-k"}
    assert set(ledger.entries) == existing


def test_two_gone_files_of_one_title_give_neither_id(tmp_path: Path) -> None:
    """Which of the two was renamed cannot be told: a new id, and the slug is not asked
    (it is asked only when no gone file has the title)."""
    ledger = _ledger(
        tmp_path,
        {"x.md": ("id-x", "Same", "x"), "y.md": ("id-y", "Same", "y"), "z.md": ("id-z", "Z", "z")},
    )
    existing = {"n1.md", "n2.md"}
    first = ledger.assign("n1.md", "Same", "z", existing)
    assert first not in {"id-x", "id-y", "id-z"}
    assert ledger.assign("n2.md", "Other", "z", existing) == "id-z"
