"""JSON Feed 1.1: the same items, ids and dates as the RSS and Atom feeds."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pipeline.config import Config
from pipeline.model import Item
from pipeline.support.paths import with_scheme
from pipeline.support.text import clean
from pipeline.syndication.common import (
    FeedFormat,
    FeedPage,
    author_parts,
    feed_scheme,
    modified,
    rfc3339,
    summary,
)


def _head(
    cfg: Config, title: str, description: str, self_url: str, next_url: str | None
) -> dict[str, Any]:
    site = cfg.site
    feed: dict[str, Any] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": clean(title),
        "home_page_url": site.base_url,
        "feed_url": self_url,
    }
    if description or site.description:
        feed["description"] = clean(description or site.description)
    if site.author:
        feed["authors"] = [_author(site.author)]
    feed["language"] = site.language
    if site.websub_hub:
        feed["hubs"] = [{"type": "WebSub", "url": site.websub_hub}]
    if next_url:
        feed["next_url"] = next_url
    return feed


def _document_head(
    cfg: Config, title: str, description: str, items: Sequence[Item], page: FeedPage
) -> str:
    """The bytes ``json.dumps`` gives for the feed object, up to its first item (the C
    encoder, no indent: the items follow one by one)."""
    feed = _head(cfg, title, description, page.self_url, page.prev_archive)
    return json.dumps(feed, ensure_ascii=False)[:-1] + ', "items": ['


_HTML_SLOT = '"content_html": ""'
_CONTROL_BUT_BLANKS = bytes(c for c in range(32) if c not in b"\t\n\r")


def _encoded(item: Item) -> bytes:
    """An entry as ``json.dumps(..., ensure_ascii=False)`` spells it, in UTF-8; the HTML,
    nearly all of its bytes, escaped by :func:`json_text`."""
    fields = _item(item)
    html = fields["content_html"]
    fields["content_html"] = ""
    # the slot's quotes are the only unescaped ones that can spell it: values before it
    # are JSON strings, whose quotes come escaped
    head, _, tail = json.dumps(fields, ensure_ascii=False).partition(_HTML_SLOT)
    return b"".join((head.encode(), b'"content_html": ', json_text(html), tail.encode()))


def json_text(text: str) -> bytes:
    """``json.dumps(text, ensure_ascii=False)`` in UTF-8, with byte replacements: a third
    of the C encoder's time on 15 KB of HTML (10,000 of them in a site feed). Text with a
    control character other than tab, newline and return (XML has none) takes json's path."""
    data = text.encode()
    if len(data.translate(None, _CONTROL_BUT_BLANKS)) != len(data):
        return json.dumps(text, ensure_ascii=False).encode()
    for raw, escaped in _ESCAPES:
        data = data.replace(raw, escaped)
    return b'"' + data + b'"'


_ESCAPES = ((b"\\", b"\\\\"), (b'"', b'\\"'), (b"\n", b"\\n"), (b"\t", b"\\t"), (b"\r", b"\\r"))
"""The backslash first: the others add backslashes of their own."""


def _item(item: Item) -> dict[str, Any]:
    assert item.date is not None
    out: dict[str, Any] = {
        "id": item.guid,
        "url": item.url,
        "title": clean(item.title),
        "content_html": item.html,
        "summary": summary(item),
        "date_published": rfc3339(item.date),
    }
    if (changed := modified(item)) is not None:
        out["date_modified"] = rfc3339(changed)
    if item.image:
        out["image"] = with_scheme(item.image, feed_scheme(item))
    if item.authors:
        out["authors"] = [_author(a) for a in item.authors]
    if item.tags:
        out["tags"] = list(item.tags)
    if item.episode:
        a = item.episode.audio
        att: dict[str, Any] = {"url": a.url, "mime_type": a.mime_type}
        if a.length:
            att["size_in_bytes"] = a.length
        if a.duration:
            att["duration_in_seconds"] = round(a.duration)
        out["attachments"] = [att]
    return out


def _author(author: str) -> dict[str, str]:
    """JSON Feed's author object; an address becomes its ``mailto:`` URL (as the spec allows)."""
    name, email = author_parts(author)
    return {"name": name, "url": f"mailto:{email}"} if email else {"name": name}


JSON_FEED = FeedFormat(_document_head, _encoded, ", ", "]}\n")
"""Older items are linked with ``next_url`` (JSON Feed paging)."""
