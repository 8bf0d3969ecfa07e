"""Reading the feeds feed-diff compares: RSS 2.0 (and 1.0), Atom 1.0 and JSON Feed 1.x into
:class:`Feed` records of the items a subscriber's reader identifies and shows, with the
standard library only (expat refuses entity expansion bombs; a document in another encoding
is read in the one it declares: :mod:`pipeline.support.xmlbytes`; as apps and the importer
read them, a feed that uses ``itunes:`` without declaring it, or declares itself after blank
lines, is read too). A file is read as
:func:`pipeline.support.fetch.read_file` reads one: a regular file, up to a size cap. A JSON
Feed's lone surrogates (``"\\ud800"``, legal JSON, no text) become U+FFFD as it is read, so no
output meets one.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin
from xml.parsers import expat

from pipeline.errors import ContentError, Problem
from pipeline.feedcheck.rules import inner_base
from pipeline.support import fetch, jsontext
from pipeline.support.dates import read_date
from pipeline.support.paths import walk
from pipeline.support.text import replace_surrogates
from pipeline.support.xmlbytes import (
    XmlEncodingError,
    as_utf8,
    declaration_first,
    too_many_elements,
    too_many_message,
    with_prefixes,
)

_ATOM = "{http://www.w3.org/2005/Atom}"
_RSS1 = "{http://purl.org/rss/1.0/}"
_RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_UNBOUND_PREFIX = expat.errors.codes[expat.errors.XML_ERROR_UNBOUND_PREFIX]
_SUFFIXES = (".xml", ".rss", ".atom", ".json")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
"""Where JSON text may give a lone surrogate: only a ``\\u`` escape can (UTF-8 has none)."""


@dataclass(frozen=True)
class FeedItem:
    """One item of a feed as a subscriber's reader identifies and shows it."""

    guid: str
    title: str
    link: str
    date: datetime | None
    """Publication date, timezone-aware; ``None`` when absent or unreadable."""
    enclosure: str = ""
    """URL of the item's enclosure (a podcast episode's audio); '' when none."""
    details: tuple[tuple[str, str], ...] = ()
    """What a podcast app shows of the episode beside its audio, as :func:`media_details`
    reads it: its size and type, duration, season and number, explicit flag."""


DETAILS = ("length", "type", "duration", "season", "episode", "explicit", "episodeType", "title")
"""The enclosure's length and type, then ``itunes:`` elements (``title``: the title Apple
shows, ``itunes:title``)."""
_ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
_EXPLICIT = {"yes": "true", "true": "true", "explicit": "true", "no": "false", "false": "false"}
_EXPLICIT["clean"] = "false"


def media_details(*values: str) -> tuple[tuple[str, str], ...]:
    """The :data:`DETAILS` of an episode, each as written but for the duration (in seconds:
    ``00:41:01`` is ``2461``) and the explicit flag (``yes``/``explicit`` is ``true``)."""
    found = dict(zip(DETAILS, (v.strip() for v in values), strict=True))
    for name in ("length", "season", "episode"):  # "05" is 5, as apps read the number
        found[name] = _number(found[name])
    found["duration"] = _seconds(found["duration"])
    found["explicit"] = _EXPLICIT.get(found["explicit"].lower(), found["explicit"])
    found["type"] = found["type"].lower()  # a media type's case means nothing
    found["episodeType"] = found["episodeType"].lower() or "full"  # Apple's default
    found["title"] = " ".join(found["title"].split())
    return tuple(found.items())


def _number(text: str) -> str:
    """A whole number in ASCII digits without its leading zeros; anything else as written."""
    return str(int(text)) if text.isascii() and text.isdigit() and len(text) <= 18 else text


def _seconds(text: str) -> str:
    """``h:mm:ss``, ``mm:ss`` or seconds (``2461.0`` too) as a whole number of seconds; as
    written otherwise."""
    whole, dot, fraction = text.partition(".")
    if dot and whole and fraction and (whole + fraction).isascii() and set(fraction) == {"0"}:
        text = whole
    parts = text.split(":")
    if len(parts) > 3 or not all(p.isascii() and p.isdigit() and len(p) <= 9 for p in parts):
        return text
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + int(part)
    return str(seconds)


@dataclass(frozen=True)
class Feed:
    """A parsed feed: its kind (``rss``, ``atom`` or ``json``), title and items in order."""

    name: str
    kind: str
    title: str
    items: tuple[FeedItem, ...]


def _problem(path: Path | str, message: str, line: int = 1) -> ContentError:
    return ContentError([Problem(str(path), line, "feed", message)])


