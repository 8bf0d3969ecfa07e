"""One document's link context: where its links and images go (a page of the site by its
content path, a file copied beside the page, a URL of the site or elsewhere), and what it
collects as it is rendered (assets, links, anchors, heading ids). The renderer and the link
scan resolve every link through :class:`PageContext`, so the two agree."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import quote, urljoin

from pipeline.model import LinkRef
from pipeline.render.slugs import Slugger, written_id
from pipeline.support.paths import (
    asset_url,
    clamped,
    iri_to_uri,
    is_external,
    link_path,
    url_scheme,
    with_scheme,
)
from pipeline.support.text import nfc

FOLDER_PAGES = ("README.md", "index.md", "readme.md", "Readme.md")
"""A folder's own page: a link to the folder names it (the load publishes a readme.md of
any case at the folder's URL; these spellings first, then any other: :func:`folder_page`)."""
FOLDER_KEY = "//folder/"
"""What prefixes a folder in :attr:`PageContext.url_of` to name its readme.md spelt in none
of the :data:`FOLDER_PAGES` ways (``ReadMe.md``), which the load publishes at its URL too."""


def folder_page(names: Iterable[str]) -> str | None:
    """The name of a folder's own page among the ``names`` in it, as a link to the folder
    finds it: the first of :data:`FOLDER_PAGES`, else a readme.md of another case."""
    present = set(names)
    found = next((n for n in FOLDER_PAGES if n in present), None)
    return found or min((n for n in present if n.lower() == "readme.md"), default=None)


TITLE_KEY = "//title/"
"""What prefixes a source in :attr:`PageContext.url_of` to name its page's title (a source
is a relative path: none starts with ``//``; and the render cache keeps these keys, which
may hold no NUL)."""


CLAMP_KEY = "//clamp/"
"""The key of :attr:`PageContext.url_of` that says the content is a GitBook space ("1"; else
""): there a ``..`` past the content root stops at it, as GitBook (and a browser) resolve it
(``../../.gitbook/assets/a.png`` from ``qa/x.md`` is ``.gitbook/assets/a.png``); elsewhere such
a link climbs out of the content and names none of its files. A lookup, not a field, so the
render cache, which records the lookups a page made, knows which pages it changes."""


def link_targets(pages: Iterable[tuple[str, str, str]], *, clamp: bool = False) -> dict[str, str]:
    """What :attr:`PageContext.url_of` maps, from each page's (source, URL, title): its
    source to its URL, and ``TITLE_KEY`` + source to its title (a GitBook link card shows
    the title of the page it names); and :data:`CLAMP_KEY` (``clamp``: a GitBook space)."""
    out: dict[str, str] = {CLAMP_KEY: "1" if clamp else ""}
    for source, url, title in pages:
        out[source] = url
        out[TITLE_KEY + source] = title
        if not source.isascii() and (composed := nfc(source)) != source:
            # a file named decomposed (as a Mac stores ``Café.md``), linked composed
            out.setdefault(composed, url)
            out.setdefault(TITLE_KEY + composed, title)
        folder, name = posixpath.split(source)
        if name.lower() == "readme.md" and name not in FOLDER_PAGES:
            out[FOLDER_KEY + folder] = min(source, out.get(FOLDER_KEY + folder, source))
    return out


