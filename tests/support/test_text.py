"""Text hygiene: the fast test for long text agrees with the regex on every character."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.support.text import _ILLEGAL_XML, clean, find, find_all

ILLEGAL = "\x00\x01\x08\x0b\x0c\x0e\x1f\x7f\x80\x85\x9f\ud800\udbff\udc00\udfff\ufffe\uffff"
EDGES = "\t\n\r \x7e\xa0\xa9\u00e9e\u0301\ud7ff\ue000\ufffd\U00010000\U0010ffff€▶"


def reference(text: str) -> str:
    return _ILLEGAL_XML.sub("", unicodedata.normalize("NFC", text))


@settings(max_examples=400)
@given(
    st.text(alphabet=st.sampled_from(ILLEGAL + EDGES) | st.characters(), max_size=40),
    st.integers(min_value=0, max_value=600),
)
def test_long_and_short_text_cleaned_as_the_regex_does(core: str, padding: int) -> None:
    for text in (core, "x" * padding + core, core + "<p>ascii</p>" * (padding // 10)):
        assert clean(text) == reference(text)


def test_each_illegal_character_is_removed_from_long_text() -> None:
    body = "<p>" + "word " * 100 + "</p>"
    for ch in ILLEGAL:
        for text in (body + ch, ch + body, body + ch + "é" + body):
            assert ch not in clean(text), repr(ch)
            assert clean(text) == reference(text)


def test_legal_edges_are_kept() -> None:
    text = "<p>" + "word " * 100 + EDGES + "</p>"
    assert clean(text) == unicodedata.normalize("NFC", text)
    assert "\U0010ffff" in clean(text) and "\t" in clean(text)


def _find_all_reference(text: str, needle: str) -> list[int]:
    found, at = [], text.find(needle)
    while at >= 0:
        found.append(at)
        at = text.find(needle, at + len(needle))
    return found


@settings(max_examples=400)
@given(
    st.text(alphabet="{%`~<ab \n", max_size=120),
    st.sampled_from(["{%", "```", "~~~", "{{<", "<a", "b", "", "%"]),
    st.integers(min_value=0, max_value=130),
)
def test_find_is_str_find(text: str, needle: str, start: int) -> None:
    """The first character's places looked at one by one (and, past the first 16, the rest
    left to str.find) give what str.find gives: also where that character is frequent."""
    for haystack in (text, "{" * 40 + text, text + "`" * 40 + "```"):
        assert find(haystack, needle, start) == haystack.find(needle, start)


@given(
    st.text(alphabet="{%`~ab\nhrefsc<", max_size=200),
    st.sampled_from([("{%", "```", "~~~"), ("href", "src", "<a"), ("{", "e", "~~")]),
)
def test_find_all_is_every_needle_found_in_turn(text: str, needles: tuple[str, ...]) -> None:
    for haystack in (text, "{" * 40 + text + "h" * 40 + text):
        expected = sorted(at for n in needles for at in _find_all_reference(haystack, n))
        assert find_all(haystack, needles) == expected
