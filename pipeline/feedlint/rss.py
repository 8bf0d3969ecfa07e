"""The RSS 2.0 rules: the channel, its items and their enclosures.

The ``itunes:`` and ``podcast:`` tags of the channel and of each item are checked by
:mod:`pipeline.feedlint.podcast`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime

from pipeline.feedlint.podcast import (
    _lint_itunes_channel,
    _lint_itunes_item,
    _lint_p20_channel,
    _lint_p20_item,
)
from pipeline.feedlint.rules import (
    APPLE_MEDIA_TYPES,
    ATOM,
    CONTENT,
    HARD,
    SOFT,
    ImageLoader,
    _check_html,
    _q,
    _Report,
    _rfc822,
    _text,
    is_absolute,
    rfc822_problem,
)

_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>|&lt;/?[a-zA-Z]")


def _lint_rss(
    r: _Report, root: ET.Element, raw: bytes, images: ImageLoader | None, now: datetime | None
) -> None:
    channels = root.findall("channel")
    if root.get("version") != "2.0" or len(channels) != 1:
        r.add("rss.version", HARD, 'expected <rss version="2.0"> with exactly one <channel>')
        if not channels:
            return
    ch = channels[0]
    for tag in ("title", "link", "description"):
        if not _text(ch.find(tag)):
            r.add("rss.channel.required", HARD, f"channel has no <{tag}>", "channel")
    link = _text(ch.find("link"))
    if link and not is_absolute(link):
        r.add(
            "rss.channel.link-absolute", HARD, f"channel link {link!r} is not absolute", "channel"
        )
    if not _text(ch.find("language")):
        r.need("rss.channel.language", "channel has no <language> (e.g. en or en-us)", "channel")
    selfs = [a for a in ch.findall(_q(ATOM, "link")) if a.get("rel") == "self"]
    if not selfs or not is_absolute(selfs[0].get("href", "")):
        r.add(
            "rss.channel.atom-self",
            HARD,
            'no atom:link rel="self" with the feed\'s absolute URL',
            "channel",
        )
    elif selfs[0].get("type") != "application/rss+xml":
        r.add(
            "rss.channel.atom-self-type",
            SOFT,
            'atom:link rel="self" should have type="application/rss+xml"',
            "channel",
        )
    for tag in ("pubDate", "lastBuildDate"):
        value = _text(ch.find(tag))
        problem = rfc822_problem(value) if value else None
        if problem:
            r.add("rss.dates.rfc822", HARD, f"<{tag}> {problem}", "channel")
    description = _text(ch.find("description"))
    if len(description.encode("utf-8")) > 4000:
        r.need(
            "apple.channel.description-4000",
            f"channel description is {len(description.encode('utf-8'))} bytes; Apple allows 4000",
            "channel",
        )
    _check_html(r, description, "channel", "channel description")
    _lint_itunes_channel(r, ch, images)
    _lint_p20_channel(r, ch, raw)
    _lint_rss_items(r, ch, images, now)


def _lint_rss_items(
    r: _Report, ch: ET.Element, images: ImageLoader | None, now: datetime | None
) -> None:
    guids: dict[str, int] = {}
    enclosures: dict[str, int] = {}
    previous: datetime | None = None
    for n, item in enumerate(ch.findall("item"), 1):
        title = _text(item.find("title"))
        where = f"item {n}" + (f" ({title[:40]})" if title else "")
        description = item.find("description")
        if not title:
            if r.podcast:
                r.add("rss.item.title", HARD, "item has no <title>", where)
            elif not _text(description):
                r.add(
                    "rss.item.title-or-description",
                    HARD,
                    "item has neither <title> nor <description>",
                    where,
                )
        elif _HTML_TAG.search(title):
            r.add("rss.item.title-no-html", SOFT, f"title {title!r} contains HTML", where)
        guid = item.find("guid")
        if guid is None or not _text(guid):
            r.need("rss.item.guid-present", "item has no <guid>", where)
        else:
            value = _text(guid)
            if value in guids:
                r.add(
                    "rss.item.guid-unique",
                    HARD,
                    f"guid {value!r} is also the guid of item {guids[value]}",
                    where,
                )
            else:
                guids[value] = n
            if guid.get("isPermaLink", "true") != "false" and not is_absolute(value):
                r.add(
                    "rss.item.guid-permalink",
                    HARD,
                    f'guid {value!r} is not a URL; add isPermaLink="false"',
                    where,
                )
        link = _text(item.find("link"))
        if link and not is_absolute(link):
            r.add("rss.item.link-absolute", HARD, f"item link {link!r} is not absolute", where)
        pub = _text(item.find("pubDate"))
        if not pub:
            r.need("rss.item.pubdate-present", "item has no <pubDate>", where)
        else:
            problem = rfc822_problem(pub)
            if problem:
                r.add("rss.dates.rfc822", HARD, f"<pubDate> {problem}", where)
            date = _rfc822(pub)
            if date is not None and date.tzinfo is not None:
                if previous is not None and date > previous:
                    r.add(
                        "rss.items.newest-first",
                        SOFT,
                        "this item is newer than the one before it; readers take the first N",
                        where,
                    )
                previous = date
                if now is not None and date > now:
                    r.add("rss.dates.not-future", SOFT, f"pubDate {pub!r} is in the future", where)
        for field, el in (("description", description), ("content:encoded", None)):
            markup = _text(el) if el is not None else _text(item.find(_q(CONTENT, "encoded")))
            if markup:
                _check_html(r, markup, where, field)
        size = len(_text(description).encode("utf-8"))
        if size > 4000:
            r.add(
                "apple.item.description-4000",
                SOFT,
                f"description is {size} bytes; Apple shows at most 4000",
                where,
            )
        _lint_enclosures(r, item, where, enclosures, n)
        _lint_itunes_item(r, item, where, images)
        _lint_p20_item(r, item, where)


def _lint_enclosures(
    r: _Report, item: ET.Element, where: str, seen: dict[str, int], n: int
) -> None:
    enclosures = item.findall("enclosure")
    if not enclosures:
        if r.podcast:
            r.add("apple.item.enclosure", HARD, "episode has no <enclosure> (no audio)", where)
        return
    if len(enclosures) > 1:
        r.add("rss.item.enclosure-single", SOFT, f"{len(enclosures)} enclosures; use one", where)
    enc = enclosures[0]
    url, length, mime = enc.get("url", ""), enc.get("length", ""), enc.get("type", "")
    if not is_absolute(url):
        r.add(
            "rss.item.enclosure-url",
            HARD,
            f"enclosure url {url!r} is not an absolute http(s) URL",
            where,
        )
    elif url in seen:
        r.add(
            "rss.items.enclosure-url-unique",
            HARD,
            f"enclosure url {url} is also used by item {seen[url]}; Apple ignores a reused URL",
            where,
        )
    else:
        seen[url] = n
    if not re.fullmatch(r"\d+", length) or int(length) == 0:
        r.add(
            "rss.item.enclosure-length",
            HARD,
            f"enclosure length {length!r} is not the file's size in bytes (a positive integer)",
            where,
        )
    if not re.fullmatch(r"[a-z]+/[a-zA-Z0-9.+-]+", mime):
        r.add("rss.item.enclosure-type", HARD, f"enclosure type {mime!r} is not a MIME type", where)
    elif r.podcast and mime not in APPLE_MEDIA_TYPES:
        r.add(
            "apple.item.media-type",
            SOFT,
            f"enclosure type {mime} is not one Apple Podcasts plays "
            f"({', '.join(sorted(APPLE_MEDIA_TYPES))})",
            where,
        )
