"""Writing a feed document, copying the entries of unchanged items from the last file.

A feed is a head, entries and a tail (:class:`pipeline.syndication.common.FeedFormat`). After
writing one, the build keeps an index in the cache folder: each entry's key (its item's
digest) and where its bytes sit. The next build writes a fresh head and tail, serialises only
the entries whose item changed and copies every other entry's bytes from the last file (in the
kernel where it can), so one edited post costs a copy of the feed, not a re-serialisation of
10,000 entries. An index is trusted only while its file has the size and mtime it recorded
and the code and configuration are those that wrote it (the salt).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import threading
from array import array
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from operator import add
from pathlib import Path
from typing import NamedTuple

from pipeline.support import jsontext
from pipeline.support.output import Stamp, temp_path, write_all, write_if_changed


class _Files:
    """Files opened for reading, once each, closed together."""

    def __init__(self) -> None:
        self.fds: dict[str, int | None] = {}

    def open(self, path: str) -> int | None:
        if path not in self.fds:
            try:
                self.fds[path] = os.open(path, os.O_RDONLY)
            except OSError:
                self.fds[path] = None
        return self.fds[path]

    def close(self) -> None:
        for fd in self.fds.values():
            if fd is not None:
                os.close(fd)
        self.fds = {}


_CLOSERS: list[threading.Thread] = []
"""Threads closing the feed files this process replaced: the last close frees a 170 MB
file's blocks, 0.05 s each where the file system discards them as it frees (ext4 with
``discard``); each is closed as soon as its replacement is in place, while the other feeds
are written, and :func:`release_replaced` waits for what is left."""


def _release(fd: int) -> None:
    """Close a replaced feed's descriptor on a thread of its own (``os.close`` lets go of the
    GIL while the kernel frees the blocks)."""
    closer = threading.Thread(target=_close_quietly, args=(fd,), name="release-feed")
    closer.start()
    _CLOSERS.append(closer)


def _close_quietly(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)


def release_replaced() -> Callable[[], None]:
    """The wait for the replaced feeds' files to be closed (started as each was replaced)."""
    closers = _CLOSERS[:]
    del _CLOSERS[: len(closers)]

    def wait() -> None:
        for closer in closers:
            closer.join()

    return wait


@dataclass(frozen=True)
class FeedIndex:
    salt: str
    size: int
    mtime_ns: int
    entries: dict[str, tuple[int, int]]
    """Entry key -> (offset, length) of its bytes in the file."""


def _index_file(cache_dir: Path, rel: str) -> Path:
    return cache_dir / "feeds" / (hashlib.sha256(rel.encode()).hexdigest()[:32] + ".index")


_WORD = 8
"""Bytes of each offset and length: ``array("q")``, in the byte order the header names."""


def read_index(cache_dir: Path | None, rel: str, salt: str, path: Path) -> FeedIndex | None:
    """The index of the feed at ``path`` when it still describes that file, else None."""
    if cache_dir is None:
        return None
    try:
        data = _index_file(cache_dir, rel).read_bytes()
        head_end = data.index(b"\n")
        head = jsontext.loads(data[:head_end])
        st = path.stat()
        if head["salt"] != salt or [st.st_size, st.st_mtime_ns] != head["stamp"]:
            return None
        if head["order"] != sys.byteorder:
            return None
        count, keys_end = int(head["count"]), head_end + 1 + int(head["keys"])
        keys = data[head_end + 1 : keys_end].decode().split("\n")
        offsets, lengths = array("q"), array("q")
        offsets.frombytes(data[keys_end : keys_end + _WORD * count])
        lengths.frombytes(data[keys_end + _WORD * count :])
        if not count or not (len(keys) == len(offsets) == len(lengths) == count):
            return None
        if min(offsets) < 0 or min(lengths) < 0 or max(map(add, offsets, lengths)) > st.st_size:
            return None  # a tampered index never reads outside the file
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    entries = dict(zip(keys, zip(offsets, lengths, strict=True), strict=True))
    return FeedIndex(salt, st.st_size, st.st_mtime_ns, entries)


def save_index(cache_dir: Path | None, rel: str, index: FeedIndex) -> None:
    """A JSON header, the keys joined by newlines, then the offsets and the lengths as
    machine words: 10,000 entries read in a millisecond, where JSON lists took ten."""
    if cache_dir is None or not index.entries:
        return
    keys = "\n".join(index.entries).encode()
    if keys.count(b"\n") != len(index.entries) - 1:
        return  # a key with a newline in it: no index, the next build serialises afresh
    head = {
        "salt": index.salt,
        "stamp": [index.size, index.mtime_ns],
        "order": sys.byteorder,
        "count": len(index.entries),
        "keys": len(keys),
    }
    offsets = array("q", (o for o, _ in index.entries.values()))
    lengths = array("q", (n for _, n in index.entries.values()))
    data = b"".join((json.dumps(head).encode(), b"\n", keys, offsets.tobytes(), lengths.tobytes()))
    with contextlib.suppress(OSError):
        write_if_changed(_index_file(cache_dir, rel), data)


