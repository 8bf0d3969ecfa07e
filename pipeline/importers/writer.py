"""Writing an import into the content tree, idempotently.

The import ledger (``imports.json`` beside ``publish.toml``, to be committed) remembers, per
section and GUID, the file written and the SHA-256 of its bytes (and those of the files
written beside it: an episode's chapters). A re-run rewrites a file only while it still has
those bytes: one an editor changed (or deleted) since is left as it is and named. An item is
found again by its GUID (the ledger, else the ``guid`` or ``id`` of a file already in the
content folder) in any section, so neither a changed title upstream nor another ``--section``
makes a second file (it is kept where it is, and named). An ``id`` another item has as the
build compares ids (NFC: apps tell ``Café`` typed two ways apart) is replaced by one derived
from the GUID, named and kept in the ledger.

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
import os
import posixpath
import stat
import uuid
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
    Ledger,
    LinkCounts,
    WriteOutcome,
    in_section,
)
from pipeline.importers.relink import link_targets, relinked
from pipeline.load.frontmatter import FrontMatterError, decode, split
from pipeline.load.walk import walk_markdown
from pipeline.podcast.chapters import document_bytes
from pipeline.support.output import write_atomic, write_if_changed
from pipeline.support.text import clean, nfc

LEDGER_NAME = "imports.json"
_ID_NAMESPACE = uuid.UUID("0b6f7a2e-3c1d-5e8f-9a4b-696d706f7274")
"""UUIDv5 namespace of the ids derived from a GUID whose own id is another item's."""


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


def _existing(root: Path) -> tuple[dict[str, str], dict[str, str]]:
    """For the Markdown files already in the content folder (every section, read as the
    build walks it): GUID (or id) -> file, and id as the build compares it -> file."""
    guids: dict[str, str] = {}
    ids: dict[str, str] = {}
    if not root.is_dir():
        return guids, ids
    for rel, full in walk_markdown(root):
        try:
            if not stat.S_ISREG(os.stat(full).st_mode):  # a pipe would block the read
                continue
            meta = split(decode(Path(full).read_bytes())).meta
        except (OSError, ValueError, FrontMatterError):
            continue
        for key in ("guid", "id"):
            value = meta.get(key)
            if isinstance(value, str) and value.strip():
                guids.setdefault(value.strip(), rel)
        if isinstance(meta.get("id"), str | int) and not isinstance(meta["id"], bool):
            ids.setdefault(build_id(meta["id"]), rel)
    return guids, ids


def build_id(value: str | int) -> str:
    """An ``id`` as the build compares it: NFC, cleaned, stripped."""
    return clean(str(value)).strip()


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
    """Where an item's Markdown file is: ``rel`` under the root, in ``section``; ``entry`` its
    ledger entry (None: a new file); ``write`` False for a file holding its GUID, not ours."""

    rel: str
    path: Path
    entry: dict[str, str] | None
    section: str
    write: bool = True


