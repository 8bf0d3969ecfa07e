"""A repository folder deeper than Python's recursion limit: ``publish init`` looking for
Markdown, and a build hashing the repository's theme folder, walk it (Python 3.11's
``os.walk`` recursed once per folder: RecursionError, exit 1)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.load.test_wave2_deep_tree import DEPTH

pytestmark = pytest.mark.usefixtures("deep_tree_removed")


def _deep(where: str, name: str, text: str) -> None:
    os.mkdir(where)
    for _ in range(DEPTH):  # os.makedirs recurses too
        where = os.path.join(where, "d")
        os.mkdir(where)
    Path(where, name).write_text(text, encoding="utf-8")


def test_init_walks_a_folder_1100_deep(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    _deep(str(repo / "notes"), "deep.md", "# Deep\n\nText.\n")
    result = CliRunner().invoke(main, ["init", str(repo), "--base-url", "https://e.example/"])
    assert result.exit_code == 0, result.output
    assert "RecursionError" not in result.output
    assert (repo / "publish.toml").is_file()


def test_a_build_walks_a_theme_folder_1100_deep(tmp_path: Path) -> None:
    (tmp_path / "publish.toml").write_text(
        '[site]\ntitle = "T"\nbase_url = "https://e.example/"\n', encoding="utf-8"
    )
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "index.md").write_text("# Home\n\nHello.\n", encoding="utf-8")
    _deep(str(tmp_path / "templates"), "note.txt", "not a template\n")
    args = ["build", "--config", str(tmp_path / "publish.toml"), "--out", str(tmp_path / "out")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "RecursionError" not in result.output
    assert (tmp_path / "out" / "index.html").is_file()