def _text(elem: ET.Element | None) -> str:
    return (elem.text or "").strip() if elem is not None else ""


def _date(raw: str) -> datetime | None:
    """The date a reader shows, read as the importer reads it (``GMT+2``, ``CET``, ``Sept``, a
    date without a time): :func:`pipeline.support.dates.read_date`."""
    return read_date(raw)[0]


def _rss_item(elem: ET.Element) -> FeedItem:
    link = _text(elem.find("link"))
    found = elem.find("enclosure")
    enclosure = (found.get("url") or "").strip() if found is not None else ""
    # without a GUID, podcast apps key an episode by its enclosure URL, readers by the link
    guid = _text(elem.find("guid")) or enclosure or link
    raw_date = _text(elem.find("pubDate")) or _text(elem.find(f"{_DC}date"))
    size = mime = ""
    if found is not None:
        size, mime = found.get("length") or "", found.get("type") or ""
    details = media_details(size, mime, *(_text(elem.find(_ITUNES + n)) for n in DETAILS[2:]))
    title = _text(elem.find("title"))
    return FeedItem(guid, title, link, _date(raw_date), enclosure, details)


def _rss1_item(elem: ET.Element) -> FeedItem:
    link = _text(elem.find(f"{_RSS1}link"))
    guid = elem.get(f"{_RDF}about", "") or link
    title = _text(elem.find(f"{_RSS1}title"))
    return FeedItem(guid, title, link, _date(_text(elem.find(f"{_DC}date"))))


def _resolved(base: str, elem: ET.Element) -> str:
    """``elem``'s ``href`` as a reader follows it: against the ``xml:base`` in force."""
    href = elem.get("href", "").strip()
    here = inner_base(base, elem)
    try:
        return urljoin(here, href) if here else href
    except ValueError:  # no URL a reader could follow either: compared as written
        return href


def _atom_entry(elem: ET.Element, feed_base: str = "") -> FeedItem:
    link = enclosure = ""
    base = inner_base(feed_base, elem)
    for candidate in elem.findall(f"{_ATOM}link"):
        rel = candidate.get("rel", "alternate")
        if rel == "alternate" and not link:
            link = _resolved(base, candidate)
        elif rel == "enclosure" and not enclosure:
            enclosure = _resolved(base, candidate)
    raw_date = _text(elem.find(f"{_ATOM}published")) or _text(elem.find(f"{_ATOM}updated"))
    title = _text(elem.find(f"{_ATOM}title"))
    return FeedItem(_text(elem.find(f"{_ATOM}id")), title, link, _date(raw_date), enclosure)


def _json_item(obj: Mapping[str, Any]) -> FeedItem:
    def get(key: str) -> str:
        value = obj.get(key)
        return str(value).strip() if value is not None else ""

    link = get("url")
    attachments = obj.get("attachments")
    first = attachments[0] if isinstance(attachments, list) and attachments else None
    enclosure = str(first.get("url") or "").strip() if isinstance(first, dict) else ""
    return FeedItem(get("id") or link, get("title"), link, _date(get("date_published")), enclosure)


def read_tree(data: bytes) -> tuple[ET.Element, tuple[str, ...]]:
    """The root element of ``data`` (in expat's encoding, its declaration moved first:
    :func:`~pipeline.support.xmlbytes.declaration_first`) as apps and the importer read it: a
    prefix of :data:`~pipeline.support.xmlbytes.KNOWN_PREFIXES` it uses without declaring it
    (``itunes:``) is read as declared; those prefixes come back beside the root (``()``: none).
    Raises :class:`ET.ParseError` as :func:`ET.fromstring` does."""
    try:
        return ET.fromstring(data), ()
    except ET.ParseError as exc:
        if exc.code != _UNBOUND_PREFIX:
            raise
        declared, missing = with_prefixes(data)
        if not missing:
            raise
    return ET.fromstring(declared), missing


