"""The id ledger: a committed file mapping content files to ids, for items without an ``id``.

An item's GUID derives from its id alone. With an ``id`` key that is the whole story. Without
one, the ledger remembers the id given when the file was first built; a renamed file keeps its
id when it is recognised by its title or slug among the ledger entries whose file is gone.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path

from pipeline.support import jsontext
from pipeline.support.output import write_if_changed

_NS = uuid.UUID("9a3c3c0e-6b1f-5d8a-8d5e-7075626c6973")
_Orphans = dict[str, list[str]]
"""Sources of the ledger's orphaned entries by their title (or slug)."""


@dataclass(frozen=True)
class LedgerEntry:
    id: str
    title: str
    slug: str


class IdLedger:
    """Path -> id for items without an ``id`` key; load, assign, then save if changed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, LedgerEntry] = {}
        if path.exists() and not (path.is_file() or path.is_dir()):  # a pipe would block
            raise ValueError("cannot be read: not a regular file")
        if path.exists():
            try:
                data = jsontext.loads(path.read_text(encoding="utf-8"))
                for source, e in data.get("items", {}).items():
                    self.entries[source] = LedgerEntry(
                        str(e["id"]), e.get("title", ""), e.get("slug", "")
                    )
            except OSError as exc:
                raise ValueError(f"cannot be read: {exc.strerror}") from None
            except (ValueError, KeyError, TypeError, AttributeError):
                raise ValueError(
                    "not valid JSON of the expected shape "
                    '({"items": {"<file>": {"id": "...", "title": "...", "slug": "..."}}})'
                ) from None
        self._claimed: set[str] = set()
        self._orphans: tuple[set[str], _Orphans, _Orphans] | None = None
        """(the ``existing`` set it was made for, sources of the entries whose file is not
        in it by title, by slug): made once per load, not once per new file."""

    def assign(self, source: str, title: str, slug: str, existing: set[str]) -> str:
        """The id for ``source``: its ledger entry, a renamed file's entry, or a new one.

        A renamed file is the one entry whose file is gone (not in ``existing``; ``existing``
        only grows during a load) and whose id no file has claimed, with the same title, else
        with the same slug. Those entries are indexed once per ``existing``: looking through
        every entry for each new file made the first build of a site without a ledger
        quadratic in its files (20,000 files: 8 s; 40,000: 32 s)."""
        entry = self.entries.get(source)
        if entry is None:
            by_title, by_slug = self._orphans_of(existing)
            match = self._renamed(by_title.get(title), existing)
            if match == []:
                match = self._renamed(by_slug.get(slug), existing)
            if len(match) == 1:
                old = match[0]
                entry = self.entries.pop(old)
            else:
                entry = LedgerEntry(str(uuid.uuid5(_NS, source)), title, slug)
        self.entries[source] = LedgerEntry(entry.id, title, slug)
        self._claimed.add(entry.id)
        if source not in existing and self._orphans is not None:  # an orphan to later files
            self._orphans[1].setdefault(title, []).append(source)
            self._orphans[2].setdefault(slug, []).append(source)
        return entry.id

    def _orphans_of(self, existing: set[str]) -> tuple[_Orphans, _Orphans]:
        if self._orphans is None or self._orphans[0] is not existing:
            by_title: _Orphans = {}
            by_slug: _Orphans = {}
            for s, e in self.entries.items():
                if s not in existing:
                    by_title.setdefault(e.title, []).append(s)
                    by_slug.setdefault(e.slug, []).append(s)
            self._orphans = (existing, by_title, by_slug)
        return self._orphans[1], self._orphans[2]

    def _renamed(self, sources: list[str] | None, existing: set[str]) -> list[str]:
        """Up to two of ``sources`` that are still orphans, the others dropped from the list
        for good (a source taken, or an id claimed, stays so): enough to tell one from many."""
        found: list[str] = []
        at = 0
        while sources is not None and at < len(sources) and len(found) < 2:
            s = sources[at]
            e = self.entries.get(s)
            if e is not None and s not in existing and e.id not in self._claimed:
                found.append(s)
                at += 1
            else:
                sources[at] = sources[-1]
                sources.pop()
        return found

    def save(self) -> bool:
        """Write the ledger when it changed; a ledger with nothing to record is not created
        (every item has its ``id``: the content folder gets no file of ours)."""
        if not self.entries and not self.path.exists():
            return False
        data = {
            "note": "Written by publish: ids of items without an id key. Commit this file; "
            "an item's feed GUID derives from its id and must never change.",
            "items": {
                s: {"id": e.id, "title": e.title, "slug": e.slug}
                for s, e in sorted(self.entries.items())
            },
        }
        return write_if_changed(
            self.path, (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode()
        )
