"""Loaded items by file metadata, so a build reads only the files that changed.

A Markdown file whose size, mtime, ctime and inode are what they were when it was last loaded
(and whose local media, for an episode, are too) is not read, parsed or validated again: its
Item, warnings and key lines come from here. Anything else the load depends on (publish's
code, the whole configuration, ``--strict``, GitBook mode) is in the cache's salt; when that
differs the cache is empty. Files with errors are never cached.

Records are pickled (an item as the tuple of its field values), because decoding 10,000
items from JSON costs several times as long. A cache folder may be restored in CI from a
shared cache, so unpickling is restricted: only the model's nested record types, the error
record and the ``datetime`` types can be built (time zones through :func:`_zone`), and
nothing can be called that runs other code.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import importlib
import io
import os
import pickle
import sqlite3
import time
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pipeline import errors, model

VERSION = "2"
RACY_NS = 2 * 10**9

_ALLOWED = {
    ("pipeline.model", name)
    for name in ("Episode", "Event", "Media", "Person", "Soundbite", "Recurrence", "Moved")
} | {
    ("pipeline.errors", "Problem"),
    ("datetime", "datetime"),
    ("datetime", "date"),
    ("datetime", "time"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
    ("pipeline.build.loadcache", "_zone"),
}


@dataclass(frozen=True)
class Record:
    """What loading one file produced."""

    item: model.Item
    """Without its body (kept for episodes: their chapters come from it); ``body_digest`` and
    ``digest`` set."""
    warnings: tuple[errors.Problem, ...]
    lines: dict[str, int]
    """Line of each front-matter key, for problems found across files (duplicate ids)."""
    ledger: bool
    """The id came from the id ledger (no ``id`` key): the ledger must still agree."""
    deps: tuple[tuple[str, str], ...] = ()
    """Other files the item was made from (an episode's local audio), with their stat."""


def _zone(key: str) -> ZoneInfo:
    return ZoneInfo(key)


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, ZoneInfo):
            if obj.key is None:
                raise pickle.PicklingError("a time zone without a name")
            return _zone, (obj.key,)
        return NotImplemented


class _Unpickler(pickle.Unpickler):
    """Builds only what ``allowed`` names; any other global in the data is refused."""

    def __init__(self, data: bytes, allowed: Mapping[tuple[str, str], Any]) -> None:
        super().__init__(io.BytesIO(data))
        self.allowed = allowed

    def find_class(self, module: str, name: str) -> Any:
        found = self.allowed.get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in this cache")
        return found


def stat_key(path: Path | str) -> str | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return stat_text(st)


def stat_text(st: os.stat_result) -> str:
    """What :func:`stat_key` records of a stat: any edit, copy or replacement changes it."""
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"


class LoadCache:
    """``source -> (stat, text digest, record)`` in a SQLite file of the cache folder; a
    no-op without one.

    A file found by its stat is not read at all. A file whose stat changed but whose text did
    not (a fresh clone restoring the cache folder in CI: every mtime is new) is read and
    hashed, but not parsed or validated again. Any problem with the cache file (corrupt,
    locked, from another version) empties or ignores it: the cache can only make a build
    faster, never fail it.
    """

    def __init__(
        self,
        folder: Path | None,
        salt: str,
        content_dir: Path,
        sources: Collection[str] | None = None,
    ) -> None:
        """``sources``: read only those records (and keep the others when saving)."""
        self.db: sqlite3.Connection | None = None
        self.sources = sources
        self.rows: dict[str, tuple[str, str, bytes]] = {}
        self.root = content_dir
        self.fresh: list[tuple[str, str, str, bytes]] = []
        self.restamped: list[tuple[str, str]] = []
        if folder is None:
            return
        salt = f"{VERSION}\0{salt}"
        for attempt in range(2):
            try:
                self._open(folder, salt)
                return
            except (sqlite3.DatabaseError, OSError):
                if self.db is not None:
                    self.db.close()
                self.db, self.rows = None, {}
                if attempt == 0:  # corrupt (a crash while writing it): start it again
                    for suffix in ("", "-journal"):
                        with contextlib.suppress(OSError):
                            (folder / f"items.sqlite3{suffix}").unlink()

    def _open(self, folder: Path, salt: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(folder / "items.sqlite3")
        self.db.execute("PRAGMA synchronous=OFF")  # a cache: see pipeline.build.site
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS items "
            "(source TEXT PRIMARY KEY, stat TEXT, text TEXT, record BLOB)"
        )
        self.db.execute("CREATE TABLE IF NOT EXISTS salt (value TEXT)")
        found = self.db.execute("SELECT value FROM salt").fetchall()
        if found != [(salt,)]:
            with self.db:
                self.db.execute("DELETE FROM items")
                self.db.execute("DELETE FROM salt")
                self.db.execute("INSERT INTO salt VALUES (?)", (salt,))
        query = "SELECT source, stat, text, record FROM items"
        if self.sources is None:
            rows = self.db.execute(query).fetchall()
        else:
            wanted = sorted(self.sources)
            rows = []
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows += self.db.execute(f"{query} WHERE source IN ({marks})", chunk).fetchall()
        for source, stat, text, record in rows:
            self.rows[str(source)] = (str(stat), str(text), bytes(record))

    def get(self, source: str, path: Path | str) -> Record | None:
        """The record of ``source`` when the file and its dependencies are unchanged."""
        row = self.rows.get(source)
        if row is None or stat_key(path) != row[0]:
            return None
        return self._record(row[2])

    def known_text(self, source: str) -> str | None:
        """The digest of the text the record of ``source`` was made from, if there is one."""
        row = self.rows.get(source)
        return row[1] if row is not None else None

    def get_by_text(self, source: str, path: Path | str, digest: str) -> Record | None:
        """The record of ``source`` when its text is the one read now (its stat changed)."""
        row = self.rows.get(source)
        if row is None or row[1] != digest:
            return None
        record = self._record(row[2])
        stat = stat_key(path)
        if record is not None and stat is not None and not _racy(stat):
            self.restamped.append((stat, source))
        return record

    def _record(self, data: bytes) -> Record | None:
        try:
            values, warnings, lines, ledger, deps = restricted_loads(data)
            item = item_from_values(values)
        except Exception:  # a damaged or hostile entry is a miss, never an error
            return None
        if not isinstance(deps, tuple) or not isinstance(warnings, tuple):
            return None
        for rel, stat in deps:
            if stat_key(self.root / rel) != stat:
                return None
        return Record(item, warnings, lines, bool(ledger), deps)

    def put(self, source: str, path: Path | str, digest: str, record: bytes | None) -> None:
        """Keep what loading ``source`` (whose text has ``digest``) produced: a record made
        by :func:`pack` (None: it could not be packed, so the file is read every time)."""
        stat = stat_key(path)
        if self.db is None or stat is None or record is None:
            return
        if _racy(stat):  # kept by its text only: the stat must be seen again to be trusted
            stat = ""
        self.fresh.append((source, stat, digest, record))

    def save(self, sources: Iterable[str]) -> None:
        """Write new records and forget files that are gone."""
        if self.db is None:
            return
        gone = set(self.rows) - set(sources) if self.sources is None else set()
        try:
            with self.db:
                self.db.executemany("DELETE FROM items WHERE source = ?", ((s,) for s in gone))
                self.db.executemany("INSERT OR REPLACE INTO items VALUES (?, ?, ?, ?)", self.fresh)
                self.db.executemany("UPDATE items SET stat = ? WHERE source = ?", self.restamped)
        except sqlite3.DatabaseError:
            pass
        self.fresh, self.restamped = [], []

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None