class _Splicer:
    """Appends fresh bytes and ranges of other files to the new one, coalescing adjacent
    ranges, and tracks whether the result is byte-identical to the last file."""

    def __init__(self, out_fd: int, last_fd: int | None) -> None:
        self.out = out_fd
        self.last = last_fd
        self.pos = 0
        self.buffer = bytearray()
        self.pending: tuple[int, int, int] | None = None
        """(file, start, end): a range still to be copied."""
        self.same = last_fd is not None

    def fresh(self, data: bytes) -> None:
        self._copy_pending()
        if self.same and self.last is not None:
            self.same = os.pread(self.last, len(data), self.pos) == data
        self.buffer += data
        if len(self.buffer) >= 1 << 20:
            self._flush_buffer()
        self.pos += len(data)

    def copy(self, fd: int, offset: int, length: int, separator: bytes) -> int:
        """Append an entry found in file ``fd`` (after ``separator``); returns its offset."""
        pending = self.pending
        if pending is not None and pending[0] == fd and pending[2] + len(separator) == offset:
            # next to the last copied entry in that file: the separator between comes along
            self.pending = (fd, pending[1], offset + length)
            start = self.pos + len(separator)
        else:
            if separator:
                self.fresh(separator)
            self._copy_pending()
            self.pending = (fd, offset, offset + length)
            start = self.pos
        self.same = self.same and fd == self.last and start == offset
        self.pos = start + length
        return start

    def extend(self, end: int) -> None:
        """Carry the range being copied on to ``end`` in its file: the entries after the last
        one copied, each after a separator, as they lie there."""
        assert self.pending is not None
        fd, start, last_end = self.pending
        self.pos += end - last_end
        self.pending = (fd, start, end)

    def finish(self) -> None:
        self._copy_pending()
        self._flush_buffer()

    def _flush_buffer(self) -> None:
        write_all(self.out, self.buffer)
        self.buffer = bytearray()

    def _copy_pending(self) -> None:
        if self.pending is None:
            return
        self._flush_buffer()
        fd, start, end = self.pending
        self.pending = None
        _copy_range(fd, self.out, start, end - start)


def _copy_range(src: int, dst: int, offset: int, count: int) -> None:
    """Copy bytes of ``src`` to the end of ``dst``: in the kernel where the platform allows."""
    while count > 0:
        try:
            done = os.copy_file_range(src, dst, count, offset)
        except (AttributeError, OSError):  # not Linux, or a file system that refuses it
            done = 0
        if done <= 0:
            data = os.pread(src, min(count, 1 << 20), offset)
            if not data:
                raise OSError(f"the last feed file ended early at byte {offset}")
            write_all(dst, data)
            done = len(data)
        offset += done
        count -= done


def _copied_from(
    elsewhere: Sequence[tuple[str, FeedIndex]],
    donors: _Files,
    w: _Splicer,
    keys: Sequence[str],
    n: int,
    separator: bytes,
    index: dict[str, tuple[int, int]],
) -> int:
    """Copy entry ``keys[n]`` (and the run after it, see :func:`_run`) from the first feed
    ``elsewhere`` that has it; returns the next entry's number (``n`` when none has it)."""
    key = keys[n]
    for where, other in elsewhere:
        if key in other.entries:
            fd = donors.open(where)
            if fd is not None:
                return _run(w, fd, other.entries, keys, n, separator, index)
    return n


def _run(
    w: _Splicer,
    fd: int,
    entries: Mapping[str, tuple[int, int]],
    keys: Sequence[str],
    n: int,
    separator: bytes,
    index: dict[str, tuple[int, int]],
) -> int:
    """Copy entry ``keys[n]`` of file ``fd`` (``entries``: its index), and with it each next
    entry that follows the last one in that file (after a separator), as one range; returns
    the number of the first entry not copied. An edit build copies runs of thousands of
    entries: one range each, not a call an entry (0.3 s of a GitBook space's six feeds)."""
    offset, length = entries[keys[n]]
    shift = w.copy(fd, offset, length, separator if n else b"") - offset
    index[keys[n]] = (offset + shift, length)
    end, step, get, count = offset + length, len(separator), entries.get, len(keys)
    m = n + 1
    while m < count:
        found = get(keys[m])
        if found is None or found[0] != end + step:
            break
        index[keys[m]] = (found[0] + shift, found[1])
        end = found[0] + found[1]
        m += 1
    if m > n + 1:
        w.extend(end)
    return m


def _reserve(fd: int, size: int) -> int:
    """Allocate the file's blocks up front (about the last file's size). On ext4 this spares
    the rename over the old file a forced allocation of every block written (a tenth of a
    second per 150 MB). Returns the size reserved (0 where the platform cannot)."""
    if size <= 0 or not hasattr(os, "posix_fallocate"):
        return 0
    try:
        os.posix_fallocate(fd, 0, size)
    except OSError:
        return 0
    return size


