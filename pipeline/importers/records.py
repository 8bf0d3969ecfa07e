"""The records an import passes from reading a source to writing the content tree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.errors import Problem

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

    def __add__(self, other: LinkCounts) -> LinkCounts:
        return LinkCounts(self.absolute + other.absolute, self.imported + other.imported)


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


def note(source: str, line: int, field: str, message: str) -> Problem:
    return Problem(source, line, field, message)
