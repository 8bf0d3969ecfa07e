"""The entry point: detect a feed's format, run its rules, order and format the results."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime

from pipeline.feedcheck.atom import lint_atom
from pipeline.feedcheck.feedread import read_tree
from pipeline.feedcheck.jsonfeed import lint_json
from pipeline.feedcheck.rdf import RDF, lint_rdf
from pipeline.feedcheck.rss import lint_rss
from pipeline.feedcheck.rules import (
    ATOM,
    HARD,
    NAMESPACE_ALIASES,
    SOFT,
    ImageLoader,
    LintResult,
    Report,
    qname,
)
from pipeline.support.xmlbytes import (
    KNOWN_PREFIXES,
    XmlEncodingError,
    as_utf8,
    declaration_first,
    read_as_windows_1252,
    too_many_elements,
    too_many_message,
)

_NOT_FEEDS = {"ical": "an iCalendar file, not a feed", "opml": "an OPML outline, not a feed"}
"""Documents a site publishes beside its feeds, which ``lint-feed`` is sometimes pointed at."""
_OPML_ROOT = re.compile(
    rb"^(?:<\?[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>]*>|\s)*+<opml[\s>/]", re.S | re.I
)
"""An OPML root after a prolog; possessive: a comment's lazy end could run on into the next
comment, and every way of grouping the comments was tried (exponential)."""


def detect_format(data: bytes) -> str:
    """``json``, ``rss``, ``rss1``, ``atom``, ``ical``, ``opml`` or ``unknown`` (first bytes,
    then root element)."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:4096]
    if head[:1] in (b"{", b"["):
        return "json"
    other = _other_document(head)
    if other:
        return other
    try:
        root = read_tree(as_utf8(declaration_first(data)))[0]
    except (ET.ParseError, XmlEncodingError):
        return "unknown"
    kinds = {"rss": "rss", qname(ATOM, "feed"): "atom", qname(RDF, "RDF"): "rss1"}
    return kinds.get(root.tag, "unknown")


def _other_document(head: bytes) -> str:
    """``ical`` or ``opml`` when the first bytes (BOM and blanks stripped) say so, else ''.
    An OPML outline is named even when it is not well-formed: what it is comes first."""
    if head[:15].upper() == b"BEGIN:VCALENDAR":
        return "ical"
    return "opml" if _OPML_ROOT.match(head) else ""


def lint_feed(
    data: bytes,
    *,
    podcast: bool,
    images: ImageLoader | None = None,
    now: datetime | None = None,
    soft: bool = True,
) -> list[LintResult]:
    """Check a feed document; the failed checks, hard ones first, in document order.

    ``podcast`` applies the Apple/Spotify/Podcasting 2.0 rules (``apple.*``, ``spotify.*``,
    ``p20.*``: presence and values) as hard rules, and the RSS rules podcast apps need more
    strictly (a title on every item, ``length="0"``, a wrong weekday); without it those rules
    are advice (soft): apps read the feed anyway.
    ``images`` (optional) returns an image's bytes for the artwork size checks; ``now``
    (optional, aware) enables ``rss.dates.not-future``. ``soft`` False: the hard results only
    (what refuses a build's feed), soft-only checks skipped.
    """
    r = Report(podcast, soft)
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head in (b"{", b"["):
        lint_json(r, data)
        if podcast:
            r.add("podcast.format", HARD, "podcast apps read RSS 2.0, not JSON Feed")
        return _ordered(r.results)
    other = _other_document(data.lstrip(b"\xef\xbb\xbf \t\r\n")[:4096])
    if other:
        r.add("feed.format", HARD, _NOT_FEEDS[other])
        return r.results
    first = declaration_first(data)
    late = first is not data  # the same bytes when nothing was moved
    web = read_as_windows_1252(first)  # declared US-ASCII or ISO-8859-1, in windows-1252
    try:
        data = as_utf8(first, web=web)
    except XmlEncodingError as exc:
        r.add("xml.encoding", HARD, str(exc))
        return r.results
    if web:
        why = "declared US-ASCII or ISO-8859-1 but holds bytes 0x80-0x9f: read as windows-1252"
        r.add("xml.encoding", SOFT, why + " (as browsers and apps read it); write it in UTF-8")
    if too_many_elements(data):
        r.add("xml.wellformed", HARD, too_many_message())
        return r.results
    try:
        root, undeclared = read_tree(data)
    except ET.ParseError as exc:
        r.add("xml.wellformed", HARD, f"not well-formed XML: {exc}")
        return r.results
    _as_apps_read(r, late, undeclared)
    if _declares_entities(data):
        why = "the feed declares entities in a DTD (<!DOCTYPE … [<!ENTITY …]>): hardened XML "
        why += "readers and publish import refuse it; write the characters (&#160;) instead"
        r.add("xml.entities", SOFT, why)
    _canonical_namespaces(root)
    if root.tag == "rss":
        lint_rss(r, root, data, images, now)
    elif root.tag == qname(ATOM, "feed"):
        lint_atom(r, root)
        if podcast:
            r.add("podcast.format", HARD, "podcast apps read RSS 2.0, not Atom")
    elif root.tag == qname(RDF, "RDF"):
        lint_rdf(r, root)
        if podcast:
            r.add("podcast.format", HARD, "podcast apps read RSS 2.0, not RSS 1.0")
    else:
        r.add("feed.format", HARD, f"root element {root.tag!r} is not rss or an Atom feed")
    return _ordered(r.results)


