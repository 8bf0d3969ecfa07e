"""The changes feed (``[feeds] changes = true``): an entry per meaningful revision of a page,
"Updated: <title>", dated by its commit, summarised in words, linking to the page.

Each entry's GUID derives from the commit and the page's path in it, so it never changes;
the feed holds the newest ``changes_limit`` revisions and its bytes depend on the history
alone (its ``updated`` is the newest commit's date).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pipeline.config import Config
from pipeline.model import Item
from pipeline.revisions.history import Revision
from pipeline.revisions.summary import summary_html, summary_text
from pipeline.syndication.atom import ATOM
from pipeline.syndication.common import render_feed
from pipeline.syndication.rss import RSS

FOLDER = "changes"
TITLE = "what changed"


def revision_items(revisions: Sequence[Revision], pages: Mapping[str, Item]) -> list[Item]:
    """One feed item per revision of a page the site still has, newest first."""
    out: list[Item] = []
    for rev in revisions:
        page = pages.get(rev.page)
        if page is None:
            continue
        text = summary_text(rev.change, rev.message)
        out.append(
            Item(
                id=f"{rev.sha}:{rev.path}",
                kind="update",
                section=FOLDER,
                source=rev.page,
                title=f"Updated: {page.title}",
                slug=page.slug,
                url=page.url,
                date=rev.date,
                description=text,
                html=summary_html(rev.change, rev.message, page.url),
            )
        )
    return out


def render_changes(cfg: Config, items: Sequence[Item]) -> dict[str, bytes]:
    """``changes/atom.xml`` and ``changes/rss.xml`` (paths relative to the output folder)."""
    title, subtitle = f"{cfg.site.title}: {TITLE}", "Revisions of the pages"
    return {
        f"{FOLDER}/{name}": render_feed(fmt, cfg, f"{FOLDER}/{name}", title, subtitle, items)
        for name, fmt in (("atom.xml", ATOM), ("rss.xml", RSS))
    }
