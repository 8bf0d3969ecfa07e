"""Files a page uses that a browser would run as a document holding script: an SVG, HTML or
XML file copied beside a page is served from the site's own address, so a reader who opens
it (a click on the image, a link to the file) runs its script as the site, with the site's
cookies and storage: a stored XSS through an attachment.

:func:`active_part` finds the first such thing in a file, read the way the sanitizer reads
HTML (:mod:`pipeline.render.htmltokens`, linear in the file): a ``script`` element (any
namespace prefix), an event-handler attribute (``onload``), ``srcdoc``, an attribute whose
value holds a ``javascript:``, ``vbscript:`` or HTML ``data:`` URL (browsers drop tabs and
line breaks inside a URL: so does the test), an XML entity declaration that writes markup
(the XML parser would make elements of it), or an XSLT stylesheet (which writes the page).
A file with none of these is copied as it is; :func:`may_be_active` is a byte-level test
that lets most files skip the tokenizer.
"""

from __future__ import annotations

import codecs
import re

from pipeline.render.htmltokens import tokens

SUFFIXES = frozenset({".svg", ".html", ".htm", ".shtml", ".xhtml", ".xht", ".xml", ".xsl"})
"""Files a browser opens as a document that can run script (by their served type)."""

_SCHEMES = ("javascript:", "vbscript:", "livescript:", "data:text/html", "data:application/xhtml")
_ELEMENTS = frozenset({"script", "handler"})
_DROPPED = bytes(range(0x21))
"""What :func:`may_be_active` removes first: blanks and control characters (browsers drop
tabs and line breaks inside a URL; a tag name cannot hold them)."""
_MARKERS = (
    b"<script",
    b":script",
    b"handler",
    b"srcdoc",
    b"script:",
    b"data:text/html",
    b"data:application/xhtml",
    b"<!entity",
    b"xml-stylesheet",
    b"&",
)
_HANDLER = re.compile(rb"[\s/\"']on[a-z0-9_.:-]", re.IGNORECASE)
"""``on`` and a name character after a blank, ``/`` or a quote: an event handler's start
(one character past the mark, so no backtracking)."""


def may_be_active(data: bytes) -> bool:
    """False when ``data`` surely holds nothing :func:`active_part` finds (a byte scan)."""
    if _HANDLER.search(data):
        return True
    flat = data.lower().translate(None, _DROPPED)
    return any(marker in flat for marker in _MARKERS) or data.startswith(_WIDE)


_WIDE = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
"""UTF-16 text (its byte-order mark): read by the tokenizer, whatever the byte scan says."""


def active_part(data: bytes) -> tuple[int, str] | None:
    """(line, what) of the first thing in ``data`` a browser would run as script, or None."""
    if not may_be_active(data):
        return None
    text = _decoded(data)
    flat_text = text.lower()
    declared = _declarations(text, flat_text)
    if declared:
        return declared[0]
    for token in tokens(text):
        if token.kind != "start":
            continue
        local = token.name.rpartition(":")[2]
        if local in _ELEMENTS:
            return token.line, f"a <{token.name}> element"
        for name, value in token.attrs:
            local = name.rpartition(":")[2]
            if local.startswith("on") and len(local) > 2:
                return token.line, f"an event handler ({name}=) on <{token.name}>"
            if local == "srcdoc":
                return token.line, f"a srcdoc= on <{token.name}>"
            if value is not None and _runs(value):
                return token.line, f"a script URL in {name}= on <{token.name}>"
    return None


def _decoded(data: bytes) -> str:
    if data.startswith(_WIDE):
        return data.decode("utf-16", errors="replace")
    return data.decode("utf-8", errors="replace")


def _runs(value: str) -> bool:
    flat = "".join(value.lower().split()).translate(_CONTROLS)
    return any(scheme in flat for scheme in _SCHEMES)


_CONTROLS = dict.fromkeys(range(0x20))


def _declarations(text: str, flat: str) -> list[tuple[int, str]]:
    """An XSLT stylesheet, or an entity declaration whose value holds markup (``<`` or a
    character reference, which the XML parser turns into ``<``), in document order."""
    found: list[tuple[int, str]] = []
    for mark, what in (("xml-stylesheet", _XSLT), ("<!entity", _ENTITY)):
        at = flat.find(mark)
        while at >= 0:
            end = _declaration_end(flat, at + len(mark))
            body = flat[at + len(mark) : end]
            if ("xsl" in body) if what is _XSLT else ("<" in body or "&#" in body):
                found.append((text.count("\n", 0, at) + 1, what))
                break
            at = flat.find(mark, end)
    return sorted(found)


_XSLT = "an XSLT stylesheet (xml-stylesheet)"
_ENTITY = "an entity declaration that writes markup"
_STOP = re.compile(r"[\"'>]")


def _declaration_end(flat: str, at: int) -> int:
    """The end of a declaration whose body starts at ``at``: past its ``>``, quoted values
    read whole (each character read once)."""
    n = len(flat)
    while True:
        m = _STOP.search(flat, at)
        if m is None:
            return n
        if m.group() == ">":
            return m.end()
        close = flat.find(m.group(), m.end())
        if close < 0:
            return n
        at = close + 1
