"""GitBook's ``$$…$$`` maths: readable TeX in a styled block or span, escaped, code untouched."""

from __future__ import annotations

import html5lib
from hypothesis import given
from hypothesis import strategies as st

from pipeline.render.links import PageContext
from pipeline.render.markdown import render
from pipeline.render.maths import maths

XHTML = "{http://www.w3.org/1999/xhtml}"


def _html(body: str) -> str:
    return render(body, PageContext("a.md", "https://x.example/a/"))


def _maths(body: str) -> list[tuple[str, str, str]]:
    """(tag, class, text) of each maths element, as a browser parses the page."""
    tree = html5lib.parse(_html(body))
    return [
        (el.tag.removeprefix(XHTML), el.get("class"), "".join(el.itertext()))
        for el in tree.iter()
        if "math" in (el.get("class") or "").split()
    ]


def test_a_block_between_dollar_lines_is_a_display_formula() -> None:
    body = "Before.\n\n$$\ns = \\sqrt{\\frac{1}{N-1} \\sum\\_{i=1}^N (x\\_i)^2}\n$$\n\nAfter.\n"
    assert _maths(body) == [
        ("pre", "math math-display", "s = \\sqrt{\\frac{1}{N-1} \\sum_{i=1}^N (x_i)^2}")
    ]
    assert "<p>Before.</p>" in _html(body) and "<p>After.</p>" in _html(body)


def test_a_formula_alone_on_its_line_is_a_block_and_inside_a_sentence_inline() -> None:
    assert _maths("$$f(x) = x \\* e^{2 pi i \\xi x}$$\n") == [
        ("pre", "math math-display", "f(x) = x * e^{2 pi i \\xi x}")
    ]
    assert _maths("The mean $$\\bar{x}$$ of $$n$$ values.\n") == [
        ("span", "math math-inline", "\\bar{x}"),
        ("span", "math math-inline", "n"),
    ]


def test_markdown_and_html_inside_tex_stay_tex() -> None:
    body = "A $$a_1 * b_2 * [c](d) <b>x</b> {% hint %}$$ b.\n\n$$\n</pre><script>x()</script>\n\n*y*\n$$\n"
    found = _maths(body)
    assert found == [
        ("span", "math math-inline", "a_1 * b_2 * [c](d) <b>x</b> {% hint %}"),
        ("pre", "math math-display", "</pre><script>x()</script>\n\n*y*"),
    ]
    out = _html(body)
    assert "<script" not in out and "<em>" not in out and "<a " not in out


def test_a_pipe_in_a_table_cell_stays_in_the_formula() -> None:
    assert _maths("| a | b |\n|---|---|\n| $$x|y$$ | 2 |\n") == [
        ("span", "math math-inline", "x|y")
    ]


def test_code_is_left_alone_and_a_lone_dollar_pair_stays_text() -> None:
    body = "```\n$$x$$\n```\n\n    $$indented$$\n\nUse `$$a$$` and pay $$5.\n\n$$\nnever closed\n"
    assert _maths(body) == []
    out = _html(body)
    assert "$$x$$" in out and "$$indented$$" in out and "<code>$$a$$</code>" in out
    assert "pay $$5." in out and "never closed" in out


def test_a_block_inside_a_list_item_stays_in_the_item() -> None:
    tree = html5lib.parse(_html("- step\n\n  $$\n  a + b\n  $$\n- next\n"))
    items = list(tree.iter(XHTML + "li"))
    assert len(items) == 2
    assert [el.get("class") for el in items[0].iter(XHTML + "pre")] == ["math math-display"]


def test_no_dollars_no_change() -> None:
    body = "Plain text, $5 and $6.\n"
    assert maths(body) is body


@given(st.text(alphabet="$\\_*`<>&|x \n{}%", max_size=60))
def test_any_text_renders_without_leaking_markup(text: str) -> None:
    out = _html(text)
    tree = html5lib.parse(out)
    assert not list(tree.iter(XHTML + "script"))
    for el in tree.iter():
        if "math" in (el.get("class") or "").split():
            assert not list(el), "a formula holds text only"
