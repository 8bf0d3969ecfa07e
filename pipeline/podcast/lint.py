"""A feed linter for RSS 2.0, Atom 1.0, JSON Feed 1.1 and podcast feeds.

:func:`lint_feed` returns one :class:`LintResult` per failed check, each naming a rule id
from :data:`RULES` (the ids of ``feeds.md``), a severity and where in the feed it failed.
``hard`` failures make a feed unfit to publish (the build refuses to write it; ``publish
lint-feed`` exits 2); ``soft`` ones are advice. ``podcast=True`` adds what Apple Podcasts,
Spotify and Podcasting 2.0 need and makes their presence rules hard.
"""

from __future__ import annotations

import json
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from pipeline.podcast import artwork
from pipeline.podcast.categories import category_problem
from pipeline.podcast.show import MEDIUMS

HARD = "hard"
SOFT = "soft"

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
JSONFEED_VERSION = "https://jsonfeed.org/version/1.1"
APPLE_MEDIA_TYPES = frozenset(
    {"audio/mpeg", "audio/x-m4a", "video/mp4", "video/quicktime", "video/x-m4v", "application/pdf"}
)

RULES: dict[str, str] = {
    "xml.wellformed": "the document parses as XML",
    "feed.format": "the document is RSS 2.0, Atom 1.0 or JSON Feed",
    "podcast.format": "a podcast feed is RSS 2.0",
    "rss.version": '<rss version="2.0"> with exactly one <channel>',
    "rss.channel.required": "channel title, link and description",
    "rss.channel.language": "channel language (ISO 639)",
    "rss.channel.link-absolute": "channel link is an absolute URL",
    "rss.channel.atom-self": 'atom:link rel="self" with an absolute href',
    "rss.channel.atom-self-type": 'atom:link rel="self" has type="application/rss+xml"',
    "rss.item.title": "every item has a title (podcast)",
    "rss.item.title-or-description": "every item has a title or a description",
    "rss.item.title-no-html": "titles hold no HTML",
    "rss.item.guid-present": "every item has a guid",
    "rss.item.guid-unique": "guids are unique",
    "rss.item.guid-permalink": 'a guid that is not a URL says isPermaLink="false"',
    "rss.item.pubdate-present": "every item has a pubDate",
    "rss.item.link-absolute": "item links are absolute URLs",
    "rss.item.enclosure-url": "enclosure url is an absolute http(s) URL",
    "rss.item.enclosure-length": "enclosure length is a positive number of bytes",
    "rss.item.enclosure-type": "enclosure type is a MIME type",
    "rss.item.enclosure-single": "one enclosure per item",
    "rss.items.enclosure-url-unique": "no two items share an enclosure URL",
    "rss.items.newest-first": "items are ordered newest first",
    "rss.dates.rfc822": "dates are RFC 822 with a 4-digit year, a zone and the right weekday",
    "rss.dates.not-future": "no date lies in the future",
    "rss.html.absolute-urls": "links and images inside HTML are absolute",
    "rss.html.no-active-content": "no script, iframe or on* handlers in HTML",
    "apple.channel.description-4000": "channel description at most 4000 bytes",
    "apple.item.description-4000": "item description at most 4000 bytes",
    "apple.channel.itunes-image": "itunes:image: .jpg/.png URL, JPEG/PNG, RGB, 1400–3000 px square",
    "apple.item.itunes-image": "episode itunes:image follows the channel artwork rules",
    "apple.channel.category": "itunes:category from Apple's list",
    "apple.channel.explicit": "channel itunes:explicit is true or false",
    "apple.item.explicit": "item itunes:explicit is true or false",
    "apple.channel.author": "itunes:author is present",
    "apple.channel.type": "itunes:type episodic/serial; serial needs itunes:episode on every item",
    "apple.channel.new-feed-url": "itunes:new-feed-url is an absolute URL",
    "apple.block-value": 'itunes:block is "Yes" (other values have no effect)',
    "apple.complete-value": 'itunes:complete is "Yes" (other values have no effect)',
    "apple.item.enclosure": "every episode has an enclosure",
    "apple.item.media-type": "enclosure type is one Apple accepts",
    "apple.item.duration-present": "itunes:duration is present",
    "apple.item.duration-format": "itunes:duration is seconds or [[H:]M]M:SS",
    "apple.item.numbering": "itunes:episode/season > 0; episodeType full/trailer/bonus",
    "spotify.owner-email": "itunes:owner/itunes:email is an email address",
    "p20.namespace": "the podcast prefix is bound to https://podcastindex.org/namespace/1.0",
    "p20.guid": "podcast:guid is a UUID",
    "p20.guid-present": "podcast:guid is present",
    "p20.locked": "podcast:locked is yes or no",
    "p20.locked-present": "podcast:locked is present",
    "p20.medium": "podcast:medium is a known medium",
    "p20.single-count": "tags allowed once appear once",
    "p20.tags": "podcast: tags carry their required attributes and values",
    "atom.feed.required": "feed id, title and updated",
    "atom.feed.author": "an author on the feed or on every entry",
    "atom.feed.self": 'link rel="self"',
    "atom.entry.required": "entry id, title and updated",
    "atom.entry.id-unique": "entry ids are unique",
    "atom.entry.alternate": 'an entry without content has a link rel="alternate"',
    "atom.dates.rfc3339": "dates are RFC 3339",
    "json.valid": "the document is a JSON object",
    "json.version": f"version is {JSONFEED_VERSION}",
    "json.required": "title and items",
    "json.feed-url": "feed_url and home_page_url",
    "json.item.id": "every item has a string id, unique",
    "json.item.content": "every item has content_html or content_text",
    "json.dates.rfc3339": "dates are RFC 3339",
    "json.attachments": "attachments have url and mime_type",
    "json.authors": "authors (an array) instead of the deprecated author",
}
"""Every rule id the linter reports, with what it requires."""


