"""RSS 1.0 (RDF Site Summary): still published by some blogs and wikis; checked for the
essentials readers need (channel title/link/description, item title and absolute link)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from pipeline.feedcheck.rules import HARD, Report, is_absolute, qname, text_of

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RSS1 = "http://purl.org/rss/1.0/"


def lint_rdf(r: Report, root: ET.Element) -> None:
    channel = root.find(qname(RSS1, "channel"))
    if channel is None:
        r.add("rss.channel.required", HARD, "RSS 1.0 document without a channel")
        return
    for tag in ("title", "link", "description"):
        if not text_of(channel.find(qname(RSS1, tag))):
            r.add("rss.channel.required", HARD, f"channel has no {tag}")
    for n, item in enumerate(root.findall(qname(RSS1, "item")), 1):
        where = f"item {n}"
        if not text_of(item.find(qname(RSS1, "title"))):
            r.add("rss.item.title-or-description", HARD, "item has no title", where)
        link = text_of(item.find(qname(RSS1, "link")))
        if not link or not is_absolute(link):
            r.add("rss.item.link-absolute", HARD, f"item link {link!r} is not absolute", where)
