"""The changes feed (``[feeds] changes = true``): an entry per meaningful revision of a page,
"Updated: <title>", dated by its commit, summarised in words, linking to the page (the items
are made in :mod:`pipeline.build.changesfeed` from :mod:`pipeline.revisions`).

Each entry's GUID derives from the commit and the page's path in it, so it never changes;
the feed holds the newest ``changes_limit`` revisions and its bytes depend on the history
alone (its ``updated`` is the newest commit's date).
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.config import Config
from pipeline.model import Item
from pipeline.syndication.atom import ATOM
from pipeline.syndication.common import render_feed
from pipeline.syndication.rss import RSS

FOLDER = "changes"
TITLE = "what changed"


def render_changes(cfg: Config, items: Sequence[Item]) -> dict[str, bytes]:
    """``changes/atom.xml`` and ``changes/rss.xml`` (paths relative to the output folder)."""
    title, subtitle = f"{cfg.site.title}: {TITLE}", "Revisions of the pages"
    return {
        f"{FOLDER}/{name}": render_feed(fmt, cfg, f"{FOLDER}/{name}", title, subtitle, items)
        for name, fmt in (("atom.xml", ATOM), ("rss.xml", RSS))
    }
