"""The read-ahead hints: a thread that asks the kernel for files, never reads a pipe or a device,
and ends with its block."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.support.readahead import reading_ahead


def _threads() -> set[threading.Thread]:
    return set(threading.enumerate())


def _wait_for(done: Callable[[], bool]) -> None:
    end = time.monotonic() + 10
    while not done() and time.monotonic() < end:
        time.sleep(0.01)


def _advised(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """The (inode, advice) of each file the kernel is asked for (os.posix_fadvise watched)."""
    asked: list[tuple[int, int]] = []
    real = os.posix_fadvise

    def advise(fd: int, offset: int, length: int, advice: int) -> None:
        asked.append((os.fstat(fd).st_ino, advice))
        real(fd, offset, length, advice)

    monkeypatch.setattr(os, "posix_fadvise", advise)
    return asked


@pytest.mark.skipif(not hasattr(os, "posix_fadvise"), reason="no posix_fadvise here")
def test_each_file_is_asked_for_in_order_and_the_hints_end_with_the_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = _advised(monkeypatch)
    files = []
    for n in range(50):
        path = tmp_path / f"{n}.md"
        path.write_text("x" * 4096)
        files.append(str(path))
    before = _threads()
    with reading_ahead(files):  # the hints go on while the block runs, and stop with it
        assert len(_threads() - before) <= 1
        _wait_for(lambda: len(asked) == len(files))
    assert _threads() == before  # joined: nothing of it outlives the block
    inodes = [os.stat(f).st_ino for f in files]
    assert asked == [(ino, os.POSIX_FADV_WILLNEED) for ino in inodes]  # each, in order
    assert all(Path(f).read_text() == "x" * 4096 for f in files)  # untouched


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this platform")
def test_a_pipe_a_missing_file_and_a_folder_are_passed_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening a pipe for reading waits for a writer: the hint must never do that (the block
    would not end), nor fail on what is not a file."""
    pipe = tmp_path / "pipe.md"
    os.mkfifo(pipe)
    regular = tmp_path / "page.md"
    regular.write_text("text")
    paths = [str(pipe), str(tmp_path / "missing.md"), str(tmp_path), str(regular)]
    asked = _advised(monkeypatch) if hasattr(os, "posix_fadvise") else None
    done = threading.Event()

    def run() -> None:
        with reading_ahead(paths):
            _wait_for(lambda: asked is None or bool(asked))
        done.set()

    worker = threading.Thread(target=run, daemon=True)
    start = time.monotonic()
    worker.start()
    assert done.wait(10), "the read-ahead waited on a pipe"
    assert time.monotonic() - start < 10
    if asked is not None:  # only the regular file was opened and advised
        assert [ino for ino, _ in asked] == [regular.stat().st_ino]


def test_a_build_reads_every_file_with_the_hints(tmp_path: Path) -> None:
    """The hints change no file and no order: 300 posts load (on both cores) as they are."""
    from pipeline.config import load_config
    from pipeline.load.loader import load_site

    content = tmp_path / "content" / "essays"
    content.mkdir(parents=True)
    for n in range(300):
        (content / f"p{n:03}.md").write_text(
            f"---\ntitle: Post {n}\ndate: 2024-01-01\nid: p{n}\n---\nBody {n}.\n"
        )
    config = tmp_path / "publish.toml"
    config.write_text('[site]\ntitle = "T"\nbase_url = "https://e.org/"\n')
    site = load_site(load_config(config), tmp_path / "content")
    assert sorted(i.title for i in site.items) == sorted(f"Post {n}" for n in range(300))
    assert {i.body.strip() for i in site.items} == {f"Body {n}." for n in range(300)}
