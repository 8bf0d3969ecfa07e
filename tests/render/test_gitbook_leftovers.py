"""Tags split over lines are dropped from the Markdown (:mod:`pipeline.render.gitbook_leftovers`);
a body with none is returned as it is without the paragraph walk, which must then have had
nothing to drop."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.render.gitbook_leftovers import _splits_a_line, drop_split_tags, tag_spans
from tests.timing import assert_linear

TEXT = st.lists(
    st.sampled_from(["{%", "%}", "{% hint %}", "\n", "\n\n", "a", " ", "```", "`", "{", "%"]),
    max_size=40,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(text=TEXT)
@example(text="{% a\n%}")
@example(text="{%{% a %}\n%}")
@example(text="{%}\n%}")
@example(text="{% a %} {% b\n c %}")
def test_a_body_said_to_split_no_tag_has_no_tag_over_a_line_end(text: str) -> None:
    spans = [text[start:end] for start, end in tag_spans(text)]
    if not _splits_a_line(text):
        assert not any("\n" in span for span in spans)
        assert drop_split_tags(text) == text


def test_a_tag_over_two_lines_is_dropped_and_one_on_a_line_kept() -> None:
    text = 'Before {% hint style="info"\n%} after {% x %} end.\n'
    assert _splits_a_line(text)
    assert drop_split_tags(text) == "Before  after {% x %} end.\n"
    assert not _splits_a_line("Before {% x %} after.\n{% y %}\n")


def test_openings_sharing_one_close_are_looked_at_once() -> None:
    """Many ``{%`` before one ``%}`` on their line: the stretch is searched for a line end
    once, not from each ``{%`` (doubling the text at most about doubles the time)."""
    shape = "x {% "
    texts = {n: shape * n + "%} y\n" for n in (200_000, 400_000)}
    assert_linear(lambda n: _splits_a_line(texts[n]), 200_000, ratio=2.5, slack=0.01)
