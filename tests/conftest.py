"""Shared fixtures: an isolated environment, the CLI runner, and copies of content trees."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings

from pipeline.cli import main
from pipeline.support.paths import walk
from pipeline.support.secrets import SECRET_ENV_VARS

# The property tests draw the same examples on every run (a fresh clone's CI passes or fails
# on the code, not on a draw): HYPOTHESIS_PROFILE=explore searches anew, as a developer should
# before a change lands. No deadline: a loaded machine is no bug.
settings.register_profile("suite", derandomize=True, deadline=None)
settings.register_profile("explore", deadline=None, max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No real API keys, no real home, no cache shared between tests: a build without
    ``--cache-dir`` would use ``.publish-cache`` in the working folder (the repository's, for
    every test that does not change it), where one test's snapshot met the next test's."""
    for name in SECRET_ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("PUBLISH_DEBUG", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path_factory.mktemp("home")))


@pytest.fixture
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """The parallel paths taken on any machine: a test of forked workers runs them beside
    this process, as a build does on two cores or more (on one core the build does the work
    in this process, and the processes under test would never start; forked ones still run
    there, by turns)."""
    real = os.cpu_count
    monkeypatch.setattr(os, "cpu_count", lambda: max(2, real() or 1))


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    """pytest-httpserver on 127.0.0.1 only (never a name that could resolve elsewhere), for
    every test: the server is one for the session, so an address set in one folder's
    conftest held or not by the order the folders ran in."""
    return ("127.0.0.1", 0)


@pytest.fixture
def deep_tree_removed(tmp_path: Path) -> Iterator[None]:
    """For a test that makes folders deeper than Python's recursion limit: pytest's clean-up
    of old temporary folders recurses too, so the tree goes here, bottom up."""
    yield
    for top, _dirs, files in reversed(list(walk(tmp_path))):
        for name in files:
            os.unlink(os.path.join(top, name))
        if top != str(tmp_path):
            os.rmdir(top)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Path]:
    """A copy of the bundled example site (publish.toml + content/) in a temp folder."""
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copy(REPO / "publish.toml", tmp_path / "publish.toml")
    yield tmp_path


def run_site(runner: CliRunner, command: str, config: Path) -> Result:
    """``publish COMMAND --config CONFIG`` (a build writes into ``out/`` beside it)."""
    args = [command, "--config", str(config)]
    if command == "build":
        args += ["--out", str(config.parent / "out")]
    return runner.invoke(main, args)


def small_site(
    root: Path, files: dict[str, str], title: str = "T", base_url: str = "https://e.org/"
) -> Path:
    """``files`` (path under ``content/`` -> text) and a ``publish.toml`` of a site titled
    ``title`` at ``base_url``, under ``root``: the configuration's path."""
    for rel, text in files.items():
        path = root / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    config = root / "publish.toml"
    config.write_text(f'[site]\ntitle = "{title}"\nbase_url = "{base_url}"\n', encoding="utf-8")
    return config


def aliased_essay(root: Path, aliases: list[str], base_url: str = "https://e.org/") -> Path:
    """A site of one essay, ``essays/a.md``, whose ``aliases`` (line 5) are ``aliases``; its
    publish.toml."""
    front = f"---\ntitle: A\ndate: 2024-01-01\nid: a\naliases: {json.dumps(aliases)}\n---\n"
    return small_site(root, {"essays/a.md": front + "\nBody.\n"}, base_url=base_url)


EVENTS_CONFIG = """\
[site]
title = "Handbook"
base_url = "https://handbook.example/"
timezone = "Europe/Berlin"
"""


def build_events(root: Path, events: dict[str, str]) -> tuple[Result, Path]:
    """``publish build`` of a site of ``events`` (file name -> text, in ``events/``) into
    ``root/out``: the result and the output folder."""
    (root / "content" / "events").mkdir(parents=True)
    (root / "publish.toml").write_text(EVENTS_CONFIG)
    for name, text in events.items():
        (root / "content" / "events" / name).write_text(text)
    out = root / "out"
    args = ["build", "--config", str(root / "publish.toml"), "--out", str(out)]
    return CliRunner().invoke(main, args), out


def copy_fixture(name: str, dest: Path) -> Path:
    shutil.copytree(FIXTURES / name, dest / name)
    return dest / name


def git(repo: Path, *args: str, date: str | None = None) -> str:
    """``git -C repo args`` as a fixed author with no user configuration, its output
    stripped; ``date`` (ISO 8601) is the commit's author and committer date."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Ed",
        "GIT_AUTHOR_EMAIL": "ed@example.org",
        "GIT_COMMITTER_NAME": "Ed",
        "GIT_COMMITTER_EMAIL": "ed@example.org",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    proc = subprocess.run(
        ["git", "-C", str(repo), *args], check=True, env=env, capture_output=True, text=True
    )
    return proc.stdout.strip()


def offline_statuses() -> tuple[Result, dict[str, str]]:
    """``publish links --offline --format json`` in the working folder: its result and each
    link's status by URL."""
    checked = CliRunner().invoke(main, ["links", "--offline", "--format", "json"])
    return checked, {r["url"]: r["status"] for r in json.loads(checked.stdout)}
