"""Reading any RSS 2.0 (or 0.9x), RSS 1.0 (RDF), Atom 1.0 or JSON Feed 1.x (a blog, a
Substack or Ghost publication) into posts: each keeps its GUID/id (emitted again as it was),
its old link as an alias, its dates, authors, tags and full content where the feed has it.
Where FeedBurner rewrote an item's link to its proxy, ``feedburner:origLink`` is its link."""

from __future__ import annotations

import copy
import html
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pipeline.errors import Problem
from pipeline.importers.aliases import XML_BASE, based, keep_aliases, on_site, resolved
from pipeline.importers.buildable import fitting_tags, tags_notes
from pipeline.importers.common import (
    notes_body,
    parse_date,
    plain_summary,
    shown,
    slugs_for,
    source_values,
)
from pipeline.importers.dating import place_undated
from pipeline.importers.dropped import merged
from pipeline.importers.records import ImportedItem, ImportPlan, note
from pipeline.importers.relink import body_base
from pipeline.importers.showinfo import next_page, paged
from pipeline.importers.xmlsource import (
    ATOM,
    CONTENT,
    DC,
    FEEDBURNER,
    MEDIA,
    RDF,
    RSS1,
    parse_xml,
    q,
    text,
)
from pipeline.support import jsontext
from pipeline.support.dates import read_date
from pipeline.support.paths import is_url
from pipeline.support.text import plain as visible_text
from pipeline.syndication.search.tokens import summary_of

_ORDER = (
    "title",
    "date",
    "updated",
    "draft",
    "id",
    "guid",
    "guid_permalink",
    "description",
    "authors",
    "tags",
    "aliases",
)


class _Reader:
    def __init__(self, source: str, section: str, since: datetime | None) -> None:
        self.source = source
        self.section = section
        self.since = since
        self.notes: list[Problem] = []
        self.pending: list[tuple[int, dict[str, Any]]] = []
        self.seen: dict[str, str] = {}
        self.skipped = 0
        self.site = ""
        self.base = ""
        """The feed's own link (the old site): only item links on its host become aliases."""

    def add(
        self,
        line: int,
        guid: str,
        link: str,
        front: dict[str, Any],
        body: str,
        plain: bool | None = None,
        label: str = "",
        base: str = "",
        seen: str = "",
        content_base: str = "",
    ) -> None:
        """Check and keep one post (``front`` holds title, date and the rest). ``label``
        names it where a line does not (``items[3]`` of a JSON Feed); ``base`` resolves a
        relative ``link`` (the GUID of an item without one stays the link as written:
        ``seen``, the one readers saw, when ``link`` is FeedBurner's ``origLink``). The
        body's relative URLs are relative to ``content_base`` (an ``xml:base`` its entry or
        content declares), else to the post's link (on the feed's own site: a link post's
        points elsewhere), else to ``base``, else to the site's link."""

        def say(field: str, message: str) -> None:
            self.notes.append(note(self.source, line, f"{label} {field}".strip(), message))

        if not guid:
            if not (seen or link):
                say("id", "no id and no link: not imported")
                self.skipped += 1
                return
            say("id", "no id: its link is kept as GUID")
            guid = seen or link
        if guid in self.seen:
            say("id", f"duplicate of the item at {self.seen[guid]}: readers show one, not imported")
            self.skipped += 1
            return
        self.seen[guid] = label or f"line {line}"
        date = front.get("date")
        if isinstance(date, datetime) and self.since is not None and date < self.since:
            return
        if not front.get("title"):  # a Mastodon or Micro.blog post: its text's start
            start = summary_of(visible_text(body), TITLE_CHARS)
            front["title"] = start or link or guid
            say(
                "title",
                "missing: " + ("its text's start" if start else "its link") + " is the title",
            )
        if front.get("tags"):  # as the build takes them (a 300-character category is none)
            tags, long, over = fitting_tags(front.pop("tags"))
            front.update({"tags": tags} if tags else {})
            for message in tags_notes(long, over):
                say("tags", message)
        front["id"] = guid
        front["guid"] = guid
        link = resolved(link, base)
        front["_link"] = link
        front["_own"] = link if on_site(link, self.site) else ""  # a link post's is not
        front["_base"] = body_base(content_base, front["_own"], base, self.site)
        front["_where"] = label or line
        if not body.strip():
            say("content", "no content in the feed: a link to the old post is written as its body")
            title = html.escape(str(front["title"]))
            body = f'<p><a href="{html.escape(link)}">{title}</a></p>' if is_url(link) else guid
            plain = None
        front["_body"] = notes_body(body, plain=plain)
        self.pending.append((line, front))

    def plan(self) -> ImportPlan:
        self.skipped += place_undated(self.pending, self.source, self.notes, "date")
        olds = [(f.pop("_where"), str(f["title"]), str(f["_link"])) for _, f in self.pending]
        aliases, notes = keep_aliases(self.source, self.site, olds)
        self.notes.extend(notes)
        for (_, front), alias in zip(self.pending, aliases, strict=True):
            if alias:
                front["aliases"] = [alias]
        names = [(str(f["title"]), str(f["guid"]), str(f.pop("_link"))) for _, f in self.pending]
        items = []
        for (line, front), slug in zip(self.pending, slugs_for(names), strict=True):
            body, own, base = (str(front.pop(k)) for k in ("_body", "_own", "_base"))
            ordered = tuple((k, front[k]) for k in _ORDER if k in front)
            guid = str(front["guid"])
            item = ImportedItem(guid, self.section, slug, ordered, body, line, (), own, base)
            items.append(item)
        return ImportPlan(self.source, "feed", tuple(items), (), tuple(self.notes), self.skipped)


