"""Links in an imported body, rewritten for the body's new home.

A post's HTML was written for its page on the old site: a relative URL (``/2019/05/other/``,
``../images/x.png``, ``?p=123``) named a page or an image there, and a link to another post
of the same blog named that post's old page. Each URL of the body (the value of each
attribute the sanitizer takes for a URL, ``href``, ``src``, ``poster``, ``cite`` …, and each
URL of a ``srcset``) is looked at once:

- a link (``href``) to the old page of another item of the import, or of one an earlier run
  wrote (the ledger keeps each item's old link), becomes that item's Markdown file relative
  to the body's own (``other-post.md#part``, ``../episodes/ep-1.md``): the build links the
  new page and the link checker checks it locally;
- else a relative URL is made absolute against the item's old link (or the feed's base where
  the item has none): it names the old site's page or image, which still serves it.

Old links are compared as :func:`link_key` writes them. Only the value of an attribute that
changes is written again (escaped for its quotes); every other byte of the body is kept. The
tags are read by the renderer's tokenizer (:mod:`pipeline.render.htmltokens`, which says
where each value sits), in one pass: a comment, the text of a ``<script>`` and a tag the
body ends inside hold no URL.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from html import unescape
from urllib.parse import quote, unquote, urljoin, urlsplit

from pipeline.importers.records import LinkCounts
from pipeline.render.htmltokens import tokens
from pipeline.render.sanitize import URL_ATTRS, srcset_spans
from pipeline.support.paths import DEFAULT_PORTS, is_external

_URL_ATTRS = frozenset((URL_ATTRS - {"ping"}) | {"srcset"})
"""The sanitizer's URL attributes (``ping``, a list of URLs, aside) and ``srcset``."""
_NOT_UNQUOTED = re.compile(r"[\t\n\r\f \"'<=>`]")
"""What an unquoted attribute value cannot hold: a value with one is written in quotes."""
_PATH_SAFE = "/!$&'()*+,;=:@-._~"


