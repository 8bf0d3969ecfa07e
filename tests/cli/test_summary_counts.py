"""The closing lines of ``build`` and ``validate`` say "1 warning", "1 item", not "1 warnings"."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main

CONFIG = """\
[site]
title = "One"
base_url = "https://one.example.org/"
timezone = "UTC"

[content]
flavour = "plain"
"""

ESSAY = """\
---
title: Only
date: 2024-05-01
id: only-one
colour: blue
---

Some text.
"""


def _site(root: Path) -> Path:
    (root / "content" / "essays").mkdir(parents=True)
    (root / "content" / "essays" / "only.md").write_text(ESSAY, encoding="utf-8")
    (root / "publish.toml").write_text(CONFIG, encoding="utf-8")
    return root


def test_one_of_each_is_singular(tmp_path: Path) -> None:
    root = _site(tmp_path)
    config = str(root / "publish.toml")
    built = CliRunner().invoke(main, ["build", "--config", config, "--out", str(root / "out")])
    assert built.exit_code == 0, built.output
    line = next(ln for ln in built.stderr.splitlines() if ln.startswith("Built "))
    assert "from 1 item and" in line and ", 1 warning in " in line, line

    valid = CliRunner().invoke(main, ["validate", "--config", config])
    assert valid.exit_code == 0, valid.output
    line = next(ln for ln in valid.stderr.splitlines() if ln.startswith("Valid: "))
    assert line.startswith("Valid: 1 file, 1 published item, 1 warning in "), line


def test_other_counts_are_plural(tmp_path: Path) -> None:
    root = _site(tmp_path)
    (root / "content" / "essays" / "only.md").write_text(
        ESSAY.replace("colour: blue\n", ""), encoding="utf-8"
    )
    config = str(root / "publish.toml")
    built = CliRunner().invoke(main, ["build", "--config", config, "--out", str(root / "out")])
    assert built.exit_code == 0, built.output
    line = next(ln for ln in built.stderr.splitlines() if ln.startswith("Built "))
    assert ", 0 warnings in " in line and " files written" in line, line
