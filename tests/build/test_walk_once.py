"""A build walks its content folder once: the Markdown files the loader reads are picked from
the fingerprint's walk, and must be exactly what a walk of their own finds, in its order."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.build.state import fingerprint
from pipeline.config import load_config
from pipeline.load.walk import markdown_among, own_folders, walk_markdown
from tests.conftest import FIXTURES, REPO


def _tree(root: Path) -> Path:
    files = [
        "a.md", "B.md", "z.markdown", ".hidden.md", "notes.txt", "x/é.md", "x/y/deep.md",
        ".gitbook/assets/page.md", "node_modules/pkg/readme.md", "_book/index.md",
        "newsletter/templates/digest.md", "newsletter/ok.md", "sp ace/f.md", "x.md/inner.md",
    ]  # fmt: skip
    for rel in files:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("---\ntitle: t\n---\n", encoding="utf-8")
    return root


@pytest.mark.parametrize("which", ["bundled", "handbook", "made"])
def test_the_fingerprint_walk_yields_what_the_markdown_walk_does(
    tmp_path: Path, which: str
) -> None:
    if which == "bundled":
        root, cfg = REPO / "content", load_config(REPO / "publish.toml")
    elif which == "handbook":
        root = FIXTURES / "handbook"  # a GitBook space: its content at the top
        cfg = load_config(root / "publish.toml")
    else:
        root = _tree(tmp_path / "content")
        (tmp_path / "publish.toml").write_text(
            '[newsletter]\ntemplates = "content/newsletter/templates"\n', encoding="utf-8"
        )
        cfg = load_config(tmp_path / "publish.toml")
    skip = own_folders(cfg, root)
    stats: dict[str, os.stat_result] = {}
    fingerprint(cfg, root, tmp_path / "out", stats, strict=False)
    expected = list(walk_markdown(root, skip))
    assert expected, "the tree must hold Markdown files"
    assert markdown_among(root, stats, skip) == expected
