"""The changes feed in a build: which files, made from what (the history's last commit and
the pages' titles and URLs), made once for both formats."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import subprocess
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from pipeline.config import Config
from pipeline.errors import ConfigError, Problem
from pipeline.model import Item, Site
from pipeline.revisions.history import Revision, history_key, last_revised, revisions
from pipeline.revisions.summary import summary_html, summary_text
from pipeline.syndication.changes import FOLDER, TITLE, render_changes
from pipeline.syndication.directory import FeedLink

NEEDS_GIT = (
    "the changes feed reads git history: build from a git clone with its history "
    "(in CI: actions/checkout with fetch-depth: 0)"
)


def changes_files(
    cfg: Config, content_dir: Path, site: Site, now: dt.datetime, salt: str
) -> list[tuple[str, Callable[[], bytes], str]]:
    """(path, maker, inputs digest) of ``changes/atom.xml`` and ``changes/rss.xml``."""
    head = _check_history(content_dir)
    pages = {i.source: i for i in (*site.pages(), *site.published(now))}
    facts = sorted((i.source, i.title, i.url) for i in pages.values())
    inputs = hashlib.sha256(
        "\0".join(map(str, (salt, "changes", head, cfg.feeds.changes_limit, facts))).encode()
    ).hexdigest()

    @functools.cache
    def files() -> dict[str, bytes]:
        found = revisions(content_dir, sorted(pages), cfg.feeds.changes_limit)
        return render_changes(cfg, revision_items(found, pages))

    return [(path, functools.partial(lambda p: files()[p], path), inputs) for path in _paths()]


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


def _paths() -> tuple[str, str]:
    return (f"{FOLDER}/atom.xml", f"{FOLDER}/rss.xml")


def page_revisions(
    cfg: Config, content_dir: Path, site: Site, now: dt.datetime
) -> dict[str, dt.datetime]:
    """Each page's latest meaningful revision (its "Last updated"), when the changes feed is
    on (git history is read then anyway); {} otherwise."""
    if not cfg.feeds.changes:
        return {}
    _check_history(content_dir)
    sources = sorted({i.source for i in (*site.pages(), *site.published(now))})
    return last_revised(content_dir, sources)


def changes_link(cfg: Config) -> FeedLink:
    return FeedLink(
        f"{cfg.site.title}: {TITLE}",
        "Every meaningful revision of the pages",
        f"{cfg.feeds_base}{FOLDER}/atom.xml",
        "atom",
    )


def _check_history(content_dir: Path) -> str:
    """The commit the history ends at; ConfigError without git or in a shallow clone."""
    head = history_key(content_dir)
    if not head:
        raise ConfigError([Problem("publish.toml", 1, "feeds.changes", NEEDS_GIT)])
    if _is_shallow(content_dir):
        raise ConfigError(
            [Problem("publish.toml", 1, "feeds.changes", f"shallow clone: {NEEDS_GIT}")]
        )
    return head


def _is_shallow(content_dir: Path) -> bool:
    cmd = ["git", "-C", str(content_dir), "rev-parse", "--is-shallow-repository"]
    return subprocess.run(cmd, capture_output=True, check=False).stdout.strip() == b"true"
