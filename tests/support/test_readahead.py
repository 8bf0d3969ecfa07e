"""The read-ahead hints: a thread that asks the kernel for files, never reads a pipe or a device,
and ends with its block."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from pipeline.support.readahead import reading_ahead


def _threads() -> set[threading.Thread]:
    return set(threading.enumerate())


def test_the_hints_end_with_the_block(tmp_path: Path) -> None:
    files = []
    for n in range(50):
        path = tmp_path / f"{n}.md"
        path.write_text("x" * 4096)
        files.append(str(path))
    before = _threads()
    with reading_ahead(files):
        assert len(_threads() - before) <= 1
    assert _threads() == before  # joined: nothing of it outlives the block
    assert all(Path(f).read_text() == "x" * 4096 for f in files)  # untouched


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this platform")
def test_a_pipe_a_missing_file_and_a_folder_are_passed_over(tmp_path: Path) -> None:
    """Opening a pipe for reading waits for a writer: the hint must never do that (the block
    would not end), nor fail on what is not a file."""
    pipe = tmp_path / "pipe.md"
    os.mkfifo(pipe)
    regular = tmp_path / "page.md"
    regular.write_text("text")
    paths = [str(pipe), str(tmp_path / "missing.md"), str(tmp_path), str(regular)]
    done = threading.Event()

    def run() -> None:
        with reading_ahead(paths):
            pass
        done.set()

    worker = threading.Thread(target=run, daemon=True)
    start = time.monotonic()
    worker.start()
    assert done.wait(10), "the read-ahead waited on a pipe"
    assert time.monotonic() - start < 10


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