@dataclass
class _Plan:
    """What writing a plan will do, decided item by item before anything is written."""

    root: Path
    ledger: Ledger
    source: str
    kind: str
    """``episode`` or ``essay``."""
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    refused: list[Problem] = field(default_factory=list)
    guids: dict[str, str] = field(default_factory=dict)
    """GUID (or id) -> file already in the content folder."""
    ids: dict[str, str] = field(default_factory=dict)
    """Id as the build compares it -> file: those already there, then this run's."""
    sections: dict[str, str] = field(default_factory=dict)
    """GUID -> the section of the ledger that holds it (the first, sorted)."""
    names: dict[str, FreeNames] = field(default_factory=dict)
    writes: list[tuple[Path, bytes, bytes | None]] = field(default_factory=list)
    links: LinkCounts = field(default_factory=LinkCounts)
    max_bytes: int | None = None
    """``[content] max_file_bytes``: a file over it would be one the build refuses."""

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
        if item.key not in self.ledger.entries.get(section := item.section, {}):
            section = self.sections.get(item.key, section)
        if (entry := self.ledger.entries.get(section, {}).get(item.key)) is not None:
            found = self.ledger_path(item, entry["file"])
            if found is None:
                return None
            if section != item.section:
                why = (
                    f"GUID {shown(item.key)} was imported into {section}/ ({LEDGER_NAME}): "
                    f"kept in this file, not written a second time into {item.section}/"
                )
                self.notes.append(Problem(entry["file"], 1, "import", why))
            return _Place(entry["file"], found, entry, section)
        if item.key in self.guids:
            rel = self.guids[item.key]
            why = f"already holds GUID {shown(item.key)}: not overwritten"
            self.kept.append(Problem(rel, 1, "import", why))
            return _Place(rel, self.root / rel, None, item.section, write=False)
        made = self.new_path(item, folder, item.slug, ".md")
        if made is None:
            return None
        return _Place(made.relative_to(self.root).as_posix(), made, None, item.section)

    def own_id(self, item: ImportedItem, at: _Place) -> ImportedItem:
        """``item`` with the ``id`` it is written with: the ledger's when it recorded one, else
        its own unless another item has it as the build compares ids (Unicode-normalised:
        two GUIDs apps tell apart may be one id); then one derived from its exact GUID
        (recorded, named). Every id decided is taken for the items after it."""
        front = dict(item.front)
        if not isinstance(front.get("id"), str):
            return item
        wanted = (at.entry or {}).get("id") or str(front["id"])
        usable = build_id(wanted).isprintable()  # the build refuses a line break in an id
        holder = self.ids.setdefault(build_id(wanted), at.rel) if usable else at.rel
        if holder != at.rel or not usable:
            n, derived = 0, str(uuid.uuid5(_ID_NAMESPACE, item.key))
            while self.ids.setdefault(derived, at.rel) != at.rel:
                n += 1
                derived = str(uuid.uuid5(_ID_NAMESPACE, f"{item.key}#{n}"))
            what = (
                f"is the id of {holder} as the build compares ids (Unicode-normalised)"
                if usable
                else "holds a line break or a control character, which the build refuses"
            )
            why = (
                f"{self.source}:{item.line}: its id {shown(wanted)} {what}: written as id "
                f"{derived!r}; its GUID {shown(item.key)} is kept exactly"
            )
            self.notes.append(Problem(at.rel, 1, "id", why))
            wanted = derived
        front["id"] = wanted
        return dataclasses.replace(item, front=tuple(front.items()))

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
        if at.section != item.section:
            item = in_section(item, at.section, self.kind)
        item = self.own_id(item, at)
        record = dict(entry or {})
        besides = self.besides(item, record, path)
        if besides is None:
            return
        body, links = relinked(item.body, rel, link=item.link, base=item.base, targets=targets)
        names = {b.key: posixpath.relpath(brel, posixpath.dirname(rel)) for b, _, brel in besides}
        data = render_file(dataclasses.replace(item, body=body), names)
        if self.max_bytes is not None and len(data) > self.max_bytes:
            why = f"its file {rel} would be {len(data)} bytes, over the build's limit of "
            self.refuse(item, "file", why + f"{self.max_bytes}: raise [content] max_file_bytes")
            return
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
        record.pop("id", None)
        if (written := dict(item.front).get("id", item.key)) != item.key:
            record["id"] = str(written)  # not the GUID: kept, so it never changes
        self.ledger.entries.setdefault(at.section, {})[item.key] = record

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
    plan: ImportPlan,
    content_root: Path,
    ledger_path: Path,
    *,
    dry_run: bool = False,
    max_bytes: int | None = None,
) -> WriteOutcome:
    """Write (or, with ``dry_run``, only decide) every item of ``plan``; WriteRefused, with
    nothing written, when a target or a text cannot be written safely, or a file would be
    over ``max_bytes`` (the build's limit: it would refuse the whole site)."""
    kind = "episode" if plan.kind == "podcast" else "essay"
    decided = _Plan(content_root, Ledger.load(ledger_path), plan.source, kind, max_bytes=max_bytes)
    decided.guids, decided.ids = _existing(content_root)
    for section in sorted(decided.ledger.entries, reverse=True):  # the first one sorted wins
        decided.sections.update(dict.fromkeys(decided.ledger.entries[section], section))
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
        tuple(decided.notes),
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
