"""The rule table, the result type and the checks every feed format shares.

:data:`RULES` names every rule id the linter can report; :class:`Report` collects the
:class:`LintResult` of each failed check. The helpers here (absolute URLs, HTML inside a feed,
RFC 822 dates, artwork, element lookup) are used by more than one format's rules.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from pipeline.podcast import artwork
from pipeline.support.dates import read_date, rfc822_datetime, year_as_written
from pipeline.support.paths import url_error
from pipeline.support.text import find_all

HARD = "hard"
SOFT = "soft"

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
NAMESPACE_ALIASES = {
    ITUNES.lower(): ITUNES,
    "https://www.itunes.com/dtds/podcast-1.0.dtd": ITUNES,
    PODCAST.lower(): PODCAST,
    "https://github.com/podcastindex-org/podcast-namespace/blob/main/docs/1.0.md": PODCAST,
}
"""Namespace URIs real feeds bind (lower-cased) -> the one the rules use: Apple's in another
case or over https, the Podcasting 2.0 spec's legacy GitHub URI (which clients must accept)."""
ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
JSONFEED_VERSION = "https://jsonfeed.org/version/1.1"
APPLE_MEDIA_TYPES = frozenset(
    {"audio/mpeg", "audio/x-m4a", "video/mp4", "video/quicktime", "video/x-m4v", "application/pdf"}
)

