"""A feed of millions of tiny elements: ElementTree keeps about 100 bytes for each, so 192 MB
of ``<a/>`` (under the 200 MB cap on a feed) took 4.5 GB of memory and 80 s to lint, and a URL
serving it got lint-feed killed. More than 5,000,000 elements (a 10,000-episode feed holds
some 400,000) are refused after expat counts them, before any tree is built."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.support.xmlbytes import MAX_ELEMENTS

HEAD = (
    b'<rss version="2.0"><channel><title>t</title><link>https://x.example/</link>'
    b"<description>d</description><language>en</language>"
)
TAIL = b"</channel></rss>"


def _feed(tmp_path: Path, body: bytes) -> Path:
    path = tmp_path / "rss.xml"
    path.write_bytes(HEAD + body + TAIL)
    return path


@pytest.mark.parametrize("command", ["lint-feed", "feed-diff"])
def test_a_feed_of_too_many_elements_is_refused(tmp_path: Path, command: str) -> None:
    feed = _feed(tmp_path, b"<a/>" * MAX_ELEMENTS)  # with the rest: over the limit
    args = [command, str(feed)] if command == "lint-feed" else [command, str(feed), str(feed)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    message = "more than 5,000,000 XML elements; no feed holds so many"
    if command == "lint-feed":
        assert f"hard xml.wellformed: feed: {message}" in result.stdout
    else:
        assert f"{feed}:1: feed: {message}" in result.stderr


def test_markup_in_cdata_is_text_not_elements(tmp_path: Path) -> None:
    item = b"<item><title>x</title><guid isPermaLink='false'>g</guid><description><![CDATA["
    feed = _feed(tmp_path, item + b"<p>" * (MAX_ELEMENTS + 1) + b"]]></description></item>")
    result = CliRunner().invoke(main, ["lint-feed", str(feed)])
    assert "XML elements" not in result.stdout
    assert result.exit_code == 0, result.output
