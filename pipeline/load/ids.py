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

    def assign(self, source: str, title: str, slug: str, existing: set[str]) -> str:
        """The id for ``source``: its ledger entry, a renamed file's entry, or a new one."""
        entry = self.entries.get(source)
        if entry is None:
            orphans = [
                (s, e)
                for s, e in self.entries.items()
                if s not in existing and e.id not in self._claimed
            ]
            match = [p for p in orphans if p[1].title == title] or [
                p for p in orphans if p[1].slug == slug
            ]
            if len(match) == 1:
                old, entry = match[0]
                del self.entries[old]
            else:
                entry = LedgerEntry(str(uuid.uuid5(_NS, source)), title, slug)
        self.entries[source] = LedgerEntry(entry.id, title, slug)
        self._claimed.add(entry.id)
        return entry.id

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
