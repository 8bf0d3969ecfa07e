"""Atom ``type="xhtml"`` content whose elements each set a relative ``xml:base`` (``a/``):
the base in force was joined level by level, a URL as long as the nesting read again at each
level, so lint-feed took time quadratic in the depth (20,000 levels: 10 s). What decides the
rule, whether a relative URL there can be resolved, is unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.timing import assert_linear

ATOM = (
    '<feed xmlns="http://www.w3.org/2005/Atom"{base}><title>t</title><id>urn:x</id>'
    "<updated>2024-01-01T00:00:00Z</updated><author><name>a</name></author>"
    '<link rel="self" href="https://x.example/atom.xml"/><entry><id>urn:e</id><title>e</title>'
    '<updated>2024-01-01T00:00:00Z</updated><content type="xhtml">'
    '<div xmlns="http://www.w3.org/1999/xhtml">{body}</div></content></entry></feed>'
)
RELATIVE = "hard rss.html.absolute-urls: entry 1: content has relative URLs ('x')"


def _lint(path: Path, base: str, depth: int, inner: str = "") -> str:
    close = "</div>" if inner else ""
    body = '<div xml:base="a/">' * depth + inner + '<a href="x">x</a>' + close + "</div>" * depth
    path.write_text(ATOM.format(base=base, body=body), encoding="utf-8")
    result = CliRunner().invoke(main, ["lint-feed", str(path)])
    assert "Traceback" not in result.output
    return result.stdout


def test_nested_relative_bases_are_read_in_linear_time(tmp_path: Path) -> None:
    feed = tmp_path / "atom.xml"
    assert_linear(lambda n: _lint(feed, ' xml:base="https://x.example/"', n), 6_000)


@pytest.mark.parametrize(
    ("base", "inner", "flagged"),
    [
        ("", "", True),  # relative bases on no base: nothing resolves 'x'
        (' xml:base="https://x.example/"', "", False),
        ("", '<div xml:base="https://x.example/">', False),
        (' xml:base="https://x.example/"', '<div xml:base="mailto:a@x.example">', True),
    ],
)
def test_whether_a_relative_url_resolves_is_unchanged(
    tmp_path: Path, base: str, inner: str, flagged: bool
) -> None:
    out = _lint(tmp_path / "atom.xml", base, 50, inner)
    assert (RELATIVE in out) is flagged, out
