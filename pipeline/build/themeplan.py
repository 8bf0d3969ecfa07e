"""Every file of the browsable site, planned before anything is written: a page per item,
the home page, a list per section, per tag and per year (paginated), ``404.html``,
``sitemap.xml``, ``robots.txt``, a redirect page per old URL, and the theme's static files.

Each output is made lazily (memory holds one at a time) and carries a digest of its inputs
(the build salt, the templates, and each item's output key: :mod:`pipeline.build.keys`), so
an unchanged page is not even rendered. One page of each template is rendered while
planning, so a broken template stops the build before anything is written. What a page
holds, and how it is rendered, is the theme's (:mod:`pipeline.syndication.theme`): this is
the build's planning around it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import posixpath
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from pipeline.build.owners import Claims, Owner, alias_owner, list_owner, old_path, page_owner
from pipeline.config import Config
from pipeline.model import Item
from pipeline.support.recurrence import next_dates, repeat_text
from pipeline.syndication.common import tag_slugs
from pipeline.syndication.directory import FeedLink
from pipeline.syndication.pages import page_path
from pipeline.syndication.search import wanted
from pipeline.syndication.theme.context import (
    common,
    relative_body,
    relative_to,
    rooted,
    site_base,
    up_from,
    words,
)
from pipeline.syndication.theme.entries import Entries
from pipeline.syndication.theme.navigation import (
    Navigation,
    Resolver,
    TocLink,
    navigation,
    outline,
    section_title,
)
from pipeline.syndication.theme.templates import Templates, static_copies
from pipeline.syndication.theme.webfiles import robots_txt, sitemap_xml


class SitePage(NamedTuple):
    """One file of the site: its output path, how to make it, and a digest of its inputs."""

    path: str
    make: Callable[[], bytes]
    inputs: str = ""
    needs: tuple[Item, ...] = ()


def _digest(*parts: object) -> str:
    return hashlib.sha256("\0".join(map(str, parts)).encode()).hexdigest()


@dataclass(frozen=True)
class SiteSources:
    """What the site's pages are planned from."""

    items: Sequence[Item]
    """The published items, newest first."""
    pages: Sequence[Item]
    links: Sequence[FeedLink]
    """The feeds, as the pages link to them."""
    fill: Callable[[Item], Item]
    """An item with its HTML."""
    output_of: Callable[[Item], str]
    """An item's output key."""
    now: dt.datetime | None = None
    """For a repeating event's next dates."""
    revised: Mapping[str, dt.datetime] = field(default_factory=dict)
    """Each page's latest meaningful revision, for "Last updated"."""
    toc: tuple[Sequence[TocLink], str, Resolver] | None = None
    """GitBook's table of contents, see
    :func:`pipeline.syndication.theme.navigation.navigation`."""
    moved: Mapping[str, str] = field(default_factory=dict)
    """The paths a GitBook space served its pages at -> source, each given a redirect page
    unless one of our own pages is there."""
    feeds: Sequence[str] = ()
    """The output paths of the feeds written beside the site (no page may take one)."""
    content_dir: Path | None = None
    """The content folder, to name the lines of a clash (:mod:`pipeline.build.owners`)."""


