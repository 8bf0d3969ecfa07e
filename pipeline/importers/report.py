"""What an import says: the files it wrote (stdout, text or JSON) and its summary line."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable

from pipeline.importers.records import ImportPlan, WriteOutcome


def render(
    plan: ImportPlan,
    outcome: WriteOutcome,
    fmt: str,
    *,
    dry_run: bool,
    shown: Callable[[str], str] = str,
    dump: Callable[[object], str] = lambda doc: json.dumps(doc, ensure_ascii=False, indent=2),
) -> str:
    """The files created, updated and left alone (``kept``), and the notes on files written
    otherwise than the source said (``note``); ``shown`` turns a path relative to the
    content root into the one printed; ``dump`` writes the JSON document (the command's
    redacts each string in it)."""
    kept, notes = (
        [str(dataclasses.replace(p, path=shown(p.path))) for p in problems]
        for problems in (outcome.kept, outcome.notes)
    )
    if fmt == "json":
        doc = {
            "source": plan.source,
            "dry_run": dry_run,
            "created": [shown(r) for r in outcome.created],
            "updated": [shown(r) for r in outcome.updated],
            "unchanged": [shown(r) for r in outcome.unchanged],
            "kept": kept,
            "notes": notes,
            "source_problems": [str(p) for p in plan.notes],
            "skipped": plan.skipped,
            "links": {
                "made_absolute": outcome.links.absolute,
                "to_imported_items": outcome.links.imported,
                "left_relative": outcome.links.relative,
            },
        }
        return dump(doc) + "\n"
    verb = "would be " if dry_run else ""
    lines = [f"{verb}created: {shown(r)}" for r in outcome.created]
    lines += [f"{verb}updated: {shown(r)}" for r in outcome.updated]
    lines += [f"kept: {k}" for k in kept]
    lines += [f"note: {n}" for n in notes]
    return "".join(line + "\n" for line in lines)


def summary(plan: ImportPlan, outcome: WriteOutcome, *, dry_run: bool) -> str:
    """The one line that ends an import, on stderr; with the links rewritten in the files
    written, per kind, when there were any (:mod:`.relink`)."""
    what = "episode" if plan.kind == "podcast" else "post"
    line = (
        f"{'Would import' if dry_run else 'Imported'} {_count(len(plan.items), what)} from "
        f"{plan.source}: {len(outcome.created)} new, {len(outcome.updated)} updated, "
        f"{len(outcome.unchanged)} unchanged, {len(outcome.kept)} left alone, "
        f"{_count(len(plan.notes), 'source problem')}"
    )
    links = outcome.links
    if links.absolute or links.imported:
        line += (
            f"; links rewritten: {links.absolute} made absolute (to the old site), "
            f"{links.imported} to imported {what}s"
        )
    if links.relative:
        line += (
            f"; {_count(links.relative, 'relative URL')} in bodies left as written (the "
            "source gave no URL to make them absolute against: the build names any that "
            "leads nowhere)"
        )
    return line


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