@dataclass(frozen=True)
class LintResult:
    """One failed check."""

    rule: str
    """A key of :data:`RULES`."""
    severity: str
    """``hard`` (the feed must not be published) or ``soft`` (advice)."""
    message: str
    where: str = "feed"
    """``channel``, ``item 3``, ``entry 2`` ... (1-based, in document order)."""

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


ImageLoader = Callable[[str], bytes | None]
"""Returns the bytes of an image URL (or None when it cannot be had), for size checks."""

_RFC822 = re.compile(
    r"^(?:(?P<wd>Mon|Tue|Wed|Thu|Fri|Sat|Sun),\s*)?(?P<d>\d{1,2})\s+"
    r"(?P<m>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+(?P<y>\d{4})\s+"
    r"\d{2}:\d{2}(?::\d{2})?\s+(?:GMT|UT|[ECMP][SD]T|[A-IK-Z]|[+-]\d{4})$"
)
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$")
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_URL_ATTR = re.compile(r"""\b(?:href|src|poster)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_ACTIVE = re.compile(r"<\s*(?:script|iframe|object|embed)\b|\son[a-z]+\s*=|javascript:", re.I)
_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>|&lt;/?[a-zA-Z]")
_DURATION = re.compile(r"^(?:\d+|(?:\d+:)?[0-5]?\d:[0-5]\d)(?:\.\d+)?$")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class _Report:
    """Collects results; ``podcast`` decides the severity of podcast presence rules."""

    def __init__(self, podcast: bool) -> None:
        self.podcast = podcast
        self.results: list[LintResult] = []

    def add(self, rule: str, severity: str, message: str, where: str = "feed") -> None:
        assert rule in RULES, rule
        self.results.append(LintResult(rule, severity, message, where))

    def need(self, rule: str, message: str, where: str = "feed") -> None:
        """A presence rule: hard for a podcast feed, soft otherwise."""
        self.add(rule, HARD if self.podcast else SOFT, message, where)


def is_absolute(url: str) -> bool:
    parts = urlsplit(url.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _html_links_relative(markup: str) -> list[str]:
    out = []
    for m in _URL_ATTR.finditer(markup):
        url = next(g for g in m.groups() if g is not None).strip()
        if not url or url.startswith("#"):
            continue
        if urlsplit(url).scheme or url.startswith("//"):
            continue
        out.append(url)
    return out


def _check_html(r: _Report, markup: str, where: str, field: str) -> None:
    relative = _html_links_relative(markup)
    if relative:
        shown = ", ".join(repr(u) for u in relative[:3]) + (" ..." if len(relative) > 3 else "")
        r.add(
            "rss.html.absolute-urls",
            HARD,
            f"{field} has relative URLs ({shown}); readers cannot resolve them",
            where,
        )
    if _ACTIVE.search(markup):
        r.add(
            "rss.html.no-active-content",
            SOFT,
            f"{field} contains script, iframe, embed or on* handlers; readers strip them",
            where,
        )


def rfc822_problem(value: str) -> str | None:
    """Why ``value`` is not an RFC 822 date-time as RSS wants it, or None."""
    text = " ".join(value.split())
    m = _RFC822.match(text)
    if not m:
        return f"{value!r} is not an RFC 822 date (e.g. 'Wed, 02 Oct 2002 13:00:00 GMT')"
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return f"{value!r} is not a real date"
    if m.group("wd") and _WEEKDAYS[parsed.weekday()] != m.group("wd"):
        return f"{value!r}: the weekday should be {_WEEKDAYS[parsed.weekday()]}"
    return None


def _rfc822(value: str) -> datetime | None:
    try:
        return parsedate_to_datetime(" ".join(value.split()))
    except (TypeError, ValueError):
        return None


def _image_checks(
    r: _Report, rule: str, severity: str, href: str, where: str, images: ImageLoader | None
) -> None:
    problem = artwork.url_problem(href)
    if problem:
        r.add(rule, severity, problem, where)
        return
    if images is None:
        return
    data = images(href)
    if data is None:
        r.add(rule, SOFT, f"cannot fetch {href} to check its size", where)
        return
    for message in artwork.image_problems(data):
        r.add(rule, severity, message, where)


# --------------------------------------------------------------------------- RSS


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def _text(el: ET.Element | None) -> str:
    return (el.text or "").strip() if el is not None else ""


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


def _lint_itunes_channel(r: _Report, ch: ET.Element, images: ImageLoader | None) -> None:
    where = "channel"
    image = ch.find(_q(ITUNES, "image"))
    if image is None or not image.get("href"):
        r.need("apple.channel.itunes-image", "no itunes:image (cover art)", where)
    else:
        severity = HARD if r.podcast else SOFT
        _image_checks(
            r, "apple.channel.itunes-image", severity, image.get("href", ""), where, images
        )
    categories = ch.findall(_q(ITUNES, "category"))
    if not categories:
        r.need("apple.channel.category", "no itunes:category", where)
    for cat in categories:
        subs = cat.findall(_q(ITUNES, "category"))
        sub = subs[0].get("text", "") if subs else ""
        problem = category_problem(cat.get("text", ""), sub)
        if problem:
            r.add("apple.channel.category", HARD, problem, where)
    explicit = ch.find(_q(ITUNES, "explicit"))
    if explicit is None:
        r.need("apple.channel.explicit", "no itunes:explicit (true or false)", where)
    elif _text(explicit) not in ("true", "false"):
        r.add(
            "apple.channel.explicit",
            HARD,
            f"itunes:explicit is {_text(explicit)!r}; Apple accepts only true or false",
            where,
        )
    if r.podcast and not _text(ch.find(_q(ITUNES, "author"))):
        r.add("apple.channel.author", SOFT, "no itunes:author", where)
    owner = ch.find(_q(ITUNES, "owner"))
    email = _text(owner.find(_q(ITUNES, "email"))) if owner is not None else ""
    if not email:
        if r.podcast:
            r.add(
                "spotify.owner-email",
                SOFT,
                "no itunes:owner/itunes:email; Spotify sends its ownership code to this address",
                where,
            )
    elif not _EMAIL.match(email):
        r.add("spotify.owner-email", SOFT, f"itunes:email {email!r} is not an email address", where)
    show_type = ch.find(_q(ITUNES, "type"))
    if show_type is not None and _text(show_type) not in ("episodic", "serial"):
        r.add(
            "apple.channel.type",
            HARD,
            f"itunes:type is {_text(show_type)!r}; expected episodic or serial",
            where,
        )
    if _text(show_type) == "serial":
        missing = [
            str(n)
            for n, item in enumerate(ch.findall("item"), 1)
            if not _text(item.find(_q(ITUNES, "episode")))
        ]
        if missing:
            r.add(
                "apple.channel.type",
                HARD,
                f"a serial show needs itunes:episode on every item; missing on item "
                f"{', '.join(missing)}",
                where,
            )
    new_url = ch.find(_q(ITUNES, "new-feed-url"))
    if new_url is not None and not is_absolute(_text(new_url)):
        r.add(
            "apple.channel.new-feed-url",
            HARD,
            f"itunes:new-feed-url {_text(new_url)!r} is not an absolute URL",
            where,
        )
    for tag, rule in (("block", "apple.block-value"), ("complete", "apple.complete-value")):
        el = ch.find(_q(ITUNES, tag))
        if el is not None and _text(el) != "Yes":
            r.add(rule, SOFT, f'itunes:{tag} is {_text(el)!r}; only "Yes" has an effect', where)


def _lint_p20_channel(r: _Report, ch: ET.Element, raw: bytes) -> None:
    where = "channel"
    m = re.search(rb"""xmlns:podcast\s*=\s*["']([^"']*)["']""", raw[:4096])
    if m and m.group(1).decode("utf-8", "replace") != PODCAST:
        r.add(
            "p20.namespace",
            HARD,
            f"the podcast prefix is bound to {m.group(1).decode('utf-8', 'replace')!r}, "
            f"not {PODCAST}",
            where,
        )
    for tag in ("guid", "locked", "medium", "funding", "license", "podroll", "updateFrequency"):
        if len(ch.findall(_q(PODCAST, tag))) > 1:
            r.add("p20.single-count", HARD, f"podcast:{tag} appears more than once", where)
    guid = ch.find(_q(PODCAST, "guid"))
    if guid is None:
        if r.podcast:
            r.add("p20.guid-present", SOFT, "no podcast:guid (the show's Podcast Index id)", where)
    else:
        try:
            uuid.UUID(_text(guid))
        except ValueError:
            r.add(
                "p20.guid",
                HARD,
                f"podcast:guid {_text(guid)!r} is not a UUID (expected UUIDv5 of the feed URL)",
                where,
            )
    locked = ch.find(_q(PODCAST, "locked"))
    if locked is None:
        if r.podcast:
            r.add("p20.locked-present", SOFT, "no podcast:locked (stops hosts importing it)", where)
    elif _text(locked) not in ("yes", "no"):
        r.add("p20.locked", HARD, f"podcast:locked is {_text(locked)!r}; expected yes or no", where)
    medium = ch.find(_q(PODCAST, "medium"))
    if medium is not None and _text(medium).removesuffix("L") not in MEDIUMS:
        r.add("p20.medium", HARD, f"podcast:medium {_text(medium)!r} is not a known medium", where)
    _p20_common(r, ch, where)
    for funding in ch.findall(_q(PODCAST, "funding")):
        if not is_absolute(funding.get("url", "")):
            r.add("p20.tags", HARD, "podcast:funding needs an absolute url", where)
        if len(_text(funding)) > 128:
            r.add("p20.tags", HARD, "podcast:funding text is over 128 characters", where)
    for item in ch.iter(_q(PODCAST, "remoteItem")):
        if not item.get("feedGuid"):
            r.add("p20.tags", HARD, "podcast:remoteItem needs a feedGuid", where)
    for txt in ch.findall(_q(PODCAST, "txt")):
        if not _text(txt) or len(_text(txt)) > 4000:
            r.add("p20.tags", HARD, "podcast:txt needs 1–4000 characters", where)
    for freq in ch.findall(_q(PODCAST, "updateFrequency")):
        if not _text(freq):
            r.add("p20.tags", HARD, "podcast:updateFrequency needs a text value", where)
    for lic in ch.findall(_q(PODCAST, "license")):
        if not _text(lic):
            r.add("p20.tags", HARD, "podcast:license needs a licence identifier", where)


def _p20_common(r: _Report, el: ET.Element, where: str) -> None:
    """podcast: tags allowed at channel and item level."""
    for person in el.findall(_q(PODCAST, "person")):
        if not _text(person):
            r.add("p20.tags", HARD, "podcast:person needs a name", where)
        for attr in ("href", "img"):
            if person.get(attr) and not is_absolute(person.get(attr, "")):
                r.add("p20.tags", HARD, f"podcast:person {attr} must be an absolute URL", where)
    for loc in el.findall(_q(PODCAST, "location")):
        if not _text(loc) or len(_text(loc)) > 128:
            r.add("p20.tags", HARD, "podcast:location needs 1–128 characters", where)


def _lint_itunes_item(r: _Report, item: ET.Element, where: str, images: ImageLoader | None) -> None:
    duration = item.find(_q(ITUNES, "duration"))
    if duration is None:
        if r.podcast:
            r.add("apple.item.duration-present", SOFT, "no itunes:duration", where)
    elif not _DURATION.match(_text(duration)):
        r.add(
            "apple.item.duration-format",
            HARD,
            f"itunes:duration {_text(duration)!r} is not seconds or [[H:]M]M:SS",
            where,
        )
    for tag in ("episode", "season"):
        el = item.find(_q(ITUNES, tag))
        if el is not None and not re.fullmatch(r"[1-9]\d*", _text(el)):
            r.add(
                "apple.item.numbering",
                HARD,
                f"itunes:{tag} is {_text(el)!r}; expected a positive integer",
                where,
            )
    kind = item.find(_q(ITUNES, "episodeType"))
    if kind is not None and _text(kind) not in ("full", "trailer", "bonus"):
        r.add(
            "apple.item.numbering",
            HARD,
            f"itunes:episodeType is {_text(kind)!r}; expected full, trailer or bonus",
            where,
        )
    explicit = item.find(_q(ITUNES, "explicit"))
    if explicit is not None and _text(explicit) not in ("true", "false"):
        r.add(
            "apple.item.explicit",
            HARD,
            f"itunes:explicit is {_text(explicit)!r}; Apple accepts only true or false",
            where,
        )
    image = item.find(_q(ITUNES, "image"))
    if image is not None:
        _image_checks(r, "apple.item.itunes-image", SOFT, image.get("href", ""), where, images)


def _lint_p20_item(r: _Report, item: ET.Element, where: str) -> None:
    for tag in ("chapters", "season", "episode", "location"):
        if len(item.findall(_q(PODCAST, tag))) > 1:
            r.add("p20.single-count", HARD, f"podcast:{tag} appears more than once", where)
    for t in item.findall(_q(PODCAST, "transcript")):
        if not is_absolute(t.get("url", "")) or not t.get("type"):
            r.add("p20.tags", HARD, "podcast:transcript needs an absolute url and a type", where)
    for c in item.findall(_q(PODCAST, "chapters")):
        if not is_absolute(c.get("url", "")) or not c.get("type"):
            r.add("p20.tags", HARD, "podcast:chapters needs an absolute url and a type", where)
    season = item.find(_q(PODCAST, "season"))
    if season is not None and not re.fullmatch(r"\d+", _text(season)):
        r.add("p20.tags", HARD, f"podcast:season {_text(season)!r} is not an integer", where)
    episode = item.find(_q(PODCAST, "episode"))
    if episode is not None and not re.fullmatch(r"\d+(\.\d+)?", _text(episode)):
        r.add("p20.tags", HARD, f"podcast:episode {_text(episode)!r} is not a number", where)
    for bite in item.findall(_q(PODCAST, "soundbite")):
        start, length = bite.get("startTime", ""), bite.get("duration", "")
        if not re.fullmatch(r"\d+(\.\d+)?", start) or not re.fullmatch(r"\d+(\.\d+)?", length):
            r.add(
                "p20.tags",
                HARD,
                "podcast:soundbite needs startTime and duration in seconds",
                where,
            )
    _p20_common(r, item, where)


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


# --------------------------------------------------------------------------- Atom


def _lint_atom(r: _Report, root: ET.Element) -> None:
    def a(tag: str) -> str:
        return _q(ATOM, tag)

    for tag in ("id", "title", "updated"):
        if not _text(root.find(a(tag))):
            r.add("atom.feed.required", HARD, f"feed has no <{tag}>", "feed")
    if not any(link.get("rel") == "self" for link in root.findall(a("link"))):
        r.add("atom.feed.self", SOFT, 'no <link rel="self">', "feed")
    feed_author = root.find(a("author")) is not None
    ids: dict[str, int] = {}
    dates = [("feed", root.find(a("updated")))]
    for n, entry in enumerate(root.findall(a("entry")), 1):
        where = f"entry {n}"
        for tag in ("id", "title", "updated"):
            if not _text(entry.find(a(tag))):
                r.add("atom.entry.required", HARD, f"entry has no <{tag}>", where)
        entry_id = _text(entry.find(a("id")))
        if entry_id in ids:
            r.add(
                "atom.entry.id-unique",
                HARD,
                f"id {entry_id!r} is also entry {ids[entry_id]}",
                where,
            )
        elif entry_id:
            ids[entry_id] = n
        if not feed_author and entry.find(a("author")) is None:
            r.add("atom.feed.author", HARD, "no author on the entry nor on the feed", where)
        content = entry.find(a("content"))
        alternates = [
            x for x in entry.findall(a("link")) if x.get("rel", "alternate") == "alternate"
        ]
        if content is None and not alternates:
            r.add("atom.entry.alternate", HARD, 'no content and no link rel="alternate"', where)
        for tag in ("updated", "published"):
            dates.append((where, entry.find(a(tag))))
        for tag in ("content", "summary"):
            el = entry.find(a(tag))
            if el is not None and el.get("type") == "html" and el.text:
                _check_html(r, el.text, where, tag)
    for where, el in dates:
        value = _text(el)
        if value and not _RFC3339.match(value):
            r.add("atom.dates.rfc3339", HARD, f"{value!r} is not an RFC 3339 date", where)


# --------------------------------------------------------------------------- JSON Feed


def _lint_json(r: _Report, data: bytes) -> None:
    try:
        doc: Any = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        r.add("json.valid", HARD, f"not valid JSON: {exc}")
        return
    if not isinstance(doc, dict):
        r.add("json.valid", HARD, "the top level is not a JSON object")
        return
    if doc.get("version") != JSONFEED_VERSION:
        r.add("json.version", HARD, f"version is {doc.get('version')!r}, not {JSONFEED_VERSION}")
    if not isinstance(doc.get("title"), str) or not doc.get("title"):
        r.add("json.required", HARD, "no title")
    items = doc.get("items")
    if not isinstance(items, list):
        r.add("json.required", HARD, "no items array")
        items = []
    for key in ("feed_url", "home_page_url"):
        if not doc.get(key):
            r.add("json.feed-url", SOFT, f"no {key}")
    if "author" in doc:
        r.add("json.authors", SOFT, "author is deprecated in JSON Feed 1.1; use authors")
    ids: dict[str, int] = {}
    for n, item in enumerate(items, 1):
        where = f"item {n}"
        if not isinstance(item, dict):
            r.add("json.item.id", HARD, "item is not an object", where)
            continue
        item_id = item.get("id")
        if not isinstance(item_id, str) or not item_id:
            r.add("json.item.id", HARD, f"id {item_id!r} is not a non-empty string", where)
        elif item_id in ids:
            r.add("json.item.id", HARD, f"id {item_id!r} is also item {ids[item_id]}", where)
        else:
            ids[item_id] = n
        if not item.get("content_html") and not item.get("content_text"):
            r.add("json.item.content", HARD, "no content_html nor content_text", where)
        if isinstance(item.get("content_html"), str):
            _check_html(r, item["content_html"], where, "content_html")
        for key in ("date_published", "date_modified"):
            value = item.get(key)
            if value is not None and not (isinstance(value, str) and _RFC3339.match(value)):
                r.add("json.dates.rfc3339", HARD, f"{key} {value!r} is not RFC 3339", where)
        if "author" in item:
            r.add("json.authors", SOFT, "author is deprecated in JSON Feed 1.1; use authors", where)
        for att in item.get("attachments") or []:
            if not isinstance(att, dict) or not att.get("url") or not att.get("mime_type"):
                r.add("json.attachments", HARD, "an attachment lacks url or mime_type", where)


# --------------------------------------------------------------------------- entry point


def detect_format(data: bytes) -> str:
    """``json``, ``rss``, ``atom`` or ``unknown`` (from the first bytes and the root element)."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head in (b"{", b"["):
        return "json"
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return "unknown"
    return {"rss": "rss", _q(ATOM, "feed"): "atom"}.get(root.tag, "unknown")


def lint_feed(
    data: bytes,
    *,
    podcast: bool,
    images: ImageLoader | None = None,
    now: datetime | None = None,
) -> list[LintResult]:
    """Check a feed document; the failed checks, hard ones first, in document order.

    ``podcast`` applies the Apple/Spotify/Podcasting 2.0 presence rules as hard rules.
    ``images`` (optional) returns an image's bytes for the artwork size checks; ``now``
    (optional, aware) enables ``rss.dates.not-future``.
    """
    r = _Report(podcast)
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head in (b"{", b"["):
        _lint_json(r, data)
        if podcast:
            r.add("podcast.format", HARD, "podcast apps read RSS 2.0, not JSON Feed")
        return _ordered(r.results)
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        r.add("xml.wellformed", HARD, f"not well-formed XML: {exc}")
        return r.results
    if root.tag == "rss":
        _lint_rss(r, root, data, images, now)
    elif root.tag == _q(ATOM, "feed"):
        _lint_atom(r, root)
        if podcast:
            r.add("podcast.format", HARD, "podcast apps read RSS 2.0, not Atom")
    else:
        r.add("feed.format", HARD, f"root element {root.tag!r} is not rss or an Atom feed")
    return _ordered(r.results)


def _ordered(results: list[LintResult]) -> list[LintResult]:
    return sorted(results, key=lambda x: x.severity != HARD)


def has_hard(results: list[LintResult]) -> bool:
    """True when any result is a hard failure."""
    return any(x.severity == HARD for x in results)


def grouped(results: list[LintResult]) -> Iterator[tuple[str, str, list[LintResult]]]:
    """``(rule, severity, results)`` per failed rule, in first-seen order."""
    seen: dict[tuple[str, str], list[LintResult]] = {}
    for x in results:
        seen.setdefault((x.rule, x.severity), []).append(x)
    for (rule, severity), xs in seen.items():
        yield rule, severity, xs


def format_text(results: list[LintResult]) -> list[str]:
    """One line per failed rule: ``hard apple.channel.explicit: channel: message; ...``."""
    lines = []
    for rule, severity, xs in grouped(results):
        details = "; ".join(f"{x.where}: {x.message}" for x in xs)
        lines.append(f"{severity} {rule}: {details}")
    return lines


def summary_line(results: list[LintResult]) -> str:
    """``2 hard, 1 soft failure(s) in 3 rules`` or ``all rules passed``."""
    if not results:
        return "all rules passed"
    hard = sum(1 for x in results if x.severity == HARD)
    soft = len(results) - hard
    rules = len({x.rule for x in results})
    return f"{hard} hard, {soft} soft failure{'s' if len(results) != 1 else ''} in {rules} rule" + (
        "s" if rules != 1 else ""
    )