def _parse_xml(data: bytes, name: str, path: Path | str) -> Feed | None:
    try:
        data = as_utf8(declaration_first(data), web=True)  # read as the importer reads it
    except XmlEncodingError as exc:
        raise _problem(path, str(exc)) from None
    if too_many_elements(data):
        raise _problem(path, too_many_message())
    try:
        root = read_tree(data)[0]
    except ET.ParseError as exc:
        raise _problem(path, f"not well-formed XML: {exc}", exc.position[0]) from None
    if root.tag == "rss":
        channel = root.find("channel")
        if channel is None:
            raise _problem(path, "RSS without a <channel>")
        items = tuple(_rss_item(i) for i in channel.findall("item"))
        return Feed(name, "rss", _text(channel.find("title")), items)
    if root.tag == f"{_ATOM}feed":
        base = inner_base("", root)
        entries = tuple(_atom_entry(e, base) for e in root.findall(f"{_ATOM}entry"))
        return Feed(name, "atom", _text(root.find(f"{_ATOM}title")), entries)
    if root.tag == f"{_RDF}RDF":
        channel = root.find(f"{_RSS1}channel")
        items = tuple(_rss1_item(i) for i in root.findall(f"{_RSS1}item"))
        return Feed(
            name,
            "rss",
            _text(channel.find(f"{_RSS1}title") if channel is not None else None),
            items,
        )
    return None


def read_json(text: str) -> Any:
    """``jsontext.loads(text)`` with every lone surrogate in its strings and keys replaced by
    U+FFFD (a pair is one character once decoded): printed or written as UTF-8, such a string
    raises. Iterative, so nesting as deep as the decoder reads is cleaned too."""
    doc = jsontext.loads(text)
    if _SURROGATE_ESCAPE.search(text) is None:
        return doc
    if isinstance(doc, str):
        return replace_surrogates(doc)
    stack: list[Any] = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            pairs: Any = enumerate(node)
        elif isinstance(node, dict):
            if any(replace_surrogates(key) != key for key in node):
                cleaned = {replace_surrogates(key): value for key, value in node.items()}
                node.clear()
                node.update(cleaned)
            pairs = list(node.items())
        else:
            continue
        for key, value in pairs:
            if isinstance(value, str):
                node[key] = replace_surrogates(value)
            else:
                stack.append(value)
    return doc


def _parse_json(data: bytes, name: str, path: Path | str) -> Feed | None:
    try:
        doc = read_json(data.decode("utf-8-sig"))
    except jsontext.NestedTooDeep as exc:
        raise _problem(path, str(exc)) from None
    except (ValueError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", 1)
        raise _problem(path, f"not valid JSON: {exc}", line) from None
    if not isinstance(doc, dict) or not str(doc.get("version", "")).startswith(
        "https://jsonfeed.org/version/"
    ):
        return None
    raw_items = doc.get("items") or []
    if not isinstance(raw_items, list):
        raise _problem(path, "JSON Feed 'items' is not a list")
    items = tuple(_json_item(i) for i in raw_items if isinstance(i, dict))
    return Feed(name, "json", str(doc.get("title", "")), items)


def parse_feed(data: bytes, name: str, path: Path | str = "") -> Feed | None:
    """Parse RSS, Atom or JSON Feed bytes; ``None`` when the document is not a feed at all
    (an OPML list, a sitemap, a manifest). Malformed XML or JSON is a :class:`ContentError`."""
    where = path or name
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):  # a BOM too
        return _parse_json(data, name, where)
    return _parse_xml(data, name, where)


def read_feed(path: Path, name: str | None = None) -> Feed | None:
    """The feed in the file ``path`` (None when it is no feed); a path that is no regular
    file (a named pipe would block for ever), or a file over the cap on any feed read
    (:data:`pipeline.support.fetch.MAX_BYTES`), is a :class:`ContentError` naming it."""
    try:
        data = fetch.read_file(path, max_bytes=fetch.MAX_BYTES)
    except fetch.UnreadableFile as exc:
        raise _problem(path, f"cannot read: {exc.reason}") from None
    return parse_feed(data, name or path.name, path)


def find_feeds(root: Path) -> dict[str, Feed]:
    """Every feed under ``root`` (a folder) keyed by its path relative to ``root``, or the one
    feed ``root`` names (keyed by its file name). Hidden files and folders are skipped."""
    if not root.is_dir():  # a file; or a pipe or a device, which read_feed refuses
        feed = read_feed(root)
        if feed is None:
            raise _problem(root, "not an RSS, Atom or JSON feed")
        return {feed.name: feed}
    found: dict[str, Feed] = {}
    problems: list[Problem] = []
    for dirpath, dirnames, filenames in walk(root):  # any depth (os.walk recursed)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for filename in sorted(filenames):
            if filename.startswith(".") or not filename.endswith(_SUFFIXES):
                continue
            path = Path(dirpath) / filename
            name = path.relative_to(root).as_posix()
            try:
                feed = read_feed(path, name)
            except ContentError as exc:
                problems.extend(exc.problems)
                continue
            if feed is not None:
                found[name] = feed
    if problems:
        raise ContentError(problems)
    return found
