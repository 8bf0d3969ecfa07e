"""The linter's literal-first scans answer exactly as the regexes they stand in for."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.feedcheck.rules import _ACTIVE, _URL_ATTR, _has_active, _in_tag, _url_attrs

PIECES = [
    "<", ">", "=", " ", "\t", "\n", '"', "'", "/", ":", "a", "x",
    "href", "HREF", "Src", "poster", "on", "onclick", "ON", "onx",
    " href=", " src = ", " POSTER=", "poster=", '="v"', "='v'", "=v", " onload=",
    "script", "SCRIPT", "iframe", "object", "embed", "javascript:", "JavaScript:",
    "\u017f", "\u212a", "\u0130", "\u0131", "ß", "é",
]  # fmt: skip
MARKUP = st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=40).map("".join)


@settings(max_examples=800)
@given(MARKUP)
@example(" on=")  # "on" alone is no handler
@example("onclick=")  # nor one without a blank before it
@example("x bonclick=")
@example("a\tONLOAD \n= b")
@example("<a title='on' onmouseover  =x>")
def test_active_content_found_where_the_regex_finds_it(markup: str) -> None:
    assert _has_active(markup, markup.lower()) == (_ACTIVE.search(markup) is not None)


@settings(max_examples=800)
@given(MARKUP)
@example("<poster= href=<")  # a value that is no attribute hides none that follows
def test_url_attributes_found_where_the_regex_finds_them(markup: str) -> None:
    """Where the regex finds one inside a tag (text that looks like an attribute links
    nothing; see test_feedlint's false-positive test)."""
    found = [m.span() for m in _url_attrs(markup, markup.lower())]
    expected: list[tuple[int, int]] = []
    end = 0
    for at in range(len(markup)):  # the regex tried at every position, as a browser would
        m = _URL_ATTR.match(markup, at) if at >= end else None
        if m and _in_tag(markup, at):
            expected.append(m.span())
            end = m.end()
    assert found == expected
