"""The old feed files a build replaces are closed by the end of the build (each closed on a
thread of its own as soon as its replacement is in place: the kernel frees its blocks while
the other feeds are written): nothing stays open."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.build import feedwrite
from pipeline.cli import main


def _open_fds() -> set[str]:
    found = set()
    for n in os.listdir("/proc/self/fd"):
        try:
            found.add(os.readlink(f"/proc/self/fd/{n}"))
        except OSError:  # the listing's own descriptor, closed by now
            continue
    return found


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc (Linux)")
def test_replaced_feeds_are_closed_when_the_build_ends(site: Path, runner: CliRunner) -> None:
    args = ["build", "--config", str(site / "publish.toml"), "--out", str(site / "feeds")]
    args += ["--cache-dir", str(site / "cache")]
    assert runner.invoke(main, args).exit_code == 0
    before = _open_fds()
    feed = site / "feeds" / "rss.xml"
    old_inode = feed.stat().st_ino
    post = next((site / "content" / "essays").glob("*.md"))
    post.write_text(post.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert feed.stat().st_ino != old_inode  # spliced from the old file, which it replaced
    assert not feedwrite._CLOSERS
    assert not {fd for fd in _open_fds() - before if fd.startswith(str(site))}
