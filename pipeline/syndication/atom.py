"""Atom 1.0 (RFC 4287): the same items, ids and dates as the RSS feed."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline import __version__
from pipeline.config import Config
from pipeline.model import Item
from pipeline.syndication.common import (
    FeedFormat,
    FeedPage,
    author_parts,
    modified,
    newest,
    rfc3339,
    summary,
)
from pipeline.syndication.xmlwrite import attrs, cdata, el, empty, exact_el


def _head(cfg: Config, title: str, subtitle: str, items: Sequence[Item], page: FeedPage) -> str:
    site = cfg.site
    self_url, current, is_archive = page.self_url, page.current, page.is_archive
    prev_archive, next_archive = page.prev_archive, page.next_archive
    name, email = author_parts(site.author or site.title)
    lang = attrs({"xml:lang": site.language})  # escaped: ``en & de`` left the feed unreadable
    out = [
        '<?xml version="1.0" encoding="utf-8"?>\n',
        '<feed xmlns="http://www.w3.org/2005/Atom" '
        f'xmlns:fh="http://purl.org/syndication/history/1.0"{lang}>\n',
    ]
    out.append(el("id", current or self_url) + "\n")
    out.append(el("title", title) + "\n")
    if subtitle:
        out.append(el("subtitle", subtitle) + "\n")
    out.append(el("updated", rfc3339(newest(items))) + "\n")
    out.append(f"<author>{el('name', name)}{el('email', site.email or email or None)}</author>\n")
    out.append(empty("link", rel="self", type="application/atom+xml", href=self_url) + "\n")
    out.append(empty("link", rel="alternate", type="text/html", href=site.base_url) + "\n")
    if site.websub_hub:
        out.append(empty("link", rel="hub", href=site.websub_hub) + "\n")
    for rel, href in (
        ("current", current),
        ("prev-archive", prev_archive),
        ("next-archive", next_archive),
    ):
        if href:
            out.append(empty("link", rel=rel, type="application/atom+xml", href=href) + "\n")
    if is_archive:
        out.append("<fh:archive/>\n")
    out.append(el("generator", "publish", version=__version__) + "\n")
    if site.license:
        out.append(el("rights", site.license) + "\n")
    return "".join(out)


def _entry(item: Item) -> str:
    assert item.date is not None
    parts = [
        "<entry>",
        exact_el("id", item.guid),
        el("title", item.title, type="text"),
        el("updated", rfc3339(modified(item) or item.date)),
        el("published", rfc3339(item.date)),
        empty("link", rel="alternate", type="text/html", href=item.url),
    ]
    if item.episode:
        a = item.episode.audio
        parts.append(empty("link", rel="enclosure", type=a.mime_type, length=a.length, href=a.url))
    for author in item.authors:
        name, email = author_parts(author)
        parts.append(f"<author>{el('name', name)}{el('email', email or None)}</author>")
    parts.extend(empty("category", term=t) for t in item.tags)
    parts.append(el("summary", summary(item), type="text"))
    parts.append(f'<content type="html">{cdata(item.html)}</content>')
    parts.append("</entry>\n")
    return "".join(parts)


ATOM = FeedFormat(_head, lambda item: _entry(item).encode(), "", "</feed>\n")
