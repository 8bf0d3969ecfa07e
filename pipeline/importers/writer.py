"""Writing an import into the content tree, idempotently.

The import ledger (``imports.json`` beside ``publish.toml``, to be committed) remembers, per
section and GUID, the file written and the SHA-256 of its bytes. A re-run rewrites a file
only while it still has those bytes: one an editor changed (or deleted) since is left as it
is and named. An item is found again by its GUID (the ledger, else the ``guid`` or ``id`` of
a file already in the section), so a changed title upstream never makes a second file.
Every file is replaced atomically; nothing is written on a dry run.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from pipeline.errors import Problem
from pipeline.importers.common import FreeNames, shown
from pipeline.importers.records import ImportedItem, ImportPlan, WriteOutcome
from pipeline.load.frontmatter import FrontMatterError, decode, split
from pipeline.support import jsontext
from pipeline.support.output import write_atomic, write_if_changed
from pipeline.support.text import nfc

LEDGER_NAME = "imports.json"


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

    def save(self) -> bool:
        data = {
            "note": "Written by publish import: the file and bytes written for each imported "
            "GUID, so a re-run never duplicates an item nor overwrites an edited file. Commit it.",
            "items": {
                s: {g: self.entries[s][g] for g in sorted(self.entries[s])}
                for s in sorted(self.entries)
            },
        }
        text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
        return write_if_changed(self.path, text.encode())


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


def write_plan(
    plan: ImportPlan, content_root: Path, ledger_path: Path, *, dry_run: bool = False
) -> WriteOutcome:
    """Write (or, with ``dry_run``, only decide) every item of ``plan``."""
    ledger = Ledger.load(ledger_path)
    created: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    kept: list[Problem] = []
    known: dict[str, dict[str, str]] = {}
    names: dict[str, FreeNames] = {}
    writes: list[tuple[Path, bytes]] = []
    for item in plan.items:
        folder = content_root / item.section
        if item.section not in known:
            known[item.section] = _existing_guids(folder, content_root)
        entries = ledger.entries.setdefault(item.section, {})
        data = render_file(item)
        entry = entries.get(item.key)
        if entry is not None:
            rel = entry["file"]
            path = content_root / rel
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
            rel = path.relative_to(content_root).as_posix()
            created.append(rel)
        entries[item.key] = {"file": rel, "sha256": digest(data)}
        writes.append((path, data))
    if not dry_run:
        for path, data in writes:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, data)
        ledger.save()
    return WriteOutcome(tuple(created), tuple(updated), tuple(unchanged), tuple(kept))