class _Planner:
    def __init__(
        self, cfg: Config, sources: SiteSources, salt: str, cache_dir: Path | None
    ) -> None:
        self.cfg = cfg
        self.now = sources.now
        self.revised = sources.revised
        self.zone = ZoneInfo(cfg.site.timezone)
        self.base = site_base(cfg)
        self.items = items = sources.items
        self.fill = sources.fill
        self.output_of = sources.output_of
        self.templates = Templates(cfg, cache_dir)
        self.search = wanted(cfg)
        self.words = words(cfg.site.language, tuple(sorted(cfg.theme.words.items())))
        self.copies = static_copies(cfg)
        self.versions = {
            rel.removeprefix("static/"): hashlib.sha256(path.read_bytes()).hexdigest()[:12]
            for path, rel in self.copies
        }
        self.nav: Navigation = navigation(cfg, items, sources.pages, sources.toc)
        self.salt = _digest(salt, self.templates.digest, sorted(self.versions.items()), self.search)
        self.slugs = tag_slugs(sorted({t for i in items for t in i.tags}))
        links = sources.links
        site_feeds = {cfg.feeds_base + n for n in ("rss.xml", "atom.xml", "feed.json")}
        self.feeds = [_alternate(f) for f in links if f.url in site_feeds]
        self.all_feeds = [_alternate(f) for f in links if f.kind in ("rss", "atom", "json")]
        self.links = list(links)
        self.feed_urls = {f.url for f in links}
        self.entries = Entries(self._entry_macros, self.base)

    def context(self, here: str, canonical: str, source: str = "") -> dict[str, Any]:
        rel = rooted(self.base) if here == "404.html" else relative_to(here, self.base)
        rel_key = "/" if here == "404.html" else up_from(here)  # what rel() does: the way up
        ctx = self._values(rel, canonical, source)
        ctx["entry"] = lambda item, macro: self.entries.entry(item, macro, rel)
        above = ctx["above"] = frozenset(link.url for link in self.nav.trails.get(source, ()))
        ctx["menu_links"] = lambda links, macro: self.entries.links(
            links, macro, rel, source, rel_key, canonical, above
        )
        return ctx

    def _values(self, rel: Callable[[str], str], canonical: str, source: str) -> dict[str, Any]:
        ctx = common(self.cfg, self.nav, self.feeds, rel, canonical, source)
        ctx["tag_url"] = self.tag_url
        ctx["search"] = self.search
        static = ctx["static"]

        def asset(name: str) -> str:
            """A file of the static folder, its version in the URL (a new one is fetched)."""
            if "://" in name:
                return name
            version = self.versions.get(name)
            return f"{static}{name}?v={version}" if version else f"{static}{name}"

        ctx["asset"] = asset
        return ctx

    def _entry_macros(self, rel: Callable[[str], str]) -> Any:
        """The macros with site-wide values and ``rel``, for the lists' entries."""
        values = self._values(rel, self.base, "")
        del values["canonical"], values["source"]  # the page's: a macro using them is per page
        return self.templates.module("macros.html.j2", values)

    def tag_url(self, tag: str) -> str:
        slug = self.slugs.get(tag)
        return f"{self.base}tags/{slug}/" if slug else self.base

    # -- pages -------------------------------------------------------------------------
    def page(self, rel: str, item: Item) -> SitePage:
        revised = self.revised.get(item.source)
        last = item.updated or revised
        if last is not None:  # its day in the site's zone, not the commit author's
            last = last.astimezone(self.zone)
            if item.date is not None and last.date() <= item.date.astimezone(self.zone).date():
                last = None  # changed the day it appeared: nothing to say
        event = item.event
        repeating = event is not None and event.repeat is not None
        upcoming = next_dates(event, self.now) if event and repeating and self.now else []

        def make() -> bytes:
            full = self.fill(item)
            ctx = self.context(rel, item.url, item.source)
            prev, nxt = self.nav.neighbours.get(item.source, (None, None))
            ctx.update(
                page=full,
                body=relative_body(full.html, self.base, up_from(rel), self.cfg.theme.embeds),
                outline=outline(full.html),
                prev=prev,
                next=nxt,
                trail=self.nav.trails.get(item.source, ()),
                children=self.nav.children.get(item.source, ()),
                og_type="article",
                last_updated=last,
                schedule=repeat_text(event) if event and repeating else "",
                upcoming=upcoming,
                repeating=repeating and self.now is not None,
            )
            return self.templates.render("page.html.j2", ctx)

        tags = [self.slugs.get(t) for t in item.tags]
        inputs = _digest(
            self.salt,
            "page",
            self.output_of(item),
            self.nav.digest_for(item.source),
            tags,
            last,
            upcoming,
        )
        return SitePage(rel, make, inputs, (item,))

    def home(self, item: Item | None) -> SitePage:
        latest = tuple(self.items[: self.cfg.theme.latest])
        more = len(self.items) > len(latest)  # the link to the archive, in the digest too

        def make() -> bytes:
            full = self.fill(item) if item is not None else None
            ctx = self.context("index.html", self.base, item.source if item else "")
            ctx["feeds"] = self.all_feeds
            ctx.update(
                page=full,
                body=relative_body(full.html, self.base, "", self.cfg.theme.embeds) if full else "",
                items=latest,
                links=self.links,
                more=more,
                next=self.nav.neighbours.get(item.source, (None, None))[1] if item else None,
                og_type="website",
            )
            return self.templates.render("home.html.j2", ctx)

        inputs = _digest(
            self.salt,
            "home",
            self.output_of(item) if item else "",
            self.nav.digest_for(item.source if item else ""),
            [self.output_of(i) for i in latest],
            self.links,
            more,
        )
        return SitePage("index.html", make, inputs, (item,) if item else ())

    def lists(self, key: str, title: str, members: Sequence[Item], feed: str) -> list[SitePage]:
        """``key/`` and ``key/page/N/``: the members, newest first, ``per_page`` a page."""
        per_page = self.cfg.theme.per_page
        # newest first from page 1 on, as Hugo and MkDocs page a list (a feed's RFC 5005
        # archives are cut from the oldest item up: page 2 was the oldest items, page 3 then
        # the ones between)
        chunks = [tuple(members[i : i + per_page]) for i in range(0, len(members), per_page)]
        chunks = chunks or [()]
        out = []
        for n, chunk in enumerate(chunks, 1):
            rel = f"{key}/index.html" if n == 1 else f"{key}/page/{n}/index.html"
            url = self.base + rel[: -len("index.html")]
            prev = None if n == 1 else self.base + (f"{key}/" if n == 2 else f"{key}/page/{n - 1}/")
            nxt = self.base + f"{key}/page/{n + 1}/" if n < len(chunks) else None
            out.append(self._list(rel, url, title, chunk, (n, len(chunks), prev, nxt), feed))
        return out

    def _list(
        self,
        rel: str,
        url: str,
        title: str,
        chunk: Sequence[Item],
        paging: tuple[int, int, str | None, str | None],
        feed: str,
        terms: Sequence[tuple[str, str, int]] = (),
    ) -> SitePage:
        def make() -> bytes:
            ctx = self.context(rel, url)
            ctx.update(
                title=title,
                items=chunk,
                number=paging[0],
                count=paging[1],
                prev_url=paging[2],
                next_url=paging[3],
                feed=feed if feed in self.feed_urls else "",
                terms=terms,
                og_type="website",
            )
            return self.templates.render("list.html.j2", ctx)

        inputs = _digest(
            self.salt,
            "list",
            title,
            paging,
            feed,
            terms,
            self.nav.digest_for(""),
            [self.output_of(i) for i in chunk],
        )
        return SitePage(rel, make, inputs)

    def archive(self) -> dict[str, list[SitePage]]:
        """The archive's pages: ``archive/`` and each year's list, by key."""
        by_year: dict[int, list[Item]] = {}
        for item in self.items:
            if item.date is not None:
                by_year.setdefault(item.date.year, []).append(item)
        if not by_year:
            return {}
        years = [
            (str(y), self.base + f"archive/{y}/", len(by_year[y]))
            for y in sorted(by_year, reverse=True)
        ]
        out = {
            "archive": [
                self._list(
                    "archive/index.html",
                    self.base + "archive/",
                    self.words("Archive"),
                    (),
                    (1, 1, None, None),
                    "",
                    years,
                )
            ]
        }
        for year, members in by_year.items():
            out[f"archive/{year}"] = self.lists(f"archive/{year}", str(year), members, "")
        return out

    def not_found(self) -> SitePage:
        def make() -> bytes:
            ctx = self.context("404.html", self.base + "404.html")
            ctx.update(title=self.words("Page not found"), og_type="website")
            return self.templates.render("404.html.j2", ctx)

        return SitePage("404.html", make, _digest(self.salt, "404", self.nav.digest_for("")))

    def redirect(self, rel: str, target: Item) -> SitePage:
        def make() -> bytes:
            ctx = self.context(rel, target.url)
            ctx.update(target=target, og_type="website")
            return self.templates.render("redirect.html.j2", ctx)

        return SitePage(rel, make, _digest(self.salt, "redirect", target.url, target.title))


