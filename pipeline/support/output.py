"""Writing outputs atomically: a temp dot-file in the same folder, then rename.

A build killed at any moment leaves each previous file byte-identical or fully replaced
(rename is atomic; we skip fsync, which guards against power loss, not a killed process, and
costs 2 ms a file).
A file whose bytes did not change is not rewritten, so its mtime (and HTTP caching) holds.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import shutil
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from pipeline.errors import LockedError

TMP_PREFIX = ".publish-"
TMP_SUFFIX = ".tmp"


NOT_REGULAR = "not a regular file (a device, a pipe, a socket or a folder): left as it is"


def refuse_special(target: str | Path, st: os.stat_result | None = None) -> None:
    """Raise OSError when ``target`` exists and is not a regular file (its stat ``st`` when
    the caller has it). A write renames a temp file over its target: a newsletter ledger or
    a file named ``/dev/null`` was replaced by a regular file, and as root the system's
    ``/dev/null`` with it."""
    if st is None:
        try:
            st = os.stat(target)
        except FileNotFoundError:
            return
    if not stat.S_ISREG(st.st_mode):
        raise OSError(errno.EINVAL, NOT_REGULAR, os.fspath(target))


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """A file to write ``path`` through (a temp file beside it, renamed over it when the block
    ends without an exception; removed when it raises): for bytes made as they are written.
    A ``path`` that is not a regular file is refused (:func:`refuse_special`)."""
    refuse_special(path)
    tmp = temp_path(os.fspath(path))
    fh = open(tmp, "wb")  # noqa: SIM115  (closed below, before the rename)
    try:
        yield fh
        fh.close()
        os.replace(tmp, path)
    except BaseException:
        fh.close()
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_if_changed(path: Path, data: bytes, *, keep_mode: bool = False) -> bool:
    """Atomically write ``data`` to ``path`` unless it already holds those bytes; with
    ``keep_mode``, the new file has the permission bits of the one it replaces (a ledger
    made read-only stays so; a built page takes the umask's, as a fresh build would)."""
    return _write_if_changed(os.fspath(path), data, keep_mode) is not None


def write_atomic(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` through a temp file and a rename: never half-written.
    ``mode`` sets the new file's permission bits (as the file it replaces had them). A
    ``path`` that is not a regular file is refused (:func:`refuse_special`)."""
    refuse_special(path)
    _replace_with(os.fspath(path), data, mode)


def _write_if_changed(target: str, data: bytes, keep_mode: bool = False) -> os.stat_result | None:
    """The new file's stat, or None when ``target`` already held ``data``; a target that is
    not a regular file is refused (the stat taken anyway for the size)."""
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return _replace_with(target, data)
    refuse_special(target, st)
    if st.st_size == len(data):
        with open(target, "rb") as fh:
            if fh.read() == data:
                return None
    return _replace_with(target, data, st.st_mode & 0o777 if keep_mode else None)


def temp_path(target: str) -> str:
    """The temp file a write of ``target`` goes through: beside it, so the rename is atomic,
    and named so that :func:`remove_strays` finds it after a killed build."""
    folder, name = os.path.split(target)
    return os.path.join(folder, f"{TMP_PREFIX}{name}.{os.getpid()}{TMP_SUFFIX}")


def write_all(fd: int, data: bytes | bytearray) -> None:
    """``os.write`` until every byte is written (a single call may write fewer)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


_CREATE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)


def _replace_with(target: str, data: bytes, mode: int | None = None) -> os.stat_result:
    """Write ``data`` to a temp file beside ``target`` and rename it over ``target`` (10,000
    pages a build: plain ``os`` calls, the folder made only when missing, the stat taken
    from the open file)."""
    tmp = temp_path(target)
    try:
        fd = os.open(tmp, _CREATE, 0o666)
    except FileNotFoundError:
        _make_folder(os.path.dirname(target) or ".")
        fd = os.open(tmp, _CREATE, 0o666)
    try:
        try:
            if mode is not None:
                os.fchmod(fd, mode)
            write_all(fd, data)
            st = os.fstat(fd)  # what a stat after the rename sees: rename keeps the mtime
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.filename is None:  # a write's (EFBIG, ENOSPC)
            raise OSError(exc.errno, exc.strerror, target) from None  # says which file
        raise
    return st


def _make_folder(folder: str) -> None:
    """``os.makedirs(folder, exist_ok=True)``, but one ``mkdir`` when the parent exists: a
    cold build makes 10,000 page folders, and makedirs costs five times as much."""
    try:
        os.mkdir(folder)
    except FileExistsError:
        pass
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)


Stamp = tuple[int, int, str]
"""(size, mtime_ns, sha256) of an output as the last build left it."""


def _stamp_of(path: Path, digest: str) -> Stamp:
    st = path.stat()
    return (st.st_size, st.st_mtime_ns, digest)


def _unchanged(path: Path, digest: str, known: Stamp) -> bool:
    """True when the manifest vouches that ``path`` still holds bytes with this digest."""
    if known[2] != digest:
        return False
    try:
        st = path.stat()
    except FileNotFoundError:
        return False
    return (st.st_size, st.st_mtime_ns) == known[:2]


def write_output(path: Path, data: bytes, known: Stamp | None) -> tuple[bool, Stamp]:
    """Write ``data`` atomically unless the file already holds it.

    ``known`` is what the last build recorded for this path; when its digest matches the new
    bytes and the file is untouched since, nothing is read or written. (Feeds, too large to
    hold whole, are written by :mod:`pipeline.build.feedwrite`.)
    """
    digest = hashlib.sha256(data).hexdigest()
    if known is not None and _unchanged(path, digest, known):
        return False, known
    st = _write_if_changed(os.fspath(path), data)
    if st is None:
        return False, _stamp_of(path, digest)
    return True, (st.st_size, st.st_mtime_ns, digest)


def copy_if_changed(src: Path, dest: Path) -> bool:
    """Copy a media file atomically unless ``dest`` already has its size and mtime (a copy
    is given the source's mtime: a file saved again within the second of the last copy, at
    the same size, as a stylesheet edited under ``publish serve``, is still copied)."""
    s = src.stat()
    try:
        d = dest.stat()
        refuse_special(dest, d)
        if s.st_size == d.st_size and s.st_mtime_ns == d.st_mtime_ns:
            return False
    except FileNotFoundError:
        pass
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(os.fspath(dest))
    try:
        shutil.copyfile(src, tmp)
        os.utime(tmp, ns=(s.st_atime_ns, s.st_mtime_ns))
        os.replace(tmp, dest)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return True


def remove_strays(out_dir: Path) -> int:
    """Delete temp files left by a build that was killed; returns how many."""
    n = 0
    if not out_dir.is_dir():
        return 0
    for p in out_dir.rglob(f"{TMP_PREFIX}*{TMP_SUFFIX}"):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()
            n += 1
    return n


_HELD: set[str] = set()
"""Lock files this process holds (POSIX locks do not exclude the process that holds them)."""
_HELD_GUARD = threading.Lock()


@contextlib.contextmanager
def exclusive_lock(out_dir: Path) -> Iterator[None]:
    """Hold ``out_dir/.publish.lock`` for the build; a second build fails with a clear message.

    A POSIX record lock (``lockf``), not ``flock``: it belongs to this process alone, so
    workers it forks never hold it, and the kernel drops it the moment this process ends,
    however it ends (a ``flock`` is shared with forked children and lived on in them).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    lock_path = out_dir / ".publish.lock"
    key = os.fspath(lock_path.resolve())
    busy = LockedError(
        f"another publish process is writing {out_dir} (lock {lock_path}); "
        "wait for it to finish and run again"
    )
    with _HELD_GUARD:
        # checked before opening: closing any descriptor of the file would drop our lock
        if key in _HELD:
            raise busy
        _HELD.add(key)
    try:
        fd = os.open(key, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        try:
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno not in (errno.EACCES, errno.EAGAIN):
                    raise
                raise busy from None
            yield
        finally:
            os.close(fd)  # releases the lock
    finally:
        with _HELD_GUARD:
            _HELD.discard(key)
