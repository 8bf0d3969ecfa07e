"""Reading the history for ``publish dates``: a control character in a subject is only text,
and a GitBook sync of many pages is a bulk commit (its evidence says to check it)."""

from __future__ import annotations

from pathlib import Path

from tests.revisions.handbook import commit, git, handbook, page, run


def _lines(stdout: str) -> dict[str, str]:
    return {line.split(":")[0]: line for line in stdout.splitlines() if ":" in line}


def test_a_control_character_in_a_subject_hides_nothing(tmp_path: Path) -> None:
    """Records were split on \\x01: a subject holding one cut its commit's files off."""
    repo = handbook(tmp_path / "repo", {})
    page(repo, "ctl.md", "Ctl", "Text.")
    summary = repo / "SUMMARY.md"
    summary.write_text(summary.read_text() + "* [Ctl](ctl.md)\n")
    commit(repo, "Add ctl \x01 page", "2021-02-01T10:00:00+00:00")
    result = run(repo, "dates", "--suggest")
    assert result.exit_code == 0, result.output
    line = _lines(result.stdout)["ctl.md"]
    assert line.startswith("ctl.md: 2021-02-01  # added in git ")
    assert line.endswith("'Add ctl \\x01 page'")


def test_a_bulk_gitbook_sync_is_named_a_bulk_commit(tmp_path: Path) -> None:
    """The sync rule came first: a GitBook sync adding 30 pages said "(sync commit)" and
    lost the advice to check a bulk add."""
    repo = handbook(tmp_path / "repo", {})
    summary = repo / "SUMMARY.md"
    for n in range(30):
        page(repo, f"new{n}.md", f"New {n}", "Imported.")
        summary.write_text(summary.read_text() + f"* [New {n}](new{n}.md)\n")
    commit(repo, "GITBOOK-2: No subject", "2021-02-01T10:00:00+00:00")
    page(repo, "one.md", "One", "Written.")
    summary.write_text(summary.read_text() + "* [One](one.md)\n")
    commit(repo, "GITBOOK-3: Add one", "2021-03-01T10:00:00+00:00")
    result = run(repo, "dates", "--suggest")
    assert result.exit_code == 0, result.output
    lines = _lines(result.stdout)
    assert lines["new7.md"].endswith(
        "'GITBOOK-2: No subject' (bulk commit, 31 files); a bulk add may be an import: check"
    )
    assert lines["one.md"].endswith("'GITBOOK-3: Add one' (sync commit)")


def test_a_space_moved_into_a_folder_keeps_the_dates_its_pages_were_added(tmp_path: Path) -> None:
    """A space that lived at the top of its repository, then moved into ``docs/`` with
    ``.gitbook.yaml``'s ``root: ./docs/``: git sees renames (``git log --follow`` reaches the
    first add), but the history was read inside ``docs/`` alone, where the move is an add:
    every page was dated by the move. A page at the top that stays there is no page of the
    space, even where its name is a page's (``README.md``)."""
    repo = handbook(tmp_path / "repo", {"guide.md": "Guide"})
    commit(repo, "Edit the guide", "2021-06-01T10:00:00+00:00")
    (repo / "docs").mkdir()
    for name in ["README.md", "SUMMARY.md", "guide.md", *(f"filler{n}.md" for n in range(8))]:
        git(repo, "mv", name, f"docs/{name}")
    (repo / ".gitbook.yaml").write_text("root: ./docs/\n")
    (repo / "README.md").write_text("# The repository\n\nNot the handbook.\n")
    commit(repo, "Move the space into docs/", "2022-03-01T10:00:00+00:00")
    page(repo / "docs", "late.md", "Late", "Written after the move.")
    summary = repo / "docs" / "SUMMARY.md"
    summary.write_text(summary.read_text() + "* [Late](late.md)\n")
    commit(repo, "Add late", "2022-05-01T10:00:00+00:00")
    result = run(repo, "dates", "--suggest")
    assert result.exit_code == 0, result.output
    lines = _lines(result.stdout)
    assert lines["guide.md"].startswith("guide.md: 2021-01-01  # added in git ")
    assert "as /guide.md; moved 1x since" in lines["guide.md"]
    assert lines["late.md"].startswith("late.md: 2022-05-01  # added in git ")
    assert "2022-03-01" not in result.stdout
