"""The cache of external results: one JSON file in the cache folder, written atomically.

Only ``ok`` results are stored (failures and unverifiable results are always checked again);
an entry older than ``max_age`` seconds is stale and re-checked. The clock is passed in. The
file holds the ``key`` it was written under (the version and the ``[links]`` settings a verdict
depends on): read under another key, it is empty, since its verdicts may no longer be ours.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.linkcheck.results import OK, Outcome
from pipeline.support import jsontext
from pipeline.support.output import write_if_changed
from pipeline.support.secrets import redactor

CACHE_FILE = "links.json"
_VERSION = 1


@dataclass(frozen=True)
class CacheEntry:
    reason: str
    checked: float
    """Seconds since the epoch when the URL was last found ok."""


class LinkCache:
    """External URL -> last ok result; load, query, update, save."""

    def __init__(self, path: Path, max_age: float, now: float, key: str = "") -> None:
        self.path = path
        self.max_age = max_age
        self.now = now
        self.key = key
        self.entries: dict[str, CacheEntry] = {}

    @classmethod
    def load(cls, cache_dir: Path, max_age: float, now: float, key: str = "") -> LinkCache:
        """Read ``cache_dir/links.json``; a missing or unreadable file, or one written under
        another ``key``, is an empty cache."""
        cache = cls(cache_dir / CACHE_FILE, max_age, now, key)
        try:
            data: Any = jsontext.loads(cache.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cache
        if not isinstance(data, dict) or data.get("version") != _VERSION:
            return cache
        if data.get("key", "") != key:
            return cache
        entries = data.get("entries")
        for url, entry in (entries if isinstance(entries, dict) else {}).items():
            if isinstance(entry, dict) and isinstance(entry.get("checked"), (int, float)):
                cache.entries[str(url)] = CacheEntry(str(entry.get("reason", "")), entry["checked"])
        return cache

    def fresh(self, url: str) -> Outcome | None:
        """The cached outcome when it is younger than ``max_age``, else None."""
        entry = self.entries.get(url)
        if entry is None or self.now - entry.checked > self.max_age or entry.checked > self.now:
            return None
        return Outcome(OK, f"{entry.reason} (cached)")

    def stale(self) -> set[str]:
        """URLs whose entry has expired."""
        return {u for u in self.entries if self.fresh(u) is None}

    def record(self, url: str, outcome: Outcome) -> None:
        """Remember an ok result; forget the URL on any other outcome."""
        if outcome.status == OK:
            self.entries[url] = CacheEntry(outcome.reason, self.now)
        else:
            self.entries.pop(url, None)

    def save(self) -> None:
        """Write the cache atomically (temp file + rename); expired entries are dropped, and
        so is a URL that holds a secret of the environment (``?token=`` a variable's value):
        it is checked again each run rather than written in clear."""
        hide = redactor()
        keep = {
            url: {"reason": e.reason, "checked": e.checked}
            for url, e in sorted(self.entries.items())
            if self.now - e.checked <= self.max_age and hide(url) == url
        }
        data = json.dumps(
            {"version": _VERSION, "key": self.key, "entries": keep}, indent=1, sort_keys=True
        )
        write_if_changed(self.path, (data + "\n").encode("utf-8"))