def _dates(front: dict[str, Any], published: str, updated: str) -> None:
    date = parse_date(published) or parse_date(updated)
    if date is not None:
        front["date"] = date
    changed = parse_date(updated)
    if changed is not None and date is not None and changed > date:
        front["updated"] = changed.isoformat()


def _rss(r: _Reader, root: ET.Element, line_of: Any) -> None:
    channel = root.find("channel")
    r.site = resolved(text(channel.find("link")) if channel is not None else "", r.base)
    for elem in channel.findall("item") if channel is not None else []:
        guid_elem = elem.find("guid")
        guid = text(guid_elem)
        permalink = (guid_elem.get("isPermaLink") or "") if guid_elem is not None else ""
        is_link = permalink.lower() == "true" or (not permalink and is_url(guid))
        _rss_item(r, elem, line_of(elem), "", guid, bool(guid) and is_link)


def _rdf(r: _Reader, root: ET.Element, line_of: Any) -> None:
    """RSS 1.0: the items beside the channel, in RSS 1.0's namespace, each known by its
    ``rdf:about`` (as feedparser and ``feed-diff`` know it), else by its link."""
    channel = root.find(q(RSS1, "channel"))
    r.site = resolved(text(channel.find(q(RSS1, "link"))) if channel is not None else "", r.base)
    for elem in root.findall(q(RSS1, "item")):
        guid = (elem.get(q(RDF, "about")) or "").strip()
        link = text(elem.find(q(RSS1, "link")))
        _rss_item(r, elem, line_of(elem), RSS1, guid, bool(guid) and guid == link)


def _rss_item(r: _Reader, elem: ET.Element, line: int, ns: str, guid: str, permalink: bool) -> None:
    """One RSS 2.0 (``ns`` empty) or RSS 1.0 item; ``permalink`` says its GUID is its link."""

    def find(local: str) -> ET.Element | None:
        return elem.find(q(ns, local) if ns else local)

    seen = text(find("link"))
    link = _original(elem) or seen
    front: dict[str, Any] = {"title": text(find("title"))}
    published = text(find("pubDate")) or text(elem.find(q(DC, "date")))
    _dates(front, published, "")
    if (zone := read_date(published)[1]) is not None:
        r.notes.append(note(r.source, line, "pubDate", zone))
    if permalink:
        front["guid_permalink"] = True
    authors = [text(a) for a in elem.findall(q(DC, "creator"))] or [text(find("author"))]
    if any(authors):
        front["authors"] = [a for a in authors if a]
    categories = elem.findall(q(DC, "subject")) if ns else elem.findall("category")
    tags = [text(c) for c in categories if text(c)]
    if tags:
        front["tags"] = tags
    encoded, description = text(elem.find(q(CONTENT, "encoded"))), text(find("description"))
    summary = plain_summary(description, encoded) if encoded else None
    if summary:  # HTML without tags, as RSS gives it: WordPress's `[&#8230;]` is `[…]`
        front["description"] = html.unescape(summary)
    if find("enclosure") is not None:
        message = "not kept: episodes come in with `import podcast`"
        r.notes.append(note(r.source, line, "enclosure", message))
    body = _with_media(r, elem, line, encoded or description)
    r.add(line, guid, link, front, body, base=r.base or r.site, seen=seen)


