"""The records an import passes from reading a source to writing the content tree, and the
import ledger (:class:`Ledger`) the writer keeps between runs."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import Problem
from pipeline.support import jsontext

FrontMatter = tuple[tuple[str, Any], ...]
"""Front-matter keys and values in the order they are written."""


@dataclass(frozen=True)
class BesideFile:
    """A JSON document written beside an item's Markdown file (its chapters), which the
    item's front-matter key ``key`` names. The reader gives that key the name the file has
    when it is free (``<slug><suffix>``); the writer gives it the name it picked."""

    key: str
    suffix: str
    """End of the file's name: ``.chapters.json``."""
    document: Any
    """What the file holds, written as JSON (the same bytes for the same document)."""


@dataclass(frozen=True)
class ImportedItem:
    """One post or episode read from the source, ready to be written as a Markdown file."""

    key: str
    """What identifies it across runs: the GUID it is published under."""
    section: str
    """Folder under the content root (``episodes``, ``essays``)."""
    slug: str
    """File name stem, from the title."""
    front: FrontMatter
    body: str
    line: int
    """Line of the item in the source (for the report)."""
    files: tuple[BesideFile, ...] = ()
    """Files written beside it (its chapters)."""
    link: str = ""
    """Its old page, absolute, on the old site ('' when it has none there: a link post's link
    is the article it is about): links to it in bodies are rewritten to its file
    (:mod:`.relink`)."""
    base: str = ""
    """What the relative URLs of its body are relative to: its old link, else the source's
    base (``xml:base``, the feed's or the site's URL); '' when none is known."""


def in_section(item: ImportedItem, section: str, kind: str) -> ImportedItem:
    """``item`` written into ``section`` (where its file already is), with a ``kind`` key
    (``episode``, ``essay``) when that folder alone would not make it one, as ``--section``
    gives it."""
    from pipeline.load.item import kind_for

    front = tuple((k, v) for k, v in item.front if k != "kind")
    if front and kind_for(f"{section}/{item.slug}.md", {}) != kind:
        front = (front[0], ("kind", kind), *front[1:])
    return dataclasses.replace(item, section=section, front=front)


@dataclass(frozen=True)
class ImportPlan:
    """Everything read from a source: the items, the show settings, and per-item notes."""

    source: str
    kind: str
    """``podcast`` or ``feed``."""
    items: tuple[ImportedItem, ...]
    settings: FrontMatter = ()
    """``[podcast]`` keys of ``publish.toml`` (podcast imports)."""
    notes: tuple[Problem, ...] = ()
    """What was wrong with the source and what was done about it, at ``source:line``."""
    skipped: int = 0
    """Source items not imported (their note says why)."""


@dataclass(frozen=True)
class LinkCounts:
    """Links an import rewrote in the bodies it wrote, per kind."""

    absolute: int = 0
    """Relative URLs made absolute against the old site (the page or image is still there)."""
    imported: int = 0
    """Links to the old page of an imported item, now to its Markdown file."""
    relative: int = 0
    """Relative URLs left as they are: the source gave no URL to make them absolute against
    (the build names each one that leads nowhere)."""

    def __add__(self, other: LinkCounts) -> LinkCounts:
        return LinkCounts(
            self.absolute + other.absolute,
            self.imported + other.imported,
            self.relative + other.relative,
        )


@dataclass(frozen=True)
class WriteOutcome:
    """What writing a plan did: files per action, and what was left alone and why."""

    created: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]
    kept: tuple[Problem, ...]
    """Files not written: edited or deleted since the import, or not ours."""
    links: LinkCounts = LinkCounts()
    """Links rewritten in the files created or updated."""
    notes: tuple[Problem, ...] = ()
    """Files written otherwise than their source item says: an id derived from its GUID,
    another section than the one asked for (the one it was imported into)."""


def _entry(value: Any) -> dict[str, str]:
    """One ledger entry: the item's file and SHA-256, its old ``link``, the ``id`` written
    when it is not the GUID, and the ``<key>_file`` and ``<key>_sha256`` of each file
    written beside it (``chapters_file``)."""
    out = {"file": str(value["file"]), "sha256": str(value["sha256"])}
    for key, held in value.items():
        if key in ("link", "id") or str(key).endswith(("_file", "_sha256")):
            out[str(key)] = str(held)
    return out


@dataclass
class Ledger:
    """section -> GUID -> file relative to the content root and SHA-256 of what was written
    (``file``, ``sha256``), the same of each file beside it (``chapters_file``, …), and the
    item's old ``link`` (so a later run points links to it at its file)."""

    path: Path
    entries: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Ledger:
        if not path.exists():
            return cls(path)
        try:
            data = jsontext.loads(path.read_text(encoding="utf-8"))
            entries = {
                str(section): {str(guid): _entry(e) for guid, e in items.items()}
                for section, items in data["items"].items()
            }
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            raise ValueError(
                f"{path}: not an import ledger written by publish "
                '({"items": {"<section>": {"<guid>": {"file": ..., "sha256": ...}}}})'
            ) from None
        return cls(path, entries)

    def render(self) -> bytes:
        """The ledger's bytes (UnicodeEncodeError for a GUID no file can hold)."""
        data = {
            "note": "Written by publish import: the file and bytes written for each imported "
            "GUID, so a re-run never duplicates an item nor overwrites an edited file. Commit it.",
            "items": {
                s: {g: self.entries[s][g] for g in sorted(self.entries[s])}
                for s in sorted(self.entries)
            },
        }
        return (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode()


def note(source: str, line: int, field: str, message: str) -> Problem:
    return Problem(source, line, field, message)
