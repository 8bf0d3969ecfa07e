"""What a source holds that no front-matter key or setting keeps, said once per kind of
element with a count and every place it was (never lost without a word)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from pipeline.errors import Problem
from pipeline.importers.records import note
from pipeline.importers.xmlsource import PODCAST, q

NOT_KEPT = {
    q(PODCAST, "value"): (
        "podcast:value",
        "publish has no value-for-value (Lightning) settings: set payments up again by hand",
    ),
    q(PODCAST, "alternateEnclosure"): (
        "podcast:alternateEnclosure",
        "only the <enclosure> is published",
    ),
}
"""Elements of a podcast's channel or items that are not kept: (name shown, why)."""
REPEATED = {
    "enclosure": ("enclosure", "only an item's first <enclosure> is published: RSS has one"),
}
"""Elements of which only the first of a channel or item is kept: (name shown, why)."""


def not_kept(source: str, places: Sequence[tuple[str, int, ET.Element]]) -> list[Problem]:
    """One note per element of :data:`NOT_KEPT` found as a child of one of ``places``
    (``("channel" or "item", line, element)``), and of :data:`REPEATED` found again in one,
    counting them and naming every place."""
    found: dict[str, list[tuple[str, int]]] = {}
    for kind, line, elem in places:
        firsts: set[str] = set()
        for child in elem:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in NOT_KEPT or (tag in REPEATED and tag in firsts):
                found.setdefault(tag, []).append((kind, line))
            firsts.add(tag)
    out = []
    for tag, where in found.items():
        name, why = NOT_KEPT.get(tag) or REPEATED[tag]
        out.append(merged(source, name, where, why))
    return out


def merged(source: str, field: str, where: Sequence[tuple[str, int | str]], why: str) -> Problem:
    """One note for ``len(where)`` ``field`` elements not kept, at the first one's line,
    naming each place: ``("item", 12)`` or ``("channel", 3)`` by line, ``("item", "items[4]")``
    (a JSON Feed's) by its label."""
    return counted(source, field, where, f"not kept ({why})")


def counted(source: str, field: str, where: Sequence[tuple[str, int | str]], what: str) -> Problem:
    """One note for ``len(where)`` ``field`` elements of which ``what`` is said
    (``not kept (…)``), at the first one's line, naming each place as :func:`merged` does."""
    first = next((at for _, at in where if isinstance(at, int)), 1)
    groups: dict[str, list[int | str]] = {}
    for kind, at in where:
        if at not in groups.setdefault(kind, []):
            groups[kind].append(at)
    parts: list[str] = []
    for kind, ats in groups.items():
        lines = [str(at) for at in ats if isinstance(at, int)]
        if lines:
            s = "s" if len(lines) > 1 else ""
            parts.append(f"the {kind}{s} at line{s} {', '.join(lines)}")
        labels = [at for at in ats if isinstance(at, str)]
        if labels:
            parts.append(", ".join(labels))
    return note(source, first, field, f"{len(where)} {what}, in {'; '.join(parts)}")
