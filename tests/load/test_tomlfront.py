"""TOML front matter (``+++``), as Hugo writes it: values, key lines, errors at their line."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.load.frontmatter import FrontMatterError, split, split_body


def test_values_lines_and_body() -> None:
    text = (
        '+++\ntitle = "Hello"\ndate = 2024-05-12T08:00:00+02:00\n'
        'tags = ["a", "b"]\n"quoted key" = 1\n[params]\nmood = "ok"\n+++\nBody *here*.\n'
    )
    parsed = split(text)
    assert parsed.meta["title"] == "Hello"
    assert parsed.meta["date"] == dt.datetime(
        2024, 5, 12, 8, tzinfo=dt.timezone(dt.timedelta(hours=2))
    )
    assert parsed.meta["params"] == {"mood": "ok"}
    assert parsed.lines == {"title": 2, "date": 3, "tags": 4, "quoted key": 5, "params": 6}
    assert parsed.body == "Body *here*.\n" and parsed.body_line == 9
    assert parsed.has_front_matter
    assert split_body(text) == parsed.body


def test_syntax_error_names_the_file_line() -> None:
    with pytest.raises(FrontMatterError) as err:
        split('+++\ntitle = "ok"\ndate = = 3\n+++\n')
    assert err.value.line == 3 and err.value.field == "front matter"


def test_unclosed_fence() -> None:
    with pytest.raises(FrontMatterError) as err:
        split('+++\ntitle = "x"\n')
    assert err.value.line == 1 and "'+++'" in err.value.message


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    with pytest.raises(FrontMatterError):
        split("+++\nx = " + "[" * 50_000 + "]" * 50_000 + "\n+++\n")


def test_plus_signs_that_are_not_a_fence_are_body() -> None:
    assert split("+++ not a fence\ntext\n").meta == {}


@given(
    st.dictionaries(
        st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True), st.text(max_size=20), max_size=6
    )
)
def test_any_string_table_round_trips(values: dict[str, str]) -> None:
    import json

    # JSON's escapes are TOML's; JSON leaves DEL raw, which TOML refuses: an error, not a crash
    lines = "".join(f"{k} = {json.dumps(v, ensure_ascii=False)}\n" for k, v in values.items())
    try:
        parsed = split(f"+++\n{lines}+++\nbody\n")
    except FrontMatterError:
        assert any("\x7f" in v for v in values.values())
        return
    assert parsed.meta == values
    assert parsed.lines == {k: n for n, k in enumerate(values, 2)}
