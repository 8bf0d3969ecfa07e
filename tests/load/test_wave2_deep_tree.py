"""A content tree deeper than Python's recursion limit: every command that walks it works
(Python 3.11's os.walk recursed once per folder: RecursionError, exit 1)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main

DEPTH = 1_100


pytestmark = pytest.mark.usefixtures("deep_tree_removed")


def _deep_site(root: Path) -> Path:
    (root / "publish.toml").write_text('[site]\ntitle = "Deep"\nbase_url = "https://e.example/"\n')
    where = str(root / "content")
    os.mkdir(where)
    for _ in range(DEPTH):  # os.makedirs recurses too
        where = os.path.join(where, "d")
        os.mkdir(where)
    Path(where, "deep.md").write_text("---\ntitle: Deep\ndate: 2024-01-01\n---\nText.\n")
    return root / "publish.toml"


def test_validate_and_build_walk_a_tree_1100_folders_deep(tmp_path: Path) -> None:
    config = _deep_site(tmp_path)
    for command in ("validate", "build"):
        args = [command, "--config", str(config)]
        if command == "build":
            args += ["--out", str(tmp_path / "out")]
        result = CliRunner().invoke(main, args)
        # the file at the bottom is found and loaded: its URL is too long, said at its line
        assert result.exit_code == 2, result.output
        assert "/d/deep.md:2: " in result.output
        assert "Traceback" not in result.output and "RecursionError" not in result.output


def test_links_walks_a_tree_1100_folders_deep(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["links", "--config", str(_deep_site(tmp_path))])
    assert result.exit_code == 0, result.output
