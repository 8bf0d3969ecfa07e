"""The depth of TOML read from its text (before tomllib reads it) is the depth tomllib's value
has: a file is never refused for a depth it does not have, and never let through deeper."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest
import tomlkit
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.config.values import deep_line, deeper_than


def depth(value: object) -> int:
    if isinstance(value, dict):
        return 1 + max((depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    return 0


def text_depth(text: str) -> int:
    """The least limit :func:`deep_line` lets the text through at."""
    return next(limit for limit in range(1, 200) if deep_line(text, limit) is None)


CASES = [
    "a = 1",
    "a.b = [[1]]",
    '[a.b]\nx = {y = [1]}\n"q.r" = 1',
    "x = {a.b.c = 1}",
    "x = [{a = [1]}, {b = 2}]",
    "'a.b'.c = 1",
    'x = """a\n[[[\n"""\ny.z = 1',
    'x = "a[b{c" # [[[\ny = [\n [1],\n [2]\n]',
    "[ a . b ]\nc = 1",
    "x = '''\n{{{'''''",
    "[[a]]\n[[a.b]]\nc.d = 1",
    "[[a]]\n[a.c]\nd = 1",
    "[[a]]\n[[a]]\n[[a.b]]\n[[a.b.c]]\nx = [1]",
    '[["a"]]\n[[ a . "b" ]]\ny = 1',
    'x = "\\"[[["\ny = 1',
    'x = """\\\n[[[\n"""',
    "a = 1.5\nb = 2024-01-01T00:00:00.5Z\nc = [1.5, {d.e = 2}]",
]


@pytest.mark.parametrize("text", CASES)
def test_the_depth_read_from_the_text_is_the_value_s(text: str) -> None:
    assert text_depth(text) == depth(tomllib.loads(text))


def test_the_line_is_the_first_too_deep() -> None:
    text = 'title = "a"\nq = """\n[[[[\n"""\n[t]\nx = 1\n' + "k." * 100 + "k = 1\n"
    assert deep_line(text, 100) == 7
    assert deep_line(text, 102) is None


keys = st.from_regex(r"[a-z][a-z0-9_. \"'\[\]{}#=-]{0,6}", fullmatch=True)
scalars = st.one_of(st.integers(), st.text(max_size=8), st.booleans(), st.floats(allow_nan=False))
values: st.SearchStrategy[Any] = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(keys, inner, min_size=1, max_size=3)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(keys, values, max_size=4))
def test_any_document_tomlkit_writes_has_the_depth_of_its_value(data: dict[str, Any]) -> None:
    text = tomlkit.dumps(data)
    parsed = tomllib.loads(text)
    assert text_depth(text) == depth(parsed), text
    assert deeper_than(parsed, depth(parsed) - 1) and not deeper_than(parsed, depth(parsed))
