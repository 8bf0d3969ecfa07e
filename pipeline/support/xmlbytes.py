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
from xml.parsers import expat

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
        codec = _declared(data)
        if codec is None:
            return data  # UTF-8, XML's default
        if web and codec in _WEB_SINGLE_BYTE and _C1.search(data):
            codec = "windows-1252"
        elif codec in _NATIVE:
            return data
    if codec == "utf-8-sig":
        span = _name_span(data[3:])
        if span is None or _names_utf8(data[3 + span[0] : 3 + span[1]]):
            return data
    try:
        text = _decoded(data, codec)
    except UnicodeDecodeError as exc:
        raise XmlEncodingError(
            f"not {exc.encoding} text: byte 0x{data[exc.start]:02x} at offset {exc.start}"
        ) from None
    text = text.removeprefix("\ufeff")
    prefix = text[:_DECLARATION_MAX].encode("utf-8")
    span = _name_span(prefix)
    if span is not None:
        start, end = span
        rest = text[_DECLARATION_MAX:]
        text = (prefix[:start] + b"utf-8" + prefix[end:]).decode("utf-8") + rest
    return text.encode("utf-8")


def _declared(data: bytes) -> str | None:
    """The codec the XML declaration names (None without one); XmlEncodingError for a name
    that is no text encoding."""
    found = _DECLARATION.match(data[:300])
    if found is not None:
        return _codec(found.group(1).decode("ascii"))
    odd = _odd_declaration(data)  # a name this module's bounded reading misses: expat reads it
    return None if odd is None else _codec(odd)


def read_as_windows_1252(data: bytes) -> bool:
    """Whether :func:`as_utf8` with ``web`` reads ``data`` otherwise than without it: no
    byte-order mark, declared US-ASCII or ISO-8859-1, and bytes 0x80-0x9f in it."""
    if _by_bom(data) is not None:
        return False
    try:
        codec = _declared(data)
    except XmlEncodingError:
        return False
    return codec in _WEB_SINGLE_BYTE and _C1.search(data) is not None


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


_NOT_CHARSETS = frozenset({"undefined", "punycode", "idna", "unicode-escape", "raw-unicode-escape"})
"""Python's codecs of text to text that no document is written in: ``undefined`` and
``punycode`` fail with a UnicodeError of their own, the escapes read backslashes."""


_ANY_ENCODING = re.compile(rb"""encoding\s*=\s*["']([^"'>]*)["']""")
_DECLARATION_MAX = 4096


def _odd_declaration(data: bytes) -> str | None:
    """The encoding an XML declaration names where :data:`_DECLARATION` does not read it (a
    name past 40 characters, the name past the first 300 bytes): expat still reads it, and
    raised a LookupError on one it does not know. None without a declaration naming one."""
    span = _name_span(data)
    return data[span[0] : span[1]].decode("latin-1") if span is not None else None


def _name_span(data: bytes) -> tuple[int, int] | None:
    """Where the encoding's name stands in the XML declaration at the start of ``data``."""
    found = _DECLARATION.match(data[:300])
    if found is not None:
        return found.span(1)
    if not data.startswith(b"<?xml"):
        return None
    end = data.find(b"?>", 0, _DECLARATION_MAX)
    odd = _ANY_ENCODING.search(data, 0, end if end >= 0 else _DECLARATION_MAX)
    return odd.span(1) if odd is not None else None


_CHARSET = re.compile(r"[A-Za-z0-9._:-]{1,40}")


def served_as(data: bytes, charset: str) -> bytes:
    """``data``, an XML document served with ``charset`` in its HTTP ``Content-Type``, its
    XML declaration made to name that charset (RFC 7303 8.1: the charset wins over the
    declaration, a byte-order mark over both, as feed readers read it), so :func:`as_utf8`
    reads it so; on the first line, so every line keeps its number."""
    if _by_bom(data) is not None or not _CHARSET.fullmatch(charset):
        return data
    name = charset.encode("ascii")
    span = _name_span(data)
    if span is not None:
        return data[: span[0]] + name + data[span[1] :]
    if data.startswith(b"<?xml"):  # a declaration that names no encoding
        end = data.find(b"?>", 0, _DECLARATION_MAX)
        return data if end < 0 else data[:end].rstrip() + b' encoding="' + name + b'"' + data[end:]
    return b'<?xml version="1.0" encoding="' + name + b'"?>' + data


