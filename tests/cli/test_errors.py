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


@pytest.mark.parametrize("command", [["validate"], ["build", "--out", "feeds"]])
def test_a_key_with_a_line_break_fakes_no_line_of_its_own(
    site: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    """A front-matter key (or any part of a problem) holding a line break, a line separator
    or an escape sequence is shown escaped on its one line: once it printed a second line
    that read as an error of another file."""
    essay = site / "content" / "essays" / "why-we-gather.md"
    text = essay.read_text(encoding="utf-8")
    forged = '"top\\nfake.md:1: title: forged\\u2028\\e[31m": 1\n'
    essay.write_text(text.replace("---\n", "---\n" + forged, 1), encoding="utf-8")
    monkeypatch.chdir(site)
    result = runner.invoke(main, command)
    assert result.exit_code == 0, result.output
    assert not any(line.startswith("fake.md") for line in result.stderr.splitlines())
    assert "\x1b" not in result.stderr and "\u2028" not in result.stderr
    said = [line for line in result.stderr.splitlines() if "why-we-gather.md" in line]
    assert len(said) == 1 and "top\\nfake.md:1: title: forged\\u2028\\x1b[31m" in said[0], said
