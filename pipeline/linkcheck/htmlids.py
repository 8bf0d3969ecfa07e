"""The ids an HTML page offers a ``#fragment``, read the way a browser's parser reads the page.

A fragment names an element with that ``id``, or an ``<a>`` with that ``name`` (the HTML
spec's "indicated part of the document"). A start tag's attributes are read one by one, a quoted
value whole, so ``title="see id=x"`` is no id and a tag's second attribute (``<input name=q
id=search>``) is read too; comments and the text of ``<script>``, ``<style>`` and the other
raw-text elements hold no elements, so no ids. One pass, linear in the page: every search
stops at the next ``<``, and a comment or raw-text element left open runs to the end, as it
does in a browser.
"""

from __future__ import annotations

import contextlib
import html
import re
from pathlib import Path
from urllib.parse import unquote

from pipeline.linkcheck.results import BROKEN, OK, UNVERIFIABLE, Outcome
from pipeline.support.text import nfc

_RAW_TEXT = (b"script", b"style", b"textarea", b"title", b"xmp", b"iframe", b"noembed")
_HIDDEN = re.compile(
    rb"<(?=[!stxinSTXIN])(?:(!--)|(" + b"|".join(_RAW_TEXT) + rb")(?=[\s/>])([^<>]*))", re.I
)
"""Where no element can be: a comment, or a raw-text element (its start tag's attributes);
most tags fail at the look-ahead."""
# a start tag with an id or name attribute; it also ends at the next "<", so a page of "<"
# without ">" is read once, not once per "<"; its name possessive, so "<aaaa..." is not
# tried once per split of the name (quadratic: 12 s at 40,000 bytes)
_TAG = re.compile(rb"<([a-zA-Z][^\s/<>]*+)([^<>]*?\s(?:[iI][dD]|[nN][aA][mM][eE])\s*+=[^<>]*+)")
_ATTR = re.compile(rb"""([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>]+)))?""")
_RAW_END = {name: re.compile(b"</" + name + rb"[\s/>]", re.I) for name in _RAW_TEXT}


HTML_MAX_BYTES = 2_000_000
"""Bytes of a local HTML file read at most to find a ``#fragment`` (as ``max_body_bytes``)."""


def page_ids(page: bytes) -> set[str]:
    """Every ``id`` in an HTML page and every ``<a name>`` (GitHub's ``user-content-`` prefix
    removed too); none from comments, scripts or styles."""
    ids: set[str] = set()
    pos = 0
    while True:
        hidden = _HIDDEN.search(page, pos)
        for m in _TAG.finditer(page, pos, hidden.start() if hidden else len(page)):
            _attribute_ids(m.group(1).lower(), m.group(2), ids)
        if hidden is None:
            return ids
        if hidden.group(1):  # a comment, to its end
            start = hidden.end()
            if page.startswith((b">", b"->"), start):  # <!--> and <!---> end at once (HTML)
                pos = page.index(b">", start) + 1
                continue
            end = page.find(b"-->", start)
            if end < 0:
                return ids
            pos = end + 3
            continue
        raw_text = hidden.group(2).lower()
        _attribute_ids(raw_text, hidden.group(3), ids)
        close = _RAW_END[raw_text].search(page, hidden.end())
        if close is None:
            return ids
        pos = close.end()


def _attribute_ids(tag: bytes, attrs: bytes, ids: set[str]) -> None:
    for a in _ATTR.finditer(attrs):
        key = a.group(1).lower()
        if key == b"id" or (key == b"name" and tag == b"a"):
            raw = a.group(2) or a.group(3) or a.group(4) or b""
            value = html.unescape(raw.decode("utf-8", "replace"))  # id="x&amp;y" is #x&y
            ids.add(value)
            ids.add(value.removeprefix("user-content-"))


def html_anchor(
    root: Path, target: str, fragment: str, cache: dict[str, tuple[set[str], bool]]
) -> Outcome:
    """A ``#fragment`` of an HTML file the site copies as it is (``target``, under ``root``),
    against the ids a browser finds in it (its first :data:`HTML_MAX_BYTES`, as for a
    remote page); each file read once into ``cache``."""
    frag = unquote(fragment)
    if frag.lower() == "top" or frag.startswith(":~:"):
        return Outcome(OK, "")
    if target not in cache:
        page = b""
        with contextlib.suppress(OSError):
            if (root / target).is_file():  # a named pipe's open waits for ever
                with open(root / target, "rb") as f:
                    page = f.read(HTML_MAX_BYTES + 1)
        cache[target] = (page_ids(page[:HTML_MAX_BYTES]), len(page) > HTML_MAX_BYTES)
    ids, cut = cache[target]
    if frag in ids or fragment in ids or nfc(frag) in ids:
        return Outcome(OK, "")
    if cut:
        return Outcome(UNVERIFIABLE, f"anchor #{frag} not in the first {HTML_MAX_BYTES} bytes")
    return Outcome(BROKEN, f"anchor #{frag} not found in {target}")
