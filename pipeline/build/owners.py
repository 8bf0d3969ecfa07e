"""One owner for each file of the site. A page, a list, a redirect or a feed claims its
output path; a second claim on a path is a content error that names both sides, as Hugo
reports duplicate target paths. Before this check the first claim won in silence: a page
``tags/x.md`` replaced the list of tag ``x``, and an alias on another item's URL was dropped.

Claims are made in one pass, in this order: the feeds, ``404.html``, ``sitemap.xml`` and
``robots.txt``, every page (the home page's, else the home list), every list page, every
alias (file by file, so the later file is the one named), then the redirects the settings
ask for (:func:`pipeline.build.themeplan.plan_site`). These claims are not clashes:

- a folder's own page (``README.md``, ``index.md``, Hugo's ``_index.md``) stands in for the
  first page of a list at its folder's URL (``essays/_index.md`` at ``/essays/``): the
  README's "``_index.md`` is its folder's page" and GitBook's landing pages;
- in a GitBook space, the page a part of ``SUMMARY.md`` is named after (``other.md``, the
  section ``other``) stands in for its section's list: every page keeps the URL GitBook
  gave it;
- two claims by one file (an alias that is the item's own URL, ``/old`` and ``/old/``);
- a redirect from ``[content] redirects`` or a GitBook space's URLs, which goes only where
  nothing else is (as documented).

A list page's owner (:func:`list_owner`) and a redirect page's path (:func:`old_path`) are
worked out here too.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import NamedTuple

from pipeline.config import Config
from pipeline.config.oldurls import file_address, from_site_base
from pipeline.errors import ContentError, Problem
from pipeline.load.foreign import INDEX_STEMS
from pipeline.support.text import nfc
from pipeline.syndication.pages import page_path
from pipeline.syndication.theme.context import site_base


class Owner(NamedTuple):
    """What claims an output path (a named tuple: a large GitBook space makes 20,000 a build,
    its pages' and its old URLs')."""

    url: str
    """The path as the message shows it: an alias as written, else the URL's path."""
    what: str = ""
    """One of the build's own files in words ("the list page of tag 'x'"); '' for content."""
    source: str = ""
    """The content file whose page or alias it is ('' for the build's own files)."""
    field: str = ""
    """The front-matter key it comes from: ``url`` (the file's page) or ``aliases``."""
    hint: str = ""
    """For a list: what a page that wants its URL can do instead."""
    key: str = ""
    """For a list's first page: the list's key (``essays``, ``tags/x``, ``archive/2024``)."""
    stands_in: str = ""
    """For a page: the key of the list it may stand in for at its URL ("*": any)."""


def page_owner(url: str, source: str, section: str = "") -> Owner:
    """The page of ``source`` at ``url`` (its path): a folder's own page stands in for any
    list at its URL, and a page for the list of ``section`` (given in a GitBook space)."""
    stem = posixpath.splitext(posixpath.basename(source))[0].lower()
    return Owner(url, source=source, field="url", stands_in="*" if stem in INDEX_STEMS else section)


def alias_owner(alias: str, source: str) -> Owner:
    return Owner(alias, source=source, field="aliases")


class Claims:
    """Output path -> its first owner, and every clash found (linear: one dict)."""

    def __init__(self) -> None:
        self.owners: dict[str, Owner] = {}
        self.clashes: list[tuple[Owner, Owner]] = []

    def __contains__(self, rel: str) -> bool:
        return rel in self.owners

    def claim(self, rel: str, owner: Owner) -> bool:
        """True when ``owner`` is the first to claim ``rel`` (it is then its owner)."""
        first = self.owners.setdefault(rel, owner)
        if first is owner:
            return True
        if first.source and first.source == owner.source:
            return False  # one file's page and alias, or one alias written two ways
        if owner.key and first.stands_in in ("*", owner.key):
            return False  # the folder's (or the section's) own page stands in for the list
        if first.source or owner.source:
            self.clashes.append((first, owner))
        return False  # two of the build's own files: they never share a path (first kept)

    def nested(self) -> list[tuple[Owner, Owner]]:
        """(file, inner) for each output path inside a folder that another output is a file
        at (``essays/rss.xml/index.html``, a page with slug ``rss.xml``, and the feed
        ``essays/rss.xml``): one of them would fail the build half-way, after the other was
        written. Linear in the paths' parts (each path's folders looked up once)."""
        found = []
        for rel, inner in self.owners.items():
            cut = rel.find("/")
            while cut >= 0:
                outer = self.owners.get(rel[:cut])
                if outer is not None and (outer.source or inner.source):
                    found.append((outer, inner))
                    break
                cut = rel.find("/", cut + 1)
        return found

    def check(self, content_dir: Path | None, max_bytes: int) -> None:
        """Raise a ContentError naming both sides of every clash, and of every output that
        would be written inside another (:meth:`nested`), each at its front-matter key's
        line, read again from its file of at most ``max_bytes``: only on a clash."""
        nested = self.nested()
        if not self.clashes and not nested:
            return
        lines = _Lines(content_dir, max_bytes)
        problems = []
        for first, second, inside in [(*c, False) for c in self.clashes] + [
            (*n, True) for n in nested
        ]:
            blamed, other = (second, first) if second.source else (first, second)
            if inside:
                message = _inside(blamed, other, blamed is second, lines.where)
            else:
                message = _message(blamed, other, lines.where)
            path = str(content_dir / blamed.source) if content_dir else blamed.source
            problems.append(Problem(path, lines.line(blamed), blamed.field, message))
        raise ContentError(problems)


