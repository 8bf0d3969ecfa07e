"""The RSS 2.0 rules: the channel, its items and their enclosures.

The ``itunes:`` and ``podcast:`` tags of the channel and of each item are checked by
:mod:`pipeline.feedcheck.podcast`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime

from pipeline.feedcheck.podcast import (
    lint_itunes_channel,
    lint_itunes_item,
    lint_p20_channel,
    lint_p20_item,
)
from pipeline.feedcheck.rules import (
    APPLE_MEDIA_TYPES,
    ATOM,
    CONTENT,
    HARD,
    ITUNES,
    PODCAST,
    SOFT,
    ImageLoader,
    Report,
    check_html,
    is_absolute,
    parse_rfc822,
    qname,
    rfc822_severity,
    text_of,
)

_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>|&lt;/?[a-zA-Z]")
_LENGTH_DIGITS = 18
"""The most digits an enclosure length may have (999 PB; a 64-bit size has 19)."""


def lint_rss(
    r: Report, root: ET.Element, raw: bytes, images: ImageLoader | None, now: datetime | None
) -> None:
    channels = root.findall("channel")
    if root.get("version") != "2.0" or len(channels) != 1:
        r.add("rss.version", HARD, 'expected <rss version="2.0"> with exactly one <channel>')
        if not channels:
            return
    ch = channels[0]
    r.platforms = r.podcast or _podcast_like(ch)
    for tag in ("title", "link", "description"):
        if not text_of(ch.find(tag)):
            r.add("rss.channel.required", HARD, f"channel has no <{tag}>", "channel")
    link = text_of(ch.find("link"))
    if link and not is_absolute(link):
        r.add(
            "rss.channel.link-absolute", HARD, f"channel link {link!r} is not absolute", "channel"
        )
    image = ch.find("image")
    for tag in ("url", "link"):
        value = text_of(image.find(tag)) if image is not None else ""
        if value and not is_absolute(value):  # readers show no logo, or fetch it elsewhere
            message = f"channel image {tag} {value!r} is not absolute"
            r.add("rss.channel.link-absolute", HARD, message, "channel")
    if not text_of(ch.find("language")):
        r.need("rss.channel.language", "channel has no <language> (e.g. en or en-us)", "channel")
    selfs = [a for a in ch.findall(qname(ATOM, "link")) if a.get("rel") == "self"]
    if not selfs or not is_absolute(selfs[0].get("href", "")):
        r.add(  # advice: the W3C validator warns, and readers and podcast apps do without
            "rss.channel.atom-self",
            SOFT,
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
        value = text_of(ch.find(tag))
        found = rfc822_severity(value, r.podcast) if value else None
        if found:
            r.add("rss.dates.rfc822", found[0], f"<{tag}> {found[1]}", "channel")
    description = text_of(ch.find("description"))
    if len(description.encode("utf-8")) > 4000:
        r.need(
            "apple.channel.description-4000",
            f"channel description is {len(description.encode('utf-8'))} bytes; Apple allows 4000",
            "channel",
        )
    check_html(r, description, "channel", "channel description")
    lint_itunes_channel(r, ch, images)
    lint_p20_channel(r, ch, raw)
    lint_rss_items(r, ch, images, now)


_PODCAST_TAGS = (f"{{{ITUNES}}}", f"{{{PODCAST}}}")


def _podcast_like(ch: ET.Element) -> bool:
    """Whether a channel is a podcast's: an enclosure, or a tag of Apple's or Podcasting 2.0's
    namespace, anywhere in it (a blog's feed has none: no advice from podcast apps' rules)."""
    return any(
        el.tag == "enclosure" or (isinstance(el.tag, str) and el.tag.startswith(_PODCAST_TAGS))
        for el in ch.iter()
    )


def lint_rss_items(
    r: Report, ch: ET.Element, images: ImageLoader | None, now: datetime | None
) -> None:
    guids: dict[str, int] = {}
    enclosures: dict[str, int] = {}
    previous: datetime | None = None
    for n, item in enumerate(ch.findall("item"), 1):
        title = text_of(item.find("title"))
        shown = " ".join(title.split())[:40]  # one line: a title may span several
        where = f"item {n}" + (f" ({shown})" if shown else "")
        description = item.find("description")
        _lint_title(r, title, description, where)
        _lint_guid(r, item.find("guid"), where, guids, n)
        link = text_of(item.find("link"))
        if link and not is_absolute(link):
            r.add("rss.item.link-absolute", HARD, f"item link {link!r} is not absolute", where)
        previous = _lint_pub_date(r, text_of(item.find("pubDate")), where, previous, now)
        for field, el in (("description", description), ("content:encoded", None)):
            markup = (
                text_of(el) if el is not None else text_of(item.find(qname(CONTENT, "encoded")))
            )
            if markup:
                check_html(r, markup, where, field)
        size = len(text_of(description).encode("utf-8"))
        if size > 4000:
            r.add(
                "apple.item.description-4000",
                SOFT,
                f"description is {size} bytes; Apple shows at most 4000",
                where,
            )
        lint_enclosures(r, item, where, enclosures, n)
        lint_itunes_item(r, item, where, images)
        lint_p20_item(r, item, where)


def _lint_title(r: Report, title: str, description: ET.Element | None, where: str) -> None:
    """An item's title: present (for a podcast; else a title or a description), no HTML."""
    if not title:
        if r.podcast:
            r.add("rss.item.title", HARD, "item has no <title>", where)
        elif not text_of(description):
            r.add(
                "rss.item.title-or-description",
                HARD,
                "item has neither <title> nor <description>",
                where,
            )
    elif _HTML_TAG.search(title):
        r.add("rss.item.title-no-html", SOFT, f"title {title!r} contains HTML", where)