def _with_media(r: _Reader, elem: ET.Element, line: int, body: str) -> str:
    """``body`` with the pictures of the item's ``media:content`` (a Mastodon post's
    photo, which its text does not hold) added at its end, each named; a picture the body
    already shows (Ghost's feature image) is not added again, and other media are named as
    not kept."""
    found = [*elem.findall(q(MEDIA, "content")), *elem.findall(f"{q(MEDIA, 'group')}/*")]
    for media in found:
        url = (media.get("url") or "").strip()
        if media.tag != q(MEDIA, "content") or not url or url in body:
            continue
        kind = (media.get("medium") or media.get("type") or "").split("/")[0].lower()
        if kind != "image":
            r.notes.append(note(r.source, line, "media:content", f"{shown(url)}: not kept"))
            continue
        alt = text(media.find(q(MEDIA, "description"))) or text(media.find(q(MEDIA, "title")))
        body += f'\n<p><img src="{html.escape(url)}" alt="{html.escape(alt)}"></p>'
        message = f"picture {shown(url)}, not in the post's text: added at its end"
        r.notes.append(note(r.source, line, "media:content", message))
    return body


TITLE_CHARS = 60
"""Longest title taken from the start of a post without one."""


def _original(elem: ET.Element) -> str:
    """The ``feedburner:origLink`` of an item or entry: its link before FeedBurner's proxy."""
    return text(elem.find(q(FEEDBURNER, "origLink")))


def _alternate(elem: ET.Element, base: str) -> tuple[str, str]:
    """The ``rel="alternate"`` link of an Atom feed or entry as written, and the base its
    ``href`` is relative to (``base`` and the link's own ``xml:base``)."""
    for candidate in elem.findall(q(ATOM, "link")):
        if candidate.get("rel", "alternate") == "alternate":
            return (candidate.get("href") or "").strip(), based(candidate, base)
    return "", base


def _atom(r: _Reader, root: ET.Element, line_of: Any) -> None:
    """Atom entries; a relative link is resolved against ``xml:base``, else the feed's own
    URL (where it was fetched, else its ``rel="self"`` link), as RFC 4287 reads it."""
    own = r.base
    for candidate in root.findall(q(ATOM, "link")):
        href = (candidate.get("href") or "").strip()
        if not own and candidate.get("rel") == "self" and is_url(href):
            own = href
    feed_base = based(root, own)
    site, site_base = _alternate(root, feed_base)
    r.site = resolved(site, site_base) or own
    for elem in root.findall(q(ATOM, "entry")):
        link, base = _alternate(elem, based(elem, feed_base))
        title = elem.find(q(ATOM, "title"))
        is_html = title is not None and title.get("type") == "html"
        front: dict[str, Any] = {"title": visible_text(text(title)) if is_html else text(title)}
        _dates(front, text(elem.find(q(ATOM, "published"))), text(elem.find(q(ATOM, "updated"))))
        authors = [text(a.find(q(ATOM, "name"))) for a in elem.findall(q(ATOM, "author"))]
        if any(authors):
            front["authors"] = [a for a in authors if a]
        tags = [c.get("term", "").strip() for c in elem.findall(q(ATOM, "category"))]
        if any(tags):
            front["tags"] = [t for t in tags if t]
        content = elem.find(q(ATOM, "content"))
        summary = elem.find(q(ATOM, "summary"))
        if content is None:
            content = summary
        elif summary is not None and summary.get("type", "text") == "text":
            kept = plain_summary(text(summary), text(content))
            if kept:
                front["description"] = kept
        body, declared, plain = "", "", None
        if content is not None:
            body = _xhtml(content) if content.get("type") == "xhtml" else text(content)
            # text unless it says html or xhtml (RFC 4287 3.1.1, as feedparser reads Atom):
            # read as HTML, an escaped "<script>" the author wrote about became one
            plain = content.get("type", "text") == "text" or None
            if elem.get(XML_BASE) or content.get(XML_BASE):  # the entry's own: it wins
                declared = based(content, based(elem, feed_base))
        guid, own = text(elem.find(q(ATOM, "id"))), _original(elem) or link
        if any(k.get("rel") == "enclosure" for k in elem.findall(q(ATOM, "link"))):
            message = "not kept: episodes come in with `import podcast`, from the show's RSS feed"
            r.notes.append(note(r.source, line_of(elem), "enclosure", message))
        r.add(
            line_of(elem),
            guid,
            own,
            front,
            body,
            plain,
            base=base,
            seen=link,
            content_base=declared,
        )


