"""Plain, readable HTML pages at each item's permalink, for communities with no other site,
so no link in a feed or a digest leads nowhere."""

from __future__ import annotations

import datetime as dt
import functools
import html
from urllib.parse import unquote, urlsplit

from pipeline.config import Config
from pipeline.model import Item
from pipeline.support.recurrence import next_dates, repeat_text

_STYLE = (
    "body{font:18px/1.6 Georgia,serif;max-width:42rem;margin:2rem auto;padding:0 1rem;"
    "color:#222;background:#fff}img{max-width:100%;height:auto}"
    "a{color:#0b5cad}.meta{color:#666;font-size:.9em}"
    "blockquote{margin:1rem 0;padding:.5rem 1rem;border-left:4px solid #ccc;background:#f7f7f7}"
    ".hint-info{border-color:#3b82f6}.hint-warning{border-color:#f59e0b}"
    ".hint-danger{border-color:#ef4444}.hint-success{border-color:#10b981}"
    "figure.embed{margin:1rem 0}"
    "@media (prefers-color-scheme: dark){body{background:#111;color:#ddd}"
    "a{color:#7ab7ff}blockquote{background:#1c1c1c}}"
)


@functools.lru_cache(maxsize=8)
def _origin_and_base(base_url: str) -> tuple[str, str]:
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}", parts.path.rstrip("/")


def page_path(cfg: Config, url: str) -> str | None:
    """Output path (relative to the output folder) of a page URL under the site's base URL."""
    origin, base = _origin_and_base(cfg.site.base_url)
    if url.startswith(origin + base + "/") and "?" not in url and "#" not in url and "%" not in url:
        path = url[len(origin) :]  # a plain URL on the site: no parsing needed
    else:
        path = unquote(urlsplit(url).path)
    if not path.startswith(base + "/") and path != base:
        return None
    rel = path[len(base) :].lstrip("/")
    if not rel or rel.endswith("/"):
        rel += "index.html"
    wrapped = f"/{rel}/"
    if "/./" in wrapped or "/../" in wrapped:
        return None
    return rel


def render_page(
    cfg: Config, item: Item, now: dt.datetime | None = None, revised: dt.datetime | None = None
) -> bytes:
    """An item's page; a repeating event's lists its next dates at ``now`` (when given);
    "Last updated" is its ``updated:``, else ``revised`` (its latest meaningful revision)."""
    e = html.escape
    meta = []
    if item.date and item.kind != "page":
        meta.append(item.date.strftime("%d %B %Y"))
    last = item.updated or revised
    if last is not None and (item.date is None or last.date() > item.date.date()):
        meta.append(f"Last updated {last.day} {last:%B %Y}")
    if item.authors:
        meta.append(", ".join(item.authors))
    audio = ""
    if item.episode:
        a = item.episode.audio
        audio = f'<audio controls preload="none" src="{e(a.url)}"></audio>\n'
    event = ""
    if item.event:
        ev = item.event
        when = (
            repeat_text(ev)
            if ev.repeat
            else ev.starts.strftime("%A %d %B %Y" if ev.all_day else "%A %d %B %Y, %H:%M %Z")
        )
        event = f'<p class="meta">When: {e(when)}'
        if ev.location:
            event += f" · Where: {e(ev.location)}"
        event += "</p>\n"
        if ev.repeat and now is not None:
            dates = next_dates(ev, now)
            event += (
                '<p class="meta next">Next: ' + e("; ".join(dates)) + "</p>\n"
                if dates
                else '<p class="meta next">No dates to come.</p>\n'
            )
    tags = "".join(f" <span>#{e(t)}</span>" for t in item.tags)
    doc = f"""<!doctype html>
<html lang="{e(cfg.site.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(item.title)} · {e(cfg.site.title)}</title>
<link rel="canonical" href="{e(item.url)}">
<link rel="alternate" type="application/rss+xml" title="{e(cfg.site.title)}"
 href="{e(cfg.feeds_base)}rss.xml">
<meta name="description" content="{e(item.description or "")}">
<style>{_STYLE}</style>
</head>
<body>
<p><a href="{e(cfg.site.base_url)}">{e(cfg.site.title)}</a></p>
<article>
<h1>{e(item.title)}</h1>
<p class="meta">{e(" · ".join(meta))}{tags}</p>
{event}{audio}{item.html}
</article>
</body>
</html>
"""
    return doc.encode("utf-8")
