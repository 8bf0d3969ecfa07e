"""Writing an import into the content tree, idempotently.

The import ledger (``imports.json`` beside ``publish.toml``, to be committed) remembers, per
section and GUID, the file written and the SHA-256 of its bytes (and those of the files
written beside it: an episode's chapters). A re-run rewrites a file only while it still has
those bytes: one an editor changed (or deleted) since is left as it is and named. An item is
found again by its GUID (the ledger, else the ``guid`` or ``id`` of a file already in the
section), so a changed title upstream never makes a second file.

Every item's file is placed first (the ledger's, a file already holding its GUID, or a free
name), so that each body's links to other items can name their files (:mod:`.relink`; the
ledger also keeps each item's old link, for the links of a later run).

Everything is decided before anything is written: each file's bytes and the ledger's, and
that each target is inside the content folder (a new file's name one safe segment, a
ledger's entry no way out) and its text what every output can carry. A target that fails
is refused (:class:`WriteRefused`, naming the source item) and nothing is written. Every
file is replaced atomically; a write that fails midway undoes the ones before it (and the
folders it made), so a run writes all of it or none. Nothing is written on a dry run.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import posixpath
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import Problem
from pipeline.importers.common import FreeNames, is_safe_name, shown, source_text
from pipeline.importers.records import (
    BesideFile,
    ImportedItem,
    ImportPlan,
    LinkCounts,
    WriteOutcome,
)
from pipeline.importers.relink import link_targets, relinked
from pipeline.load.frontmatter import FrontMatterError, decode, split
from pipeline.podcast.chapters import document_bytes
from pipeline.support import jsontext
from pipeline.support.output import write_atomic, write_if_changed
from pipeline.support.text import nfc

LEDGER_NAME = "imports.json"


class WriteRefused(Exception):
    """A plan the writer will not write: each problem names the source item and why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def render_file(item: ImportedItem, names: Mapping[str, str] | None = None) -> bytes:
    """The Markdown file of one item: YAML front matter, a blank line, the body; ``names``
    gives the front-matter key of each file beside it the name the writer picked.

    A GUID that Unicode normalisation would change (the content is read as NFC) is written
    with YAML's \\u escapes, so the file keeps it exactly as the old feed had it."""
    front = dict(item.front)
    front.update(names or {})
    guid = str(front.get("guid", ""))
    meta = yaml.safe_dump(
        front,
        sort_keys=False,
        allow_unicode=nfc(guid) == guid,
        width=1_000_000,
        default_flow_style=False,
    )
    body = f"\n{item.body}" if item.body else ""
    return f"---\n{meta}---\n{body}".encode()


def render_beside(beside: BesideFile) -> bytes:
    """The bytes of a file beside an item (an episode's chapters document)."""
    return document_bytes(beside.document)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _entry(value: Any) -> dict[str, str]:
    """One ledger entry: the item's file and SHA-256, its old ``link``, and the ``<key>_file``
    and ``<key>_sha256`` of each file written beside it (``chapters_file``)."""
    out = {"file": str(value["file"]), "sha256": str(value["sha256"])}
    for key, held in value.items():
        if key == "link" or str(key).endswith(("_file", "_sha256")):
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


def _existing_guids(folder: Path, root: Path) -> dict[str, str]:
    """GUID (or id) -> file, for the Markdown files already in ``folder``."""
    found: dict[str, str] = {}
    if not folder.is_dir():
        return found
    for path in sorted(folder.glob("*.md")):
        try:
            meta = split(decode(path.read_bytes())).meta
        except (OSError, ValueError, FrontMatterError):
            continue
        for key in ("guid", "id"):
            value = meta.get(key)
            if isinstance(value, str) and value.strip():
                found.setdefault(value.strip(), path.relative_to(root).as_posix())
    return found


def _present(folder: Path) -> list[str]:
    """The names of what ``folder`` holds (listed once: nothing is written until every name
    is chosen); a broken symbolic link is no obstacle, as ``Path.exists`` says."""
    if not folder.is_dir():
        return []
    return [entry.name for entry in folder.iterdir() if entry.exists()]


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, held in value.items():
            yield from _strings(key)
            yield from _strings(held)
    elif isinstance(value, list | tuple):
        for held in value:
            yield from _strings(held)


def _unclean(item: ImportedItem) -> str | None:
    """The first field of ``item`` holding what no output can carry (a lone surrogate, a
    control character), else None: readers clean their text; this is the writer's check."""
    fields = (("GUID", item.key), ("file name", item.slug), ("body", item.body), *item.front)
    fields += tuple((f"{beside.key} file", beside.document) for beside in item.files)
    for name, value in fields:
        if any(source_text(text) != text for text in _strings(value)):
            return name
    return None


def _outside(path: Path, root: Path) -> bool:
    """True when writing ``path`` would put a file outside ``root`` (its folder, symbolic
    links followed, is not in it; the file itself is replaced, never followed)."""
    return not path.parent.resolve().is_relative_to(root.resolve())