_XHTML = "http://www.w3.org/1999/xhtml"
_ROOT_XMLNS = {"svg": "http://www.w3.org/2000/svg", "math": "http://www.w3.org/1998/Math/MathML"}
"""The foreign roots HTML5 writes inline, and the ``xmlns`` it allows on them."""
_ATTR_PREFIXES = {
    "http://www.w3.org/1999/xlink": "xlink:",
    "http://www.w3.org/XML/1998/namespace": "xml:",
    "http://www.w3.org/2000/xmlns/": "xmlns:",
}
"""The namespaced attributes HTML5 spells with a prefix (``xlink:href``); any other keeps
its local name."""


def _split(tag: str) -> tuple[str, str]:
    """``(namespace, local name)`` of an ElementTree tag or attribute name."""
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return "", tag


def _plain(elem: ET.Element, parent_ns: str) -> None:
    """``elem`` and what it holds renamed as HTML5 writes them: every element by its local
    name (``svg``, ``rect``, ``math``), an SVG or MathML root keeping its ``xmlns``."""
    ns, local = _split(elem.tag)
    elem.tag = local
    attrs = {}
    for key, value in elem.attrib.items():
        attr_ns, attr = _split(key)
        attrs[_ATTR_PREFIXES.get(attr_ns, "") + attr] = value
    if ns != parent_ns and ns != _XHTML and _ROOT_XMLNS.get(local) == ns:
        attrs.setdefault("xmlns", ns)
    elem.attrib.clear()
    elem.attrib.update(attrs)
    for child in elem:
        if isinstance(child.tag, str):
            _plain(child, ns)


def _xhtml(content: ET.Element) -> str:
    """The HTML inside an Atom ``type="xhtml"`` content (its wrapping ``div`` dropped), with
    inline SVG and MathML written as HTML5 writes them, never as ``ns0:svg``."""
    holder = copy.deepcopy(content)
    for child in holder:
        if isinstance(child.tag, str):
            _plain(child, _XHTML)
    inner = holder[0] if len(holder) == 1 and holder[0].tag == "div" else holder
    parts = [html.escape(inner.text or "", quote=False)]
    parts.extend(ET.tostring(c, encoding="unicode", method="html") for c in inner)
    return "".join(parts)


def _names(obj: Mapping[str, Any]) -> list[str]:
    authors = obj.get("authors")
    if not isinstance(authors, list):
        authors = [obj.get("author")] if isinstance(obj.get("author"), dict) else []
    return [str(a["name"]).strip() for a in authors if isinstance(a, dict) and a.get("name")]


_JSON_KINDS = {dict: "an object", list: "a list", bool: "true or false"}
"""What a JSON value that is not text is, in words."""


def _text_of(r: _Reader, obj: Mapping[str, Any], key: str, label: str) -> str:
    """``obj[key]`` as text: a string, a number written out (ids often are); else "" and a
    note (a list or an object was written as Python shows it: ``['x']``, ``{'a': 1}``)."""
    value = obj.get(key)
    if value is None or isinstance(value, str):
        return value or ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    kind = _JSON_KINDS.get(type(value), "a value that is not text")
    r.notes.append(note(r.source, 1, f"{label} {key}", f"expected text, got {kind}: left out"))
    return ""


