"""Feeds in the encodings real hosts use reach expat as UTF-8, on the same lines."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from pipeline.support.xmlbytes import XmlEncodingError, as_utf8

TITLE = "播客 第一集"


def _doc(encoding: str) -> str:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0">\n<channel>\n'
        f"<title>{TITLE}</title>\n</channel>\n</rss>\n"
    )


@pytest.mark.parametrize("encoding", ["GB2312", "gbk", "Big5", "EUC-KR", "Shift_JIS"])
def test_a_multibyte_encoding_is_read_with_the_codec_it_declares(encoding: str) -> None:
    text = _doc(encoding).replace(TITLE, "Korean 한국" if encoding == "EUC-KR" else TITLE)
    text = text.replace(TITLE, "日本語" if encoding == "Shift_JIS" else TITLE)
    data = text.encode(encoding)
    with pytest.raises((ValueError, LookupError)):
        ET.fromstring(data)  # what the linter did: "multi-byte encodings are not supported"
    converted = as_utf8(data)
    root = ET.fromstring(converted)
    assert root.findtext("channel/title") == text.split("<title>")[1].split("<")[0]
    assert converted.decode("utf-8").count("\n") == text.count("\n")  # the same lines
    assert converted.startswith(b'<?xml version="1.0" encoding="utf-8"?>')


@pytest.mark.parametrize("codec", ["utf-16-be", "utf-16-le"])
def test_utf16_without_a_byte_order_mark_is_detected(codec: str) -> None:
    """Declared as ``utf16`` (a name Python knows and expat does not), with no mark."""
    data = _doc("utf16").encode(codec)
    with pytest.raises(ValueError):
        ET.fromstring(data)  # what lint-feed and feed-diff did with it (expat's own words)
    assert ET.fromstring(as_utf8(data)).findtext("channel/title") == TITLE


@pytest.mark.parametrize("encoding", ["utf-8", "UTF8", "us-ascii", "ISO-8859-1"])
def test_what_expat_reads_itself_is_passed_through(encoding: str) -> None:
    data = _doc(encoding).replace(TITLE, "Cafe").encode("ascii")
    assert as_utf8(data) is data
    no_declaration = b"<rss><channel><title>x</title></channel></rss>"
    assert as_utf8(no_declaration) is no_declaration


def test_an_unknown_encoding_or_bytes_not_in_it_are_named() -> None:
    with pytest.raises(XmlEncodingError, match="names the encoding 'bogus', which is not a"):
        as_utf8(_doc("bogus").encode("ascii", "replace"))
    broken = _doc("Big5").encode("big5") + b"\xff\xff"
    with pytest.raises(XmlEncodingError, match=r"^not big5 text: byte 0xff at offset"):
        as_utf8(broken)
