"""The standard streams as a shell may hand them over: stdin or stdout closed (``<&-``,
``>&-``), a reader that leaves early (``publish build --format json | head -1``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main

SHELL_CLOSES = """fd=$1; shift
case $fd in 0) exec "$@" <&- ;; 1) exec "$@" >&- ;; *) exec "$@" 2>&- ;; esac"""


def _with_closed(fd: int, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m pipeline ARGS`` started with descriptor ``fd`` closed."""
    command = [sys.executable, "-m", "pipeline", *args]
    return subprocess.run(
        ["sh", "-c", SHELL_CLOSES, "sh", str(fd), *command],
        stdout=subprocess.DEVNULL if fd == 1 else subprocess.PIPE,
        stderr=subprocess.DEVNULL if fd == 2 else subprocess.PIPE,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_init_with_stdin_closed_writes_the_site(tmp_path: Path) -> None:
    """``publish init <&-`` (cron, some CI runners) was "unexpected error: AttributeError",
    exit 1, nothing written."""
    done = _with_closed(0, tmp_path, "init", "site")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "site" / "publish.toml").is_file()
    assert "wrote site/publish.toml" in done.stdout.splitlines()


def test_stdout_closed_is_no_traceback(site: Path) -> None:
    """``publish validate --format json >&-`` ended in a traceback from the exit's flush."""
    done = _with_closed(1, site, "validate", "--format", "json")
    assert "Traceback" not in done.stderr
    assert done.returncode == 0, done.stderr


def test_links_with_stderr_closed_still_checks(site: Path) -> None:
    """Its progress asked ``sys.stderr.isatty()`` of a stream that is not there: exit 1."""
    done = _with_closed(2, site, "links", "--offline", "--format", "json")
    assert done.returncode == 0
    assert isinstance(json.loads(done.stdout), list)


def test_a_reader_that_leaves_is_not_a_configuration_error(site: Path) -> None:
    """The build's JSON written to a pipe nobody reads any more was "error: Broken pipe",
    exit 3 (the code of a configuration error)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "build", "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=site,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # as head does after its line
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert proc.returncode == 1, err
    assert "Traceback" not in err and "error:" not in err
    assert (site / "feeds" / "rss.xml").is_file()  # the build itself was done


def test_announce_json_without_channels_is_one_json_document(site: Path, runner: CliRunner) -> None:
    result = runner.invoke(
        main, ["announce", "--format", "json", "--config", str(site / "publish.toml")]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"outcomes": [], "warnings": [], "errors": []}