def link_key(url: str) -> str | None:
    """How two old links are compared: an http(s) URL without its scheme (``http`` and
    ``https`` name one page), user, default port, fragment or trailing slash, its host in
    lower case without ``www.`` (as :func:`~.aliases.site_host` compares sites), its path
    percent-encoded one way and its query without the parameters that track a reader
    (:data:`_TRACKING`, ``utm_*``); None for any other URL."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
        path = quote(unquote(parts.path, errors="strict"), safe=_PATH_SAFE)
    except (ValueError, UnicodeDecodeError):
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "").removeprefix("www.")
    if scheme not in DEFAULT_PORTS or not host:
        return None
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    kept = [p for p in parts.query.split("&") if p and not _tracking(p.partition("=")[0])]
    query = f"?{'&'.join(kept)}" if kept else ""
    return f"{netloc}{path.rstrip('/')}{query}"


_TRACKING = frozenset({"source", "fbclid", "gclid", "mc_cid", "mc_eid", "ref_src"})
"""Query parameters that say where a reader came from, not which page: Medium's feed gives
each post's link ``?source=rss----…``, and a post's body links the same post without it."""


def _tracking(name: str) -> bool:
    return name.lower() in _TRACKING or name.lower().startswith("utm_")


def link_targets(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """:func:`link_key` of each ``(old link, content file)`` -> the file. A site's home page
    (``https://old.example/``, but ``/?p=123`` is a post) names no item, nor does a link
    several files share (every episode of a show whose links all lead to its page)."""
    files: dict[str, set[str]] = {}
    for link, file in pairs:
        key = link_key(link)
        if key is not None and ("/" in key or "?" in key):
            files.setdefault(key, set()).add(file)
    return {key: held.pop() for key, held in files.items() if len(held) == 1}


def _url_values(text: str) -> Iterator[tuple[str, int, int, str]]:
    """(attribute, start, end, quote) of the value of each URL attribute of each start tag
    of ``text``, in order, as the renderer's tokenizer reads the tags: ``text[start:end]`` as
    written, ``quote`` ``"``, ``'`` or ''."""
    for token in tokens(text):
        if token.kind != "start":
            continue
        for (key, _), span in zip(token.attrs, token.spans, strict=True):
            name = key.rpartition(":")[2]  # xlink:href
            if span is not None and name in _URL_ATTRS:
                yield name, span.start, span.end, span.quote


def _written(value: str, quote_mark: str) -> str:
    """``value`` as an attribute value within ``quote_mark`` (an unquoted one gets double
    quotes when it needs them)."""
    text = value.replace("&", "&amp;")
    if quote_mark == "'":
        return text.replace("'", "&#39;")
    if quote_mark or not text or _NOT_UNQUOTED.search(text):
        text = text.replace('"', "&quot;")
        return text if quote_mark else f'"{text}"'
    return text


def _file_ref(rel: str) -> str:
    """A content path as a relative URL the renderer reads back as that path."""
    ref = rel.replace("%", "%25").replace("#", "%23").replace("?", "%3F")
    return f"./{ref}" if ":" in ref.partition("/")[0] else ref


@dataclass
class _Body:
    """The rewriting of one body, and what it rewrote."""

    file: str
    """The body's own file, relative to the content root."""
    own: str | None
    """:func:`link_key` of the item's own old link: a link to it stays a link to the old page."""
    base: str
    """What its relative URLs are relative to; '' when nothing absolute is known."""
    targets: Mapping[str, str]
    absolute: int = 0
    imported: int = 0
    relative: int = 0

    def value(self, attr: str, value: str) -> str | None:
        """The new value of a URL attribute; None when it stays as it is."""
        if attr == "srcset":
            return self.srcset(value)
        url = value.strip()
        if not url or url.startswith("#"):
            return None
        try:
            relative = not is_external(url)
            joined = self.base and (relative or url.startswith("//"))  # ``//host/x`` too
            full = urljoin(self.base, url) if joined else url
        except ValueError:  # not a URL (``//[x``): the link checker names it
            return None
        if attr == "href" and (target := self.target(full)) is not None:
            self.imported += 1
            return target
        if relative and self.base:
            self.absolute += 1
            return full
        self.relative += relative  # no base: nothing to make it absolute against
        return None

    def target(self, url: str) -> str | None:
        """The Markdown file, relative to this one, of the imported item whose old link
        ``url`` is (its fragment kept); None when it is no such link."""
        page, hash_mark, fragment = url.partition("#")
        key = link_key(page)
        if key is None or key == self.own or key not in self.targets:
            return None
        rel = posixpath.relpath(self.targets[key], posixpath.dirname(self.file) or ".")
        return _file_ref(rel) + hash_mark + fragment

    def srcset(self, value: str) -> str | None:
        """A ``srcset`` with each relative URL made absolute (its descriptors, commas and
        blanks as they were); None when none is relative."""
        parts, last = [], 0
        for start, end, _ in srcset_spans(value):
            new = self.value("src", value[start:end])
            if new is not None:
                parts += [value[last:start], new]
                last = end
        return "".join([*parts, value[last:]]) if parts else None


def relinked(
    body: str, file: str, *, link: str, base: str, targets: Mapping[str, str]
) -> tuple[str, LinkCounts]:
    """``body`` of the item written to ``file`` (relative to the content root) with its
    links rewritten, and how many of each kind; ``link`` is the item's old link, ``base``
    what its relative URLs are relative to (the old link, else the feed's base: used when
    it is an absolute http(s) URL), ``targets`` what :func:`link_targets` made."""
    if "<" not in body:
        return body, LinkCounts()
    doc = _Body(file, link_key(link), base if link_key(base) is not None else "", targets)
    parts: list[str] = []
    last = 0
    for attr, start, end, quote_mark in _url_values(body):
        new = doc.value(attr, unescape(body[start:end]))
        if new is not None:
            parts += [body[last:start], _written(new, quote_mark)]
            last = end
    counts = LinkCounts(doc.absolute, doc.imported, doc.relative)
    return ("".join([*parts, body[last:]]) if parts else body), counts


def body_base(*candidates: str) -> str:
    """The first of ``candidates`` that is an absolute http(s) URL (what an item's relative
    URLs are made absolute against), else ''."""
    return next((c for c in candidates if link_key(c) is not None), "")