def _alternate(link: FeedLink) -> tuple[str, str, str]:
    kinds = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
    return (kinds.get(link.kind, "application/feed+json"), link.title, link.url)


def plan_site(
    cfg: Config, sources: SiteSources, salt: str, cache_dir: Path | None = None
) -> tuple[list[SitePage], list[tuple[Path, str]]]:
    """The site's files, and the static files to copy (``cache_dir``: where compiled
    templates are kept). Raises ContentError when a page, list page or alias takes a path
    another has (:mod:`pipeline.build.owners`), before any page is rendered."""
    plan = _Planner(cfg, sources, salt, cache_dir)
    items, pages = sources.items, sources.pages
    claims = Claims()  # every output path's owner: a second claim is a clash
    for path in sources.feeds:
        claims.claim(path, Owner("/" + path, f"the feed {path}"))
    for path, what in SITE_FILES.items():
        claims.claim(path, Owner("/" + path, what))
    gitbook = sources.toc is not None  # a page stands in for its section's list
    out, located, home = _item_pages(plan, (*items, *pages), claims, gitbook)
    if home is None:
        claims.claim("index.html", Owner("/", "the home page"))
    kinds: dict[str, SitePage] = {o.path: o for o in out[:1]}
    lists = [
        page
        for page, owner in _list_pages(plan, items)
        if not (owner.key == "tags" and page.path in claims)  # a page at /tags/ keeps it
        and claims.claim(page.path, owner)
    ]
    out.extend(lists)
    if lists:
        kinds["list"] = lists[0]
    redirects = _redirects(plan, sources, claims)
    claims.check(sources.content_dir, cfg.content.max_file_bytes)
    home_page, not_found = plan.home(home), plan.not_found()
    out += [home_page, not_found]
    for page in redirects:
        out.append(page)
        kinds.setdefault("redirect", page)
    sitemap = [(u, i) for u, i in located] + ([("index.html", home)] if home else [])
    listed = [p.path for p in lists] + ([] if home else ["index.html"])
    out.append(SitePage("sitemap.xml", lambda: sitemap_xml(plan.base, sitemap, listed)))
    out.append(SitePage("robots.txt", lambda: robots_txt(plan.base)))
    for check in (*kinds.values(), home_page, not_found):  # a page of each template, now
        check.make()
    return out, plan.copies


