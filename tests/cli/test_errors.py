"""Errors keep their problems (and the warnings found with them) across a process boundary,
and the CLI shows both."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.errors import ConfigError, ContentError, Problem
from tests.cli.conftest import error_and_warning

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


def test_warnings_survive_pickling_with_the_errors() -> None:
    raised = ContentError(PROBLEMS[:1], PROBLEMS[1:])
    back = pickle.loads(pickle.dumps(raised))
    assert list(back.warnings) == PROBLEMS[1:] and list(back.problems) == PROBLEMS[:1]


@pytest.mark.parametrize("command", [["validate"], ["build", "--out", "feeds"]])
def test_warnings_are_shown_with_the_errors_in_file_order(
    site: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    error_and_warning(site / "content" / "essays")
    monkeypatch.chdir(site)
    result = runner.invoke(main, command)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert [ln.split(": ")[0] for ln in lines] == [
        "warning",
        "content/essays/b.md:4",
        "1 content error and 1 warning; nothing written.",
    ]
    assert lines[0].startswith("warning: content/essays/a.md:5: subtitle_x: ")
    assert not (site / "feeds").exists()