RULES: dict[str, str] = {
    "xml.encoding": "the document is in a known text encoding (its declaration or BOM)",
    "xml.wellformed": "the document parses as XML",
    "xml.entities": "no entities declared in a DTD (hardened readers and the importer refuse it)",
    "feed.format": "the document is RSS 2.0, Atom 1.0 or JSON Feed",
    "podcast.format": "a podcast feed is RSS 2.0",
    "rss.version": '<rss version="2.0"> with exactly one <channel>',
    "rss.channel.required": "channel title, link and description",
    "rss.channel.language": "channel language (ISO 639)",
    "rss.channel.link-absolute": "channel link is an absolute URL",
    "rss.channel.atom-self": 'atom:link rel="self" with an absolute href (advice)',
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
    "apple.channel.itunes-image": (
        "one itunes:image: .jpg/.jpeg/.png URL, JPEG/PNG, RGB, 1400–3000 px square"
    ),
    "apple.item.itunes-image": "episode itunes:image follows the channel artwork rules",
    "apple.channel.category": "itunes:category from Apple's list",
    "apple.channel.explicit": "channel itunes:explicit is true or false",
    "apple.item.explicit": "item itunes:explicit is true or false",
    "apple.channel.author": "itunes:author is present",
    "apple.channel.type": (
        "itunes:type episodic/serial; serial needs itunes:episode on every full episode"
    ),
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
    "p20.single-count": "tags allowed once appear once (funding, location, person: many)",
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

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$")
_URL_ATTR = re.compile(
    r"""\b(?:[hH][rR][eE][fF]|[sS][rR][cC](?P<set>[sS][eE][tT])?|[pP][oO][sS][tT][eE][rR])"""
    r"""\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))"""
)
"""A URL attribute, any case (spelt out: a quarter faster than re.I on a 1,000-episode feed);
``srcset`` (group ``set``) holds a list of URLs."""
_ACTIVE = re.compile(r"<\s*(?:script|iframe|object|embed)\b|\son[a-z]+\s*=|javascript:", re.I)
_ACTIVE_TAG = re.compile(r"<\s*(?:script|iframe|object|embed)\b", re.I)
_FOLDS_TO_ASCII = "\u017f\u212a\u0131\u0130"
"""Characters re.IGNORECASE matches to an ASCII letter although ``lower()`` does not."""
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


PLATFORM_RULES = ("apple.", "spotify.", "p20.")
"""The rule families of Apple Podcasts, Spotify and Podcasting 2.0: hard only for a podcast
feed (``--podcast``). Readers and apps read a feed whatever these tags hold (an ``itunes:explicit``
of ``yes``, a pre-2019 category, ``00:60:05``), so elsewhere their failures are advice."""


class Report:
    """Collects results; ``podcast`` decides the severity of the podcast rules: hard for a
    podcast feed, soft (advice) otherwise (see :data:`PLATFORM_RULES` and :meth:`need`)."""

    def __init__(self, podcast: bool, soft: bool = True) -> None:
        self.podcast = podcast
        self.soft = soft
        """False: only hard results are wanted (a check that can only find soft ones is
        skipped)."""
        self.results: list[LintResult] = []
        self.platforms = True
        """False for a feed that is no podcast (no enclosure, no ``itunes:`` or ``podcast:``
        tag) checked without ``podcast``: the platform rules are not its business."""

    def add(self, rule: str, severity: str, message: str, where: str = "feed") -> None:
        """Record a failed check; ``severity`` is what it is for a podcast feed: a hard
        failure of an Apple, Spotify or Podcasting 2.0 rule is soft without ``podcast``."""
        assert rule in RULES, rule
        if not self.podcast and rule.startswith(PLATFORM_RULES):
            if not self.platforms:
                return
            severity = SOFT
        if severity == HARD or self.soft:
            self.results.append(LintResult(rule, severity, message, where))

    def need(self, rule: str, message: str, where: str = "feed") -> None:
        """A presence rule: hard for a podcast feed, soft otherwise."""
        self.add(rule, HARD if self.podcast else SOFT, message, where)


def is_absolute(url: str) -> bool:
    """An http(s) URL with a host (``http://example.c[o.test/``, which no parser takes, is
    not: the rule that asks says so)."""
    url = url.strip()
    if url_error(url) is not None:
        return False
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _in_tag(markup: str, at: int) -> bool:
    """Whether position ``at`` is inside a tag (``<a href=...``), not in text: ``src=lib``
    in prose, or ``&lt;img src="cat.png"&gt;`` in a code sample, links nothing. The name
    must also start an attribute (a blank before it: ``data-src`` is another attribute).
    The definition; :class:`_TagScan` answers it for every attribute of a text in one pass."""
    return (
        at > 0
        and markup[at - 1] in " \t\r\n"
        and markup.rfind("<", 0, at) > markup.rfind(">", 0, at)
    )


class _TagScan:
    """:func:`_in_tag` for positions met in ascending order: the last ``<`` and ``>`` before
    the position are carried forward, so the text is read once (looking back to its start
    for each attribute was quadratic: 400,000 `` href=a`` in a description took 10 s)."""

    def __init__(self, markup: str) -> None:
        self.markup = markup
        self.seen = 0
        """How much of the text the last ``<`` and ``>`` are known for."""
        self.last_open = self.last_close = -1

    def inside(self, at: int) -> bool:
        markup = self.markup
        if at < self.seen:  # not ascending: start again
            self.seen, self.last_open, self.last_close = 0, -1, -1
        if at > self.seen:
            found = markup.rfind("<", self.seen, at)
            self.last_open = found if found >= 0 else self.last_open
            found = markup.rfind(">", self.seen, at)
            self.last_close = found if found >= 0 else self.last_close
            self.seen = at
        return at > 0 and markup[at - 1] in " \t\r\n" and self.last_open > self.last_close


def _url_attrs(markup: str, low: str) -> Iterator[re.Match[str]]:
    """``_URL_ATTR.finditer(markup)``, four times as fast: the regex is tried only where one
    of the names starts (found by ``str.find`` in a lower-cased copy), not at every
    position. ``low`` is ``markup.lower()``; when its length differs (some characters
    lower-case to two) the regex scans as before."""
    tags = _TagScan(markup)
    if len(low) != len(markup):
        yield from (m for m in _URL_ATTR.finditer(markup) if tags.inside(m.start()))
        return
    end = 0
    for at in find_all(low, ("href", "src", "poster")):
        if at < end:
            continue
        m = _URL_ATTR.match(markup, at)
        if m and tags.inside(at):
            yield m
            end = m.end()


_HANDLER = re.compile(r"(?<=\s)on[a-z]++\s*+=")
"""An on* handler after a blank: the lookbehind starts the regex only there (tried at each
"on" of "onononon..." it read every word to its end: quadratic)."""


def _has_active(markup: str, low: str) -> bool:
    """``_ACTIVE.search(markup) is not None``, without scanning every position: each of its
    alternatives needs a literal (a tag name, ``javascript:``, whitespace + ``on``) that
    ``str.find`` locates in ``low`` (``markup.lower()``) first."""
    if len(low) != len(markup) or any(c in markup for c in _FOLDS_TO_ASCII):
        return _ACTIVE.search(markup) is not None
    if "javascript:" in low:
        return True
    for tag in ("script", "iframe", "object", "embed"):
        at = low.find(tag)
        while at >= 0:
            before = at - 1
            while before >= 0 and low[before].isspace():
                before -= 1
            if before >= 0 and low[before] == "<" and _ACTIVE_TAG.match(markup, before):
                return True
            at = low.find(tag, at + 1)
    # an on* handler: whitespace, "on", letters, maybe blanks, then "="
    return _HANDLER.search(low) is not None


def srcset_urls(value: str) -> list[str]:
    """The URLs of a ``srcset`` (``a.png 1x, b.png 2x``) as HTML reads them: each candidate
    is a run of non-blanks (trailing commas not its own), then descriptors up to a comma."""
    out = []
    at, end = 0, len(value)
    while at < end:
        while at < end and (value[at].isspace() or value[at] == ","):
            at += 1
        start = at
        while at < end and not value[at].isspace():
            at += 1
        url = value[start:at]
        if url.endswith(","):
            url = url.rstrip(",")
        else:  # descriptors ("2x", "480w") up to the next candidate
            comma = value.find(",", at)
            at = end if comma < 0 else comma + 1
        if url:
            out.append(url)
    return out


def _relative(url: str) -> bool:
    """Whether a URL in HTML needs a base to be followed (a same-page ``#x`` and a ``//host``
    one need none a reader lacks)."""
    if not url or url.startswith(("#", "https://", "http://", "//")):
        return False
    return url_error(url) is not None or not urlsplit(url).scheme


_ABSOLUTE_VALUES = ('="https://', '="http://', '="#')
_NAME_LENGTH = {"h": 4, "s": 3, "p": 6}  # href, src, poster


def _plainly_absolute(markup: str, low: str) -> bool:
    """Each place a URL attribute's name may start is ``="`` and an absolute URL or ``#``, as
    the build writes them (a third of linting its podcast feed spared); else the scan says."""
    starts = find_all(low, ("href", "src", "poster")) if len(low) == len(markup) else None
    return starts is not None and all(
        low.startswith(_ABSOLUTE_VALUES, at + _NAME_LENGTH[low[at]]) for at in starts
    )


def html_links_relative(markup: str, low: str) -> list[str]:
    if _plainly_absolute(markup, low):
        return []
    out: list[str] = []
    for m in _url_attrs(markup, low):
        value = m.group(m.lastindex or 1)  # the one alternative that matched
        urls = srcset_urls(value) if m.group("set") else [value.strip()]
        out.extend(url for url in urls if _relative(url))
    return out


XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"


def inner_base(outer: str, el: ET.Element) -> str:
    """The base URI in force inside ``el``: its ``xml:base`` resolved against ``outer``, the
    one in force outside it (RFC 4287 section 2); readers resolve relative URLs against it."""
    own = el.get(XML_BASE)
    if own is None:
        return outer
    try:
        return urljoin(outer, own.strip())
    except ValueError:  # no URL at all: it resolves nothing
        return ""


def check_html(r: Report, markup: str, where: str, field: str, base: str = "") -> None:
    """Relative URLs (unless ``base``, an ``xml:base`` in force, is an absolute URL readers
    resolve them against) and active content in ``markup``."""
    low = markup.lower()  # both checks look for their literals in it
    relative = [] if is_absolute(base) else html_links_relative(markup, low)
    _report_html(r, where, field, relative, r.soft and _has_active(markup, low))


_ACTIVE_TAGS = frozenset(("script", "iframe", "object", "embed"))


def check_xhtml(r: Report, el: ET.Element, where: str, field: str, base: str = "") -> None:
    """:func:`check_html` for Atom's ``type="xhtml"`` content: its elements and attributes as
    parsed (each element's ``xml:base`` in force below it)."""
    relative: list[str] = []
    active = False
    stack = [(el, base)]
    while stack:
        node, outer = stack.pop()
        here = _same_host(outer, node)
        here = inner_base(outer, node) if here is None else here
        tag = node.tag.rpartition("}")[2].lower() if isinstance(node.tag, str) else ""
        active = active or tag in _ACTIVE_TAGS
        for name, value in node.attrib.items():
            local = name.rpartition("}")[2].lower()
            active = active or (local.startswith("on") and local[2:].isalpha())
            if local not in ("href", "src", "poster", "srcset"):
                continue
            urls = srcset_urls(value) if local == "srcset" else [value.strip()]
            active = active or any(u.lower().startswith("javascript:") for u in urls)
            if not is_absolute(here):
                relative.extend(u for u in urls if _relative(u))
        stack.extend((child, here) for child in reversed(node))  # in document order
    _report_html(r, where, field, relative, r.soft and active)


def _same_host(outer: str, node: ET.Element) -> str | None:
    """A base that stands for the one in force inside ``node`` when its ``xml:base`` is none
    or a relative path (``a/``) and ``outer`` parses: one with the scheme and host of the
    real one, all that decides whether a URL there is resolvable; None when it must be
    joined. Joined as it nests, ``<div xml:base="a/">`` 20,000 deep made a base URL as
    long, read again at each level: quadratic (10 s)."""
    own = node.get(XML_BASE)
    if own is None:
        return outer
    own = own.strip()
    if own.startswith("//"):
        return None
    try:
        parts = urlsplit(own)
        urlsplit(outer)  # one that does not parse resolves nothing (inner_base: "")
    except ValueError:
        return None
    if parts.scheme or parts.netloc:
        return None
    return outer if outer or not own else "./"  # joined to no base, a path is itself


def _report_html(r: Report, where: str, field: str, relative: list[str], active: bool) -> None:
    if relative:
        shown = ", ".join(repr(u) for u in relative[:3]) + (" ..." if len(relative) > 3 else "")
        r.add(
            "rss.html.absolute-urls",
            HARD,
            f"{field} has relative URLs ({shown}); readers cannot resolve them",
            where,
        )
    if active:
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
    return _real_date(text, m, value)


def rfc822_severity(value: str, podcast: bool = True) -> tuple[str, str] | None:
    """(severity, message) for a date that is not RFC 822: soft when readers parse it anyway
    (``UTC``, a one-digit hour, ``MAR``, ``Tuesday,``; outside a ``podcast`` feed a wrong
    weekday too, as readers go by the date), hard when they cannot."""
    problem = rfc822_problem(value)
    if problem is None:
        return None
    if _RFC822.match(" ".join(value.split())):
        wrong_weekday = parse_rfc822(value) is not None  # else not a real date (31 Feb)
        return (SOFT if wrong_weekday and not podcast else HARD), problem
    if parse_rfc822(value) is None:  # not even as apps read RFC 822 dates (GMT+2, Sept)
        return HARD, problem
    return SOFT, f"{problem}; most readers still parse it"


def _real_date(text: str, m: re.Match[str], value: str) -> str | None:
    parsed = rfc822_datetime(text)
    if parsed is None:
        return f"{value!r} is not a real date"
    if not year_as_written(text, parsed):  # "0001", read as 2001
        return f"{value!r}: readers take the year {m.group('y')} for {parsed.year}"
    if m.group("wd") and _WEEKDAYS[parsed.weekday()] != m.group("wd"):
        return f"{value!r}: the weekday should be {_WEEKDAYS[parsed.weekday()]}"
    return None


def parse_rfc822(value: str) -> datetime | None:
    """An RFC 822 date as the importer and apps read it (:func:`read_date`); None for an
    ISO 8601 one, which RSS does not allow."""
    try:
        datetime.fromisoformat(value.strip())
    except ValueError:
        return read_date(value)[0]
    return None


def image_checks(
    r: Report, rule: str, severity: str, href: str, where: str, images: ImageLoader | None
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


def qname(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def text_of(el: ET.Element | None) -> str:
    return (el.text or "").strip() if el is not None else ""