class _Action(StrEnum):
    """What writing one file does."""

    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    DELETED = "deleted"
    """Deleted since the import: not re-created."""
    EDITED = "edited"
    """Edited since the import: not overwritten."""


_KEPT = {
    _Action.DELETED: "deleted since the import: not re-created",
    _Action.EDITED: "edited since the import: not overwritten",
}


def _against(path: Path, data: bytes, recorded: str | None) -> tuple[_Action, bytes | None]:
    """What writing ``data`` to ``path`` does, given the SHA-256 the ledger recorded for it
    (None: a new file), and the bytes there before an update."""
    if recorded is None:
        return _Action.CREATE, None
    if not path.is_file():
        return _Action.DELETED, None
    current = path.read_bytes()
    if current == data:
        return _Action.UNCHANGED, None
    if digest(current) != recorded:
        return _Action.EDITED, None
    return _Action.UPDATE, current


@dataclass(frozen=True)
class _Place:
    """Where an item's Markdown file is: ``rel`` under the root; ``entry`` its ledger entry
    (None for a new file); ``write`` False for a file that holds its GUID but is not ours."""

    rel: str
    path: Path
    entry: dict[str, str] | None
    write: bool = True


@dataclass
class _Plan:
    """What writing a plan will do, decided item by item before anything is written."""

    root: Path
    ledger: Ledger
    source: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[Problem] = field(default_factory=list)
    refused: list[Problem] = field(default_factory=list)
    known: dict[str, dict[str, str]] = field(default_factory=dict)
    names: dict[str, FreeNames] = field(default_factory=dict)
    writes: list[tuple[Path, bytes, bytes | None]] = field(default_factory=list)
    links: LinkCounts = field(default_factory=LinkCounts)

    def free(self, folder: Path) -> FreeNames:
        """The names still free in ``folder`` (what it holds listed once)."""
        key = folder.as_posix()
        if key not in self.names:
            self.names[key] = FreeNames(_present(folder))
        return self.names[key]

    def file(self, rel: str, path: Path, data: bytes, recorded: str | None) -> _Action:
        """Write ``data`` to ``path`` (``rel`` under the root) unless it was deleted or
        edited since the import (then kept and named); what :func:`_against` said."""
        action, before = _against(path, data, recorded)
        if action in _KEPT:
            self.kept.append(Problem(rel, 1, "import", _KEPT[action]))
        elif action == _Action.UNCHANGED:
            self.unchanged.append(rel)
        else:
            (self.created if action == _Action.CREATE else self.updated).append(rel)
            self.writes.append((path, data, before))
        return action

    def new_path(self, item: ImportedItem, folder: Path, stem: str, ext: str) -> Path | None:
        """A free name in ``folder`` for a new file of ``item``; None (refused) when it is
        not one safe segment inside the content folder."""
        path = folder / self.free(folder).pick(stem, ext)
        if not is_safe_name(path.name) or _outside(path, self.root):
            self.refuse(
                item,
                "file name",
                f"{shown(stem)} is no file name inside the content folder {self.root}: "
                "expected one safe path segment",
            )
            return None
        return path

    def refuse(self, item: ImportedItem, field: str, message: str) -> None:
        self.refused.append(Problem(self.source, item.line, field, message))

    def ledger_path(self, item: ImportedItem, rel: str) -> Path | None:
        """The file the ledger names; None (refused) when it is outside the content folder."""
        path = self.root / rel
        if _outside(path, self.root):
            self.refuse(
                item,
                "file",
                f"{self.ledger.path} names {shown(rel)} for it, outside the content "
                f"folder {self.root}: expected a file inside it",
            )
            return None
        return path

    def place(self, item: ImportedItem) -> _Place | None:
        """Where one item's Markdown file is: where the ledger says, else a free name in its
        section; None when it is refused."""
        folder = self.root / item.section
        if (unclean := _unclean(item)) is not None:
            self.refuse(
                item,
                unclean,
                "holds a character no file or feed can carry (a lone surrogate, a "
                "control character): expected text the source's reader cleaned",
            )
            return None
        if item.section not in self.known:
            self.known[item.section] = _existing_guids(folder, self.root)
        entry = self.ledger.entries.setdefault(item.section, {}).get(item.key)
        if entry is not None:
            found = self.ledger_path(item, entry["file"])
            return None if found is None else _Place(entry["file"], found, entry)
        if item.key in self.known[item.section]:
            rel = self.known[item.section][item.key]
            why = f"already holds GUID {shown(item.key)}: not overwritten"
            self.kept.append(Problem(rel, 1, "import", why))
            return _Place(rel, self.root / rel, None, write=False)
        made = self.new_path(item, folder, item.slug, ".md")
        if made is None:
            return None
        return _Place(made.relative_to(self.root).as_posix(), made, None)

    def targets(self, placed: list[tuple[ImportedItem, _Place]]) -> dict[str, str]:
        """The file of each item with an old link: this run's items (but one deleted since
        an earlier run), then those the ledger knows from earlier runs (their file there)."""
        pairs = [
            (item.link, at.rel)
            for item, at in placed
            if item.link and (at.entry is None or at.path.is_file())
        ]
        for section in sorted(self.ledger.entries):
            for entry in self.ledger.entries[section].values():
                rel, path = entry["file"], self.root / entry["file"]
                clean = source_text(rel) == rel and not _outside(path, self.root)
                if "link" in entry and clean and path.is_file():
                    pairs.append((entry["link"], rel))
        return link_targets(pairs)

    def item(self, item: ImportedItem, at: _Place, targets: Mapping[str, str]) -> None:
        """Decide the writes of one item: its Markdown file (its links rewritten: see
        :mod:`.relink`), then the files beside it."""
        rel, path, entry = at.rel, at.path, at.entry
        record = dict(entry or {})
        besides = self.besides(item, record, path)
        if besides is None:
            return
        body, links = relinked(item.body, rel, link=item.link, base=item.base, targets=targets)
        names = {b.key: posixpath.relpath(brel, posixpath.dirname(rel)) for b, _, brel in besides}
        data = render_file(dataclasses.replace(item, body=body), names)
        action = self.file(rel, path, data, entry["sha256"] if entry else None)
        if action in _KEPT:
            return  # nor the files beside it: the edited file may no longer name them
        if action != _Action.UNCHANGED:
            record.update(file=rel, sha256=digest(data))
            self.links += links
        if item.link:
            record["link"] = item.link
        for beside, bpath, brel in besides:
            bdata = render_beside(beside)
            if self.file(brel, bpath, bdata, record.get(f"{beside.key}_sha256")) not in _KEPT:
                record.update({f"{beside.key}_file": brel, f"{beside.key}_sha256": digest(bdata)})
        self.ledger.entries[item.section][item.key] = record

    def besides(
        self, item: ImportedItem, record: Mapping[str, str], path: Path
    ) -> list[tuple[BesideFile, Path, str]] | None:
        """Where each file beside ``item`` goes: where the ledger says, else a free name
        after its Markdown file's (``<stem><suffix>``); None when one is refused."""
        out: list[tuple[BesideFile, Path, str]] = []
        for beside in item.files:
            rel = record.get(f"{beside.key}_file")
            found = (
                self.ledger_path(item, rel)
                if rel is not None
                else self.new_path(item, path.parent, path.name.removesuffix(".md"), beside.suffix)
            )
            if found is None:
                return None
            out.append((beside, found, rel or found.relative_to(self.root).as_posix()))
        return out


