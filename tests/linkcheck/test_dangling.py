"""``build`` and ``validate`` warn, at ``path:line``, about local links that point at nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.build.linkcache import FILE
from pipeline.build.site import prepare
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.linkcheck.dangling import dangling_links
from pipeline.model import Item
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


def test_results_kept_between_builds_follow_the_tree(linked: Path, runner: CliRunner) -> None:
    """Each build reuses the last one's results for an item whose links are the same while
    the tree's names stay the same, and not one build longer: a file added, a draft, removed.
    (A kept result that says more than the files do shows it was trusted.)"""
    cache = linked / "cache"

    def warned() -> list[str]:
        # a different --out each time: the nothing-changed check never ends a build early
        warned.n += 1  # type: ignore[attr-defined]
        out = f"out{warned.n}"  # type: ignore[attr-defined]
        result = runner.invoke(main, ["build", "--out", out, "--cache-dir", str(cache)])
        assert result.exit_code == 0, result.output
        return _warnings(result.stderr)

    warned.n = 0  # type: ignore[attr-defined]
    assert warned() == WARNINGS
    kept = json.loads((cache / FILE).read_text(encoding="utf-8"))
    row = kept["sources"].index("essays/links.md")
    assert sorted(kept["broken"][row]) == ["./missing.pdf", "img/chart.png", "nothere.md"]
    kept["broken"][row].append("why-we-gather.md")  # a result only the file says
    (cache / FILE).write_text(json.dumps(kept), encoding="utf-8")
    trusted = warned()  # same links, same names: the kept result is used
    assert [w for w in trusted if "why-we-gather.md" in w], trusted
    assert set(WARNINGS) < set(trusted)
    told = "warning: content/essays/links.md:10: link: why-we-gather.md points at nothing"

    (linked / "content" / "essays" / "img").mkdir()  # names change: checked again
    (linked / "content" / "essays" / "img" / "chart.png").write_bytes(b"\x89PNG")
    assert warned() == WARNINGS[1:]
    good = linked / "content" / "essays" / "why-we-gather.md"
    text = good.read_text(encoding="utf-8")
    good.write_text(text.replace("---\n", "---\ndraft: true\n", 1), encoding="utf-8")
    assert told in warned()
    good.write_text(text, encoding="utf-8")
    (linked / "content" / "essays" / "img" / "chart.png").unlink()
    assert warned() == WARNINGS
    post = linked / "content" / "essays" / "links.md"  # its links changed: it is checked again
    post.write_text(POST.replace("(nothere.md)", "(why-we-gather.md)"), encoding="utf-8")
    assert warned() == WARNINGS[:2]


def test_a_symbolic_link_in_the_tree_keeps_nothing(linked: Path, runner: CliRunner) -> None:
    """What a symbolic link points at may change while every name stays: no result is kept."""
    (linked / "content" / "essays" / "elsewhere").symlink_to(linked / "content" / "events")
    cache = linked / "cache"
    result = runner.invoke(main, ["build", "--out", "feeds", "--cache-dir", str(cache)])
    assert result.exit_code == 0, result.output
    assert _warnings(result.stderr) == WARNINGS
    assert not (cache / FILE).exists()


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

    bare = [i.evolve(body="") for i in site.items]
    found, _ = dangling_links(cfg, Path("content"), bare, body_of=body_of)
    assert _warnings("\n".join(f"warning: {typed(w)}" for w in sorted(found))) == WARNINGS
    assert asked == ["essays/links.md"]
