"""The search cache: each page's words and weights by a key of everything they are made
from, and the state of the index last written (``search.sqlite3`` of the cache folder; see
:mod:`pipeline.build.searchcache`). Without a cache folder, or when it cannot be opened, it
holds nothing and every page is analysed."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.build.sqlitefile import open_store, select_keys, write_rows
from pipeline.support import jsontext
from pipeline.syndication.search.index import PageWords

CACHE_FILE = "search.sqlite3"
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS words1 (key TEXT PRIMARY KEY, sha TEXT NOT NULL, "
    "summary TEXT NOT NULL, words TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS state1 (id INTEGER PRIMARY KEY, state TEXT NOT NULL)",
)


@dataclass(frozen=True)
class Entry:
    """One page's words as cached, with a digest of them (see :func:`_sha`)."""

    sha: str
    words: PageWords


def encode_words(weights: Mapping[str, int]) -> str:
    """``word weight word weight …`` (words hold no space)."""
    return " ".join([f"{w} {n}" for w, n in weights.items()])


def decode_words(text: str) -> dict[str, int]:
    parts = text.split(" ") if text else []
    return dict(zip(parts[::2], map(int, parts[1::2]), strict=True))


class SearchCache:
    """The SQLite file; without a cache folder (or if it cannot be opened) it holds nothing."""

    def __init__(self, folder: Path | None) -> None:
        # two workers write at once
        self.db = None if folder is None else open_store(folder / CACHE_FILE, _SCHEMA, shared=True)

    def get(self, keys: Sequence[str]) -> dict[str, Entry]:
        out: dict[str, Entry] = {}
        if self.db is None:
            return out
        try:
            sql = "SELECT key, sha, summary, words FROM words1 WHERE key IN ({marks})"
            for key, sha, summary, words in select_keys(self.db, sql, keys):
                out[key] = Entry(sha, PageWords(summary, decode_words(words)))
        except (sqlite3.Error, ValueError, TypeError, AttributeError):
            return {}  # not what this code writes: every page is analysed again
        return out

    def put(self, rows: Sequence[tuple[str, str, str, str]]) -> None:
        write_rows(self.db, "INSERT OR REPLACE INTO words1 VALUES (?,?,?,?)", rows)

    def forget(self, keys: Sequence[str]) -> None:
        write_rows(self.db, "DELETE FROM words1 WHERE key = ?", [(k,) for k in keys])

    def keep_only(self, keys: Sequence[str]) -> None:
        if self.db is None:
            return
        try:
            with self.db:
                self.db.execute("CREATE TEMP TABLE IF NOT EXISTS keep (key TEXT PRIMARY KEY)")
                self.db.execute("DELETE FROM keep")
                self.db.executemany("INSERT OR IGNORE INTO keep VALUES (?)", [(k,) for k in keys])
                self.db.execute("DELETE FROM words1 WHERE key NOT IN (SELECT key FROM keep)")
        except sqlite3.Error:
            pass

    def last(self) -> tuple[str, list[tuple[str, str, str]], dict[str, list[int]]] | None:
        """The index last written: its state, each page's (url, key, sha) and the size and
        mtime of each of its files."""
        if self.db is None:
            return None
        try:
            row = self.db.execute("SELECT state FROM state1 WHERE id = 1").fetchone()
            if row is None:
                return None
            value = jsontext.loads(row[0])
            pages = [(str(u), str(k), str(s)) for u, k, s in value["pages"]]
            return str(value["state"]), pages, dict(value["files"])
        except (sqlite3.Error, ValueError, TypeError, KeyError):
            return None

    def record(
        self, state: str, pages: Sequence[tuple[str, str, str]], files: dict[str, list[int]]
    ) -> None:
        value = json.dumps({"state": state, "pages": [list(p) for p in pages], "files": files})
        write_rows(self.db, "INSERT OR REPLACE INTO state1 VALUES (1, ?)", [(value,)])

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None
