"""The Atom 1.0 rules: the feed and its entries."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from pipeline.feedcheck.rules import (
    ATOM,
    HARD,
    RFC3339,
    SOFT,
    Report,
    check_html,
    check_xhtml,
    inner_base,
    is_absolute,
    qname,
    text_of,
)


def lint_atom(r: Report, root: ET.Element) -> None:
    def a(tag: str) -> str:
        return qname(ATOM, tag)

    for tag in ("id", "title", "updated"):
        if not text_of(root.find(a(tag))):
            r.add("atom.feed.required", HARD, f"feed has no <{tag}>", "feed")
    if not any(link.get("rel") == "self" for link in root.findall(a("link"))):
        r.add("atom.feed.self", SOFT, 'no <link rel="self">', "feed")
    feed_author = root.find(a("author")) is not None
    feed_base = inner_base("", root)
    ids: dict[str, int] = {}
    dates = [("feed", root.find(a("updated")))]
    for n, entry in enumerate(root.findall(a("entry")), 1):
        where = f"entry {n}"
        for tag in ("id", "title", "updated"):
            if not text_of(entry.find(a(tag))):
                r.add("atom.entry.required", HARD, f"entry has no <{tag}>", where)
        base = inner_base(feed_base, entry)
        entry_id = text_of(entry.find(a("id")))
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
        for link in alternates[:1]:
            href = link.get("href", "").strip()
            if href and not is_absolute(href) and not is_absolute(inner_base(base, link)):
                message = f"entry link {href!r} is not absolute and no xml:base resolves it"
                r.add("rss.item.link-absolute", HARD, message, where)
        for tag in ("updated", "published"):
            dates.append((where, entry.find(a(tag))))
        for tag in ("content", "summary"):
            el = entry.find(a(tag))
            if el is not None and el.get("type") == "html" and el.text:
                check_html(r, el.text, where, tag, inner_base(base, el))
            elif el is not None and el.get("type") == "xhtml":
                check_xhtml(r, el, where, tag, base)
    for where, el in dates:
        value = text_of(el)
        if value and not RFC3339.match(value):
            r.add("atom.dates.rfc3339", HARD, f"{value!r} is not an RFC 3339 date", where)
