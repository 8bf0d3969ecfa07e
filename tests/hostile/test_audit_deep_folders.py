"""Folders nested past Python 3.11's recursion limit: ``os.walk`` recursed once per level, so
``feed-diff`` of a folder holding a tree 1,100 folders deep, and the link checker's look for
a moved file in such a content tree, ended in RecursionError (exit 1). Both walk it in a
loop now."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.linkcheck.local import LocalChecker
from pipeline.linkcheck.results import BROKEN
from pipeline.model import LinkRef

DEPTH = 1_100
FEED = (
    '<rss version="2.0"><channel><title>t</title><link>https://x.example/</link>'
    "<description>d</description><item><guid>https://x.example/a</guid><title>{title}</title>"
    "</item></channel></rss>"
)


def _chain(top: Path) -> Path:
    """``top/a/a/…/a``, DEPTH folders (Path.mkdir(parents=True) recurses too)."""
    top.mkdir(exist_ok=True)
    path = top
    for _ in range(DEPTH):
        path = path / "a"
        path.mkdir()
    return path


@pytest.fixture
def deep(tmp_path: Path) -> Iterator[Path]:
    """``tmp_path``, its deep chains removed after the test (shutil.rmtree recurses too)."""
    yield tmp_path
    for top in list(tmp_path.iterdir()):
        bottom = top
        while (bottom / "a").is_dir():
            bottom = bottom / "a"
        while bottom != tmp_path:
            for leaf in bottom.iterdir():
                if not leaf.is_dir():
                    leaf.unlink()
            if not any(bottom.iterdir()):
                bottom.rmdir()
            bottom = bottom.parent


def test_feed_diff_reads_feeds_in_a_deep_tree(deep: Path) -> None:
    for name, title in (("old", "one"), ("new", "two")):
        (_chain(deep / name) / "rss.xml").write_text(FEED.format(title=title), encoding="utf-8")
    result = CliRunner().invoke(main, ["feed-diff", str(deep / "old"), str(deep / "new")])
    assert result.exit_code == 0, result.output
    assert "title changed two" in result.stdout
    assert "'one' → 'two'" in result.stdout


def test_a_missing_files_suggestion_is_looked_for_in_a_deep_tree(deep: Path) -> None:
    root = deep / "content"
    (_chain(root) / "guide.md").write_text("# Guide\n", encoding="utf-8")
    (root / "intro.md").write_text("# Intro\n", encoding="utf-8")
    outcome = LocalChecker(root, {}).check(LinkRef("intro.md", 3, "guide.md", "the guide"))
    assert outcome.status == BROKEN
    assert outcome.suggestion == f"did you mean {'a/' * DEPTH}guide.md?"