def pack(record: Record, content_dir: Path) -> bytes | None:
    """A record as the cache stores it, with the stat of the files it depends on; None for
    a value the cache cannot carry. Made where the item was (a worker process, often)."""
    item = record.item
    deps = media_stats(item, content_dir)
    return safe_dumps((item_values(item), record.warnings, record.lines, record.ledger, deps))


def safe_dumps(value: object) -> bytes | None:
    """``value`` pickled for :func:`restricted_loads`; None when it holds something that
    cannot be carried (a time zone without a name, an object of another type)."""
    buf = io.BytesIO()
    try:
        _Pickler(buf, protocol=5).dump(value)
    except (pickle.PicklingError, TypeError, AttributeError):
        return None
    return buf.getvalue()


def restricted_loads(data: bytes) -> Any:
    """Unpickle what :func:`safe_dumps` made; any other global in ``data`` is refused."""
    return _Unpickler(data, _RECORD_TYPES).load()


def media_stats(item: model.Item, content_dir: Path) -> tuple[tuple[str, str], ...]:
    """The local media files an episode was loaded from, each with its stat ("" if gone)."""
    return tuple((rel, stat_key(content_dir / rel) or "") for rel in _media_sources(item))


_ITEM_FIELDS = tuple(f.name for f in dataclasses.fields(model.Item))


def item_values(item: model.Item) -> tuple[Any, ...]:
    """An Item as the tuple of its field values, for :func:`item_from_values`."""
    return tuple(item.__dict__[name] for name in _ITEM_FIELDS)


def item_from_values(values: tuple[Any, ...]) -> model.Item:
    """An Item from its field values in order: stored as a tuple, an item unpickles in a
    third of the time its object form takes (10,000 of them on every build)."""
    if len(values) != len(_ITEM_FIELDS) or not all(isinstance(values[i], str) for i in _TEXT):
        raise ValueError("not an item record")
    item = object.__new__(model.Item)
    item.__dict__.update(zip(_ITEM_FIELDS, values, strict=True))
    return item


_TEXT = tuple(i for i, name in enumerate(_ITEM_FIELDS) if name in ("id", "source", "url", "digest"))


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _racy(stat: str) -> bool:
    """Modified in the last two seconds: a write in the same clock tick as our read would
    leave size and mtime unchanged (git's "racily clean" files), so it is read next time."""
    mtime_ns = int(stat.split(":")[1])
    return time.time_ns() - mtime_ns < RACY_NS


def _media_sources(item: model.Item) -> list[str]:
    ep = item.episode
    if ep is None:
        return []
    return [m.source for m in (ep.audio, ep.transcript, ep.chapters) if m is not None and m.source]


_RECORD_TYPES = {
    (module, name): getattr(importlib.import_module(module), name) for module, name in _ALLOWED
}
