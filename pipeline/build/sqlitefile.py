"""Opening, writing and deleting the SQLite files of the cache folder (the load, render and
search stores), one way for all three.

A cache can only make a build faster, never fail it: a damaged file (a crash while it was
written: nothing waits for the disk) is deleted and made again, once; a file that cannot be
opened at all (a read-only folder) means no cache this build; a write that fails is dropped.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

SUFFIXES = ("", "-wal", "-shm", "-journal")
"""The database and the files SQLite keeps beside it."""


def open_store(path: Path, schema: Sequence[str], *, shared: bool) -> sqlite3.Connection | None:
    """The database at ``path`` with ``schema`` run on it, or None when it cannot be had.

    ``shared``: several processes write it at once (write-ahead log). Either way a crash may
    damage it, which is found here or on a later read and costs one slower build, where
    waiting for the disk would cost a third of a millisecond on every post of every build."""
    for attempt in range(2):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, timeout=60)
        except (sqlite3.Error, OSError):
            return None
        try:
            if shared:
                db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=OFF")
            for statement in schema:
                db.execute(statement)
            return db
        except sqlite3.DatabaseError:
            db.close()
            if attempt == 0:
                delete_store(path)  # damaged: made again
        except sqlite3.Error:
            db.close()
            return None
    return None


def delete_store(path: Path) -> None:
    for suffix in SUFFIXES:
        with contextlib.suppress(OSError):
            path.with_name(path.name + suffix).unlink()


def write_rows(db: sqlite3.Connection | None, sql: str, rows: Iterable[Sequence[Any]]) -> bool:
    """Run ``sql`` for each row in one transaction; False (nothing written) when it fails."""
    if db is None:
        return False
    try:
        with db:
            db.executemany(sql, rows)
    except sqlite3.Error:
        return False
    return True


def select_keys(db: sqlite3.Connection, sql: str, keys: Sequence[str]) -> Iterator[Any]:
    """The rows of ``sql`` (whose ``{marks}`` is the placeholders of a key list) for ``keys``,
    500 keys a query (SQLite's limit on placeholders); errors are the caller's."""
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        yield from db.execute(sql.format(marks=",".join("?" * len(chunk))), chunk)
