"""Only a body with a long run (64 characters without ``/`` or white space) is scanned for
link names the file system would refuse: the test for the run, against the regex it replaced."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.load.namelimits import _has_long_run

RUN = re.compile(r"[^/\s]{64,}")
BODY = st.lists(
    st.sampled_from(["x", "é", "/", " ", "\n", "\u3000", "\u00a0", "\x1c", "a" * 20, "b" * 63]),
    max_size=60,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(body=BODY)
@example(body="a" * 64)
@example(body="a" * 63 + "/" + "a" * 63)
@example(body="a" * 63 + "\u3000" + "a")
@example(body="a" * 32 + "é" * 32)
@example(body="é" * 40)
@example(body="\ud800" * 64)
def test_a_long_run_is_found_as_the_regex_finds_it(body: str) -> None:
    assert _has_long_run(body) == bool(RUN.search(body))
