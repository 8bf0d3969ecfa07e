"""``publish completion bash|zsh|fish``: Click's scripts, and completions that really come back."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_prints_the_script_for_each_shell(shell: str, runner: CliRunner) -> None:
    result = runner.invoke(main, ["completion", shell])
    assert result.exit_code == 0
    assert "_PUBLISH_COMPLETE" in result.stdout
    assert f"{shell}_complete" in result.stdout


def test_an_unknown_shell_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(main, ["completion", "tcsh"])
    assert result.exit_code == 2 and "Traceback" not in result.output


def _complete(runner: CliRunner, words: str, cword: int) -> list[str]:
    result = runner.invoke(
        main,
        [],
        prog_name="publish",
        env={"_PUBLISH_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(cword)},
    )
    assert result.exit_code == 0, result.output
    return [line.split(",", 1)[1] for line in result.stdout.splitlines()]


def test_commands_options_and_choices_complete(runner: CliRunner) -> None:
    assert {"build", "init", "completion", "digest"} <= set(_complete(runner, "publish ", 1))
    assert _complete(runner, "publish dig", 1) == ["digest"]
    assert "--mark-sent" in _complete(runner, "publish digest --", 2)
    assert _complete(runner, "publish completion z", 2) == ["zsh"]


def test_bash_sources_the_script_and_registers_publish(tmp_path: Path) -> None:
    bash = shutil.which("bash")
    assert bash is not None
    script = subprocess.run(
        [sys.executable, "-m", "pipeline", "completion", "bash"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    (tmp_path / "publish.bash").write_text(script, encoding="utf-8")
    proc = subprocess.run(
        [
            bash,
            "--noprofile",
            "--norc",
            "-c",
            f"source {tmp_path / 'publish.bash'}; complete -p publish",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "publish" in proc.stdout and "-F" in proc.stdout