def _json(r: _Reader, doc: Mapping[str, Any]) -> None:
    feed_url = str(doc.get("feed_url") or "").strip()
    base = r.base or (feed_url if is_url(feed_url) else "")
    r.site = resolved(str(doc.get("home_page_url") or ""), base)
    items = doc.get("items")
    elsewhere: list[tuple[str, int | str]] = []
    attached: list[tuple[str, int | str]] = []
    for n, obj in enumerate(items if isinstance(items, list) else [], 1):
        if not isinstance(obj, dict):
            r.notes.append(note(r.source, 1, f"items[{n}]", "not an object: not imported"))
            r.skipped += 1
            continue
        label = f"items[{n}]"

        def get(key: str, obj: Mapping[str, Any] = obj, label: str = label) -> str:
            return _text_of(r, obj, key, label)

        front: dict[str, Any] = {"title": get("title").strip()}
        _dates(front, get("date_published"), get("date_modified"))
        if _names(obj):
            front["authors"] = _names(obj)
        tags = obj.get("tags")
        if isinstance(tags, list) and tags:
            if not all(isinstance(t, str) for t in tags):
                why = "a tag that is not text (null, a number, a list): left out"
                r.notes.append(note(r.source, 1, f"{label} tags", why))
            front["tags"] = [t for t in tags if isinstance(t, str) and t.strip()]
        body = get("content_html")
        plain = None
        if not body and (text_body := get("content_text")):
            body, plain = text_body, True
        if isinstance(obj.get("summary"), str) and (kept := plain_summary(obj["summary"], body)):
            front["description"] = kept
        picture = obj.get("image")
        if isinstance(picture, str) and picture.strip() and picture.strip() not in body:
            body = notes_body(body, plain=True) if plain else f"{body}\n"
            body, plain = f'{body}<p><img src="{html.escape(picture.strip())}" alt=""></p>', False
            why = f"picture {shown(picture.strip())}, not in the post's text: added at its end"
            r.notes.append(note(r.source, 1, f"items[{n}] image", why))
        if isinstance(obj.get("attachments"), list) and obj["attachments"]:
            attached.append(("item", f"items[{n}]"))
        guid, url = get("id").strip(), get("url").strip()
        external = obj.get("external_url")
        if isinstance(external, str) and external.strip() and external.strip() != url:
            elsewhere.append(("item", f"items[{n}]"))
        r.add(1, guid, url, front, body, plain, f"items[{n}]", base)
    if elsewhere:
        why = "no front-matter key holds the page a post links to: add it to the body by hand"
        r.notes.append(merged(r.source, "external_url", elsewhere, why))
    if attached:
        why = "episodes come in with `import podcast`; add them to the body by hand"
        r.notes.append(merged(r.source, "attachments", attached, why))


def read_feed(
    data: bytes,
    source: str,
    *,
    section: str = "essays",
    since: datetime | None = None,
    base: str = "",
) -> ImportPlan:
    """The posts of an RSS, Atom or JSON Feed document. XML items are reported at their
    line, JSON Feed items by their position (``items[n]``), a JSON Feed's text made what XML
    could hold (a lone ``\\ud800`` escape is U+FFFD, as browsers read it). ``base`` is the
    feed's own URL (where it was fetched): relative links are resolved against it."""
    r = _Reader(source, section, since)
    r.base = base
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):  # "[": JSON, no feed
        try:
            doc = source_values(jsontext.loads(data.decode("utf-8-sig")))
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValueError(f"not valid JSON: {exc}") from None
        if not isinstance(doc, dict) or not str(doc.get("version", "")).startswith(
            "https://jsonfeed.org/version/"
        ):
            raise ValueError("a JSON document that is not a JSON Feed")
        _json(r, doc)
        if isinstance(doc.get("next_url"), str) and doc["next_url"].strip():
            r.notes.append(note(source, 1, "next_url", paged(doc["next_url"].strip(), "posts")))
        return r.plan()
    parsed = parse_xml(data)
    channel = parsed.root.find("channel") if parsed.root.tag == "rss" else parsed.root
    if channel is not None and (page := next_page(channel, based(channel, base), "posts")):
        r.notes.append(note(source, parsed.line(page[0]), "atom:link", page[1]))
    if parsed.root.tag == "rss":
        _rss(r, parsed.root, parsed.line)
    elif parsed.root.tag == q(RDF, "RDF"):
        _rdf(r, parsed.root, parsed.line)
    elif parsed.root.tag == q(ATOM, "feed"):
        _atom(r, parsed.root, parsed.line)
    else:
        raise ValueError(
            f"root element {shown(parsed.root.tag)} is not an RSS (<rss>, RSS 1.0's <rdf:RDF>) "
            "or Atom (<feed>) feed"
        )
    return r.plan()
