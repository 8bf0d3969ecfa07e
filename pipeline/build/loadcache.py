"""Loaded items by file metadata, so a build reads only the files that changed.

A Markdown file whose size, mtime, ctime and inode are what they were when it was last loaded
(and whose local media, for an episode, are too) is not read, parsed or validated again: its
Item, warnings and key lines come from here. Anything else the load depends on (publish's
code, the whole configuration, ``--strict``, GitBook mode) is in the cache's salt; when that
differs the cache is empty. Files with errors are never cached.
The records themselves and their restricted pickling are :mod:`pipeline.load.record`'s; the
item's keys as loaded (:mod:`pipeline.build.keys`: its body's, which the record leaves out,
and its loaded fields') are kept beside it, and :func:`load_cached` returns every item's keys
next to the site.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import cast

from pipeline.build.keys import ItemKeys, KeyedSite, loaded_keys, text_digest
from pipeline.build.mediacache import DEFAULT_CACHE_DIR, RemoteMedia
from pipeline.build.sqlitefile import delete_store, open_store, select_keys
from pipeline.build.state import RACY_NS, build_salt
from pipeline.config import Config
from pipeline.load.loader import load_site
from pipeline.load.mode import gitbook_mode
from pipeline.load.record import Record, item_from_values, restricted_loads, stat_key
from pipeline.model import Item

VERSION = "3"
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS items "
    "(source TEXT PRIMARY KEY, stat TEXT, text TEXT, record BLOB, body TEXT, output TEXT)"
)
_SCHEMAS = (_SCHEMA, "CREATE TABLE IF NOT EXISTS salt (value TEXT)")


def load_salt(cfg: Config, content_dir: Path, *, strict: bool) -> str:
    """What every record depends on besides its file: the build key (code and configuration),
    ``--strict`` and GitBook mode."""
    return f"{build_salt(cfg, content_dir)}\0{strict}\0{gitbook_mode(cfg, content_dir)}"


def load_cached(
    cfg: Config,
    content_dir: Path,
    cache_dir: Path | None,
    *,
    strict: bool = False,
    write_ledger: bool = False,
    only: Collection[str] | None = None,
    walked: Sequence[tuple[str, str]] | None = None,
    pages: Sequence[str] | None = None,
) -> KeyedSite:
    """:func:`pipeline.load.loader.load_site` memoised by the load cache in ``cache_dir``
    (every file read without one), with each item's keys as loaded
    (:func:`pipeline.build.keys.loaded_keys`: the body's, and the loaded fields' as output)."""
    salt = load_salt(cfg, content_dir, strict=strict)
    store = LoadCache(cache_dir, salt, content_dir, only)
    media = RemoteMedia(cache_dir if cache_dir is not None else cfg.root / DEFAULT_CACHE_DIR)
    try:
        site = load_site(
            cfg,
            content_dir,
            strict=strict,
            write_ledger=write_ledger,
            media=media,
            store=store,
            only=only,
            walked=walked,
            pages=pages,
        )
    finally:
        media.close()
    # a GitBook space's SUMMARY.md changes items after the records were made: their output
    # keys are computed again
    known = store.keys if not gitbook_mode(cfg, content_dir) else store.bodies_only()
    return KeyedSite(site, loaded_keys(site.items, known))


KeyAndStat = tuple[ItemKeys, str | None]
"""An item's keys as loaded and its file's stat: :meth:`LoadCache.item_key`."""


class LoadCache:
    """``source -> (stat, text digest, record, keys)`` in a SQLite file of the cache folder;
    a no-op without one (but for :attr:`keys`).

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
        self.rows: dict[str, tuple[str, str, bytes, ItemKeys]] = {}
        self.root = content_dir
        self.fresh: list[tuple[str, str, str, bytes, str, str]] = []
        self.keys: dict[str, ItemKeys] = {}
        """Source -> the keys as loaded (:func:`pipeline.build.keys.loaded_keys`) of each
        item given or kept."""
        self.restamped: list[tuple[str, str]] = []
        if folder is None:
            return
        path = folder / "items.sqlite3"
        for attempt in range(2):
            self.db = open_store(path, _SCHEMAS, shared=False)
            if self.db is None:  # a folder it cannot be made in: no cache this build
                return
            try:
                self._read(f"{VERSION}\0{salt}")
                return
            except sqlite3.DatabaseError:
                self.db.close()
                self.db, self.rows = None, {}
                if attempt == 0:  # corrupt (a crash while writing it): start it again
                    delete_store(path)

    @staticmethod
    def text_key(text: str) -> str:
        return text_digest(text)

    @staticmethod
    def item_key(item: Item, path: Path | str) -> KeyAndStat:
        """The keys of ``item`` as loaded and the stat of its file (taken after the read)."""
        return loaded_keys([item], {})[item.source], stat_key(path)

    def _read(self, salt: str) -> None:
        assert self.db is not None
        found = self.db.execute("SELECT value FROM salt").fetchall()
        if found != [(salt,)]:
            with self.db:
                self.db.execute("DROP TABLE items")  # another version's: its columns too
                self.db.execute(_SCHEMA)
                self.db.execute("DELETE FROM salt")
                self.db.execute("INSERT INTO salt VALUES (?)", (salt,))
        query = "SELECT source, stat, text, record, body, output FROM items"
        if self.sources is None:
            rows = self.db.execute(query).fetchall()
        else:
            sql = f"{query} WHERE source IN ({{marks}})"
            rows = list(select_keys(self.db, sql, sorted(self.sources)))
        for source, stat, text, record, body, output in rows:
            keys = ItemKeys(str(body), "", str(output))
            self.rows[str(source)] = (str(stat), str(text), bytes(record), keys)

    def get(self, source: str, path: Path | str) -> Record | None:
        """The record of ``source`` when the file and its dependencies are unchanged."""
        row = self.rows.get(source)
        if row is None or stat_key(path) != row[0]:
            return None
        return self._record(source, row)

    def known_text(self, source: str) -> str | None:
        """The digest of the text the record of ``source`` was made from, if there is one."""
        row = self.rows.get(source)
        return row[1] if row is not None else None

    def get_by_text(self, source: str, path: Path | str, digest: str) -> Record | None:
        """The record of ``source`` when its text is the one read now (its stat changed)."""
        row = self.rows.get(source)
        if row is None or row[1] != digest:
            return None
        record = self._record(source, row)
        stat = stat_key(path)
        if record is not None and stat is not None and not _racy(stat):
            self.restamped.append((stat, source))
        return record

    def _record(self, source: str, row: tuple[str, str, bytes, ItemKeys]) -> Record | None:
        try:
            values, warnings, lines, ledger, deps = restricted_loads(row[2])
            item = item_from_values(values)
        except Exception:  # a damaged or hostile entry is a miss, never an error
            return None
        if not isinstance(deps, tuple) or not isinstance(warnings, tuple):
            return None
        if len(row[3].body) != 64 or len(row[3].output) != 64:  # not keys this code wrote
            return None
        for rel, stat in deps:
            if stat_key(self.root / rel) != stat:
                return None
        self.keys[source] = row[3]
        return Record(item, warnings, lines, bool(ledger), deps)

    def put(
        self,
        source: str,
        path: Path | str,
        digest: str,
        record: bytes | None,
        item: Item,
        key: object = None,
    ) -> None:
        """Keep what loading ``source`` (whose text has ``digest``) produced: a record made
        by :func:`pack` (None: it could not be packed, so the file is read every time) and
        the keys of ``item`` as loaded (``key``: :meth:`item_key`, made in a worker)."""
        keys, stat = cast(KeyAndStat, self.item_key(item, path) if key is None else key)
        self.keys[source] = keys
        if self.db is None or stat is None or record is None:
            return
        if _racy(stat):  # kept by its text only: the stat must be seen again to be trusted
            stat = ""
        self.fresh.append((source, stat, digest, record, keys.body, keys.output))

    def save(self, sources: Iterable[str]) -> None:
        """Write new records and forget files that are gone."""
        if self.db is None:
            return
        gone = set(self.rows) - set(sources) if self.sources is None else set()
        try:
            with self.db:
                self.db.executemany("DELETE FROM items WHERE source = ?", ((s,) for s in gone))
                self.db.executemany(
                    "INSERT OR REPLACE INTO items VALUES (?, ?, ?, ?, ?, ?)", self.fresh
                )
                self.db.executemany("UPDATE items SET stat = ? WHERE source = ?", self.restamped)
        except sqlite3.DatabaseError:
            pass
        self.fresh, self.restamped = [], []

    def bodies_only(self) -> dict[str, ItemKeys]:
        """:attr:`keys` without their output keys (to be computed again)."""
        return {source: ItemKeys(k.body) for source, k in self.keys.items()}

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None


def _racy(stat: str) -> bool:
    """Modified in the last two seconds: a write in the same clock tick as our read would
    leave size and mtime unchanged (git's "racily clean" files), so it is read next time."""
    mtime_ns = int(stat.split(":")[1])
    return time.time_ns() - mtime_ns < RACY_NS
