"""Feeds whose bytes and declared encoding disagree, read as browsers (and their authors)
read them: a feed declared ISO-8859-1 or US-ASCII but written in windows-1252 (its quotes,
dashes and euro sign in bytes 0x80-0x9f) lost those characters; a UTF-8 feed with a
byte-order mark whose declaration named another encoding came out as mojibake."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.support.xmlbytes import as_utf8
from tests.importers.conftest import front_matter, publish


def _feed(declared: str, title: str, notes: str) -> str:
    return (
        f'<?xml version="1.0" encoding="{declared}"?>\n'
        '<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">\n'
        "<channel><title>Show</title><description>d</description><language>en</language>"
        '<itunes:image href="https://old.example.com/cover.jpg"/>'
        '<itunes:category text="Technology"/><itunes:explicit>false</itunes:explicit>'
        "<itunes:owner><itunes:name>O</itunes:name><itunes:email>o@example.com</itunes:email>"
        "</itunes:owner>\n"
        f"<item><title>{title}</title><guid>ep-1</guid>"
        "<pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate>"
        '<enclosure url="https://cdn.example.com/1.mp3" length="1000" type="audio/mpeg"/>'
        f"<description>{notes}</description></item>\n</channel></rss>\n"
    )


def _imported(home: Path, data: bytes) -> tuple[dict[str, object], str]:
    (home / "feed.xml").write_bytes(data)
    result = publish("import", "podcast", "feed.xml")
    assert result.exit_code == 0, result.output
    [written] = (home / "content" / "episodes").glob("*.md")
    built = publish("build")
    assert built.exit_code == 0, built.output
    return front_matter(written), written.read_text(encoding="utf-8")


@pytest.mark.parametrize("declared", ["ISO-8859-1", "latin1", "US-ASCII"])
def test_a_feed_declared_latin_1_written_in_windows_1252_keeps_its_characters(
    home: Path, declared: str
) -> None:
    data = _feed(declared, "Don’t panic — part …", "It’s “good” for €5").encode("cp1252")
    meta, text = _imported(home, data)
    assert meta["title"] == "Don’t panic — part …"
    assert "It’s “good” for €5" in text


def test_a_feed_declared_latin_1_without_those_bytes_is_read_as_latin_1(home: Path) -> None:
    data = _feed("ISO-8859-1", "Café ½", "Ñandú").encode("latin-1")
    meta, text = _imported(home, data)
    assert meta["title"] == "Café ½"
    assert "Ñandú" in text


def test_a_byte_order_mark_wins_over_a_declaration_naming_another_encoding(home: Path) -> None:
    data = b"\xef\xbb\xbf" + _feed("windows-1252", "Café", "Crème brûlée").encode("utf-8")
    meta, text = _imported(home, data)
    assert meta["title"] == "Café"
    assert "Crème brûlée" in text


def test_windows_1252_bytes_it_leaves_undefined_are_read_not_refused() -> None:
    """0x81, 0x8d, 0x8f, 0x90 and 0x9d have no character in windows-1252: browsers read them
    as the control characters of the same number; Python's codec refused the whole feed."""
    data = b'<?xml version="1.0" encoding="windows-1252"?><t>\x93a\x81b\x9d</t>'
    assert as_utf8(data) == '<?xml version="1.0" encoding="utf-8"?><t>“a\x81b\x9d</t>'.encode()
    strict = b'<?xml version="1.0" encoding="ISO-8859-1"?><t>\x93</t>'
    assert as_utf8(strict) == strict  # as expat reads it, unless the caller reads as a browser
    assert as_utf8(strict, web=True) == '<?xml version="1.0" encoding="utf-8"?><t>“</t>'.encode()