def write_plan(
    plan: ImportPlan, content_root: Path, ledger_path: Path, *, dry_run: bool = False
) -> WriteOutcome:
    """Write (or, with ``dry_run``, only decide) every item of ``plan``; WriteRefused, with
    nothing written, when a target or a text cannot be written safely."""
    decided = _Plan(content_root, Ledger.load(ledger_path), plan.source)
    placed = [(item, at) for item in plan.items if (at := decided.place(item)) is not None]
    targets = decided.targets(placed)
    for item, at in placed:
        if at.write:
            decided.item(item, at, targets)
    if decided.refused:
        raise WriteRefused(decided.refused)
    try:
        ledger_bytes = decided.ledger.render()
    except UnicodeEncodeError as exc:
        held = exc.object[exc.start : exc.end]
        why = f"holds {held!r}, which UTF-8 cannot encode: expected the ledger publish wrote"
        raise WriteRefused([Problem(str(decided.ledger.path), 1, "ledger", why)]) from None
    if not dry_run:
        _write_all(decided.writes, decided.ledger.path, ledger_bytes)
    return WriteOutcome(
        tuple(decided.created),
        tuple(decided.updated),
        tuple(decided.unchanged),
        tuple(decided.kept),
        decided.links,
    )


def _write_all(writes: list[tuple[Path, bytes, bytes | None]], ledger: Path, data: bytes) -> None:
    """Write each file, then the ledger; when one fails, put back what was there before
    (the files written removed or restored, the folders made removed) and raise."""
    done: list[tuple[Path, bytes | None]] = []
    made: list[Path] = []
    try:
        for path, new, before in writes:
            missing = [p for p in (path.parent, *path.parent.parents) if not p.exists()]
            path.parent.mkdir(parents=True, exist_ok=True)
            made.extend(missing)
            write_atomic(path, new)
            done.append((path, before))
        write_if_changed(ledger, data)
    except BaseException:
        for path, before in reversed(done):
            with contextlib.suppress(OSError):
                if before is None:
                    path.unlink()
                else:
                    write_atomic(path, before)
        for folder in sorted(made, key=lambda f: len(f.parts), reverse=True):
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
