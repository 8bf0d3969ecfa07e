"""Old links kept as aliases: the path of each item's old link on the old site, so redirect
pages and the link checker map the old URL to the new page.

Only a link on the site the feed is about (the host of the channel's or feed's own link,
``www.`` ignored) is a path of that site: PRX's ``https://play.prx.org/listen?…`` or a
link to someone else's article names no page of ours. A path is given to one item only,
the first in feed order; the others are named in the report.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from urllib.parse import urljoin, urlsplit

from pipeline.config.oldurls import old_url_problem
from pipeline.errors import Problem
from pipeline.importers.common import shown
from pipeline.importers.dropped import merged
from pipeline.importers.records import note

Where = int | str
"""An item's line in the source, or its label where it has none (``items[3]``)."""


def resolved(link: str, base: str) -> str:
    """``link`` made absolute against ``base`` (``xml:base``, the feed's own URL); as it is
    when there is no base or it is absolute already."""
    link = link.strip()
    return urljoin(base, link) if base and link else link


XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"


def based(elem: ET.Element, base: str) -> str:
    """The base URL inside ``elem``: its ``xml:base`` resolved against ``base``, else ``base``."""
    own = (elem.get(XML_BASE) or "").strip()
    return resolved(own, base) if own else base


def self_link(elem: ET.Element, link_tag: str) -> str:
    """The URL a feed names as its own: the ``href`` of the first ``link_tag`` child of
    ``elem`` (Atom's ``link``) with ``rel="self"`` that is an absolute http(s) URL; ''."""
    for candidate in elem.findall(link_tag):
        href = (candidate.get("href") or "").strip()
        if candidate.get("rel") == "self" and on_site(href, ""):
            return href
    return ""


def site_host(link: str) -> str:
    """The host of ``link`` as aliases compare it: lower case, without ``www.``; '' for a
    link without one."""
    host = (urlsplit(link.strip()).hostname or "").lower()
    return host.removeprefix("www.")


def on_site(link: str, site_link: str) -> bool:
    """Whether ``link`` is an absolute http(s) URL on the site of ``site_link`` (any, when
    that is ''): an item's own page, not the article a link post points to."""
    try:
        if urlsplit(link.strip()).scheme not in ("http", "https") or not site_host(link):
            return False
        return not site_link or site_host(link) == site_host(site_link)
    except ValueError:  # not a URL (``http://[x``)
        return False


def old_path(link: str, site: str = "") -> str | None:
    """The path of an item's old link, kept as an alias; None for a link without one or on
    another host than ``site`` (a :func:`site_host`; '' takes any). A path-absolute link
    (``/blog/x``) is on the feed's own site whatever its host."""
    parts = urlsplit(link.strip())
    if parts.scheme or parts.netloc:
        if parts.scheme not in ("http", "https", "") or not parts.netloc:
            return None
        if site and site_host(link) != site:
            return None
    elif not parts.path.startswith("/"):
        return None
    path = parts.path or "/"
    return path if path != "/" else None


def _at(where: Where) -> str:
    return f"line {where}" if isinstance(where, int) else where


def keep_aliases(
    source: str, site_link: str, items: Sequence[tuple[Where, str, str]]
) -> tuple[list[str | None], list[Problem]]:
    """The alias of each ``(where, title, absolute link)`` (None where it has none), in
    feed order, and the notes: links on another host than ``site_link``'s, merged in one,
    and one per path several items share (kept for the first)."""
    site = site_host(site_link)
    out: list[str | None] = []
    owner: dict[str, int] = {}
    foreign: list[tuple[str, Where]] = []
    hosts: list[str] = []
    notes: list[Problem] = []
    for n, (where, _, link) in enumerate(items):
        path = old_path(link, site)
        if path is not None and (why := old_url_problem(path, "")):  # the build's own rule
            line = where if isinstance(where, int) else 1
            notes.append(note(source, line, "link", f"no alias written: {why}"))
            path = None
        elif path is None and old_path(link) is not None:
            foreign.append(("item", where))
            if site_host(link) not in hosts:
                hosts.append(site_host(link))
        elif path is not None and path in owner:
            path = None
        elif path is not None:
            owner[path] = n
        out.append(path)
    if foreign:
        why = f"on {', '.join(hosts)}, not on {site}, the feed's own site: no alias written"
        notes.append(merged(source, "link", foreign, why))
    shared: dict[str, list[int]] = {}
    for n, (_, _, link) in enumerate(items):
        path = old_path(link, site)
        if path is not None and out[n] is None and path in owner:
            shared.setdefault(path, []).append(n)
    for path, others in shared.items():
        first = items[owner[path]]
        named = ", ".join(f"{shown(items[n][1], 40)} ({_at(items[n][0])})" for n in others)
        lines = [w for w in (items[n][0] for n in others) if isinstance(w, int)]
        message = (
            f"alias {shown(path)} is the old link of {len(others) + 1} items: kept for the "
            f"first, {shown(first[1], 40)} ({_at(first[0])}); not for {named}"
        )
        notes.append(note(source, lines[0] if lines else 1, "link", message))
    return out, notes
