"""The upcoming feed (``[feeds] upcoming = N``): the next N dates of all events, soonest first,
each an entry of its own: "<title> — Thursday 5 March 2026, 18:00–19:30 CET (Europe/Berlin)".

An entry's GUID derives from the event's id and the date the rule gives it (a moved date keeps
its GUID); its date is the event's own (announced or updated), so readers keep the order we
write. The bytes depend on which dates are next, never on the clock itself.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import UTC, datetime

from pipeline.config import Config
from pipeline.model import Item
from pipeline.support.recurrence import Occurrence, occurrence_text, upcoming
from pipeline.syndication.atom import ATOM
from pipeline.syndication.common import render_feed, summary
from pipeline.syndication.rss import RSS

FOLDER = "upcoming"


def next_occurrences(
    events: Sequence[Item], now: datetime, limit: int
) -> list[tuple[Item, Occurrence]]:
    """The next ``limit`` dates of ``events`` not over at ``now``, soonest first."""
    found = [
        (item, occ)
        for item in events
        if item.event is not None
        for occ in upcoming(item.event, now, limit)
    ]
    found.sort(key=lambda pair: (pair[1].starts.timestamp(), pair[0].guid))
    return found[:limit]


def occurrence_item(item: Item, occ: Occurrence) -> Item:
    assert item.event is not None
    when = occurrence_text(item.event, occ)
    where = occ.location or ""
    about = summary(item)
    text = f"When: {when}." + (f" Where: {where}." if where else "")
    text += f" {about}" if about else ""
    e = html.escape
    body = f"<p>When: {e(when)}</p>" + (f"<p>Where: {e(where)}</p>" if where else "")
    body += f"<p>{e(about)}</p>" if about else ""
    stamp = occ.original.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return item.evolve(
        id=f"{item.id}/{stamp}",
        title=f"{item.title} — {when}",
        description=text,
        html=body,
        episode=None,
        tags=(),
    )


def render_upcoming(cfg: Config, pairs: Sequence[tuple[Item, Occurrence]]) -> dict[str, bytes]:
    """``upcoming/atom.xml`` and ``upcoming/rss.xml``."""
    items = [occurrence_item(item, occ) for item, occ in pairs]
    title, subtitle = f"{cfg.site.title}: upcoming", "The next dates of every event, soonest first"
    return {
        f"{FOLDER}/{name}": render_feed(fmt, cfg, f"{FOLDER}/{name}", title, subtitle, items)
        for name, fmt in (("atom.xml", ATOM), ("rss.xml", RSS))
    }
