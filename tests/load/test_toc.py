"""SUMMARY.md read line by line gives what markdown-it's reading gives, or steps aside."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.load import toc

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# Text and targets drawn from what Markdown reads as markup as well as plain letters.
WORDS = st.one_of(
    st.text(alphabet="ab Zé1!'.,?", max_size=12),
    st.text(alphabet="ab Zé1!#*_`[]<>&()~:\\\xa0.-/", max_size=12),
)
TARGET = st.one_of(
    st.text(alphabet="ab/._-~éZ%20#?:()<>&\\ ", min_size=0, max_size=14),
    st.sampled_from(
        [
            "essays/a.md",
            "https://example.org/A B",
            "https://EXAMPLE.org/x",
            "javascript:alert(1)",
            "//host/x",
            "<a b.md>",
            "a.md 'title'",
            "caf%C3%A9.md",
            "a%zz.md",
            "folder/",
            "../up.md",
            "a.md#part",
        ]
    ),
)
LINK = st.builds(
    lambda w, t, rest: f"[{w}]({t}){rest}",
    WORDS,
    TARGET,
    st.sampled_from(["", "", "", " ", " and more", " [x](y.md)"]),
)
CONTENT = st.one_of(
    LINK,
    WORDS,
    st.sampled_from(["* *", "---", "[ref]: /url", "[ref]", "<b>x</b>", "`a`", "1. [a](b.md)", ""]),
)
HEADING = st.builds(
    lambda n, sep, w, end: "#" * n + sep + w + end,
    st.integers(1, 7),
    st.sampled_from(["", " ", "  "]),
    WORDS,
    st.sampled_from(["", " #", "  ", " ##"]),
)
ITEM = st.builds(
    lambda indent, marker, sep, content: " " * indent + marker + sep + content,
    st.integers(0, 7),
    st.sampled_from(["*", "-", "+", "1."]),
    st.sampled_from(["", " ", "  "]),
    CONTENT,
)
LINE = st.one_of(st.sampled_from(["", "   ", "text", "  text"]), HEADING, ITEM)
NEWLINE = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def near_gitbook_toc(draw: st.DrawFn) -> str:
    """Mostly items as GitBook nests them, with any text and target; now and then any line."""
    lines: list[str] = []
    depth = -1
    for _ in range(draw(st.integers(0, 10))):
        kind = draw(st.integers(0, 9))
        if kind == 0:
            lines.append(draw(LINE))
            continue
        if kind == 1:
            lines.append(draw(HEADING))
            depth = -1
            continue
        if kind == 2:
            lines.append(draw(st.sampled_from(["", "  "])))
            continue
        depth = draw(st.integers(0, min(depth + 1, 6)))
        lines.append("  " * depth + "* " + draw(CONTENT if kind == 3 else LINK))
    return draw(NEWLINE).join(lines)


@settings(max_examples=2500, deadline=None)
@given(near_gitbook_toc())
def test_lines_agree_with_markdown_it_or_step_aside(text: str) -> None:
    found = toc._by_lines(text)
    assert found is None or found == toc._by_markdown_it(text)


# The tables of contents GitBook writes: the line reader must take these itself.
PLAIN_TITLE = st.text(alphabet="abcXYZé !?'.,:-0123456789", min_size=1, max_size=20).filter(
    str.strip
)
PLAIN_TARGET = st.text(alphabet="abc/._-é%", min_size=1, max_size=16)


@st.composite
def gitbook_toc(draw: st.DrawFn) -> str:
    lines = ["# Table of contents", ""]
    depth = -1
    for _ in range(draw(st.integers(0, 30))):
        if draw(st.integers(0, 9)) == 0:
            lines += ["", f"## {draw(PLAIN_TITLE).strip()}", ""]
            depth = -1
            continue
        depth = draw(st.integers(0, min(depth + 1, 3)))
        title, target = draw(PLAIN_TITLE), draw(PLAIN_TARGET)
        lines.append("  " * depth + f"* [{title}]({target})")
    return "\n".join(lines) + "\n"


@settings(max_examples=400, deadline=None)
@given(gitbook_toc())
def test_gitbook_tables_of_contents_are_read_line_by_line(text: str) -> None:
    found = toc._by_lines(text)
    assert found is not None
    assert found == toc._by_markdown_it(text)


def test_fixture_tables_of_contents_agree() -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.rglob("SUMMARY.md"))]
    assert texts
    for text in texts:
        assert toc._by_lines(text) == toc._by_markdown_it(text)


def test_what_the_line_reader_leaves_to_markdown_it() -> None:
    for text in (
        "* [a](a.md)\n\n[x]: /y\n",  # a link reference definition
        "* [a](a.md)\n   * [b](b.md)\n",  # odd indentation
        "* [a](a.md)\n    * [b](b.md)\n",  # two levels at once
        "* [a](a.md)\n- [b](b.md)\n",  # another marker: another list
        "* [a](a.md)\ncontinued\n",  # a paragraph's next line
        "## Group ##\n",  # a closing sequence
        "* [a](a.md)\n\t* [b](b.md)\n",  # a tab
    ):
        assert toc._by_lines(text) is None, text
    assert toc._parse_summary("* [a](a.md)\n    * [b](b.md)\n") == toc._by_markdown_it(
        "* [a](a.md)\n    * [b](b.md)\n"
    )


def test_an_item_with_markup_is_read_by_markdown_it_for_its_line_only() -> None:
    text = "## G\n\n* [*Intro* &amp; more](a%20b.md)\n  * [Plain](b.md)\n"
    found = toc._by_lines(text)
    assert found is not None and found == toc._by_markdown_it(text)
    assert [(e.title, e.target, e.line, e.depth, e.has_children) for e in found] == [
        ("Intro & more", "a b.md", 3, 0, True),
        ("Plain", "b.md", 4, 1, False),
    ]


LABELLED = """# Table of contents

## Mining

* [Getting Started](start.md)
  * [Hardware](hardware.md)
* Overview
  * [Node Types](node-types.md)
    * [Deep](deep.md)
  * [Hashrate](hashrate.md)
* [Later](later.md)
"""


def test_a_top_level_item_without_a_link_titles_the_group_of_the_items_below_it() -> None:
    """``* Overview`` above its pages (docs.arweave.org-info's SUMMARY.md): the item was
    skipped and its pages went under the linked item above (``Getting Started``), with nothing
    said. They are now the top-level items of a group titled so, which the next top-level
    link ends; both readers agree."""
    read = toc.parse_summary(LABELLED)
    assert read == list(toc._by_markdown_it(LABELLED))
    shown = [(e.title, e.depth, e.group, e.parent) for e in read]
    assert shown == [
        ("Getting Started", 0, "Mining", "Getting Started"),
        ("Hardware", 1, "Mining", "Getting Started"),
        ("Node Types", 0, "Overview", "Node Types"),
        ("Deep", 1, "Overview", "Node Types"),
        ("Hashrate", 0, "Overview", "Hashrate"),
        ("Later", 0, "Mining", "Later"),
    ]