SITE_FILES = {
    "404.html": "the site's 404 page",
    "sitemap.xml": "the site's sitemap.xml",
    "robots.txt": "the site's robots.txt",
}
"""The site's own files beside its pages, in words."""


def _item_pages(
    plan: _Planner, items: Sequence[Item], claims: Claims, gitbook: bool
) -> tuple[list[SitePage], list[tuple[str, Item]], Item | None]:
    """A page for each item that has one, each item's page path, and the home page's item
    (a page at the root of the site), if any; each page claims its path."""
    out: list[SitePage] = []
    home: Item | None = None
    located: list[tuple[str, Item]] = []
    for item in items:
        rel = page_path(plan.cfg, item.url)
        if rel is None:
            continue
        if not item.rendered:  # Hugo's build.render "link": listed at its URL, not written
            if rel != "index.html":
                located.append((rel, item))
            continue
        url = unquote(urlsplit(item.url).path)
        owner = page_owner(url, item.source, item.section if gitbook else "")
        if not claims.claim(rel, owner):
            continue
        if rel == "index.html":
            home = item
        else:
            out.append(plan.page(rel, item))
            located.append((rel, item))
    return out, located, home


def _list_pages(plan: _Planner, items: Sequence[Item]) -> list[tuple[SitePage, Owner]]:
    """The paginated lists of each section and tag, and the archive, each page with what
    it is in words (for a page that would take its path)."""
    cfg = plan.cfg
    lists: list[tuple[SitePage, Owner]] = []

    def add(key: str, words: str, pages: Sequence[SitePage]) -> None:
        for n, page in enumerate(pages, 1):
            lists.append((page, list_owner(urlsplit(plan.base).path, key, words, n)))

    by_section: dict[str, list[Item]] = {}
    for item in items:
        by_section.setdefault(item.section, []).append(item)
    for section, members in sorted(by_section.items()):
        feed = cfg.feeds_base + f"{section}/rss.xml"
        pages = plan.lists(section, section_title(section), members, feed)
        add(section, f"section {section!r}", pages)
    by_tag: dict[str, list[Item]] = {}
    for item in items:
        for tag in dict.fromkeys(item.tags):
            by_tag.setdefault(tag, []).append(item)
    for tag, slug in sorted(plan.slugs.items()):
        feed = cfg.feeds_base + f"tags/{slug}/rss.xml"
        pages = plan.lists(f"tags/{slug}", f"#{tag}", by_tag[tag], feed)
        add(f"tags/{slug}", f"tag {tag!r}", pages)
    if plan.slugs and "tags" not in by_section:  # every tag, as Hugo's taxonomy page lists
        terms = [
            (f"#{t}", plan.base + f"tags/{s}/", len(by_tag[t]))
            for t, s in sorted(plan.slugs.items())
        ]
        paging = (1, 1, None, None)
        add(
            "tags",
            "the list of tags",
            [
                plan._list(
                    "tags/index.html",
                    plan.base + "tags/",
                    plan.words("Tags"),
                    (),
                    paging,
                    "",
                    terms,
                )
            ],
        )
    if "archive" not in by_section:  # a section of that name keeps its URL
        for key, pages in plan.archive().items():
            year = key.removeprefix("archive/")
            add(key, "the archive" if key == "archive" else f"the archive of {year}", pages)
    return lists


