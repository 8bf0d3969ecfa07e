"""Errors made of problems keep them when they cross a process boundary (a worker raising)."""

from __future__ import annotations

import pickle

import pytest

from pipeline.errors import ConfigError, ContentError, Problem

PROBLEMS = [
    Problem("content/a.md", 3, "date", "expected YYYY-MM-DD, got 'soon'"),
    Problem("content/b.md", 1, "file", "changed while the build was running: run it again"),
]


@pytest.mark.parametrize("kind", [ContentError, ConfigError])
def test_problems_survive_pickling(kind: type[ContentError] | type[ConfigError]) -> None:
    raised = kind(PROBLEMS)
    back = pickle.loads(pickle.dumps(raised))
    assert type(back) is kind and back.exit_code == raised.exit_code
    assert list(back.problems) == sorted(PROBLEMS)
    assert str(back) == str(raised)
