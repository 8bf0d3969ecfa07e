"""Show notes with blank lines inside ``<pre>`` keep exactly their lines: the page built
from the import shows each line of the feed's ``<pre>``, no more (a blank line was written
as two)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.importers.conftest import imported, podcast_head, publish

HEAD = podcast_head('xmlns:content="http://purl.org/rss/1.0/modules/content/"')


class _Pre(HTMLParser):
    """The text of each ``<pre>`` of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._open = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "pre":
            self._open = True
            self.texts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self._open = False

    def handle_data(self, data: str) -> None:
        if self._open:
            self.texts[-1] += data


PRES = [
    "line 1\n\nline 3",
    "a\n\n\n\nb",
    "indented\n    \n\tafter a line of blanks",
    "x = 1\n\ny = 2\n\n\nz = 3",
]


@pytest.mark.parametrize("pre", PRES)
def test_the_built_page_shows_the_lines_of_the_feeds_pre(home: Path, pre: str) -> None:
    notes = f"<p>Code:</p>\n\n<pre>{pre}</pre>\n\n<p>After.</p>"
    feed = HEAD + (
        "<item><title>Episode 1</title><guid>ep-1</guid>"
        "<pubDate>Mon, 01 Jan 2024 10:00:00 +0000</pubDate>"
        '<enclosure url="https://cdn.example.com/1.mp3" length="1000" type="audio/mpeg"/>'
        f"<content:encoded><![CDATA[{notes}]]></content:encoded></item>\n</channel></rss>\n"
    )
    imported(home, "podcast", feed)
    built = publish("build")
    assert built.exit_code == 0, built.output
    page = _Pre()
    page.feed((home / "feeds" / "episodes" / "episode-1" / "index.html").read_text("utf-8"))
    assert page.texts == [pre]