@dataclass
class PageContext:
    """Where a document lives, so its relative URLs can be made absolute."""

    source: str
    """Path of the Markdown file relative to the content root."""
    url: str
    """Absolute URL of the document's page."""
    url_of: Mapping[str, str] = field(default_factory=dict)
    """Every document's path -> its absolute URL (to turn ``.md`` links into permalinks)."""
    site_url: str = ""
    asset_base: str | None = None
    """URL prefix for copied local files; None puts them next to the page."""
    slug_style: str = "github"
    line_offset: int = 0
    """Lines of the file before the body (front matter), for ``path:line``."""
    assets: dict[str, None] = field(default_factory=dict)
    """Local files the document uses (relative to the content root), filled while rendering,
    in the order first used (a dict: 40,000 distinct files made a list's test quadratic)."""
    links: list[LinkRef] = field(default_factory=list)
    anchors: set[str] = field(default_factory=set)
    headings: list[str] = field(default_factory=list)
    includes: Mapping[str, tuple[str, int]] = field(default_factory=dict)
    """The files the document includes (see :mod:`pipeline.render.includes`): path -> its
    Markdown body and the line of the file where that starts."""
    slugger: Slugger | None = None
    """The document's heading ids so far (made on first use; shared with what it includes)."""

    def ids(self) -> Slugger:
        if self.slugger is None:
            self.slugger = Slugger(self.slug_style)
        return self.slugger

    def included(self, path: str) -> PageContext:
        """The context of a file this document includes: its links resolved from its own
        folder and its problems at its own lines; the page's URL, assets, anchors, headings
        and ids shared. (Its local links are not recorded as the page's.)"""
        return PageContext(
            source=path,
            url=self.url,
            url_of=self.url_of,
            site_url=self.site_url,
            asset_base=self.asset_base,
            slug_style=self.slug_style,
            line_offset=self.includes[path][1] - 1,
            assets=self.assets,
            anchors=self.anchors,
            headings=self.headings,
            slugger=self.ids(),
        )

    def _page_of(self, rel: str) -> tuple[str, str] | None:
        """(source, URL) of the page a content path names: the file, or the folder's
        README.md or index.md, or the name without ``.md``; None when no page."""
        if not rel.isascii():
            rel = nfc(rel)  # a link written decomposed names the page as one written composed
        for candidate in (rel, *(f"{rel}/{n}" for n in FOLDER_PAGES), FOLDER_KEY, f"{rel}.md"):
            source = candidate.lstrip("/")
            if candidate == FOLDER_KEY:  # a readme.md of another case (ReadMe.md)
                source = self.url_of.get(FOLDER_KEY + rel.strip("/"), "")
            found = self.url_of.get(source) if source else None
            if found:
                return source, found
        return None

    def _content_path(self, target: str) -> str | None:
        """The content path a link ``target`` names (its path, cut from its query and fragment
        and then decoded: :func:`link_path`; from the root when it starts with ``/``, else
        from this document's folder; "" for the root); None when it climbs out."""
        path = link_path(target)
        folder = "/" if path.startswith("/") else posixpath.dirname(self.source)
        rel = posixpath.normpath(posixpath.join(folder, path))
        if rel == ".." or rel.startswith("../"):
            if not self.url_of.get(CLAMP_KEY):  # asked here only: a dependency when it counts
                return None
            rel = clamped(rel)
        return "" if rel in (".", "/") else rel.lstrip("/")

    def titled(self, target: str) -> tuple[str, str] | None:
        """(source, title) of the page a link ``target`` written in this document names;
        None when it names none (or the lookups have no titles: see :func:`link_targets`)."""
        path = target.partition("#")[0].split("?")[0]
        rel = None if not path or is_external(target) else self._content_path(target)
        page = self._page_of(rel) if rel else None
        title = self.url_of.get(TITLE_KEY + page[0]) if page is not None else None
        return (page[0], title) if page is not None and title else None

    def resolve(self, target: str, kind: str) -> str:
        """Absolute URL for a link or image target written in this document; "#" for one
        that is not a URL at all (``https://[::1``): it cannot be followed, and its scheme,
        which might be an active one, cannot be known."""
        try:
            return self._resolve(target, kind)
        except ValueError:
            return "#"

    def _resolve(self, target: str, kind: str) -> str:
        target = target.strip()
        if not target:
            return self.url
        if target.startswith("#"):
            return f"{self.url}#{written_id(target[1:])}"
        if is_external(target):
            active = url_scheme(target) in ("javascript", "vbscript", "data")
            data_image = kind == "image" and target[:11].lower() == "data:image/"
            # protocol-relative (//host/x): the scheme the page's own URL has, as a browser
            # would give it; a feed's reader resolves it against wherever it took the feed
            # from, or not at all (validators warn), and the same HTML goes to both
            if target.startswith("//"):
                target = with_scheme(target, url_scheme(self.url) or "https")
            return "#" if active and not data_image else iri_to_uri(target)
        path, _, frag = target.partition("#")
        path, mark, query = path.partition("?")
        # a path from the root names a file of the content tree first, as GitBook reads it
        # and the link checker checks it (a page's file, or a file copied beside the pages);
        # else it is a URL of the site. The query goes with the URL the link ends at (a
        # list's ``?page=2``, a search's ``?q=``), not with a copied file
        from_root = path.startswith("/")
        found = self._content_path(path)
        suffix = (mark + query) + (f"#{written_id(frag)}" if frag else "")
        if not path:  # "?page=2": this page with that query
            return self.url + suffix
        if found is None:
            return _join(self.url, path) + suffix
        rel = found
        if from_root and not rel:
            return urljoin(self.site_url or self.url, target)
        page = self._page_of(rel)
        if page is not None:
            return page[1] + suffix
        if rel.endswith(".md") or path.endswith("/") or not posixpath.splitext(rel)[1]:
            if from_root:
                return urljoin(self.site_url or self.url, target)
            return _join(self.url, path) + suffix
        self.assets.setdefault(rel, None)
        if self.asset_base is not None:
            return self.asset_base + quote(rel)
        return asset_url(self.url, rel)


_PLAIN_BASE = re.compile(
    r"(https?://[^/?#;\[\]\x00-\x20\x7f-\U0010ffff]+)"
    r"((?:/(?!\.\.?/)[^/?#;\x00-\x20]+)*)/[^/?#;\x00-\x20]*"
)
"""A page URL: lower-case http(s), ASCII host; directories neither empty nor dot segments; no
params, query or fragment."""
_PLAIN_REF = re.compile(
    r"((?:\.\./)*)((?:(?!\.\.?/)[\w.~%@-]+/)*(?:(?!\.\.?\Z)[\w.~%@-]+)?)", re.ASCII
)
"""A quoted relative path: leading ``../`` only, then segments neither empty nor dot segments,
no ``:`` (a scheme)."""


@lru_cache(maxsize=256)
def _base_dirs(url: str) -> tuple[str, tuple[str, ...]] | None:
    """``https://host`` and the directories of a plain page URL; None if urljoin must judge."""
    m = _PLAIN_BASE.fullmatch(url)
    return (m.group(1), tuple(m.group(2).split("/")[1:])) if m else None


def _join(url: str, path: str) -> str:
    """``urljoin(url, quote(path))``; a plain relative path is appended to the page's directory
    here (what RFC 3986 and urljoin agree on) instead of re-parsing both URLs per link."""
    ref = quote(path, safe="/%:@")
    base = _base_dirs(url)
    m = _PLAIN_REF.fullmatch(ref) if base and ref else None
    if base and m:
        origin, dirs = base
        keep = len(dirs) - len(m.group(1)) // 3  # each leading ../ drops one directory
        if keep >= 0:
            return "/".join((origin, *dirs[:keep], m.group(2)))
    return urljoin(url, ref)