def _declares_entities(data: bytes) -> bool:
    """Whether the document's DTD (before its first element) declares an entity."""
    doctype = data.find(b"<!DOCTYPE", 0, 65_536)
    if doctype < 0:
        return False
    bracket, close = data.find(b"[", doctype), data.find(b">", doctype)
    if bracket < 0 or close < bracket:  # <!DOCTYPE rss>: no declarations of its own
        return False
    subset_end = data.find(b"]", bracket)  # (a declaration's value holds no "]" unescaped)
    return data.find(b"<!ENTITY", bracket, subset_end if subset_end >= 0 else None) >= 0


def _as_apps_read(r: Report, late: bool, undeclared: tuple[str, ...]) -> None:
    """What apps and the importer read but an XML parser refuses (so strict readers, a
    browser's feed view, the W3C validator, fail on it): not well-formed (XML 1.0: the
    declaration comes first; Namespaces in XML: every prefix is declared), so hard; the
    rest of the feed is checked as apps read it."""
    if late:
        r.add(
            "xml.wellformed",
            HARD,
            "blank lines before <?xml ...?>: XML parsers refuse it; start the file with it",
        )
    if undeclared:
        names = ", ".join(f"{p}:" for p in undeclared)
        r.add(
            "xml.wellformed",
            HARD,
            f"{names} used but not declared; add "
            + " ".join(f'xmlns:{p}="{KNOWN_PREFIXES[p]}"' for p in undeclared)
            + " to <rss> (XML parsers refuse an unbound prefix)",
        )


def _canonical_namespaces(root: ET.Element) -> None:
    """Rename elements in a variant of a namespace (``DTDs`` for ``dtds``, the Podcasting 2.0
    legacy URI) to the URI the rules look for: apps read them the same."""
    for el in root.iter():
        tag = el.tag
        if isinstance(tag, str) and tag.startswith("{"):
            uri, _, local = tag[1:].partition("}")
            canonical = NAMESPACE_ALIASES.get(uri.lower())
            if canonical is not None and canonical != uri:
                el.tag = f"{{{canonical}}}{local}"


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


SHOWN_PER_RULE = 10
"""Failures a text line lists for its rule; the rest are counted (``--format json`` has all)."""


def format_text(results: list[LintResult]) -> list[str]:
    """One line per failed rule: ``hard apple.channel.explicit: channel: message; ...``,
    the first :data:`SHOWN_PER_RULE` failures, then ``and N more`` (a 730-episode feed's
    line was 74 KB)."""
    lines = []
    for rule, severity, xs in grouped(results):
        details = "; ".join(f"{x.where}: {x.message}" for x in xs[:SHOWN_PER_RULE])
        rest = len(xs) - SHOWN_PER_RULE
        if rest > 0:
            details += f"; and {rest} more (--format json lists every one)"
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
