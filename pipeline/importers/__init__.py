"""``publish import``: bring a podcast, a blog or a newsletter here without losing a subscriber.

Read → plan → write. A reader turns a source into an :class:`ImportPlan` (one
:class:`ImportedItem` per episode or post, show settings, and per-item notes at
``source:line``): :mod:`.podcast` (an RSS podcast feed, with :mod:`.showinfo` for the
channel and :mod:`.podlove` for Podlove chapters), :mod:`.feed` (RSS, Atom, JSON Feed)
and :mod:`.substack` (an export archive). :mod:`.writer` writes the plan into the content
tree idempotently (the import ledger, and the files beside an item: its chapters),
:mod:`.settings` the show into ``publish.toml``; :mod:`.dropped` counts, in the notes, what
the source holds that nothing keeps, and :mod:`.buildable` checks an episode with the build's
own checks (what it would refuse is left out or drafted, and named). XML is read by
:mod:`.xmlsource` (no entities, lines kept); fetching is :mod:`pipeline.support.fetch`'s
bounded read.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from pipeline.importers.common import source_text, source_values
from pipeline.importers.feed import read_feed
from pipeline.importers.podcast import read_podcast
from pipeline.importers.records import ImportedItem, ImportPlan, WriteOutcome
from pipeline.importers.substack import read_substack
from pipeline.importers.xmlsource import UnsafeXml, parse_xml

KINDS = ("podcast", "feed", "substack")


def read_source(
    kind: str,
    data: bytes,
    source: str,
    *,
    since: datetime | None = None,
    base: str = "",
    old_url: str = "",
) -> ImportPlan:
    """The plan of ``data`` read as ``kind``; ValueError (with what is wrong) when unreadable.
    ``base`` (the source's URL when fetched) resolves a feed's relative URLs; ``old_url``
    is a Substack publication's address (for its posts' GUIDs). Its text is as every output
    can carry it (:func:`cleaned`)."""
    if kind == "podcast":
        return cleaned(read_podcast(parse_xml(data), source, since=since, base=base))
    if kind == "substack":
        return cleaned(read_substack(data, source, since=since, old_url=old_url))
    return cleaned(read_feed(data, source, since=since, base=base))


def cleaned(plan: ImportPlan) -> ImportPlan:
    """``plan`` with every text of its items, settings and notes made one every output can
    carry (:func:`~pipeline.importers.common.source_text`: a lone surrogate is U+FFFD, a
    control character goes): XML cannot hold those, and a reader that lets one through
    leaves no file the build refuses. The readers clean at their source too, before they
    compare GUIDs; this is the one pass every reader's plan goes through."""
    items = tuple(
        dataclasses.replace(
            item,
            key=source_text(item.key),
            slug=source_text(item.slug),
            front=tuple((k, source_values(v)) for k, v in item.front),
            body=source_text(item.body),
            link=source_text(item.link),
            base=source_text(item.base),
            files=tuple(
                dataclasses.replace(f, document=source_values(f.document)) for f in item.files
            ),
        )
        for item in plan.items
    )
    settings = tuple((k, source_values(v)) for k, v in plan.settings)
    notes = tuple(
        dataclasses.replace(n, field=source_text(n.field), message=source_text(n.message))
        for n in plan.notes
    )
    return dataclasses.replace(plan, items=items, settings=settings, notes=notes)


def into_section(plan: ImportPlan, section: str) -> ImportPlan:
    """``plan`` written into the folder ``section``; where that folder alone would not make
    its items episodes or essays, each says so with a ``kind`` key."""
    from pipeline.load.item import kind_for

    kind = "episode" if plan.kind == "podcast" else "essay"
    items = []
    for item in plan.items:
        front = item.front
        if kind_for(f"{section}/{item.slug}.md", {}) != kind:
            front = (front[0], ("kind", kind), *front[1:])
        items.append(dataclasses.replace(item, section=section, front=front))
    return dataclasses.replace(plan, items=tuple(items))


__all__ = ["KINDS", "ImportPlan", "ImportedItem", "UnsafeXml", "WriteOutcome", "read_source"]
