"""An edit build splices its feeds into temporary files on threads while it plans its pages
(:class:`pipeline.build.write.FeedsAhead`) and puts them in place only in the write phase. A
build that fails after that leaves the output folder as it found it (no temporary file, no
marker, every byte as it was); one that succeeds writes the feeds a cold build writes."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pipeline.build.outfolder import WRITING_MARKER
from pipeline.cli import main
from pipeline.support.output import TMP_PREFIX

FEEDS = ("rss.xml", "atom.xml", "feed.json")
SCRIPTED = b'<svg xmlns="http://www.w3.org/2000/svg">\n<script>alert(1)</script></svg>'


def _files(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in out.rglob("*")
        if p.is_file() and p.name != ".publish.lock"
    }


def _build(site: Path, out: Path, cache: Path, *more: str) -> tuple[int, str]:
    args = ["build", "--config", str(site / "publish.toml"), "--out", str(out), *more]
    result = CliRunner().invoke(main, [*args, "--cache-dir", str(cache)])
    return result.exit_code, result.output


@pytest.fixture
def temps(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The temporary feed files the build creates (watched at ``os.open``), in order."""
    made: list[str] = []
    real: Callable[..., int] = os.open

    def watched(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        name = os.path.basename(os.fspath(path))
        if (
            flags & os.O_CREAT
            and name.startswith(TMP_PREFIX)
            and name[len(TMP_PREFIX) :].startswith(FEEDS)
        ):
            made.append(os.fspath(path))
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", watched)
    return made


def _edit(site: Path, extra: str) -> None:
    post = site / "content" / "essays" / "why-we-gather.md"
    post.write_text(post.read_text(encoding="utf-8") + extra, encoding="utf-8")


def test_a_build_failing_after_its_feeds_were_spliced_leaves_the_folder_as_found(
    site: Path, tmp_path: Path, temps: list[str]
) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    assert _build(site, out, cache)[0] == 0
    before = _files(out)
    del temps[:]
    # a script in a file the post links: a content error found when the copies are checked,
    # after the feeds are planned (and spliced ahead)
    (site / "content" / "essays" / "plan.svg").write_bytes(SCRIPTED)
    _edit(site, "\nThe plan: ![plan](plan.svg)\n")
    code, output = _build(site, out, cache)
    assert code == 2, output
    assert "plan.svg holds a <script> element" in output
    assert temps, "no feed was spliced ahead: the test no longer tests the failure after it"
    assert not [t for t in temps if os.path.exists(t)]
    assert not (out / WRITING_MARKER).exists()
    assert _files(out) == before


def test_a_strict_build_failing_at_its_links_after_the_feeds_were_spliced_leaves_the_folder(
    site: Path, tmp_path: Path, temps: list[str]
) -> None:
    """The link check comes after the feeds are spliced ahead (the longest work of an edit
    build starts first); with ``--strict`` a dangling link fails the build there."""
    out, cache = tmp_path / "out", tmp_path / "cache"
    assert _build(site, out, cache, "--strict")[0] == 0
    before = _files(out)
    del temps[:]
    _edit(site, "\nSee [the plan](no-such-page.md).\n")
    code, output = _build(site, out, cache, "--strict")
    assert code == 2, output
    assert "no-such-page.md" in output
    assert temps, "no feed was spliced ahead: the test no longer tests the failure after it"
    assert not [t for t in temps if os.path.exists(t)]
    assert not (out / WRITING_MARKER).exists()
    assert _files(out) == before


def test_feeds_spliced_ahead_are_the_feeds_a_cold_build_writes(
    site: Path, tmp_path: Path, temps: list[str]
) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    assert _build(site, out, cache)[0] == 0
    del temps[:]
    _edit(site, "\nOne more line, written ahead.\n")
    code, output = _build(site, out, cache)
    assert code == 0, output
    names = [os.path.basename(t)[len(TMP_PREFIX) :] for t in temps]
    assert {f for f in FEEDS for name in names if name.startswith(f)} == set(FEEDS)
    assert not [t for t in temps if os.path.exists(t)]
    assert not (out / WRITING_MARKER).exists()
    code, output = _build(site, tmp_path / "cold", tmp_path / "cold-cache")
    assert code == 0, output
    edited, cold = _files(out), _files(tmp_path / "cold")
    assert edited.keys() == cold.keys()
    feeds = [rel for rel in cold if rel.rsplit("/", 1)[-1] in FEEDS]
    assert len(feeds) >= 3
    for rel in feeds:
        assert edited[rel] == cold[rel], rel


@pytest.mark.skipif(not hasattr(os, "posix_fadvise"), reason="no posix_fadvise here")
def test_an_edit_build_asks_for_the_last_feeds_before_it_copies_them(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    assert _build(site, out, cache)[0] == 0
    last = {rel: (out / rel).stat().st_ino for rel in FEEDS}
    asked: list[int] = []
    real = os.posix_fadvise

    def advise(fd: int, offset: int, length: int, advice: int) -> None:
        if advice == os.POSIX_FADV_WILLNEED:
            asked.append(os.fstat(fd).st_ino)
        real(fd, offset, length, advice)

    monkeypatch.setattr(os, "posix_fadvise", advise)
    _edit(site, "\nOne more line.\n")
    assert _build(site, out, cache)[0] == 0
    assert set(last.values()) <= set(asked)
    assert all((out / rel).stat().st_ino != ino for rel, ino in last.items())  # copied, replaced