def _lint_guid(
    r: Report, guid: ET.Element | None, where: str, guids: dict[str, int], n: int
) -> None:
    """An item's guid: present, unique (``guids``: each guid seen -> its item's number), a
    URL unless marked as no permalink."""
    if guid is None:
        r.need("rss.item.guid-present", "item has no <guid>", where)
        return
    value = text_of(guid)
    if not value:
        r.need("rss.item.guid-present", "item has an empty <guid>", where)
        return
    if value in guids:
        r.add(
            "rss.item.guid-unique",
            HARD,
            f"guid {value!r} is also the guid of item {guids[value]}",
            where,
        )
    else:
        guids[value] = n
    permalink = guid.get("isPermaLink", "true").strip().lower() != "false"
    if permalink and not is_absolute(value):
        r.add(
            "rss.item.guid-permalink",
            HARD,
            f'guid {value!r} is not a URL; add isPermaLink="false"',
            where,
        )


def _lint_pub_date(
    r: Report, pub: str, where: str, previous: datetime | None, now: datetime | None
) -> datetime | None:
    """An item's pubDate: present, RFC 822, not newer than the item before (``previous``),
    not in the future; returns the date the next item is compared with."""
    if not pub:
        r.need("rss.item.pubdate-present", "item has no <pubDate>", where)
        return previous
    found = rfc822_severity(pub, r.podcast)
    if found:
        r.add("rss.dates.rfc822", found[0], f"<pubDate> {found[1]}", where)
    date = parse_rfc822(pub)
    if date is None or date.tzinfo is None:
        return previous
    if previous is not None and date > previous:
        r.add(
            "rss.items.newest-first",
            SOFT,
            "this item is newer than the one before it; readers take the first N",
            where,
        )
    if now is not None and date > now:
        r.add("rss.dates.not-future", SOFT, f"pubDate {pub!r} is in the future", where)
    return date


def lint_enclosures(r: Report, item: ET.Element, where: str, seen: dict[str, int], n: int) -> None:
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
    digits = re.fullmatch(r"\d+", length) is not None
    if not digits or len(length) > _LENGTH_DIGITS:  # int() of 4,301 digits raises
        unit = "digits" if digits else "characters"
        shown = repr(length) if len(length) <= 40 else f"of {len(length)} {unit}"
        r.add(
            "rss.item.enclosure-length",
            HARD,
            f"enclosure length {shown} is not the file's size in bytes (a positive integer"
            + (f" of at most {_LENGTH_DIGITS} digits)" if len(length) > _LENGTH_DIGITS else ")"),
            where,
        )
    elif int(length) == 0:  # the RSS Best Practices' "size unknown"; podcast apps want it
        r.need("rss.item.enclosure-length", "enclosure length is 0 (size unknown)", where)
    mime = mime.split(";")[0].strip().lower()  # MIME types are case-insensitive, may have params
    if not re.fullmatch(r"[a-z]+/[a-z0-9.+-]+", mime):
        r.add("rss.item.enclosure-type", HARD, f"enclosure type {mime!r} is not a MIME type", where)
    elif r.podcast and mime not in APPLE_MEDIA_TYPES:
        r.add(
            "apple.item.media-type",
            SOFT,
            f"enclosure type {mime} is not one Apple Podcasts plays "
            f"({', '.join(sorted(APPLE_MEDIA_TYPES))})",
            where,
        )
