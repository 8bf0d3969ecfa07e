"""RSS 2.0 with ``content:encoded``, ``atom:link rel=self`` and RFC 5005 archive links.

Written by hand rather than with feedgen: feedgen prepends entries, sets lastBuildDate to
"now" and needs workarounds for CDATA; here order and bytes are ours to fix.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urljoin

from pipeline import __version__
from pipeline.config import Config
from pipeline.model import Item
from pipeline.support.dates import rfc822
from pipeline.support.text import clean
from pipeline.syndication.common import FeedFormat, FeedPage, newest, summary_html
from pipeline.syndication.xmlwrite import cdata, el, empty, exact_el

NAMESPACES = (
    ' xmlns:atom="http://www.w3.org/2005/Atom"'
    ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
    ' xmlns:fh="http://purl.org/syndication/history/1.0"'
)


def _head(cfg: Config, title: str, description: str, items: Sequence[Item], page: FeedPage) -> str:
    site = cfg.site
    self_url, current, is_archive = page.self_url, page.current, page.is_archive
    prev_archive, next_archive = page.prev_archive, page.next_archive
    out = [
        '<?xml version="1.0" encoding="utf-8"?>\n',
        f'<rss version="2.0"{NAMESPACES}>\n',
        "<channel>\n",
    ]
    out.append(el("title", title) + "\n")
    out.append(el("link", site.base_url) + "\n")
    out.append(el("description", description or site.description or title) + "\n")
    out.append(empty("atom:link", href=self_url, rel="self", type="application/rss+xml") + "\n")
    if site.websub_hub:
        out.append(empty("atom:link", href=site.websub_hub, rel="hub") + "\n")
    if current:
        out.append(empty("atom:link", href=current, rel="current") + "\n")
    if prev_archive:
        out.append(empty("atom:link", href=prev_archive, rel="prev-archive") + "\n")
    if next_archive:
        out.append(empty("atom:link", href=next_archive, rel="next-archive") + "\n")
    if is_archive:
        out.append("<fh:archive/>\n")
    out.append(el("language", site.language) + "\n")
    if site.license:
        out.append(el("copyright", site.license) + "\n")
    out.append(el("generator", f"publish {__version__}") + "\n")
    out.append(el("lastBuildDate", rfc822(newest(items))) + "\n")
    if site.image:
        image = _absolute(site.base_url, site.image)
        out.append(
            f"<image>{el('url', image)}{el('title', title)}{el('link', site.base_url)}</image>\n"
        )
    return "".join(out)


def _absolute(base: str, url: str) -> str:
    """``url`` resolved against ``base``: readers fetch a channel's logo from its URL as
    written, so ``logo.png`` showed no logo (one no parser reads is left as written)."""
    try:
        return urljoin(base, url)
    except ValueError:
        return url


def _item(item: Item) -> str:
    parts = [
        "<item>",
        el("title", clean(item.title)),
        el("link", item.url),
        exact_el("guid", item.guid, isPermaLink=item.guid_is_permalink),
    ]
    if item.date:
        parts.append(el("pubDate", rfc822(item.date)))
    parts.extend(el("dc:creator", a) for a in item.authors)
    parts.extend(el("category", t) for t in item.tags)
    parts.append(el("description", summary_html(item)))  # readers decode it as HTML
    parts.append(f"<content:encoded>{cdata(item.html)}</content:encoded>")
    if item.episode:
        a = item.episode.audio
        parts.append(empty("enclosure", url=a.url, length=a.length, type=a.mime_type))
    parts.append("</item>\n")
    return "".join(parts)


RSS = FeedFormat(_head, lambda item: _item(item).encode(), "", "</channel>\n</rss>\n")
