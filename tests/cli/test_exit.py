"""The ``publish`` process ends as a normal exit would (its status, everything it printed,
exit handlers run) without tearing down the interpreter's objects."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import __version__

ENTRY = """
import atexit, sys, tempfile
from pathlib import Path
folder = tempfile.TemporaryDirectory()  # removed by an exit handler
Path(sys.argv[1]).write_text(folder.name)
atexit.register(lambda: print("exit handlers ran", file=sys.stderr))
sys.argv = ["publish", *sys.argv[2:]]
from pipeline.cli import run
run()
print("never reached")
"""


def _publish(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", ENTRY, str(tmp_path / "temp-name"), *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )


def test_output_flushed_and_exit_handlers_run(tmp_path: Path) -> None:
    done = _publish(tmp_path, "--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"publish, version {__version__}\n"
    assert "exit handlers ran" in done.stderr
    assert not Path((tmp_path / "temp-name").read_text()).exists()


@pytest.mark.parametrize(("args", "status"), [(["nope"], 2), (["build", "--config", "x"], 3)])
def test_usage_and_config_errors_keep_their_status(
    tmp_path: Path, args: list[str], status: int
) -> None:
    done = _publish(tmp_path, *args)
    assert done.returncode == status, done.stderr
    assert "exit handlers ran" in done.stderr


def test_a_content_error_keeps_its_status_and_its_lines(tmp_path: Path) -> None:
    content = tmp_path / "content" / "essays"
    content.mkdir(parents=True)
    (tmp_path / "publish.toml").write_text(
        '[site]\ntitle = "T"\nbase_url = "https://example.org/"\n', encoding="utf-8"
    )
    (content / "bad.md").write_text("---\ntitle: Bad\ndate: soon\n---\nBody.\n", "utf-8")
    done = _publish(tmp_path, "validate")
    assert done.returncode == 2, done.stderr
    assert "content/essays/bad.md:3: date:" in done.stderr
    assert "never reached" not in done.stdout


def test_python_dash_m_uses_the_same_exit(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "--version"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stdout) == (0, f"publish, version {__version__}\n")


def test_a_profiler_still_writes_its_report(tmp_path: Path) -> None:
    """Under a profiler (or coverage) the process exits the normal way, so the report lands."""
    report = tmp_path / "profile.out"
    done = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(report), "-m", "pipeline", "--version"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert report.stat().st_size > 0