def _codec(name: str) -> str:
    """Python's name of the text encoding a declaration names; XmlEncodingError when none
    (``base64``, ``zlib``, ``rot13``: codecs that are no text encoding, which ``bytes.decode``
    refuses with a LookupError: exit 1)."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        pass
    else:  # the flag bytes.decode reads (documented in typeshed, set by every codec)
        if info._is_text_encoding and info.name not in _NOT_CHARSETS:
            return info.name
    raise XmlEncodingError(
        f"the XML declaration names the encoding {name!r}, which is not a known text "
        "encoding; save the feed as UTF-8"
    )


MAX_ELEMENTS = 5_000_000
"""Elements a document we read may hold. ElementTree keeps about 100 bytes for each: 192 MB of
``<a/>`` took 4.5 GB of memory and 80 s to lint (a feed of 10,000 episodes holds some
400,000)."""


class _TooMany(Exception):
    pass


def too_many_elements(data: bytes, limit: int = MAX_ELEMENTS) -> bool:
    """True when the XML ``data`` (UTF-8, as :func:`as_utf8` gives it) holds more than
    ``limit`` elements: counted by expat without building them, and only when there are
    more ``<`` than that (each element starts with one; text in CDATA may hold more)."""
    if data.count(b"<") <= limit:
        return False
    parser = expat.ParserCreate()
    count = 0

    def start(name: str, attributes: object) -> None:
        nonlocal count
        count += 1
        if count > limit:
            raise _TooMany

    parser.StartElementHandler = start
    try:
        parser.Parse(data, True)
    except _TooMany:
        return True
    except expat.ExpatError:
        return False  # not well-formed: the parse that follows says where
    return False


def too_many_message(limit: int = MAX_ELEMENTS) -> str:
    return f"more than {limit:,} XML elements; no feed holds so many (not read further)"


KNOWN_PREFIXES = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
    "googleplay": "http://www.google.com/schemas/play-podcasts/1.0",
    "media": "http://search.yahoo.com/mrss/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "atom": "http://www.w3.org/2005/Atom",
    "dc": "http://purl.org/dc/elements/1.1/",
    "psc": "http://podlove.org/simple-chapters",
    "feedburner": "http://rssnamespace.org/feedburner/ext/1.0",
}
"""The prefixes podcast feeds use for these namespaces, read as them in a feed that uses one
without declaring it (VRT's, written ``<rss version="2.0">``: apps read it all the same,
where a namespace-aware XML parser refuses the unbound prefix)."""
_ROOT_RSS = re.compile(rb"<rss(?=[\s>/])")
_LATE_DECLARATION = re.compile(rb"(\xef\xbb\xbf)?+([ \t\r\n]++)(<\?xml[^>]*+>)")
"""An XML declaration after blank lines (a WordPress plugin's output before the feed's):
expat refuses it, apps read the feed."""
_USED_PREFIX = re.compile(rb"</?(" + b"|".join(k.encode() for k in KNOWN_PREFIXES) + rb"):")


def known_prefixes_declared(data: bytes) -> bytes:
    """``data`` as apps read it when it uses a prefix of :data:`KNOWN_PREFIXES` without
    declaring it (:func:`with_prefixes`), or declares itself after blank lines
    (:func:`declaration_first`): for a reader that would refuse it. The importer, ``feed-diff``
    and ``lint-feed`` read such feeds through these alike."""
    first = declaration_first(data)
    try:
        declared, missing = with_prefixes(as_utf8(first, web=True))
    except XmlEncodingError:
        return first
    return declared if missing else first


def declaration_first(data: bytes) -> bytes:
    """``data`` with an XML declaration that follows blank lines moved before them: each
    line keeps its number (the declaration was on one of the first lines already)."""
    late = _LATE_DECLARATION.match(data)
    if late is None:
        return data
    return (late.group(1) or b"") + late.group(3) + late.group(2) + data[late.end() :]


def with_prefixes(data: bytes) -> tuple[bytes, tuple[str, ...]]:
    """``data`` (expat's encoding) with a declaration on its ``<rss>`` tag, on its line, for
    each known prefix it uses but declares nowhere, and those prefixes."""
    root = _ROOT_RSS.search(data)
    if root is None:
        return data, ()
    used = {m.group(1).decode() for m in _USED_PREFIX.finditer(data)}
    missing = tuple(
        p for p in KNOWN_PREFIXES if p in used and b"xmlns:" + p.encode() + b"=" not in data
    )
    declared = b"".join(
        b' xmlns:%s="%s"' % (p.encode(), KNOWN_PREFIXES[p].encode()) for p in missing
    )
    return data[: root.end()] + declared + data[root.end() :], missing
