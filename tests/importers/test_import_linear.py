"""Reading a hostile source takes time linear in it (doubling a shape at most about doubles
the time, the best of a few runs on a shared machine), and odd numbers never crash a run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.importers import read_source
from tests.importers.conftest import publish
from tests.timing import assert_linear


def _podcast(item: str, n: int = 1) -> bytes:
    return (
        '<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>'
        f"<title>S</title>{item * n}</channel></rss>"
    ).encode()


def _item(notes: str = "x", title: str = "t", link: str = "", duration: str = "60") -> str:
    return (
        f"<item><title>{title}</title><guid>g</guid><link>{link}</link>"
        "<pubDate>Sat, 01 Jun 2024 10:00:00 +0000</pubDate>"
        '<enclosure url="https://x.example/a.mp3" length="1" type="audio/mpeg"/>'
        f"<itunes:duration>{duration}</itunes:duration>"
        f"<description><![CDATA[{notes}]]></description></item>"
    )


SHAPES: dict[str, tuple[Callable[[int], bytes], int]] = {
    "blank-lines-in-notes": (lambda n: _podcast(_item(notes="<p>a</p>\n" + " \n" * n)), 50_000),
    "paragraphs-of-text": (lambda n: _podcast(_item(notes="a_b *c*\n\n" * n)), 20_000),
    "dashes-in-title": (lambda n: _podcast(_item(title="-" * n + "a")), 50_000),
    "long-link-segment": (lambda n: _podcast(_item(link="https://x.example/" + "a-" * n)), 50_000),
    "colons-in-duration": (lambda n: _podcast(_item(duration="1:" * n)), 50_000),
    "many-items": (lambda n: _podcast(_item(), n), 2_000),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_doubling_a_hostile_shape_at_most_about_doubles_the_time(shape: str) -> None:
    make, n = SHAPES[shape]
    read_source("podcast", make(n // 4), "source.xml")  # warm up
    assert_linear(
        lambda size: read_source("podcast", make(size), "source.xml"), n, label=f"{shape}: "
    )


def test_numbers_that_are_not_numbers_are_reported_not_crashed_on(
    home: Path, tmp_path: Path
) -> None:
    item = (
        "<item><title>T</title><guid>g</guid><pubDate>Sat, 01 Jun 2024 10:00:00 +0000</pubDate>"
        f'<enclosure url="https://x.example/a.mp3" length="{"9" * 5000}" type="audio/mpeg"/>'
        f"<itunes:duration>{'9' * 5000}</itunes:duration><itunes:season>²</itunes:season>"
        f"<itunes:episode>{'1' * 5000}</itunes:episode></item>"
    )
    source = tmp_path / "odd.xml"
    source.write_bytes(_podcast(item))
    result = publish("import", "podcast", str(source))
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert f"{source}:1: enclosure: length '{'9' * 59}…" in result.stderr
    assert "season: '²' is not a positive whole number" in result.stderr
    assert "itunes:duration '999" in result.stderr and "unknown" in result.stderr
