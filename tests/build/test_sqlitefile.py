"""The cache folder's SQLite files: a damaged one is made again, one that cannot be opened is
no cache, a failed write is dropped; none of it fails a build."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pipeline.build.sqlitefile import delete_store, open_store, write_rows

SCHEMA = ("CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY, v TEXT)",)


@pytest.mark.parametrize("shared", [True, False])
def test_kept_between_openings(tmp_path: Path, shared: bool) -> None:
    path = tmp_path / "cache" / "x.sqlite3"
    db = open_store(path, SCHEMA, shared=shared)
    assert db is not None
    assert write_rows(db, "INSERT INTO t VALUES (?, ?)", [("a", "1"), ("b", "2")])
    db.close()
    again = open_store(path, SCHEMA, shared=shared)
    assert again is not None
    assert sorted(again.execute("SELECT k, v FROM t")) == [("a", "1"), ("b", "2")]
    again.close()


def test_a_damaged_file_is_made_again(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    path.write_bytes(b"not a database, not even close " * 200)
    db = open_store(path, SCHEMA, shared=True)
    assert db is not None
    assert list(db.execute("SELECT k FROM t")) == []
    db.close()
    assert path.read_bytes().startswith(b"SQLite format 3\0")


def test_a_folder_that_cannot_hold_it_means_no_cache(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder should be")
    assert open_store(blocker / "x.sqlite3", SCHEMA, shared=False) is None
    assert not write_rows(None, "INSERT INTO t VALUES (?, ?)", [("a", "1")])


def test_a_failed_write_is_dropped_whole(tmp_path: Path) -> None:
    db = open_store(tmp_path / "x.sqlite3", SCHEMA, shared=False)
    assert db is not None
    rows = [("a", "1"), ("a", "2")]  # the second breaks the key: the transaction is undone
    assert not write_rows(db, "INSERT INTO t VALUES (?, ?)", rows)
    assert list(db.execute("SELECT k FROM t")) == []
    db.close()
    with pytest.raises(sqlite3.ProgrammingError):
        db.execute("SELECT 1")


def test_deleted_with_the_files_beside_it(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    db = open_store(path, SCHEMA, shared=True)
    assert db is not None
    write_rows(db, "INSERT INTO t VALUES (?, ?)", [("a", "1")])
    assert path.with_name("x.sqlite3-wal").exists()
    db.close()
    (tmp_path / "x.sqlite3-journal").write_bytes(b"")
    delete_store(path)
    assert sorted(tmp_path.iterdir()) == []
