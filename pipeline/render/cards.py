"""GitBook's cards: a table GitBook writes as ``<table data-view="cards">``, one card a row. Its
header says what each column is: ``data-hidden`` columns are not shown, ``data-card-target``
holds the page or URL the card opens, ``data-card-cover`` its cover image (a file link or an
``<img>``), ``data-type="content-ref"`` a link to a page, shown by the page's title. Written as
a table, the hidden columns showed file names (``email-builder.md``, ``cover.png``) and the
cover was a link, not an image.

Each row becomes ``<div class="card">``: its cover, its shown cells, and a link to its target
(the first cell when it holds no link of its own, so the whole card is one link as GitBook
makes it; else a link of its own, named by the target page's title). Runs on cmark's HTML
before the sanitizer, which then resolves the links as written and checks everything; a
table shaped otherwise (a table inside a cell, a row of another width) is left a table. One
pass of ``str.find`` over each table.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

MARK = 'data-view="cards"'
"""What a card table's opening tag holds, among its other attributes (``<table
data-card-size="large" data-view="cards" data-full-width="false">``)."""
_ATTR_URL = re.compile(r'\b(?:href|src)="([^"<>]*)"')

Titled = Callable[[str], "tuple[str, str] | None"]
"""A link target as written -> (source, title) of the page it names (PageContext.titled)."""


def cards(out: str, titled: Titled) -> str:
    """``out`` with each card table as cards."""
    parts: list[str] = []
    pos = 0
    while (start := out.find("<table", pos)) >= 0:
        tag_end = out.find(">", start)
        if tag_end < 0:
            break
        if MARK not in out[start:tag_end]:  # a table of another kind: read past its tag
            parts.append(out[pos : tag_end + 1])
            pos = tag_end + 1
            continue
        end = out.find("</table>", tag_end)
        if end < 0:
            break
        table = out[tag_end + 1 : end]
        made = None if "<table" in table else _cards(table, titled)
        parts += (out[pos:start], made if made is not None else out[start : end + 8])
        pos = end + 8
    return "".join(parts) + out[pos:] if parts else out


def _cells(row: str, tag: str) -> list[tuple[str, str]]:
    """(attributes, inner HTML) of each ``<tag …>…</tag>`` of a row, in order."""
    found: list[tuple[str, str]] = []
    pos = 0
    while (start := row.find("<" + tag, pos)) >= 0:
        if row[start + len(tag) + 1 : start + len(tag) + 2] not in (">", " ", "\t", "\n"):
            pos = start + 1  # <thead> is no <th>
            continue
        open_end = row.find(">", start)
        close = row.find(f"</{tag}>", open_end)
        if open_end < 0 or close < 0:
            break
        found.append((row[start + len(tag) + 1 : open_end], row[open_end + 1 : close]))
        pos = close + len(tag) + 3
    return found


def _cards(table: str, titled: Titled) -> str | None:
    head_end = table.find("</thead>")
    if head_end < 0:
        return None
    heads = [attrs for attrs, _ in _cells(table[:head_end], "th")]
    rows = [inner for _, inner in _cells(table[head_end:], "tr")]
    made = []
    for row in rows:
        cells = [inner for _, inner in _cells(row, "td")]
        if len(cells) != len(heads):
            return None
        made.append(_card(heads, cells, titled))
    return '<div class="cards">\n' + "".join(made) + "</div>"


def _first_url(cell: str) -> str:
    found = _ATTR_URL.search(cell)
    return found.group(1) if found else ""


def _card(heads: list[str], cells: list[str], titled: Titled) -> str:
    cover = target = ""
    shown: list[str] = []
    for attrs, cell in zip(heads, cells, strict=True):
        words = attrs.split()
        if "data-card-cover" in words:
            cover = cover or _first_url(cell)
        if "data-card-target" in words:
            target = target or _first_url(cell)
        if "data-hidden" in words or not cell.strip():
            continue
        if 'data-type="content-ref"' in attrs:
            cell = _page_link(cell, titled)
        shown.append(cell)
    parts = ['<div class="card">']
    if cover:
        parts.append(f'<img class="card-cover" src="{cover}" alt="">')
    linked = bool(target) and bool(shown) and "<a" not in shown[0]
    if linked:
        shown[0] = f'<a class="card-link" href="{target}">{shown[0]}</a>'
    elif target:  # a shown link to the target (a content-ref column) is the card's link
        own = f'<a href="{target}"'
        at = next((n for n, cell in enumerate(shown) if own in cell), None)
        if at is not None:
            shown[at] = shown[at].replace(own, f'<a class="card-link" href="{target}"', 1)
            linked = True
    parts.append('<div class="card-body">')
    parts += (f"<div>{cell}</div>" for cell in shown)
    if target and not linked:
        page = titled(html.unescape(target))
        name = html.escape(page[1], quote=False) if page else html.escape(target, quote=False)
        parts.append(f'<div><a class="card-link" href="{target}">{name}</a></div>')
    parts.append("</div></div>\n")
    return "".join(parts)


def _page_link(cell: str, titled: Titled) -> str:
    """A content-ref cell (``<a href="x.md">x.md</a>``) named by the page's title."""
    url = _first_url(cell)
    page = titled(html.unescape(url)) if url else None
    if page is None:
        return cell
    return f'<a href="{url}">{html.escape(page[1], quote=False)}</a>'
