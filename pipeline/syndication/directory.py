"""The feed directory: ``index.html`` for people who land on the feeds URL, and an OPML file
so a reader can subscribe to everything at once."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.config import Config
from pipeline.model import Item
from pipeline.syndication.xmlwrite import empty


@dataclass(frozen=True)
class FeedLink:
    title: str
    purpose: str
    url: str
    kind: str
    """``rss``, ``atom``, ``json``, ``podcast``, ``ics``."""


_STYLE = (
    "body { font: 16px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; "
    "padding: 0 1rem; }\ntable { border-collapse: collapse; width: 100%; }\n"
    "td, th { border-bottom: 1px solid #ddd; padding: .4rem; text-align: left; "
    "vertical-align: top; }"
)

TYPES = {
    "rss": "application/rss+xml",
    "atom": "application/atom+xml",
    "json": "application/feed+json",
    "podcast": "application/rss+xml",
    "ics": "text/calendar",
}


def render_index(cfg: Config, feeds: Sequence[FeedLink], home: Item | None = None) -> bytes:
    """The feed directory; when the site's home page lands here too, it comes first."""
    e = html.escape
    intro = f"<article>\n<h1>{e(home.title)}</h1>\n{home.html}</article>\n" if home else ""
    rows = []
    for f in feeds:
        subscribe = f.url
        if f.kind == "podcast":
            subscribe = "podcast://" + f.url.split("://", 1)[-1]
        elif f.kind == "ics":
            subscribe = "webcal://" + f.url.split("://", 1)[-1]
        rows.append(
            f"<tr><td>{e(f.title)}</td><td>{e(f.purpose)}</td><td>{e(f.kind.upper())}</td>"
            f'<td><a href="{e(f.url)}">{e(f.url)}</a></td>'
            f'<td><a href="{e(subscribe)}">Subscribe</a></td></tr>'
        )
    alternates = "".join(
        f'<link rel="alternate" type="{TYPES[f.kind]}" title="{e(f.title)}" href="{e(f.url)}">\n'
        for f in feeds
        if f.kind in ("rss", "atom", "json")
    )
    page = f"""<!doctype html>
<html lang="{e(cfg.site.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Feeds of {e(cfg.site.title)}</title>
{alternates}<style>
{_STYLE}
</style>
</head>
<body>
{intro}<h2 id="feeds">Feeds of {e(cfg.site.title)}</h2>
<p>Paste a feed's address into your feed reader, podcast app or calendar to follow
{e(cfg.site.title)}. RSS, Atom and JSON Feed carry the same items; pick whichever your reader
likes. <a href="{e(cfg.feeds_base)}feeds.opml">feeds.opml</a> subscribes to all of them at once.</p>
<table>
<thead><tr><th>Feed</th><th>What it carries</th><th>Format</th><th>Address</th><th></th>
</tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
<p><a href="{e(cfg.site.base_url)}">{e(cfg.site.base_url)}</a></p>
</body>
</html>
"""
    return page.encode("utf-8")


def render_opml(cfg: Config, feeds: Sequence[FeedLink]) -> bytes:
    outlines = "".join(
        "    "
        + empty(
            "outline",
            type="rss",
            text=f.title,
            title=f.title,
            xmlUrl=f.url,
            htmlUrl=cfg.site.base_url,
        )
        + "\n"
        for f in feeds
        if f.kind in ("rss", "podcast")
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<opml version="2.0">\n  <head>\n'
        f"    <title>{html.escape(cfg.site.title)} feeds</title>\n  </head>\n  <body>\n"
        f"{outlines}  </body>\n</opml>\n"
    ).encode()
