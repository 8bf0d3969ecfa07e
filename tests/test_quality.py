"""The code itself: ruff and mypy (strict on pipeline/) run as part of the test suite,
and every command is documented (an example in --help, and in the README's reference)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from pipeline.cli import main

REPO = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=REPO, capture_output=True, text=True, check=False
    )


def test_ruff_check() -> None:
    result = _run("ruff", "check", "pipeline", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format() -> None:
    result = _run("ruff", "format", "--check", "pipeline", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict() -> None:
    result = _run("mypy", "pipeline")
    assert result.returncode == 0, result.stdout + result.stderr


COMMANDS = sorted(main.all_commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_example(name: str) -> None:
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output, f"publish {name} --help shows no example"


@pytest.mark.parametrize("name", COMMANDS)
def test_readme_reference_lists_every_command_and_option(name: str) -> None:
    readme = (REPO / "README.md").read_text()
    assert f"publish {name}" in readme, f"README does not document `publish {name}`"
    command = main.all_commands[name]
    section = readme.split(f"### `publish {name}", 1)
    assert len(section) == 2, f"README has no '### `publish {name}' section"
    body = section[1].split("\n### ", 1)[0]
    for param in command.params:
        if isinstance(param, click.Option):
            flag = max(param.opts, key=len)
            if flag == "--help":
                continue
            assert flag in body, f"README section of publish {name} lacks {flag}"


def test_exit_codes_documented() -> None:
    readme = (REPO / "README.md").read_text()
    for code, meaning in ((0, "ok"), (1, "unexpected"), (2, "content"), (3, "configuration")):
        assert re.search(rf"\b{code}\b.*{meaning}", readme, re.I), meaning
