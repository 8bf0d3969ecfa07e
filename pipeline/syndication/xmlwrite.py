"""A tiny, deterministic XML writer: escaped text, attributes in the order given."""

from __future__ import annotations

import functools

from pipeline.support.text import clean


def escape(text: str) -> str:
    """``xml.sax.saxutils.escape``, whose module imports urllib.request and the email parser
    (50 ms of start-up for every build)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(text: str) -> str:
    """``xml.sax.saxutils.quoteattr``, byte for byte: the value escaped and quoted."""
    data = escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in data:
        return f'"{data}"'
    if "'" not in data:
        return f"'{data}'"
    return '"{}"'.format(data.replace('"', "&quot;"))


def attrs(pairs: dict[str, str | int | None]) -> str:
    return "".join([f" {k}={quoteattr(clean(str(v)))}" for k, v in pairs.items() if v is not None])


def el(name: str, text: str | None, **attributes: str | int | None) -> str:
    """``<name attrs>text</name>``, or nothing when text is None."""
    if text is None:
        return ""
    if not attributes:  # most elements of a feed (title, link, pubDate …)
        return f"<{name}>{escape(clean(text))}</{name}>"
    return f"<{name}{attrs(_names(attributes))}>{escape(clean(text))}</{name}>"


def exact_el(name: str, text: str, **attributes: str | int | None) -> str:
    """:func:`el` for a value compared byte for byte (a GUID): not NFC-normalised."""
    return f"<{name}{attrs(_names(attributes))}>{escape(clean(text, compose=False))}</{name}>"


def empty(name: str, **attributes: str | int | None) -> str:
    return f"<{name}{attrs(_names(attributes))}/>"


def cdata(text: str) -> str:
    """A CDATA section; ``text`` must already be clean (item HTML is cleaned once, at render)."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _names(attributes: dict[str, str | int | None]) -> dict[str, str | int | None]:
    """Python-safe keyword names to XML names: ``xml_lang`` -> ``xml:lang``, ``_`` -> ``-``."""
    return {_xml_name(k): v for k, v in attributes.items()}


@functools.cache  # the names are this package's own keywords: a few, each made once
def _xml_name(keyword: str) -> str:
    name = keyword.rstrip("_")
    return "xml:" + name[4:] if name.startswith("xml_") else name
