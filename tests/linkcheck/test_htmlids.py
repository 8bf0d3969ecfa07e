"""The ids a remote page offers a #fragment, read as a browser's parser reads them."""

from __future__ import annotations

import time

import pytest

from pipeline.linkcheck.htmlids import page_ids
from tests.linkcheck.conftest import IDS_PAGE


def test_every_id_a_browser_finds_and_none_it_does_not() -> None:
    """A tag's second attribute was never read (``<a name=legacy id=modern>`` gave no
    #modern: a good link reported broken), and ids in scripts, styles, comments, quoted
    values and <meta name> were taken for anchors (bad links reported ok)."""
    ids = page_ids(IDS_PAGE)
    assert {"modern", "legacy", "search", "real", "upper"} <= ids
    assert not ids & {"scripted", "styled", "commented", "quoted", "viewport", "q"}


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (b'<div id=bare class="x">', {"bare"}),
        (b'<h2 id="x&amp;y">', {"x&y"}),
        (b"<h3 id='user-content-intro'>", {"user-content-intro", "intro"}),
        (b"<p id=a><!-- <p id=b> --><p id=c><!-- <p id=d>", {"a", "c"}),  # open to the end
        (b"<scripts id=s><script id=t>x = '<b id=u>'</SCRIPT ><i id=v>", {"s", "t", "v"}),
        (b"<textarea><b id=w></textarea><b id=x><style>", {"x"}),
        (b'<input type=text name="q" value="id=y">', set()),
    ],
)
def test_ids(page: bytes, expected: set[str]) -> None:
    assert page_ids(page) == expected


@pytest.mark.parametrize(
    "page",
    [b"<" * 2_000_000, b"<a " * 700_000, b"<!--" * 500_000, b"<script>" + b"<b id=x>" * 250_000],
)
def test_hostile_pages_are_read_in_linear_time(page: bytes) -> None:
    started = time.monotonic()
    page_ids(page)
    assert time.monotonic() - started < 2.0


def test_an_empty_comment_ends_where_browsers_end_it() -> None:
    """``<!-->`` and ``<!--->`` are whole comments to a browser: the ids after them were read
    as inside a comment (up to the next ``-->``, or to the end), and reported missing."""
    assert page_ids(b"<!--><h2 id=after>x</h2>") == {"after"}
    assert page_ids(b"<!---><h2 id=after>x</h2><!-- <p id=no> -->") == {"after"}
    assert page_ids(b"<!-- --><p id=c>") == {"c"}
    assert page_ids(b"<!----><p id=d>") == {"d"}
