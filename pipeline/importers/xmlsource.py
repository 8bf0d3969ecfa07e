"""Reading anyone's XML feed safely, with the line of every element.

defusedxml's SAX parser refuses entity declarations (the billion laughs, XXE) and nothing is
ever fetched for an external DTD; the tree is built as the events arrive (linear),
and each element's line is kept so every problem is reported at ``source:line``.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from html.entities import html5
from xml.sax import SAXException
from xml.sax.handler import ContentHandler, feature_namespaces
from xml.sax.xmlreader import AttributesNSImpl, Locator

from defusedxml import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser

from pipeline.support.xmlbytes import (
    XmlEncodingError,
    as_utf8,
    declaration_first,
    with_prefixes,
)
from pipeline.support.xmlbytes import (
    known_prefixes_declared as known_prefixes_declared,
)

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
GOOGLEPLAY = "http://www.google.com/schemas/play-podcasts/1.0"
MEDIA = "http://search.yahoo.com/mrss/"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
ATOM = "http://www.w3.org/2005/Atom"
DC = "http://purl.org/dc/elements/1.1/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RSS1 = "http://purl.org/rss/1.0/"
PSC = "http://podlove.org/simple-chapters"
FEEDBURNER = "http://rssnamespace.org/feedburner/ext/1.0"
_ALIASES = {
    "http://www.itunes.com/dtds/podcast-1.0.dtd": ITUNES,
    "http://www.itunes.com/DTDs/Podcast-1.0.dtd": ITUNES,
    "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md": PODCAST,
    "https://podcastindex.org/namespace/1.0/": PODCAST,
}
"""Spellings real hosts use for the same namespace (apps read them alike)."""


class UnsafeXml(ValueError):
    """Not well-formed, or declares entities (refused): the message says which."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


class _Parser(DefusedExpatParser):
    """defusedxml's parser (entity declarations refused) that skips an external DTD (RSS 0.91's
    Netscape DOCTYPE) without fetching it, instead of refusing the feed."""

    def defused_external_entity_ref_handler(  # type: ignore[override]  # the stub says None; expat needs 1 for "handled"
        self, context: str | None, base: str | None, sysid: str | None, pubid: str | None
    ) -> int:
        return 1  # parsed as empty: nothing is read from the system id


class _Builder(ContentHandler):
    def __init__(self) -> None:
        super().__init__()
        self.tree = ET.TreeBuilder()
        self.lines: dict[int, int] = {}
        self.locator: Locator | None = None

    def setDocumentLocator(self, locator: Locator) -> None:
        self.locator = locator

    def startElementNS(
        self, name: tuple[str | None, str], qname: str | None, attrs: AttributesNSImpl
    ) -> None:
        attributes = {_tag(k): v for k, v in attrs.items()}
        elem = self.tree.start(_tag(name), attributes)
        line = self.locator.getLineNumber() if self.locator else None
        self.lines[id(elem)] = line or 1

    def endElementNS(self, name: tuple[str | None, str], qname: str | None) -> None:
        self.tree.end(_tag(name))

    def characters(self, content: str) -> None:
        self.tree.data(content)

    def skippedEntity(self, name: str) -> None:
        """An entity the document's external DTD would define (RSS 0.91's Netscape DOCTYPE
        defines HTML's, ``&eacute;``), never fetched: HTML's is read as feed apps read it,
        any other refused at its line. Skipped, "Caf&eacute; Talk" was imported as "Caf
        Talk" with no word of it."""
        char = html5.get(name + ";")
        if char is None:
            line = (self.locator.getLineNumber() if self.locator else None) or 1
            raise UnsafeXml(f"undefined entity &{name}; (its DTD is not read)", line)
        self.tree.data(char)


def _tag(name: tuple[str | None, str]) -> str:
    uri, local = name
    if not uri:
        return local
    return f"{{{_ALIASES.get(uri, uri)}}}{local}"


class Document:
    """A parsed XML document and the line of each of its elements."""

    def __init__(
        self, root: ET.Element, lines: dict[int, int], declared: tuple[str, ...] = ()
    ) -> None:
        self.root = root
        self._lines = lines
        self.declared = declared
        """Known prefixes the document used without declaring them (:data:`KNOWN_PREFIXES`)."""

    def line(self, elem: ET.Element | None) -> int:
        return self._lines.get(id(elem), 1) if elem is not None else 1


def parse_xml(data: bytes) -> Document:
    """Parse ``data`` without expanding any entity; :class:`UnsafeXml` when it cannot be. An
    RSS feed that uses a prefix of :data:`KNOWN_PREFIXES` without declaring it is read with
    the declaration added to its ``<rss>`` tag, on its line (:attr:`Document.declared`)."""
    try:
        data = as_utf8(declaration_first(data), web=True)  # as browsers read what was written
    except XmlEncodingError as exc:
        raise UnsafeXml(str(exc)) from None
    try:
        return _parsed(data)
    except UnsafeXml as exc:
        declared, missing = with_prefixes(data)
        if "unbound prefix" not in str(exc) or not missing:
            raise
        doc = _parsed(declared)
        return Document(doc.root, doc._lines, missing)


def _parsed(data: bytes) -> Document:
    builder = _Builder()
    parser = _Parser()
    parser.setFeature(feature_namespaces, True)
    parser.setContentHandler(builder)
    try:
        parser.parse(io.BytesIO(data))
    except DefusedXmlException as exc:
        line = (builder.locator.getLineNumber() if builder.locator else None) or 1
        message = f"refused: the document declares entities or a DTD ({type(exc).__name__})"
        raise UnsafeXml(message, line) from None
    except SAXException as exc:
        line = (builder.locator.getLineNumber() if builder.locator else None) or 1
        raise UnsafeXml(f"not well-formed XML: {exc.getMessage()}", line) from None
    root = builder.tree.close()
    return Document(root, builder.lines)


def text(elem: ET.Element | None) -> str:
    """All the text of ``elem`` (CDATA included), stripped; '' when absent."""
    return "".join(elem.itertext()).strip() if elem is not None else ""


def q(ns: str, local: str) -> str:
    return f"{{{ns}}}{local}"
