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
