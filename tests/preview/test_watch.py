"""The watcher of ``publish serve`` outlives a watched path removed while its watches start
(a newsletter ledger deleted, a folder moved away): watchfiles then raises
``FileNotFoundError``, which once ended the watcher and with it the preview."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import watchfiles

from pipeline.preview import watch as watching

WAIT = 20.0


def test_a_path_removed_as_the_watches_start_does_not_stop_the_watcher(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = tmp_path / "sent.jsonl"
    ledger.write_text("", encoding="utf-8")
    content = tmp_path / "content"
    content.mkdir()
    real = watchfiles.watch
    starts: list[int] = []

    def racing(*paths: Any, **kwargs: Any) -> Any:
        """The real watch, the ledger deleted just before its first start (the race, made
        certain: watchfiles itself finds the path gone)."""
        starts.append(len(paths))
        if len(starts) == 1:
            ledger.unlink()
        return real(*paths, **kwargs)

    monkeypatch.setattr(watching.watchfiles, "watch", racing)
    seen: list[set[str]] = []
    changed = threading.Event()
    ready, stop = threading.Event(), threading.Event()

    def on_change(paths: set[str]) -> None:
        seen.append(paths)
        if any(p.endswith("new.md") for p in paths):
            changed.set()

    thread = threading.Thread(
        target=watching.watch, args=([content, ledger], on_change, stop, (), ready), daemon=True
    )
    thread.start()
    try:
        assert ready.wait(WAIT), "the watches never started"
        assert thread.is_alive(), "the watcher stopped"
        (content / "new.md").write_text("x", encoding="utf-8")
        assert changed.wait(WAIT), seen
        assert str(ledger) in set().union(*seen)  # its removal is a change, as a replacement
        assert starts[:2] == [2, 1]  # watched again without the path that went
    finally:
        stop.set()
        thread.join(WAIT)
    assert not thread.is_alive()


def _reported(content: Path, write: Callable[[], None]) -> set[str]:
    """Every path the watcher of ``content`` reports until ``write()`` (which writes
    ``content/page.md`` last) has been seen."""
    seen: list[set[str]] = []
    changed = threading.Event()
    ready, stop = threading.Event(), threading.Event()

    def on_change(paths: set[str]) -> None:
        seen.append(paths)
        if any(p.endswith("page.md") for p in paths):
            changed.set()

    thread = threading.Thread(
        target=watching.watch, args=([content], on_change, stop, (), ready), daemon=True
    )
    thread.start()
    try:
        assert ready.wait(WAIT), "the watches never started"
        write()
        assert changed.wait(WAIT), seen
    finally:
        stop.set()
        thread.join(WAIT)
    return set().union(*seen)


def test_a_log_written_into_the_content_is_no_change(tmp_path: Path) -> None:
    """``publish serve > content/serve.log``: each rebuild's line in the log was a change,
    which rebuilt, which wrote a line: for ever, a core busy. A log is no content."""
    content = tmp_path / "content"
    content.mkdir()

    def write() -> None:
        (content / "serve.log").write_text("Rebuilt in 0.01 s\n", encoding="utf-8")
        (content / "page.md").write_text("x", encoding="utf-8")

    reported = _reported(content, write)
    assert any(p.endswith("page.md") for p in reported), reported
    assert not any(p.endswith("serve.log") for p in reported), reported


def test_a_folder_symlinked_out_of_the_content_is_no_change(tmp_path: Path) -> None:
    """``content/data -> /var/data`` (the build reads nothing through a link out of the
    content): each write there rebuilt the preview, a busy folder for ever."""
    content, elsewhere = tmp_path / "content", tmp_path / "elsewhere"
    content.mkdir()
    elsewhere.mkdir()
    (content / "data").symlink_to(elsewhere, target_is_directory=True)

    def write() -> None:
        (elsewhere / "busy.md").write_text("x", encoding="utf-8")
        (content / "page.md").write_text("x", encoding="utf-8")

    reported = _reported(content, write)
    assert not any(p.endswith("busy.md") for p in reported), reported


@pytest.mark.parametrize("name", ["preview.out", "nohup.out"])
def test_the_previews_own_output_in_the_content_is_no_change(
    site: Path, tmp_path: Path, name: str
) -> None:
    """``publish serve > content/preview.out`` (``nohup`` writes ``nohup.out``): each line the
    preview wrote there was a change of the content, which rebuilt and wrote another line,
    for ever (104 rebuilds in 6 s). A save is still a change."""
    out = site / "content" / name
    env = {**os.environ, "TMPDIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    with out.open("wb") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "serve", "--port", "0"],
            cwd=site,
            env=env,
            stdout=sink,
            stderr=sink,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
    try:
        deadline = time.monotonic() + 60
        while "Serving " not in out.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        first = out.read_text().count("Rebuilt")  # the first build's line
        time.sleep(2)  # a loop rebuilds many times a second
        assert out.read_text().count("Rebuilt") == first, out.read_text()
        essay = site / "content" / "essays" / "why-we-gather.md"
        essay.write_text(essay.read_text().replace("Why we gather", "Why we meet"))
        while out.read_text().count("Rebuilt") == first and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1)
        assert out.read_text().count("Rebuilt") == first + 1, out.read_text()
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(60)
