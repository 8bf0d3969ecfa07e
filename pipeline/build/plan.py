"""Planning a build's outputs: every file the site needs, what its bytes are made from
(a digest of its inputs), and how to make them. Nothing is written here."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from pipeline.build.copies import check_taken, copies_of
from pipeline.build.keys import KeyedSite
from pipeline.build.site import HtmlSource
from pipeline.build.sitenav import gitbook_urls, table_of_contents
from pipeline.build.state import Manifest
from pipeline.build.themeplan import SiteSources, plan_site
from pipeline.build.upcomingfeed import upcoming_files, upcoming_link
from pipeline.config import Config
from pipeline.model import Item
from pipeline.syndication.atom import ATOM
from pipeline.syndication.common import FeedFormat, FeedPage, FeedSpec, pages_of, plan_feeds
from pipeline.syndication.directory import FeedLink, render_index, render_opml
from pipeline.syndication.ical import render_ics
from pipeline.syndication.jsonfeed import JSON_FEED
from pipeline.syndication.pages import page_path
from pipeline.syndication.rss import RSS


@dataclass(frozen=True)
class FeedDoc:
    """One feed document to write: which format, which feed, which page of its archive."""

    fmt: str
    title: str
    purpose: str
    items: tuple[Item, ...]
    page: FeedPage


class Output(NamedTuple):
    """One file of the output folder, produced only when the build writes it (a named tuple:
    10,000 are made per build)."""

    path: str
    make: Callable[[], bytes] | None = None
    inputs: str = ""
    """A digest of everything the bytes are made from; when the last build recorded the same
    for a file that is still as it left it, the file is not produced at all. "" = always."""
    feed: FeedDoc | None = None
    """For feeds (``make`` is None): written by splicing, see :mod:`pipeline.build.feedwrite`."""
    needs: tuple[Item, ...] = ()
    """Items whose HTML ``make`` reads (for feeds: found from the last file's index)."""


FEED_FORMATS: dict[str, FeedFormat] = {"rss.xml": RSS, "atom.xml": ATOM, "feed.json": JSON_FEED}


LINK_KIND_OF_FEED = {"rss.xml": "rss", "atom.xml": "atom", "feed.json": "json"}


"""Feed file name -> the kind the feed directory shows (``model.FEED_KINDS`` is items')."""


def format_of(path: str) -> int:
    """Position of a feed file's format in FEED_FORMATS (len for anything else)."""
    name = path.rsplit("/", 1)[-1]
    names = list(FEED_FORMATS)
    return names.index(name) if name in FEED_FORMATS else len(names)


def inputs_digest(*parts: object) -> str:
    return hashlib.sha256("\0".join(map(str, parts)).encode()).hexdigest()


def _spec_outputs(
    cfg: Config, spec: FeedSpec, salt: str, output_of: Callable[[Item], str]
) -> Iterator[tuple[Output, str]]:
    """The three formats of one feed, with RFC 5005 archives, and each one's kind."""
    base = cfg.feeds_base
    chunks = pages_of(spec.items, cfg.feeds.limit)
    n_arch = len(chunks) - 1

    def name(fmt: str, page: int) -> str:
        return spec.path(fmt if page == 0 else f"archive/{page}/{fmt}")

    for page, items in enumerate(chunks):
        is_archive = page > 0
        # archives are numbered from the oldest (1) up; the current document links the newest
        prev_page = (n_arch if page == 0 else page - 1) if n_arch else 0
        next_page = page + 1 if is_archive and page < n_arch else 0
        item_digests = "\0".join(map(output_of, items))
        for fmt, kind in LINK_KIND_OF_FEED.items():
            self_url = base + name(fmt, page)
            prev = base + name(fmt, prev_page) if prev_page else None
            nxt = base + name(fmt, next_page) if next_page else None
            cur = base + name(fmt, 0) if n_arch else None
            where = FeedPage(self_url, prev, nxt, cur, is_archive)
            doc = FeedDoc(fmt, spec.title, spec.purpose, items, where)
            inputs = inputs_digest(salt, fmt, spec.title, spec.purpose, where, item_digests)
            yield Output(name(fmt, page), inputs=inputs, feed=doc), kind


def plan_outputs(
    cfg: Config,
    content_dir: Path,
    keyed: KeyedSite,
    now: dt.datetime,
    html: HtmlSource,
    salt: str,
    *,
    podcast: Callable[[], list[Output]],
    feeds: tuple[Sequence[Output], Sequence[FeedLink]] | None = None,
) -> tuple[list[Output], list[FeedLink], list[tuple[Path, str]]]:
    """Every output file (produced lazily, so memory holds one at a time) and every copy.

    ``keyed`` is the rendered site with its items' keys (each output's inputs digest covers
    the output keys of the items it shows); ``html`` supplies the HTML of items rendered
    lazily; ``salt`` is :func:`~pipeline.build.state.build_salt`'s; ``podcast`` gives the
    podcast's outputs (see :mod:`pipeline.build.podcastplan`), asked for last; ``feeds``:
    :func:`feed_outputs`, when the caller planned them first (to write them ahead).
    """
    items = keyed.site.published(now)
    if feeds is None:
        feeds = feed_outputs(cfg, keyed, now, salt)
    outputs, links = list(feeds[0]), list(feeds[1])
    ask = _Ask(cfg, content_dir, keyed, items, now, html, salt)
    outputs.extend(_calendars(ask, links))
    podcast_at = len(outputs)  # its outputs go here when the forked process has made them
    episodes = any(i.episode is not None for i in items)
    if episodes:
        links.insert(
            0,
            FeedLink(
                cfg.podcast.title or f"{cfg.site.title} podcast",
                "The podcast, for podcast apps",
                cfg.feeds_base + "podcast.xml",
                "podcast",
            ),
        )
    if cfg.site.pages:
        paths = [o.path for o in outputs] + ["feeds.opml"] + (["podcast.xml"] if episodes else [])
        pages, copies, users = _site_pages(ask, links, paths)
        outputs.extend(pages)
    else:
        copies, users = copies_of(content_dir, items, lambda _: "assets/", keep_path=True)
        outputs.append(Output("index.html", lambda: render_index(cfg, links)))
    outputs.append(Output("feeds.opml", lambda: render_opml(cfg, links)))
    outputs[podcast_at:podcast_at] = podcast()
    theirs = set(users)  # a copy claims no path another copy or an output has
    check_taken(
        content_dir, users, [*(o.path for o in outputs), *(r for _, r in copies if r not in theirs)]
    )
    return outputs, links, copies


def feed_outputs(
    cfg: Config, keyed: KeyedSite, now: dt.datetime, salt: str
) -> tuple[list[Output], list[FeedLink]]:
    """The RSS, Atom and JSON feeds (by format, so each format's feeds are written together
    and copy entries from each other) and the links to them (not to RFC 5005 archive pages)."""
    items, output_of = keyed.site.published(now), keyed.output_of
    links: list[FeedLink] = []
    outputs: list[Output] = []
    for spec in plan_feeds(cfg, items):
        if not spec.items and spec.key:
            continue
        for output, kind in _spec_outputs(cfg, spec, salt, output_of):
            outputs.append(output)
            if output.feed is None or not output.feed.page.is_archive:
                links.append(
                    FeedLink(
                        f"{spec.title} ({kind.upper()})",
                        spec.purpose,
                        cfg.feeds_base + output.path,
                        kind,
                    )
                )
    return sorted(outputs, key=lambda o: format_of(o.path)), links


class _Ask(NamedTuple):
    """What :func:`plan_outputs` was asked, with the published items."""

    cfg: Config
    content_dir: Path
    keyed: KeyedSite
    items: Sequence[Item]
    now: dt.datetime
    html: HtmlSource
    salt: str


def _calendars(ask: _Ask, links: list[FeedLink]) -> list[Output]:
    """The events calendar, the upcoming-dates feeds and the changes feeds, as configured
    (their links added to ``links``)."""
    cfg, content_dir, keyed, items, now, html, salt = ask
    output_of, site = keyed.output_of, keyed.site
    outputs: list[Output] = []
    events = tuple(i for i in items if i.event is not None)
    if events:
        outputs.append(
            Output(
                "events.ics",
                lambda: render_ics(cfg, [html.fill(i) for i in events]),
                inputs_digest(salt, "ics", *map(output_of, events)),
                needs=events,
            )
        )
        links.append(
            FeedLink(
                f"{cfg.site.title}: events",
                "Events, for your calendar app",
                cfg.feeds_base + "events.ics",
                "ics",
            )
        )
    if cfg.feeds.upcoming > 0:
        for path, make, inputs, needs in upcoming_files(cfg, events, now, salt, html, output_of):
            outputs.append(Output(path, make, inputs, needs=needs))
        links.append(upcoming_link(cfg))
    if cfg.feeds.changes:  # git history is read only then (and its code imported)
        from pipeline.build.changesfeed import changes_files, changes_link

        for path, make, inputs in changes_files(cfg, content_dir, site, now, salt):
            outputs.append(Output(path, make, inputs))
        links.append(changes_link(cfg))
    return outputs


def _site_pages(
    ask: _Ask, links: list[FeedLink], feeds: Sequence[str]
) -> tuple[list[Output], list[tuple[Path, str]], dict[str, tuple[str, str]]]:
    """The site's pages (:func:`~pipeline.build.themeplan.plan_site`, no page taking one of
    the ``feeds``' paths), every copy (the theme's files and each item's assets beside its
    page) and who uses each asset's path (see :func:`~pipeline.build.copies.copies_of`)."""
    cfg, content_dir, keyed, items, now, html, salt = ask
    site = keyed.site
    revised: dict[str, dt.datetime] = {}
    if cfg.feeds.changes:
        from pipeline.build.changesfeed import page_revisions

        revised = page_revisions(cfg, content_dir, site, now)
    built = (*site.pages(), *site.unlisted(now))  # pages, and feed items no list has
    sources = SiteSources(
        items,
        built,
        links,
        html.fill,
        keyed.output_of,
        now=now,
        revised=revised,
        toc=table_of_contents(cfg, content_dir),
        moved=gitbook_urls(cfg, content_dir, site),
        feeds=feeds,
        content_dir=content_dir,
    )
    planned, copies = plan_site(cfg, sources, salt, html.folder)
    outputs = [Output(p.path, p.make, p.inputs, needs=p.needs) for p in planned]

    def beside_page(item: Item) -> str | None:
        rel = page_path(cfg, item.url)
        if rel is None:
            return None
        return rel.rsplit("/", 1)[0] + "/" if "/" in rel else ""

    assets, users = copies_of(content_dir, (*items, *built), beside_page, keep_path=False)
    return outputs, [*copies, *assets], users


def up_to_date(rel: str, inputs: str, previous: Manifest, out_dir: Path) -> bool:
    """True when the last build made ``rel`` from the same inputs and the file is still as
    it left it."""
    if not inputs or previous.inputs.get(rel) != inputs or rel not in previous.files:
        return False
    try:
        st = os.stat(os.path.join(out_dir, rel))
    except OSError:
        return False
    return (st.st_size, st.st_mtime_ns) == previous.files[rel][:2]


def constant(data: bytes) -> Callable[[], bytes]:
    return lambda: data