def _open_last(path: Path, last: FeedIndex | None) -> int | None:
    """The last feed file, open for reading, when it is still the one ``last`` indexes."""
    if last is None:
        return None
    try:
        src = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        st = os.fstat(src)
        if (st.st_size, st.st_mtime_ns) == (last.size, last.mtime_ns):
            return src
    except OSError:
        pass
    os.close(src)
    return None


def _entries(
    w: _Splicer,
    keys: Sequence[str],
    make: Callable[[int], bytes],
    sep: bytes,
    old: Mapping[str, tuple[int, int]],
    elsewhere: Sequence[tuple[str, FeedIndex]],
    donors: _Files,
    index: dict[str, tuple[int, int]],
) -> None:
    """Each entry, separated by ``sep``: copied from the last file (``old``: key -> offset
    and length in ``w.last``), else from a feed ``elsewhere``, else made; its place in the
    new file recorded in ``index``. A copy goes on with the entries lying after it in the
    same file (:func:`_run`): the same bytes wherever they are taken from."""
    n, count = 0, len(keys)
    while n < count:
        key = keys[n]
        if w.last is not None and key in old:
            n = _run(w, w.last, old, keys, n, sep, index)
            continue
        after = _copied_from(elsewhere, donors, w, keys, n, sep, index)
        if after > n:
            n = after
            continue
        if n:
            w.fresh(sep)
        data = make(n)
        index[key] = (w.pos, len(data))
        w.fresh(data)
        n += 1


class Frame(NamedTuple):
    """What a feed's entries sit in: the text before them, between two, and after them."""

    head: str
    separator: str
    tail: str


def splice_feed(
    path: Path,
    frame: Frame,
    keys: Sequence[str],
    make: Callable[[int], bytes],
    last: FeedIndex | None,
    salt: str,
    elsewhere: Sequence[tuple[str, FeedIndex]] = (),
) -> Spliced:
    """Write the feed into a temporary file beside ``path``, not yet in its place: entry
    ``n`` has key ``keys[n]`` and bytes ``make(n)``, which is called only when the entry is
    neither in ``last`` nor in a feed ``elsewhere`` ((path, index) of feeds of the same format
    written earlier in this build: a section feed is cut from the site feed in the kernel).
    When the new bytes are the old ones, no temporary file is kept. ``.commit()`` puts the
    file in place: ``splice_feed(...).commit()`` writes the feed atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(os.fspath(path))
    src = _open_last(path, last)
    old = last.entries if last is not None and src is not None else {}
    donors = _Files()
    index: dict[str, tuple[int, int]] = {}
    kept = False
    try:
        out = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)  # as pages get it
        try:
            reserved = _reserve(out, last.size if src is not None and last is not None else 0)
            w = _Splicer(out, src)
            w.fresh(frame.head.encode())
            _entries(w, keys, make, frame.separator.encode(), old, elsewhere, donors, index)
            w.fresh(frame.tail.encode())
            w.finish()
            if reserved > w.pos:
                os.ftruncate(out, w.pos)
        finally:
            os.close(out)
        if last is not None and w.same and w.pos == last.size:
            return Spliced(path, None, None, FeedIndex(salt, last.size, last.mtime_ns, index))
        kept = True
        return Spliced(path, tmp, src, FeedIndex(salt, w.pos, 0, index))
    finally:
        donors.close()
        if not kept:
            if src is not None:
                os.close(src)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)


@dataclass
class Spliced:
    """A feed written by :func:`splice_feed`, to be put in place (:meth:`commit`) or dropped
    (:meth:`discard`)."""

    path: Path
    tmp: str | None
    """The temporary file holding the new bytes; None when they are the last file's."""
    last: int | None
    """The last file, open (its blocks are freed when it is closed after the rename)."""
    index: FeedIndex
    """The new file's index (its mtime known once it is in place)."""

    @property
    def where(self) -> str:
        """The file that holds the new bytes now."""
        return self.tmp if self.tmp is not None else os.fspath(self.path)

    def commit(self) -> tuple[bool, Stamp, FeedIndex]:
        """Put the new file in place; returns (written, stamp, index)."""
        if self.tmp is None:
            index = self.index
            return False, (index.size, index.mtime_ns, ""), index
        try:
            os.replace(self.tmp, self.path)
        except BaseException:
            self.discard()
            raise
        self.tmp = None
        if self.last is not None:  # the replaced file: its blocks are freed when this closes
            _release(self.last)
            self.last = None
        st = self.path.stat()
        self.index = FeedIndex(self.index.salt, st.st_size, st.st_mtime_ns, self.index.entries)
        return True, (st.st_size, st.st_mtime_ns, ""), self.index

    def discard(self) -> None:
        """Drop the new file (nothing is put in place)."""
        if self.last is not None:
            with contextlib.suppress(OSError):
                os.close(self.last)
            self.last = None
        if self.tmp is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.tmp)
            self.tmp = None
