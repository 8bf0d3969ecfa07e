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
from pipeline.config.lines import setting_problem
from pipeline.errors import ConfigError
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
    head = _check_history(cfg, content_dir)
    pages = {i.source: i for i in (*site.pages(), *site.published(now)) if i.listed}
    facts = sorted((i.source, i.title, i.url) for i in pages.values())
    inputs = hashlib.sha256(
        "\0".join(map(str, (salt, "changes", head, cfg.feeds.changes_limit, facts))).encode()
    ).hexdigest()

    @functools.cache
    def files() -> dict[str, bytes]:
        try:
            found = revisions(content_dir, sorted(pages), cfg.feeds.changes_limit)
        except OSError as exc:
            raise _unreadable(cfg, exc) from None
        return render_changes(cfg, revision_items(found, pages))

    return [(path, functools.partial(lambda p: files()[p], path), inputs) for path in _paths()]


def revision_items(revisions: Sequence[Revision], pages: Mapping[str, Item]) -> list[Item]:
    """One feed item per revision of a page the site still has, in the order given (newest
    first: :func:`~pipeline.revisions.history.revisions` orders them by date)."""
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
    _check_history(cfg, content_dir)
    sources = sorted({i.source for i in (*site.pages(), *site.published(now), *site.unlisted(now))})
    try:
        return last_revised(content_dir, sources)
    except OSError as exc:
        raise _unreadable(cfg, exc) from None


def changes_link(cfg: Config) -> FeedLink:
    return FeedLink(
        f"{cfg.site.title}: {TITLE}",
        "Every meaningful revision of the pages",
        f"{cfg.feeds_base}{FOLDER}/atom.xml",
        "atom",
    )


def _check_history(cfg: Config, content_dir: Path) -> str:
    """The commit the history ends at; ConfigError without git or in a shallow clone."""
    head = history_key(content_dir)
    if not head:
        raise _problem(cfg, NEEDS_GIT)
    if _is_shallow(content_dir):
        raise _problem(cfg, f"shallow clone: {NEEDS_GIT}")
    return head


def _unreadable(cfg: Config, exc: OSError) -> ConfigError:
    """git could not read the history or a version of a page in it (a partial clone whose
    remote cannot be reached): the history is missing, as in a shallow clone."""
    return _problem(cfg, f"git cannot read the history ({exc}): {NEEDS_GIT}")


def _problem(cfg: Config, message: str) -> ConfigError:
    """A ConfigError at the ``changes`` line of the configuration file the build read (named
    from the working folder when it is inside it)."""
    return ConfigError([setting_problem(cfg.path, "feeds", "changes", message)])


def _is_shallow(content_dir: Path) -> bool:
    cmd = ["git", "-C", str(content_dir), "rev-parse", "--is-shallow-repository"]
    return subprocess.run(cmd, capture_output=True, check=False).stdout.strip() == b"true"
