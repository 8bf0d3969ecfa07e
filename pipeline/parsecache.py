"""A cache of parsed front matter, keyed by the file's text, so an unchanged file costs a
read and a hash instead of a YAML parse.

Values are stored as tagged JSON (never pickle: a cache restored in CI must not be able to run
code); front matter with values JSON cannot carry exactly is simply not cached.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipeline.frontmatter import Parsed

VERSION = "1"


class Unsupported(TypeError):
    """A YAML value this cache does not round-trip (sets, binary, ...)."""


def _enc(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dt.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$d": value.isoformat()}
    if isinstance(value, list):
        return [_enc(v) for v in value]
    if isinstance(value, dict):
        return {"$map": [[_enc(k), _enc(v)] for k, v in value.items()]}
    raise Unsupported(type(value).__name__)


def _dec(value: Any) -> Any:
    if isinstance(value, list):
        return [_dec(v) for v in value]
    if isinstance(value, dict):
        if "$dt" in value:
            return dt.datetime.fromisoformat(value["$dt"])
        if "$d" in value:
            return dt.date.fromisoformat(value["$d"])
        return {_dec(k): _dec(v) for k, v in value["$map"]}
    return value


def text_key(text: str) -> str:
    return hashlib.sha256(f"{VERSION}\0{text}".encode()).hexdigest()


class ParseCache:
    """text hash -> (front matter, key lines, body line); a no-op without a cache folder."""

    def __init__(self, folder: Path | None) -> None:
        self.db: sqlite3.Connection | None = None
        if folder is None:
            return
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(folder / "frontmatter.sqlite3")
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS fm (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
            )
        except (sqlite3.DatabaseError, OSError):  # a broken cache is ignored, never fatal
            self.db = None

    def get_many(
        self, keys: Sequence[str]
    ) -> dict[str, tuple[dict[str, Any], dict[str, int], int, bool]]:
        out: dict[str, tuple[dict[str, Any], dict[str, int], int, bool]] = {}
        if self.db is None:
            return out
        for start in range(0, len(keys), 500):
            chunk = list(keys[start : start + 500])
            marks = ",".join("?" * len(chunk))
            try:
                rows = self.db.execute(f"SELECT key, value FROM fm WHERE key IN ({marks})", chunk)
                for key, value in rows:
                    d = json.loads(value)
                    out[key] = (
                        _dec(d["meta"]),
                        dict(d["lines"]),
                        int(d["body_line"]),
                        bool(d["fm"]),
                    )
            except (sqlite3.DatabaseError, ValueError, KeyError, TypeError):
                continue
        return out

    def put_many(self, entries: Sequence[tuple[str, Parsed]]) -> None:
        if self.db is None or not entries:
            return
        rows = []
        for key, parsed in entries:
            try:
                value = {
                    "meta": _enc(parsed.meta),
                    "lines": parsed.lines,
                    "body_line": parsed.body_line,
                    "fm": parsed.has_front_matter,
                }
            except Unsupported:
                continue
            rows.append((key, json.dumps(value, ensure_ascii=False)))
        try:
            with self.db:
                self.db.executemany("INSERT OR REPLACE INTO fm VALUES (?, ?)", rows)
        except sqlite3.DatabaseError:
            pass

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