def _redirects(plan: _Planner, sources: SiteSources, claims: Claims) -> list[SitePage]:
    """A redirect page at each old path: each item's aliases (file by file: an alias that
    another page, list or alias has is a clash), then the configured redirects and the paths
    a GitBook space served, where nothing else is; in the order of the old paths."""
    everything = (*sources.items, *sources.pages)
    by_source = {i.source: i for i in everything}
    out: list[tuple[str, SitePage]] = []
    for item in sorted(everything, key=lambda i: i.source):
        for alias in item.aliases if item.rendered else ():  # Hugo aliases no unwritten page
            rel = old_path(plan.cfg, alias)
            if rel is not None and claims.claim(rel, alias_owner(alias, item.source)):
                out.append((alias, plan.redirect(rel, item)))
    old: dict[str, Item] = {}
    for alias, source in (*plan.cfg.content.redirects.items(), *sources.moved.items()):
        target = by_source.get(posixpath.normpath(source.lstrip("/")))
        if target is not None:
            old.setdefault(alias, target)
    for alias, target in sorted(old.items()):
        rel = old_path(plan.cfg, alias)
        if rel is not None and rel not in claims:
            claims.claim(rel, Owner(alias, "a redirect of the settings"))
            out.append((alias, plan.redirect(rel, target)))
    return [page for _, page in sorted(out, key=lambda pair: pair[0])]
