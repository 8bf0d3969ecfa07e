"""A summary read from the start of a post's HTML is the one read from all of it."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline.render.markdown import PageContext, render
from pipeline.support.text import clean
from pipeline.syndication.common import plain, plain_start, truncate

WORDS = st.sampled_from(
    [
        "word", "Grüße", "&amp;", "&lt;b&gt;", "<", ">", "&", "a&b", "x<p>y", "`code <p>`",
        "**bold**", "_it_", "[link](https://e.org/a?b=1&c=2)", "![alt <p> text](img.png)",
        "<span>raw</span>", "<br>", "—", "  ", "\\*", "&#1234;", "&nbsp;", "<b title='a<p>b'>t</b>",
    ]
)  # fmt: skip
BLOCK = st.lists(WORDS, min_size=1, max_size=30).map(" ".join)
PREFIX = st.sampled_from(["", "# ", "- ", "> ", "1. ", "    ", "| a |\n|---|\n| "])
BODY = st.lists(st.tuples(PREFIX, BLOCK).map("".join), min_size=1, max_size=40).map("\n\n".join)


def _html(body: str) -> str:
    return render(body, PageContext(source="essays/a.md", url="https://e.org/essays/a/"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=BODY, limit=st.integers(min_value=1, max_value=400))
@example(body="\n\n".join(["word " * 80, "<b title='a<p>b'>t</b> &amp;lt; " * 40]), limit=300)
def test_the_start_gives_the_same_summary(body: str, limit: int) -> None:
    html = _html(body)
    whole = clean(truncate(plain(html), limit))
    assert clean(truncate(plain_start(html, limit), limit)) == whole


def test_a_long_post_is_read_from_its_start_only() -> None:
    """The summary of a 2 MB post reads a few kilobytes (the text past it is never parsed:
    a broken tag there would otherwise show)."""
    html = _html("\n\n".join(f"Paragraph {n} of words words words." for n in range(50_000)))
    start = plain_start(html + "<p>unclosed <b", 300)
    assert 300 < len(start) < 5_000
    assert plain(html).startswith(start)
