"""Where a page sits: the menu (GitBook's ``SUMMARY.md`` in GitBook mode, the sections
otherwise), the reading order (prev/next), breadcrumbs, a landing page's children, and the
outline of a page from its heading ids (the same ids the link checker validates)."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from pipeline.config import Config
from pipeline.model import SECTION_OF_KIND, Item
from pipeline.support.paths import url_scheme
from pipeline.support.text import find_all


class TocLink(Protocol):
    """One link of a table of contents (``load.toc.TocEntry`` is one)."""

    @property
    def title(self) -> str: ...
    @property
    def target(self) -> str: ...
    @property
    def depth(self) -> int: ...
    @property
    def group(self) -> str: ...
    @property
    def external(self) -> bool: ...


Resolver = Callable[[Iterable[str]], Callable[[str], tuple[str | None, str]]]
"""``load.pagenames.page_resolver``: the pages' sources -> a function from a link target to the
page's source among them (and a note)."""


MENU_WHOLE = 300
"""Menus up to this many entries are shown whole on every page."""
MENU_WINDOW = 50
"""Entries either side of the current page in a pruned menu."""
KEY_BLOCK = 25
"""Menu entries per digest of a pruned menu's key (see ``Navigation._pruned_key``)."""


@dataclass(frozen=True)
class NavLink:
    """One entry of the menu or of a breadcrumb trail (``url`` absolute)."""

    title: str
    url: str
    depth: int = 0
    source: str = ""
    """The item's source file ("" for a section list or an outside link)."""


@dataclass(frozen=True)
class NavGroup:
    title: str
    links: tuple[NavLink, ...]


