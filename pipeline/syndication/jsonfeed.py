"""JSON Feed 1.1: the same items, ids and dates as the RSS and Atom feeds."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pipeline.config import Config
from pipeline.model import Item
from pipeline.syndication.common import FeedFormat, FeedPage, rfc3339, summary
from pipeline.text import clean


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
        feed["authors"] = [{"name": site.author}]
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


def _encoded(item: Item) -> str:
    return json.dumps(_item(item), ensure_ascii=False)


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
    if item.updated:
        out["date_modified"] = rfc3339(item.updated)
    if item.image:
        out["image"] = item.image
    if item.authors:
        out["authors"] = [{"name": a} for a in item.authors]
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


JSON_FEED = FeedFormat(_document_head, _encoded, ", ", "]}\n")
"""Older items are linked with ``next_url`` (JSON Feed paging)."""
