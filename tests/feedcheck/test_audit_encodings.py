"""A feed whose XML declaration names a codec Python has but no text is written in:
``base64``, ``zlib``, ``rot13`` (codecs of bytes to bytes, which ``bytes.decode`` refuses
with a LookupError) or ``undefined`` and ``punycode`` (a UnicodeError of their own) made
``lint-feed`` and ``feed-diff`` exit 1 ("unexpected error"). Each is the feed's encoding
problem: lint-feed's hard xml.encoding rule, feed-diff's content error naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main

FEED = (
    '<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0"><channel><title>t</title>'
    "<link>https://x.example/</link><description>d</description>"
    "<item><guid>g</guid><title>a</title></item></channel></rss>"
)
NOT_TEXT = ["base64", "zlib_codec", "rot13", "hex", "bz2", "uu", "quopri", "undefined", "punycode"]


@pytest.mark.parametrize("encoding", NOT_TEXT)
def test_lint_feed_reports_a_codec_that_is_no_text_encoding(tmp_path: Path, encoding: str) -> None:
    feed = tmp_path / "rss.xml"
    feed.write_text(FEED.format(encoding=encoding), encoding="ascii")
    result = CliRunner().invoke(main, ["lint-feed", str(feed)])
    assert result.exit_code == 2, result.output
    assert f"hard xml.encoding: feed: the XML declaration names the encoding '{encoding}'" in (
        result.stdout
    )


@pytest.mark.parametrize("encoding", NOT_TEXT)
def test_feed_diff_reports_a_codec_that_is_no_text_encoding(tmp_path: Path, encoding: str) -> None:
    old, new = tmp_path / "old.xml", tmp_path / "new.xml"
    old.write_text(FEED.format(encoding="utf-8"), encoding="ascii")
    new.write_text(FEED.format(encoding=encoding), encoding="ascii")
    result = CliRunner().invoke(main, ["feed-diff", str(old), str(new)])
    assert result.exit_code == 2, result.output
    assert f"{new}:1: feed: the XML declaration names the encoding '{encoding}'" in result.stderr


@pytest.mark.parametrize("encoding", ["shift_jis", "cp1252", "utf-7"])
def test_a_text_encoding_python_knows_is_still_read(tmp_path: Path, encoding: str) -> None:
    old, new = tmp_path / "old.xml", tmp_path / "new.xml"
    old.write_text(FEED.format(encoding="utf-8"), encoding="ascii")
    new.write_text(FEED.format(encoding=encoding), encoding="ascii")
    result = CliRunner().invoke(main, ["feed-diff", str(old), str(new)])
    assert result.exit_code == 0, result.output


ODD = [
    ("u" * 41, FEED),  # a name longer than the bounded reading took
    ("klingon", FEED.replace("<?xml ", "<?xml" + " " * 200 + " ")),  # the name past 300 bytes
]


@pytest.mark.parametrize(("encoding", "shape"), ODD)
@pytest.mark.parametrize("command", ["lint-feed", "feed-diff"])
def test_an_unknown_encoding_the_bounded_reading_missed_is_the_feeds_problem(
    tmp_path: Path, encoding: str, shape: str, command: str
) -> None:
    """expat read the declaration the bounded reading of it missed, and its LookupError was
    'unexpected error' (exit 1) in lint-feed, feed-diff and import (a helper's finding)."""
    feed = tmp_path / "rss.xml"
    feed.write_text(shape.format(encoding=encoding), encoding="utf-8")
    args = [command, str(feed)] + ([str(feed)] if command == "feed-diff" else [])
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert f"the XML declaration names the encoding '{encoding}'" in result.output


def test_a_known_encoding_past_300_bytes_is_read_in_it(tmp_path: Path) -> None:
    old, new = tmp_path / "old.xml", tmp_path / "new.xml"
    padded = FEED.replace("<?xml ", "<?xml" + " " * 300 + " ").replace(
        "<title>a<", "<title>caf\xe9<"
    )
    old.write_bytes(padded.format(encoding="windows-1252").encode("cp1252"))
    new.write_bytes(padded.format(encoding="utf-8").replace("caf\xe9", "cafe").encode())
    result = CliRunner().invoke(main, ["feed-diff", str(old), str(new)])
    assert result.exit_code == 0, result.output
    assert "'café' → 'cafe'" in result.stdout


@pytest.mark.parametrize("command", ["lint-feed", "feed-diff"])
def test_a_byte_order_mark_wins_over_a_long_unknown_name(tmp_path: Path, command: str) -> None:
    """After a UTF-8 byte-order mark, a name past 40 characters still reached expat, whose
    LookupError was 'unexpected error' (a reviewer's finding); the mark wins, as browsers
    read it."""
    feed = tmp_path / "rss.xml"
    feed.write_text("\ufeff" + FEED.format(encoding="x" * 50), encoding="utf-8")
    args = [command, str(feed)] + ([str(feed)] if command == "feed-diff" else [])
    result = CliRunner().invoke(main, args)
    assert result.exit_code == (0 if command == "feed-diff" else 2), result.output
    assert "unexpected" not in result.output
    if command == "lint-feed":
        assert "xml.encoding" not in result.output  # read: the feed's own rules reported


@pytest.mark.parametrize("encoding", ["US-ASCII", "ISO-8859-1"])
def test_lint_feed_reads_windows_1252_quotes_as_import_does(tmp_path: Path, encoding: str) -> None:
    """Declared US-ASCII with bytes 0x93, 0x94, 0x96 (a title's quotes and dash), the feed
    failed lint-feed hard ("not well-formed (invalid token)") while import and feed-diff
    read it as windows-1252, as browsers do; declared ISO-8859-1 it passed unremarked."""
    feed = tmp_path / "rss.xml"
    data = FEED.format(encoding=encoding).encode("ascii")
    feed.write_bytes(data.replace(b"<title>a</title>", b"<title>\x93quoted\x94 \x96 dash</title>"))
    result = CliRunner().invoke(main, ["lint-feed", str(feed)])
    assert "xml.wellformed" not in result.stdout, result.stdout
    assert "(“quoted” – dash)" in result.stdout  # the item named by its title, as read
    assert (
        "soft xml.encoding: feed: declared US-ASCII or ISO-8859-1 but holds bytes 0x80-0x9f: "
        "read as windows-1252"
    ) in result.stdout
    plain = tmp_path / "plain.xml"
    plain.write_bytes(data)
    assert "xml.encoding" not in CliRunner().invoke(main, ["lint-feed", str(plain)]).stdout
