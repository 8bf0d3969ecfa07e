"""The files every site has besides its pages: ``sitemap.xml`` (with ``lastmod``) and
``robots.txt`` pointing at it."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.model import Item
from pipeline.syndication.xmlwrite import escape


def _loc(base: str, rel: str) -> str:
    return base + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


def sitemap_xml(base: str, pages: Sequence[tuple[str, Item]], lists: Sequence[str]) -> bytes:
    """Every item page (``lastmod`` from ``updated``, else ``date``) but those not to be
    indexed (:attr:`~pipeline.model.Item.indexed`), and every list page, sorted by URL (the
    same content gives the same bytes)."""
    rows: list[tuple[str, str]] = []
    for rel, item in pages:
        if not item.indexed or not item.listed:  # Hugo's build.list "never": in no list
            continue
        stamp = item.updated or item.date
        rows.append((_loc(base, rel), stamp.date().isoformat() if stamp else ""))
    rows.extend((_loc(base, rel), "") for rel in lists)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>']
    lines.append('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')
    for loc, lastmod in sorted(rows):
        extra = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
        lines.append(f"<url><loc>{escape(loc)}</loc>{extra}</url>")
    lines.append("</urlset>\n")
    return "\n".join(lines).encode("utf-8")


def robots_txt(base: str) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n".encode()
