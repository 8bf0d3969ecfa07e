"""The search index's words and files as pure functions: folding, tokenizing, the word files,
updating one in place, and time linear in the pages (a doubling ratio, not a wall time)."""

from __future__ import annotations

import json
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.syndication.search.index import (
    SearchPage,
    analyse,
    changed_words,
    parse_shard,
    shard_bytes,
    shard_key,
    update_postings,
    whole_index,
)
from pipeline.syndication.search.tokens import MAX_LEN, counts, html_text, summary_of, words
from tests.timing import assert_linear


def test_words_are_folded_like_the_search_box_folds_a_query() -> None:
    assert words("Grüße aus KÖLN") == ["grusse", "aus", "koln"]
    assert words("grüße") == words("GRÜSSE") == words("grusse") == ["grusse"]
    assert words("ﬁsh naïve İstanbul ΣΟΦΟΣ") == ["fish", "naive", "istanbul", "σοφοσ"]
    assert words("a I x2 " + "z" * (MAX_LEN + 1)) == ["x2"]  # one letter, and too long: out
    assert words("e\u0301te\u0301") == ["ete"]  # decomposed accents too


def test_html_text_keeps_words_apart_and_decodes_references() -> None:
    """Blocks part words; an inline element's tags do not: ``<b>fo</b>ur`` reads "four", and
    was indexed as "fo" and "ur" (search found nothing for "hashtag" in ``**Hash**tag``, and
    a summary read "belonging : a place"; a helper's finding)."""
    text = html_text("<p>one</p><p>two&amp;three &eacute;t&eacute; <b>fo</b>ur</p> 1 < 2")
    assert counts(text) == {"one": 1, "two": 1, "three": 1, "ete": 1, "four": 1}
    shown = html_text('<p><a href="x">belonging</a>: H<sub>2</sub>O<br>next</p><li>a</li><li>b')
    assert " ".join(shown.split()) == "belonging: H2O next a b"


@given(st.text(max_size=80))
def test_counting_text_gives_the_words_of_words(text: str) -> None:
    """The fast path (runs, folded once each) finds exactly the words of the slow
    one, which folds the whole text first."""
    found = counts(text)
    assert dict(found) == {w: words(text).count(w) for w in set(words(text))}


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=120))
def test_ascii_text_counts_its_words_in_the_order_they_first_occur(text: str) -> None:
    """ASCII text (most pages) is counted as text at once: the same words, in order."""
    found = counts(text)
    assert list(found.items()) == [(w, words(text).count(w)) for w in dict.fromkeys(words(text))]


def test_counted_words_keep_their_order_as_the_cache_records_it() -> None:
    """A page's words are cached (and the index's state digests them) in this order: ASCII
    words as they first occur, then the words of runs beyond ASCII."""
    found = counts("Bb, aa; bb été-cc ÉTÉ x_y 12 q")
    assert list(found.items()) == [
        ("bb", 2),
        ("aa", 1),
        ("cc", 1),
        ("x_y", 1),
        ("12", 1),
        ("ete", 2),
    ]


def test_analyse_weights_the_title_and_takes_the_description_as_summary() -> None:
    page = SearchPage("a/", "Gardens", "Growing food together.", "essays", "<p>Gardens grow.</p>")
    found = analyse(page)
    assert found.summary == "Growing food together."
    assert found.weights == {"gardens": 6, "grow": 1, "growing": 1, "food": 1, "together": 1}
    long = SearchPage("b/", "T", None, "essays", "<p>" + "word " * 100 + "</p>")
    assert analyse(long).summary.endswith("…") and len(analyse(long).summary) <= 201


def test_shard_keys_are_safe_file_names() -> None:
    assert shard_key("garden") == "ga"
    assert shard_key("gärten") == "x67-e4"  # never folded here: "gä" cannot occur after fold
    assert shard_key("中文字") == "x4e2d-6587"


def test_updating_a_word_file_in_place_equals_making_it_again() -> None:
    pages = [{"apple": 2, "apricot": 1}, {"apple": 1}, {"avocado": 3}]
    files = whole_index([((f"p{i}/", "T", "", "s"), w) for i, w in enumerate(pages)], "")
    edited = {"apricot": 2, "avocado": 1}
    postings = parse_shard(files["words/ap.json"])
    changed = {w for w in changed_words(pages[1], edited) if shard_key(w) == "ap"}
    assert changed == {"apple", "apricot"}
    update_postings(postings, changed, {1: edited})
    pages[1] = edited
    again = whole_index([((f"p{i}/", "T", "", "s"), w) for i, w in enumerate(pages)], "")
    assert shard_bytes(postings) == again["words/ap.json"]
    assert json.loads(again["words/ap.json"]) == {"apple": [0, 2], "apricot": [0, 1, 1, 2]}


def _pages(n: int) -> list[SearchPage]:
    rng = random.Random(n)
    vocabulary = [f"w{i}ord" for i in range(5_000)] + ["grüße", "café", "naïve"]
    return [
        SearchPage(
            f"p/{i:06d}/",
            " ".join(rng.choices(vocabulary, k=5)),
            None,
            "essays",
            "<p>" + " ".join(rng.choices(vocabulary, k=300)) + "</p>",
        )
        for i in range(n)
    ]


def _index(pages: list[SearchPage]) -> int:
    rows = []
    for page in pages:
        found = analyse(page)
        rows.append(((page.url, page.title, found.summary, page.section), found.weights))
    return sum(len(data) for data in whole_index(rows, "").values())


def test_the_index_takes_time_linear_in_the_pages() -> None:
    pages = {n: _pages(n) for n in (300, 600)}
    assert_linear(lambda n: _index(pages[n]), 300, ratio=2.5, slack=0)


def test_hostile_markup_takes_linear_time() -> None:
    counts("é")  # the character classes are built on first use: not part of what is timed
    shapes = {
        "tags": lambda n: "<a " * n,
        "entities": lambda n: "&" * n + "<" * n,
        "combining": lambda n: "e\u0301" * n,
    }
    for name, shape in shapes.items():
        texts = {n: shape(n) for n in (100_000, 200_000)}
        assert_linear(
            lambda n: counts(html_text(texts[n])),  # noqa: B023
            100_000,
            ratio=2.5,
            slack=0,
            label=f"{name}: ",
        )


def _summary_of_whole(text: str, limit: int) -> str:
    """The page summary read from the whole text, as it once was."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0] if " " in flat[:limit] else flat[:limit]
    return cut.rstrip(" ,;:.-–—") + "…"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["word", " ", "\n\n", "\u3000", "—", "a.", "x" * 30, " " * 50]),
        max_size=120,
    ).map("".join),
    st.integers(min_value=1, max_value=120),
)
def test_a_summary_read_from_the_start_is_the_summary_of_the_whole(text: str, limit: int) -> None:
    assert summary_of(text, limit) == _summary_of_whole(text, limit)
