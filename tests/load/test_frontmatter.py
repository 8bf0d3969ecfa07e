"""The front-matter fast path reads exactly what PyYAML's safe loader reads, or steps aside."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.load.frontmatter import FrontMatterError, _full_yaml, _simple_yaml

REPO = Path(__file__).resolve().parents[2]

KEYS = ["title", "date", "tags", "id", "draft", "yes", "No", "null", "on", "x-y", "_k", "1", "a1"]
SCALARS = [
    "",
    "Hello",
    "Hello, world",
    "a [b] {c}",
    "C#",
    "a #b",
    "a: b",
    "a:b",
    "http://x.org/a?b=c#d",
    "abc:",
    "yes",
    "No",
    "on",
    "OFF",
    "y",
    "n",
    "true",
    "False",
    "null",
    "~",
    "Null",
    "NULL",
    "1",
    "-1",
    "+1",
    "0x1F",
    "0o17",
    "017",
    "0b101",
    "1_000",
    "1:20",
    "190:20:30",
    "1.5",
    "-1.5",
    "1e3",
    "1.0e+3",
    ".inf",
    "-.inf",
    ".NaN",
    ".5",
    "2024-01-01",
    "2024-1-1",
    "2024-01-01T10:00:00Z",
    "2024-01-01 10:00:00",
    "2024-01-01T10:00:00+02:00",
    "2024-01-01t10:00:00.5-05:30",
    "2024-13-45",
    "'single'",
    "'it''s'",
    '"double"',
    '"esc\\"aped"',
    '"tab\\there"',
    '"a #b"',
    '"a: b"',
    "[a, b]",
    "[]",
    "[ ]",
    "[1, yes, ~]",
    '["x, y", z]',
    "[a, [b]]",
    "[a, b,]",
    "{a: 1}",
    "- a",
    "-a",
    "?x",
    ":x",
    "&anchor x",
    "*alias",
    "!tag x",
    "!!str 5",
    "|",
    ">",
    "%x",
    "@x",
    "`x`",
    "<<",
    "=",
    "a\tb",
    "—dash é ✨",
    "a  b",
    "trailing   ",
    "=x",
    "<x",
    "a'b",
    'a"b',
    "caf\u00e9",
    "\u2028x",
    "x\x85y",
    "\ufeffx",
    "-",
    "--",
    "---x",
    "...",
    "a ...",
    "0.",
    "00",
]
LINE = st.one_of(
    st.builds(
        lambda k, v: f"{k}: {v}".rstrip(" ") if v else f"{k}:",
        st.sampled_from(KEYS),
        st.sampled_from(SCALARS),
    ),
    st.sampled_from(
        ["", "# a comment", "  indented: x", "key:value", "\tkey: x", "- item", "k:  spaced"]
    ),
)


def _same(a: object, b: object) -> bool:
    return repr(a) == repr(b)  # NaN is not equal to itself; its repr is


@settings(max_examples=600, deadline=None)
@given(st.lists(LINE, max_size=8))
def test_the_fast_path_agrees_with_the_full_loader(lines: list[str]) -> None:
    text = "\n".join(lines)
    fast = _simple_yaml(text, 2)
    if fast is None:
        return  # stepped aside: the full loader decides
    full = _full_yaml(text, 2)  # raises if YAML refuses what the fast path took
    assert _same(fast, full), (text, fast, full)


@pytest.mark.parametrize("value", SCALARS)
def test_each_value_alone(value: str) -> None:
    text = f"k: {value}"
    fast = _simple_yaml(text, 2)
    try:
        full = _full_yaml(text, 2)
    except FrontMatterError:
        assert fast is None, f"fast path accepted {value!r}, which YAML refuses"
        return
    if fast is not None:
        assert _same(fast, full)


def test_typical_front_matter_takes_the_fast_path() -> None:
    text = (
        'title: "The slow release: shipping"\ndate: 2025-01-13T08:00:00Z\n'
        "id: 3d0e8a52-52a4-4c1b-8f3e-9a5c1d2e0a04\ntags: [governance, releases]\n"
        "description: We release every six weeks, whatever is ready. ✨\ndraft: false\n"
    )
    fast = _simple_yaml(text, 2)
    assert fast is not None and _same(fast, _full_yaml(text, 2))
    assert fast[1] == {"title": 2, "date": 3, "id": 4, "tags": 5, "description": 6, "draft": 7}


def test_every_bundled_and_fixture_file_reads_the_same() -> None:
    files = [*(REPO / "content").rglob("*.md"), *(REPO / "tests/fixtures").rglob("*.md")]
    taken = 0
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # a fixture of the encoding tests
        if not text.startswith("---\n") or "\n---" not in text[3:]:
            continue
        yaml_text = text[4 : text.index("\n---", 3)]
        fast = _simple_yaml(yaml_text, 2)
        if fast is not None:
            taken += 1
            assert _same(fast, _full_yaml(yaml_text, 2)), path
    assert taken >= 10


@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [
        ("title: one\ntitle: two\n", 3, "title", "duplicate key; 'title' is already set on line 2"),
        ("title: x\ntags: [a]\ntitle: y\n", 4, "title", "already set on line 2"),
        ("title: x\ndate: 2024-13-45\n", 3, "date", "cannot read '2024-13-45': "),
        (
            "title: x\ndate: 2024-02-30T10:00:00Z\n",
            3,
            "date",
            "cannot read '2024-02-30T10:00:00Z': ",
        ),
        ("title: x\nseo:\n  a: 1\n  when: 2021-02-30\n", 5, "seo", "cannot read '2021-02-30'"),
        ("title: x\n1: x\n", 3, "front matter", "keys must be text, got '1'"),
    ],
)
def test_mistakes_name_their_line_and_field(text: str, line: int, field: str, words: str) -> None:
    """PyYAML keeps the last of two equal keys silently and reports an impossible date
    without a line: both once came out as the wrong line, or as no error at all."""
    assert _simple_yaml(text, 2) is None  # the fast path steps aside for all of them
    with pytest.raises(FrontMatterError) as caught:
        _full_yaml(text, 2)
    assert (caught.value.line, caught.value.field) == (line, field)
    assert words in str(caught.value)


def test_merge_keys_are_still_read() -> None:
    meta, _ = _full_yaml("base: &b {title: x}\n<<: *b\n", 2)
    assert meta["title"] == "x"
    # a key merged in and then set again is an override, not a duplicate
    meta, _ = _full_yaml("base: &b\n  title: From merge\n<<: *b\ntitle: Explicit\n", 2)
    assert meta["title"] == "Explicit"
    meta, _ = _full_yaml("a: &a {k: 1}\nb: &b {k: 2}\n<<: [*a, *b]\n", 2)
    assert meta["k"] == 1