def _message(blamed: Owner, other: Owner, where: Callable[[Owner], str]) -> str:
    """What is wrong with ``blamed``'s claim, naming ``other``, and what to do."""
    if blamed.field == "aliases":
        if other.field == "aliases":
            return f"{blamed.url} is also an alias of {where(other)}; give each old URL to one item"
        taken = where(other) if other.field == "url" else ""
        said = f"the URL of {taken}" if taken else other.what
        return f"{blamed.url} is {said}; remove the alias (an alias is an old URL no page has now)"
    if other.field == "url":
        return f"{blamed.url} is also the URL of {where(other)}; give one of them another slug"
    if other.field == "aliases":
        return f"{blamed.url} is also an alias of {where(other)}; remove the alias"
    hint = f" ({other.hint})" if other.hint else ""
    return f"{blamed.url} is {other.what}; move the page or rename it{hint}"


def _inside(blamed: Owner, other: Owner, inner: bool, where: Callable[[Owner], str]) -> str:
    """What is wrong with ``blamed``'s claim when one output would be written inside the
    other's file (``inner``: ``blamed``'s is the one inside)."""
    said = (
        other.what
        if not other.source
        else f"an alias of {where(other)}"
        if other.field == "aliases"
        else f"the URL of {where(other)}"
    )
    fix = "remove the alias" if blamed.field == "aliases" else "give it another slug"
    if inner:
        return f"{blamed.url} would be written inside {other.url}, which is {said}; {fix}"
    return f"{blamed.url} would be a folder of {other.url}, which is {said}; {fix}"


class _Lines:
    """The line of each front-matter key of a content file, read once per file."""

    def __init__(self, content_dir: Path | None, max_bytes: int) -> None:
        self.content_dir = content_dir
        self.max_bytes = max_bytes
        self.read: dict[str, Mapping[str, int]] = {}

    def line(self, owner: Owner) -> int:
        if not owner.source:
            return 1
        if owner.source not in self.read:
            self.read[owner.source] = key_lines(self.content_dir, owner.source, self.max_bytes)
        key = "slug" if owner.field == "url" else owner.field
        return self.read[owner.source].get(key, 1)

    def where(self, owner: Owner) -> str:
        return f"{owner.source}:{self.line(owner)}"


def key_lines(content_dir: Path | None, source: str, max_bytes: int) -> Mapping[str, int]:
    """Each front-matter key's line in ``source`` ({} when it cannot be read now)."""
    from pipeline.load.frontmatter import split
    from pipeline.load.walk import read_text

    if content_dir is None:
        return {}
    try:
        _, text = read_text(content_dir, content_dir / source, max_bytes, empty_ok=True)
        return split(text).lines
    except (OSError, ValueError):  # changed since it was loaded: its first line is named
        return {}


def list_owner(base_path: str, key: str, words: str, n: int) -> Owner:
    """Page ``n`` of the list at ``key/`` (``words``: whose list) of the site served at
    ``base_path`` as an owner of its path."""
    url = base_path + key + ("/" if n == 1 else f"/page/{n}/")
    if n > 1:
        return Owner(url, f"page {n} of the list of {words}")
    hint = f"a folder's own page, {key}/_index.md, stands in for the list"
    return Owner(url, f"the list page of {words}", hint=hint, key=key)


def old_path(cfg: Config, path: str) -> str | None:
    """Output path of a redirect page for an old site path (``/essays/hosting``, read from
    the site's base: :func:`~pipeline.config.oldurls.from_site_base`)."""
    path = from_site_base(nfc(path), cfg.site.base_url)
    if file_address(path):
        return None  # an old file's address (an image, a PDF): not a page to redirect
    if not path.endswith((".html", ".htm")):
        path = path.rstrip("/") + "/"
    if path == "/":
        return None
    return page_path(cfg, site_base(cfg) + path.lstrip("/"))
