"""``build`` and ``validate`` warn, at ``path:line``, about local links that point at nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.build.site import prepare
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.linkcheck import dangling
from pipeline.linkcheck.dangling import with_link_warnings
from pipeline.model import Item, Site
from pipeline.support.paths import typed

POST = """\
---
title: Links
id: 0b0d8a3c-6c4b-4d43-9f0a-1e2f3a4b5c6d
date: 2025-01-01
---

Intro.

The [handbook PDF](./missing.pdf) and ![a chart](img/chart.png).
A [good page](why-we-gather.md), a [bad page](nothere.md), [a section](#intro).
"""

WARNINGS = [
    "warning: content/essays/links.md:9: image: img/chart.png points at nothing",
    "warning: content/essays/links.md:9: link: ./missing.pdf points at nothing",
    "warning: content/essays/links.md:10: link: nothere.md points at nothing",
]


@pytest.fixture
def linked(site: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (site / "content" / "essays" / "links.md").write_text(POST, encoding="utf-8")
    monkeypatch.chdir(site)
    return site


def _warnings(stderr: str) -> list[str]:
    return [ln.split(" (", 1)[0] for ln in stderr.splitlines() if "points at nothing" in ln]


@pytest.mark.parametrize("command", [["validate"], ["build", "--out", "feeds"]])
def test_dangling_local_links_warned_at_their_line(
    linked: Path, runner: CliRunner, command: list[str]
) -> None:
    result = runner.invoke(main, command)
    assert result.exit_code == 0, result.output
    assert _warnings(result.stderr) == WARNINGS
    assert "3 warnings" in result.stderr.splitlines()[-1]


def test_warnings_follow_the_files_on_every_build(linked: Path, runner: CliRunner) -> None:
    assert _warnings(runner.invoke(main, ["build", "--out", "feeds"]).stderr) == WARNINGS
    (linked / "content" / "essays" / "missing.pdf").write_bytes(b"%PDF-1.4\n")
    result = runner.invoke(main, ["build", "--out", "feeds"])  # no Markdown changed
    assert result.exit_code == 0, result.output
    assert _warnings(result.stderr) == [WARNINGS[0], WARNINGS[2]]
    assert (linked / "feeds" / "essays" / "links" / "missing.pdf").read_bytes() == b"%PDF-1.4\n"


def test_strict_refuses_dangling_links_before_writing(linked: Path, runner: CliRunner) -> None:
    result = runner.invoke(main, ["build", "--out", "feeds", "--strict"])
    assert result.exit_code == 2
    assert "content/essays/links.md:9: link: ./missing.pdf points at nothing" in result.stderr
    assert not (linked / "feeds").exists()
    assert runner.invoke(main, ["validate", "--strict"]).exit_code == 2


def test_results_kept_in_one_process_follow_the_tree(linked: Path, runner: CliRunner) -> None:
    """Builds in one process (as ``publish serve`` runs them) reuse the link results while the
    tree's names stay the same, and not one build longer: a file added, a draft, removed."""

    def warned() -> list[str]:
        cfg = load_config(linked / "publish.toml")
        site = prepare(cfg, Path("content"))
        kept = with_link_warnings(cfg, Path("content"), site, strict=False, keep=True)
        return _warnings("\n".join(f"warning: {typed(w)}" for w in kept.warnings))

    assert warned() == WARNINGS
    assert warned() == WARNINGS  # from what was kept
    assert dangling._KEPT, "the results are kept for the next call"
    (linked / "content" / "essays" / "img").mkdir()
    (linked / "content" / "essays" / "img" / "chart.png").write_bytes(b"\x89PNG")
    assert warned() == WARNINGS[1:]
    good = linked / "content" / "essays" / "why-we-gather.md"
    text = good.read_text(encoding="utf-8")
    good.write_text(text.replace("---\n", "---\ndraft: true\n", 1), encoding="utf-8")
    now_draft = "warning: content/essays/links.md:10: link: why-we-gather.md points at nothing"
    assert now_draft in warned()
    good.write_text(text, encoding="utf-8")
    (linked / "content" / "essays" / "img" / "chart.png").unlink()
    assert warned() == WARNINGS


def test_items_loaded_without_their_body_are_read_through_body_of(linked: Path) -> None:
    """Items the build's caches give without their body: the check asks ``body_of`` for it
    (only for an item with a broken link), and names the same lines."""
    cfg = load_config(linked / "publish.toml")
    site = prepare(cfg, Path("content"))
    bodies = {i.source: i.body for i in site.items}
    asked: list[str] = []

    def body_of(item: Item) -> str:
        asked.append(item.source)
        return bodies[item.source]

    bare = Site(tuple(i.evolve(body="") for i in site.items), site.warnings)
    kept = with_link_warnings(cfg, Path("content"), bare, strict=False, body_of=body_of)
    assert _warnings("\n".join(f"warning: {typed(w)}" for w in kept.warnings)) == WARNINGS
    assert asked == ["essays/links.md"]
