"""Writing an import into the content tree, idempotently.

The import ledger (``imports.json`` beside ``publish.toml``, to be committed) remembers, per
section and GUID, the file written and the SHA-256 of its bytes. A re-run rewrites a file
only while it still has those bytes: one an editor changed (or deleted) since is left as it
is and named. An item is found again by its GUID (the ledger, else the ``guid`` or ``id`` of
a file already in the section), so a changed title upstream never makes a second file.

Everything is decided before anything is written: each file's bytes and the ledger's, and
that each target is inside the content folder (a new file's name one safe segment, a
ledger's entry no way out) and its text what every output can carry. A target that fails
is refused (:class:`WriteRefused`, naming the source item) and nothing is written. Every
file is replaced atomically; a write that fails midway undoes the ones before it (and the
folders it made), so a run writes all of it or none. Nothing is written on a dry run.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import Problem
from pipeline.importers.common import FreeNames, is_safe_name, shown, source_text
from pipeline.importers.records import ImportedItem, ImportPlan, WriteOutcome
from pipeline.load.frontmatter import FrontMatterError, decode, split
from pipeline.support import jsontext
from pipeline.support.output import write_atomic, write_if_changed
from pipeline.support.text import nfc

LEDGER_NAME = "imports.json"


class WriteRefused(Exception):
    """A plan the writer will not write: each problem names the source item and why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def render_file(item: ImportedItem) -> bytes:
    """The Markdown file of one item: YAML front matter, a blank line, the body.

    A GUID that Unicode normalisation would change (the content is read as NFC) is written
    with YAML's \\u escapes, so the file keeps it exactly as the old feed had it."""
    guid = str(dict(item.front).get("guid", ""))
    meta = yaml.safe_dump(
        dict(item.front),
        sort_keys=False,
        allow_unicode=nfc(guid) == guid,
        width=1_000_000,
        default_flow_style=False,
    )
    body = f"\n{item.body}" if item.body else ""
    return f"---\n{meta}---\n{body}".encode()


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Ledger:
    """section -> GUID -> (file relative to the content root, SHA-256 of what was written)."""

    path: Path
    entries: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Ledger:
        if not path.exists():
            return cls(path)
        try:
            data = jsontext.loads(path.read_text(encoding="utf-8"))
            entries = {
                str(section): {
                    str(guid): {"file": str(e["file"]), "sha256": str(e["sha256"])}
                    for guid, e in items.items()
                }
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
    for name, value in fields:
        if any(source_text(text) != text for text in _strings(value)):
            return name
    return None


def _outside(path: Path, root: Path) -> bool:
    """True when writing ``path`` would put a file outside ``root`` (its folder, symbolic
    links followed, is not in it; the file itself is replaced, never followed)."""
    return not path.parent.resolve().is_relative_to(root.resolve())


def write_plan(
    plan: ImportPlan, content_root: Path, ledger_path: Path, *, dry_run: bool = False
) -> WriteOutcome:
    """Write (or, with ``dry_run``, only decide) every item of ``plan``; WriteRefused, with
    nothing written, when a target or a text cannot be written safely."""
    ledger = Ledger.load(ledger_path)
    created: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    kept: list[Problem] = []
    refused: list[Problem] = []
    known: dict[str, dict[str, str]] = {}
    names: dict[str, FreeNames] = {}
    writes: list[tuple[Path, bytes, bytes | None]] = []
    for item in plan.items:

        def refuse(field: str, message: str, item: ImportedItem = item) -> None:
            refused.append(Problem(plan.source, item.line, field, message))

        folder = content_root / item.section
        if (unclean := _unclean(item)) is not None:
            refuse(
                unclean,
                "holds a character no file or feed can carry (a lone surrogate, a "
                "control character): expected text the source's reader cleaned",
            )
            continue
        if item.section not in known:
            known[item.section] = _existing_guids(folder, content_root)
        entries = ledger.entries.setdefault(item.section, {})
        data = render_file(item)
        entry = entries.get(item.key)
        before: bytes | None = None
        if entry is not None:
            rel = entry["file"]
            path = content_root / rel
            if _outside(path, content_root):
                refuse(
                    "file",
                    f"{ledger.path} names {shown(rel)} for it, outside the content "
                    f"folder {content_root}: expected a file inside it",
                )
                continue
            if not path.is_file():
                kept.append(Problem(rel, 1, "import", "deleted since the import: not re-created"))
                continue
            current = path.read_bytes()
            if current == data:
                unchanged.append(rel)
                continue
            if digest(current) != entry["sha256"]:
                kept.append(Problem(rel, 1, "import", "edited since the import: not overwritten"))
                continue
            updated.append(rel)
            before = current
        elif item.key in known[item.section]:
            rel = known[item.section][item.key]
            kept.append(
                Problem(rel, 1, "import", f"already holds GUID {shown(item.key)}: not overwritten")
            )
            continue
        else:
            if item.section not in names:
                names[item.section] = FreeNames(_present(folder))
            path = folder / names[item.section].pick(item.slug, ".md")
            if not is_safe_name(path.name) or _outside(path, content_root):
                refuse(
                    "file name",
                    f"{shown(item.slug)} is no file name inside the content "
                    f"folder {content_root}: expected one safe path segment",
                )
                continue
            rel = path.relative_to(content_root).as_posix()
            created.append(rel)
        entries[item.key] = {"file": rel, "sha256": digest(data)}
        writes.append((path, data, before))
    if refused:
        raise WriteRefused(refused)
    try:
        ledger_bytes = ledger.render()
    except UnicodeEncodeError as exc:
        held = exc.object[exc.start : exc.end]
        why = f"holds {held!r}, which UTF-8 cannot encode: expected the ledger publish wrote"
        raise WriteRefused([Problem(str(ledger.path), 1, "ledger", why)]) from None
    if not dry_run:
        _write_all(writes, ledger.path, ledger_bytes)
    return WriteOutcome(tuple(created), tuple(updated), tuple(unchanged), tuple(kept))


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