@dataclass(frozen=True)
class Navigation:
    groups: tuple[NavGroup, ...] = ()
    neighbours: Mapping[str, tuple[Item | None, Item | None]] = field(default_factory=dict)
    """Source -> (previous, next) in the reading order."""
    trails: Mapping[str, tuple[NavLink, ...]] = field(default_factory=dict)
    """Source -> the links above the page (home excluded)."""
    children: Mapping[str, tuple[NavLink, ...]] = field(default_factory=dict)
    """Source of a landing page -> the pages right under it."""

    @functools.cached_property
    def menu_digest(self) -> str:
        return hashlib.sha256(repr(self.groups).encode()).hexdigest()

    @functools.cached_property
    def _places(self) -> dict[str, tuple[int, int]]:
        """Source -> (group, position in it) of its first menu entry."""
        out: dict[str, tuple[int, int]] = {}
        for g, group in enumerate(self.groups):
            for n, link in enumerate(group.links):
                if link.source:
                    out.setdefault(link.source, (g, n))
        return out

    @functools.cached_property
    def _size(self) -> int:
        return sum(len(group.links) for group in self.groups)

    def menu_for(self, source: str) -> tuple[NavGroup, ...]:
        """The menu as the page of ``source`` shows it: whole up to :data:`MENU_WHOLE` entries;
        beyond, pruned (as MkDocs Material's ``navigation.prune``), so a page's size does not
        grow with the site: each other group by its first entry, the page's own group by the
        :data:`MENU_WINDOW` entries either side of it."""
        if self._size <= MENU_WHOLE:
            return self.groups
        return tuple(
            NavGroup(group.title, group.links[lo:hi])
            for group, (lo, hi) in zip(self.groups, self._shown(source), strict=True)
        )

    def _shown(self, source: str) -> list[tuple[int, int]]:
        """The slice of each group a pruned menu shows on the page of ``source``."""
        here = self._places.get(source)
        return [
            (max(0, here[1] - MENU_WINDOW), here[1] + MENU_WINDOW + 1)
            if here is not None and here[0] == g
            else (0, 1)
            for g in range(len(self.groups))
        ]

    @functools.cached_property
    def _link_keys(self) -> tuple[tuple[str, ...], ...]:
        """Each menu entry as a string, once (a key per page joins some of them)."""
        return tuple(
            tuple(f"{link.title}\2{link.url}\2{link.depth}\2{link.source}" for link in group.links)
            for group in self.groups
        )

    @functools.cached_property
    def _blocks(self) -> tuple[tuple[str, ...], ...]:
        """Each group's entries, :data:`KEY_BLOCK` at a time, as the digest of their strings."""
        return tuple(
            tuple(
                _sha("\1".join(keys[at : at + KEY_BLOCK])) for at in range(0, len(keys), KEY_BLOCK)
            )
            for keys in self._link_keys
        )

    @functools.cached_property
    def _heads(self) -> tuple[list[str], list[str]]:
        """Digests of the groups before each group and of those after it, each group as a page
        outside it shows it (its title and first entry): ``before[g]`` covers groups ``< g``
        (``before[len(groups)]`` all of them), ``after[g]`` groups ``> g``. Made by one running
        digest each way, copied at each group: linear in the groups."""
        parts = [
            (group.title + "\3" + "\1".join(keys[:1])).encode()
            for group, keys in zip(self.groups, self._link_keys, strict=True)
        ]
        before: list[str] = []
        after: list[str] = []
        for order, out in ((parts, before), (parts[::-1], after)):
            running = hashlib.sha256()
            out.append(running.hexdigest())
            for part in order:
                running.update(b"%d:%s" % (len(part), part))
                out.append(running.hexdigest())
        after.reverse()
        return before, after[1:]

    def _pruned_key(self, source: str) -> str:
        """What :meth:`menu_for` shows on the page of ``source``, as a short string that
        changes whenever that does: the other groups as :attr:`_heads`, and the window of the
        page's own group by its bounds and the digests of the blocks of entries it overlaps
        (a repr of the menu per page cost 2.5 s of a build at 10,000 pages; joining the
        window's hundred entry strings per page, and hashing them, 0.2 s of an edit build)."""
        here = self._places.get(source)
        before, after = self._heads
        if here is None:
            return "-\3" + before[-1]
        g, n = here
        keys = self._link_keys[g]
        lo, hi = max(0, n - MENU_WINDOW), min(len(keys), n + MENU_WINDOW + 1)
        blocks = "".join(self._blocks[g][lo // KEY_BLOCK : (hi - 1) // KEY_BLOCK + 1])
        title = self.groups[g].title
        return f"{g}\3{before[g]}\3{after[g]}\3{lo}\3{hi}\3{len(title)}:{title}\3{blocks}"

    def digest_for(self, source: str) -> str:
        """What a page's navigation is made of: the menu, its neighbours, its trail and its
        children (a key for the page's inputs digest, made without hashing per page)."""
        prev, nxt = self.neighbours.get(source, (None, None))
        menu = self.menu_digest if self._size <= MENU_WHOLE else self._pruned_key(source)
        parts = [menu]
        for near in (prev, nxt):
            parts.append(f"{near.url}\1{near.title}" if near is not None else "")
        for links in (self.trails.get(source, ()), self.children.get(source, ())):
            parts.append("\1".join(f"{link.url}\2{link.title}" for link in links))
        return "\0".join(parts)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def section_title(section: str) -> str:
    return section.replace("-", " ").replace("_", " ").capitalize()


def navigation(
    cfg: Config,
    items: Sequence[Item],
    pages: Sequence[Item],
    toc: tuple[Sequence[TocLink], str, Resolver] | None = None,
) -> Navigation:
    """The site's navigation: from the table of contents when there is one (GitBook mode:
    its entries, the home page's source and the resolver, read by the build), else from the
    sections."""
    if toc is not None:
        entries, readme, resolve = toc
        return _from_summary(entries, [*items, *pages], readme, resolve)
    return _from_sections(cfg, items, pages)


def _from_summary(
    entries: Sequence[TocLink], shown: Sequence[Item], readme: str, resolver: Resolver
) -> Navigation:
    by_source = {i.source: i for i in shown}
    resolve = resolver(by_source)
    groups: list[tuple[str, list[NavLink]]] = []
    order: list[Item] = []
    trails: dict[str, tuple[NavLink, ...]] = {}
    children: dict[str, list[NavLink]] = {}
    stack: list[NavLink] = []
    hidden_at: int | None = None  # the depth of the hidden page the entries are under
    for entry in entries:
        if hidden_at is not None and entry.depth <= hidden_at:
            hidden_at = None
        if entry.external:
            if not followable(entry.target):
                continue  # a link a browser would run: never in a menu or a trail
            link = NavLink(entry.title, entry.target, entry.depth)
        else:
            source, _ = resolve(entry.target)
            if source is None or source not in by_source:
                continue  # not published (a draft, unlisted): never a dead menu link
            link = NavLink(entry.title, by_source[source].url, entry.depth, source)
            if hidden_at is None and by_source[source].extra.get("hidden") is True:
                hidden_at = entry.depth  # GitBook's hidden page: by its URL only
        hidden = hidden_at is not None
        if not groups or groups[-1][0] != entry.group:
            groups.append((entry.group, []))
        if not hidden:
            groups[-1][1].append(link)
        del stack[entry.depth :]
        if link.source:
            if link.source not in trails:
                trails[link.source] = tuple(stack)
                if not hidden:  # the first page too, where the menu shows it
                    order.append(by_source[link.source])
            if stack and stack[-1].source and not hidden:
                children.setdefault(stack[-1].source, []).append(link)
        stack.append(link)
    home = by_source.get(readme)
    reading = order  # prev/next walk the menu: listed second, the first page is read second
    if home is not None and readme not in trails:  # the first page, which SUMMARY.md need
        groups.insert(0, ("", [NavLink(home.title, home.url, 0, readme)]))  # not list
        trails[readme] = ()
        reading = [home, *order]
    return Navigation(
        tuple(NavGroup(title, tuple(links)) for title, links in groups),
        _neighbours(reading),
        trails,
        {k: tuple(v) for k, v in children.items()},
    )


def _neighbours(order: Sequence[Item]) -> dict[str, tuple[Item | None, Item | None]]:
    out: dict[str, tuple[Item | None, Item | None]] = {}
    for n, item in enumerate(order):
        prev = order[n - 1] if n > 0 else None
        nxt = order[n + 1] if n + 1 < len(order) else None
        out[item.source] = (prev, nxt)
    return out


def _from_sections(cfg: Config, items: Sequence[Item], pages: Sequence[Item]) -> Navigation:
    """One link per section with items (to its list page), then the pages, then the menu
    links of ``[theme]``; prev/next walk each section from its oldest item to its newest."""
    base = cfg.site.base_url if cfg.site.base_url.endswith("/") else cfg.site.base_url + "/"
    by_section: dict[str, list[Item]] = {}
    for item in items:
        by_section.setdefault(item.section, []).append(item)
    known = list(SECTION_OF_KIND.values())
    sections = sorted(by_section, key=lambda s: (known.index(s) if s in known else 99, s))
    links = [NavLink(section_title(s), f"{base}{s}/") for s in sections]
    for page in sorted(pages, key=lambda p: (p.order, p.url)):
        if page.url.rstrip("/") + "/" != base and page.listed:  # not Hugo's list: never
            links.append(NavLink(page.title, page.url, 0, page.source))
    links.extend(NavLink(m.title, site_url(base, m.url)) for m in cfg.theme.menu)
    neighbours: dict[str, tuple[Item | None, Item | None]] = {}
    trails: dict[str, tuple[NavLink, ...]] = {}
    for section, members in by_section.items():
        oldest_first = sorted(members, key=lambda i: (i.date, i.guid))
        neighbours.update(_neighbours(oldest_first))
        up = (NavLink(section_title(section), f"{base}{section}/"),)
        for item in members:
            trails[item.source] = up
    return Navigation((NavGroup("", tuple(links)),), neighbours, trails, {})


ACTIVE_SCHEMES = ("javascript", "vbscript", "data")
"""Schemes a browser runs or opens as a document of its own instead of following them."""


def followable(url: str) -> bool:
    """Whether ``url`` is a link to follow: its scheme read as browsers read it (blanks and
    controls before it, tabs and line breaks inside it, ignored), not an active one. An
    entry of ``SUMMARY.md`` is read with its escapes decoded, so ``java%09script:`` names
    ``javascript:`` there; a URL no parser takes is not followable either."""
    try:
        return url_scheme(url) not in ACTIVE_SCHEMES
    except ValueError:
        return False


def site_url(base: str, url: str) -> str:
    """A menu link written as a site path (``/about/``) made absolute under the base URL."""
    if "://" in url or url.startswith(("//", "mailto:")):
        return url
    return base + url.lstrip("/")


def outline(html: str, limit: int = 60) -> list[tuple[int, str, str]]:
    """(level, id, text) of the ``<h2>``/``<h3>`` headings with an id, in one pass."""
    out: list[tuple[int, str, str]] = []
    for start in find_all(html, ('<h2 id="', '<h3 id="')):
        level = int(html[start + 2])
        id_start = start + 8
        id_end = html.find('"', id_start)
        close = html.find(f"</h{level}>", id_end)
        if id_end < 0 or close < 0:
            continue
        inner_start = html.find(">", id_end) + 1
        out.append((level, html[id_start:id_end], _text(html[inner_start:close])))
        if len(out) >= limit:
            break
    return out


def _text(fragment: str) -> str:
    """The text of an HTML fragment (tags dropped; entities stay escaped for the template
    to mark safe)."""
    parts: list[str] = []
    pos = 0
    while pos < len(fragment):
        lt = fragment.find("<", pos)
        if lt < 0:
            parts.append(fragment[pos:])
            break
        parts.append(fragment[pos:lt])
        gt = fragment.find(">", lt)
        pos = len(fragment) if gt < 0 else gt + 1
    return "".join(parts).strip()
