"""Atomic writes: the stamp a write returns is the file's, and a failed write leaves nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.errors import LockedError
from pipeline.support.output import exclusive_lock, write_if_changed, write_output


def test_new_file_in_new_folders_and_its_stamp(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "index.html"
    written, stamp = write_output(target, b"<p>one</p>", None)
    st = target.stat()
    assert written and target.read_bytes() == b"<p>one</p>"
    assert stamp[:2] == (st.st_size, st.st_mtime_ns)  # a later stat sees the same file
    assert write_output(target, b"<p>one</p>", stamp) == (False, stamp)
    assert write_if_changed(target, b"<p>one</p>") is False
    assert write_if_changed(target, b"<p>two</p>") is True
    assert target.read_bytes() == b"<p>two</p>"
    assert [p.name for p in target.parent.iterdir()] == ["index.html"]  # no temp file left


def test_a_failed_rename_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "page"
    target.mkdir()  # a folder where the file should go: the rename fails
    (target / "keep.txt").write_text("x")
    with pytest.raises(OSError):
        write_output(target, b"data", None)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page"]
    assert (target / "keep.txt").read_text() == "x"


@pytest.mark.skipif(os.name != "posix", reason="umask is POSIX")
def test_new_files_get_the_umask_mode_as_open_gives_it(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_output(tmp_path / "f", b"x", None)
    finally:
        os.umask(old)
    assert (tmp_path / "f").stat().st_mode & 0o777 == 0o644


@pytest.mark.skipif(os.name != "posix", reason="permission bits are POSIX")
@pytest.mark.parametrize("mode", [0o444, 0o600, 0o640])
def test_a_rewritten_file_keeps_its_permission_bits(tmp_path: Path, mode: int) -> None:
    """``chmod 444 newsletter/sent.jsonl``: the next digest's ledger, renamed over it, was
    0644 again, and nothing said so (a helper's finding)."""
    target = tmp_path / "sent.jsonl"
    target.write_bytes(b"old\n")
    target.chmod(mode)
    assert write_if_changed(target, b"old\nnew\n", keep_mode=True)
    assert target.read_bytes() == b"old\nnew\n"
    assert target.stat().st_mode & 0o777 == mode
    # a built page takes the umask's bits, as a fresh build would (one built once under
    # umask 077 is readable again by the web server after the next build)
    old = os.umask(0o022)
    try:
        assert write_if_changed(target, b"page\n")
    finally:
        os.umask(old)
    assert target.stat().st_mode & 0o777 == 0o644


_HOLD_AND_FORK = """
import os, sys, time
from pathlib import Path
from pipeline.support.output import exclusive_lock
with exclusive_lock(Path(sys.argv[1])):
    if os.fork() == 0:  # a child that outlives its parent, as a stray worker would
        sys.stdout.close()
        time.sleep(60)
        os._exit(0)
    print("locked", flush=True)
    time.sleep(60)
"""


def test_the_output_lock_ends_with_the_process_that_took_it(tmp_path: Path) -> None:
    """SIGKILL the holder while a child it forked lives on: the lock is free at once, and a
    second holder in one process is refused as one in another process is."""
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_AND_FORK, str(tmp_path)], stdout=subprocess.PIPE
    )
    assert holder.stdout is not None and holder.stdout.readline() == b"locked\n"
    with pytest.raises(LockedError), exclusive_lock(tmp_path):
        pass
    child = next(
        int(p.name)
        for p in Path("/proc").iterdir()
        if p.name.isdigit() and _parent_of(p) == holder.pid
    )
    try:
        holder.kill()
        holder.wait()
        with exclusive_lock(tmp_path):
            with pytest.raises(LockedError), exclusive_lock(tmp_path):
                pass
            assert _parent_of(Path(f"/proc/{child}")) is not None  # the child is still there
    finally:
        os.kill(child, signal.SIGKILL)


def _parent_of(proc: Path) -> int | None:
    try:
        return int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def test_copy_if_changed_sees_a_same_size_save_within_the_second(tmp_path: Path) -> None:
    from pipeline.support.output import copy_if_changed

    src, dest = tmp_path / "a.css", tmp_path / "out" / "a.css"
    src.write_bytes(b"h1 { color: rgb(1, 2, 3); }")
    assert copy_if_changed(src, dest) is True
    assert copy_if_changed(src, dest) is False  # nothing changed: not copied again
    src.write_bytes(b"h1 { color: rgb(4, 5, 6); }")  # same size, same second
    assert copy_if_changed(src, dest) is True
    assert dest.read_bytes() == b"h1 { color: rgb(4, 5, 6); }"
    assert copy_if_changed(src, dest) is False


def test_a_target_that_is_no_regular_file_is_left_as_it_is(tmp_path: Path) -> None:
    """Each write renames a temp file over its target: a ledger or config named
    ``/dev/null`` became a regular file (as root, the system's ``/dev/null`` too). A pipe
    stands for every file that is not regular (a device needs root to make)."""
    from pipeline.support.output import atomic_file, copy_if_changed, write_atomic

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    source = tmp_path / "source.txt"
    source.write_bytes(b"text")
    writes = {
        "write_atomic": lambda: write_atomic(pipe, b"x"),
        "write_if_changed": lambda: write_if_changed(pipe, b"x"),
        "write_output": lambda: write_output(pipe, b"x", None),
        "copy_if_changed": lambda: copy_if_changed(source, pipe),
    }
    for name, write in writes.items():
        with pytest.raises(OSError, match="not a regular file") as caught:
            write()
        assert caught.value.filename == str(pipe), name
    with pytest.raises(OSError, match="not a regular file"), atomic_file(pipe) as fh:
        fh.write(b"x")
    assert pipe.is_fifo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe", "source.txt"]  # no temp files
