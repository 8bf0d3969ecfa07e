"""The package a content repository installs: the wheel and sdist build (``python -m build``,
with build isolation as a release builds them) and pass ``twine check --strict``; the wheel
installed into a fresh virtual environment outside this repository builds a copied site and
starts a new one; and the action's install step, given the source a pinned tag checks out,
installs that version and its run step builds a content repository with it."""

from __future__ import annotations

import email
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import feedparser
import pytest

from pipeline import __version__
from tests.adopt.action_runner import REPO, run_step

pytestmark = pytest.mark.slow


def _run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, check=False, timeout=900
    )
    assert proc.returncode == 0, f"{args}\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    _run(sys.executable, "-m", "build", "--outdir", out, REPO)
    return out


def _one(folder: Path, pattern: str) -> Path:
    (found,) = folder.glob(pattern)
    return found


def test_wheel_and_sdist_pass_twine_check(dist: Path) -> None:
    wheel = _one(dist, f"publish-{__version__}-py3-none-any.whl")
    sdist = _one(dist, f"publish-{__version__}.tar.gz")
    _run(sys.executable, "-m", "twine", "check", "--strict", wheel, sdist)
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        meta = email.message_from_bytes(zf.read(f"publish-{__version__}.dist-info/METADATA"))
    assert meta["Version"] == __version__ and meta["Name"] == "publish"
    assert {"pipeline/py.typed", "pipeline/templates/init/pr.yml.j2"} <= names
    assert "pipeline/templates/newsletter/digest.html.j2" in names
    assert "pipeline/templates/site/locale/de/LC_MESSAGES/site.mo" in names  # the site's words


def test_the_wheel_works_outside_the_repository(dist: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv)
    _run(venv / "bin" / "python", "-m", "pip", "install", "-q", _one(dist, "*.whl"))
    publish = venv / "bin" / "publish"
    assert (
        _run(publish, "--version", cwd=tmp_path).stdout.strip() == f"publish, version {__version__}"
    )
    site = tmp_path / "site"
    shutil.copytree(REPO / "content", site / "content")
    shutil.copy(REPO / "publish.toml", site / "publish.toml")
    _run(publish, "build", "--quiet", "--out", "feeds", cwd=site)
    parsed = feedparser.parse((site / "feeds" / "rss.xml").read_bytes())
    assert not parsed.bozo and len(parsed.entries) >= 5
    fresh = tmp_path / "fresh"
    _run(publish, "init", fresh, "--base-url", "https://fresh.example.org/", cwd=tmp_path)
    _run(publish, "build", "--out", "feeds", cwd=fresh)
    assert (fresh / "feeds" / "podcast.xml").is_file()


def test_the_action_installs_the_pinned_source_and_builds(dist: Path, tmp_path: Path) -> None:
    """A tag of this repository checked out as the action: its install step, then its run step."""
    with tarfile.open(_one(dist, "*.tar.gz")) as tf:
        tf.extractall(tmp_path / "action", filter="data")
    action_path = tmp_path / "action" / f"publish-{__version__}"
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    (runner_temp / "summary.md").touch()
    site = tmp_path / "content-repo"
    shutil.copytree(REPO / "content", site / "content")
    shutil.copy(REPO / "publish.toml", site / "publish.toml")
    install = run_step("Install publish", site, runner_temp, ACTION_PATH=str(action_path))
    assert install.returncode == 0, install.stdout + install.stderr
    assert install.stdout.strip().endswith(f"publish, version {__version__}")
    again = run_step("Install publish", site, runner_temp, ACTION_PATH=str(action_path))
    assert "already installed" in again.stdout  # the second step of a job does not reinstall
    build = run_step("Run publish", site, runner_temp, COMMAND="build")
    assert build.returncode == 0, build.stderr
    assert (site / "feeds" / "rss.xml").is_file()
