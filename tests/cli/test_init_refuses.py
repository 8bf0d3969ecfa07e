"""``publish init`` reads what it would write before writing it: a space whose ``.gitbook.yaml``
no command could use, or a base URL that is not one, is refused with ``path:line`` and exit 3
while nothing is written; content errors and an unreadable ledger leave the init written and
the catalogue unrecorded, said so. Each run lists the folder before and after."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main

README = "# Handbook\n\nWelcome.\n"
SUMMARY = "# Summary\n\n* [Welcome](README.md)\n* [Setup](setup.md)\n"
SETUP = "---\ndate: 2024-01-01\n---\n# Setup\n\nSteps.\n"
WRITTEN = {
    "publish.toml",
    ".github/workflows/pr.yml",
    ".github/workflows/publish.yml",
    ".github/zizmor.yml",
}
"""What ``publish init`` writes in a GitBook space ..."""
INIT_FILES = WRITTEN | {".github", ".github/workflows"}
"""... and the folders it makes for them."""


def _space(tmp_path: Path, gitbook_yaml: str, setup: str = SETUP) -> Path:
    """A Git-synced GitBook space: README, SUMMARY, one dated page and ``.gitbook.yaml``."""
    space = tmp_path / "Documentation"
    space.mkdir()
    (space / ".gitbook.yaml").write_text(gitbook_yaml, encoding="utf-8")
    (space / "README.md").write_text(README, encoding="utf-8")
    (space / "SUMMARY.md").write_text(SUMMARY, encoding="utf-8")
    (space / "setup.md").write_text(setup, encoding="utf-8")
    return space


def _listing(root: Path) -> set[str]:
    """Every file and folder under ``root``, relative to it."""
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


@pytest.mark.parametrize(
    ("gitbook_yaml", "expected"),
    [
        # Difegue/LANraragi's tools/Documentation: root is relative to the repository, not
        # to the space, so from the space it names a folder that is not there
        (
            "root: ./tools/Documentation\n\nstructure:\n  readme: README.md\n"
            "  summary: SUMMARY.md\n",
            ".gitbook.yaml:1: gitbook: root: './tools/Documentation' is not a folder",
        ),
        ("root: ../\n", ".gitbook.yaml:1: gitbook: root: '../' is outside the content folder"),
        ("- README.md\n", ".gitbook.yaml:1: gitbook: expected a map with root: and structure:"),
        ("root: ./\nstructure:\n  readme: [README.md\n", ".gitbook.yaml:4: gitbook: cannot read"),
        ("root: ./\nredirects:\n  - old: setup.md\n", ".gitbook.yaml:3: redirects: expected a map"),
    ],
)
def test_init_refuses_an_unusable_gitbook_yaml_and_writes_nothing(
    tmp_path: Path,
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    gitbook_yaml: str,
    expected: str,
) -> None:
    space = _space(tmp_path, gitbook_yaml)
    monkeypatch.chdir(space)  # as in the report: init run inside the space
    monkeypatch.delenv("PUBLISH_CACHE_DIR")  # a cache would go to the working folder
    before = _listing(tmp_path)
    result = runner.invoke(main, ["init"])
    assert result.exit_code == 3, result.output
    assert expected in result.stderr
    assert "1 configuration error; nothing written." in result.stderr
    assert "wrote " not in result.stdout
    assert _listing(tmp_path) == before


@pytest.mark.parametrize("kind", ["empty", "markdown"])
def test_init_refuses_a_base_url_that_is_not_one_and_writes_nothing(
    tmp_path: Path, runner: CliRunner, kind: str
) -> None:
    repo = tmp_path / "site"
    repo.mkdir()
    if kind == "markdown":
        (repo / "notes.md").write_text("---\ndate: 2024-01-01\n---\n# Notes\n", encoding="utf-8")
    before = _listing(tmp_path)
    result = runner.invoke(main, ["init", str(repo), "--base-url", "our-site"])
    assert result.exit_code == 3, result.output
    assert f"{repo / 'publish.toml'}:5: site.base_url: expected an absolute" in result.stderr
    assert "nothing written" in result.stderr and "wrote " not in result.stdout
    assert _listing(tmp_path) == before


def test_init_records_the_catalogue_and_writes_only_what_it_says(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    space = _space(tmp_path, "root: ./\n")
    monkeypatch.chdir(space)
    monkeypatch.delenv("PUBLISH_CACHE_DIR")  # no .publish-cache left behind either
    before = _listing(space)
    result = runner.invoke(main, ["init"])
    assert result.exit_code == 0, result.output
    assert "Recorded 1 published item as already announced" in result.stderr
    wrote = {line.removeprefix("wrote ") for line in result.stdout.splitlines()}
    assert wrote == WRITTEN
    ledger = {"newsletter", "newsletter/sent.jsonl", "newsletter/.sent.jsonl.lock"}
    assert _listing(space) - before == INIT_FILES | ledger


def test_init_with_content_errors_writes_its_files_and_records_nothing(
    tmp_path: Path, runner: CliRunner
) -> None:
    space = _space(tmp_path, "root: ./\n", setup="---\ndate: soon\n---\n# Setup\n")
    before = _listing(space)
    result = runner.invoke(main, ["init", str(space)])
    assert result.exit_code == 0, result.output
    assert "the content has 1 error(s) (publish validate lists them)" in result.stderr
    assert "Recorded" not in result.stderr
    assert _listing(space) - before == INIT_FILES  # no ledger: nothing was recorded


def test_init_with_an_unreadable_ledger_writes_its_files_and_says_nothing_was_recorded(
    tmp_path: Path, runner: CliRunner
) -> None:
    space = _space(tmp_path, "root: ./\n")
    (space / "newsletter").mkdir()
    (space / "newsletter" / "sent.jsonl").write_text("not json\n", encoding="utf-8")
    result = runner.invoke(main, ["init", str(space)])
    assert result.exit_code == 0, result.output
    assert "newsletter/sent.jsonl:1: ledger: not a ledger line" in result.stderr
    assert "nothing recorded as announced" in result.stderr
    assert "nothing written" not in result.stderr
    assert (space / "publish.toml").is_file()
    assert (space / "newsletter" / "sent.jsonl").read_text(encoding="utf-8") == "not json\n"
