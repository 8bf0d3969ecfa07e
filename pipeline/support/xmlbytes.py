"""Someone else's XML in the encoding it declares, handed to expat as UTF-8.

expat reads UTF-8, UTF-16 with a byte-order mark, US-ASCII and ISO-8859-1 by itself; Python's
binding adds single-byte code pages, and refuses the rest ("multi-byte encodings are not
supported": Big5, GB2312, EUC-KR, Shift_JIS, UTF-16 without a byte-order mark) or
fails with a LookupError on a name it does not know. Feeds in all of these exist. So a
document that is not plainly UTF-8 is decoded here with the codec its byte-order mark or XML
declaration names, and given back as UTF-8 with the declaration saying so: the same text on
the same lines.
"""

from __future__ import annotations

import codecs
import re

_DECLARATION = re.compile(rb"""^<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")
"""The encoding named by an XML declaration (bounded: it reads at most the first 300 bytes)."""

_NATIVE = frozenset({"utf-8", "ascii", "latin-1", "iso8859-1"})
"""Codecs (Python's names) expat reads as they are: the bytes are passed through."""

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
    (b"\x00<\x00?", "utf-16-be"),  # no mark: XML's appendix F reads "<?" in two bytes
    (b"<\x00?\x00", "utf-16-le"),
)


_WEB_SINGLE_BYTE = frozenset({"ascii", "latin-1", "iso8859-1"})
"""Codecs a browser reads as windows-1252 (the WHATWG Encoding Standard maps the labels
``us-ascii``, ``iso-8859-1`` and ``latin1`` to it): feeds declared so are most often written
in windows-1252, their quotes and dashes in bytes 0x80-0x9f, control characters in ISO-8859-1."""

_C1 = re.compile(rb"[\x80-\x9f]")


class XmlEncodingError(ValueError):
    """The document's encoding is unknown, or its bytes are not in it: the message says which."""


def as_utf8(data: bytes, *, web: bool = False) -> bytes:
    """``data`` as expat reads it: unchanged when it is UTF-8 (or another encoding expat
    knows), else decoded with the codec its byte-order mark or declaration names and encoded
    as UTF-8, the declaration changed to say so. A byte-order mark wins over a declaration
    that names another encoding (as browsers read it; expat followed the declaration).
    ``web``: a document declared US-ASCII or ISO-8859-1 with bytes 0x80-0x9f is read as
    windows-1252, as browsers read it (see :data:`_WEB_SINGLE_BYTE`): what an importer keeps.
    Raises :class:`XmlEncodingError`."""
    codec = _by_bom(data)
    if codec is None:
        found = _DECLARATION.match(data[:300])
        if found is None:
            return data  # UTF-8, XML's default
        codec = _codec(found.group(1).decode("ascii"))
        if web and codec in _WEB_SINGLE_BYTE and _C1.search(data):
            codec = "windows-1252"
        elif codec in _NATIVE:
            return data
    if codec == "utf-8-sig":
        found = _DECLARATION.match(data[3:303])
        if found is None or _names_utf8(found.group(1)):
            return data
    try:
        text = _decoded(data, codec)
    except UnicodeDecodeError as exc:
        raise XmlEncodingError(
            f"not {exc.encoding} text: byte 0x{data[exc.start]:02x} at offset {exc.start}"
        ) from None
    text = text.removeprefix("\ufeff")
    head = _DECLARATION.match(text[:300].encode("utf-8"))
    if head is not None:
        start, end = head.span(1)
        prefix = text[:300].encode("utf-8")
        text = (prefix[:start] + b"utf-8" + prefix[end:]).decode("utf-8") + text[300:]
    return text.encode("utf-8")


def _decoded(data: bytes, codec: str) -> str:
    """``data`` decoded; in windows-1252, the five bytes it leaves undefined are the control
    characters of the same number, as browsers read them (Python's codec refuses them)."""
    if codec not in ("windows-1252", "cp1252"):
        return data.decode(codec)
    return data.decode(codec, errors="publish-c1")


def _c1_for_undefined(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return "".join(map(chr, exc.object[exc.start : exc.end])), exc.end


codecs.register_error("publish-c1", _c1_for_undefined)


def _names_utf8(name: bytes) -> bool:
    try:
        return codecs.lookup(name.decode("ascii")).name == "utf-8"
    except LookupError:
        return False


def _by_bom(data: bytes) -> str | None:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    return None


def _codec(name: str) -> str:
    """Python's name of the codec a declaration names; XmlEncodingError when none."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise XmlEncodingError(
            f"the XML declaration names the encoding {name!r}, which is not a known text "
            "encoding; save the feed as UTF-8"
        ) from None
