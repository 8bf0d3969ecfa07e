"""The composite action's scripts, run by bash as the runner runs them, on a content
repository: each command, its step summary and annotations, exit codes, the feed diff
against a base commit, and the ledger committed and pushed back after a digest.

``publish`` here is this checkout's code behind a two-line launcher in the folder the
action's install step fills (``$RUNNER_TEMP/publish-venv/bin``); the install step itself,
from a built package, is tested in ``test_package.py``."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest

from tests.adopt.action_runner import REPO, git_env, run_step

RUN = "Run publish"


def _git(cwd: Path, *args: str) -> str:
    import os

    proc = subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **git_env()},
    )
    return proc.stdout.strip()


@pytest.fixture
def runner_temp(tmp_path: Path) -> Path:
    temp = tmp_path / "runner-temp"
    bin_dir = temp / "publish-venv" / "bin"
    bin_dir.mkdir(parents=True)
    launcher = bin_dir / "publish"
    launcher.write_text(
        f'#!/bin/sh\nPYTHONPATH="{REPO}" exec "{sys.executable}" -m pipeline "$@"\n',
        encoding="utf-8",
    )
    launcher.chmod(0o755)
    (temp / "summary.md").touch()
    return temp


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A content repository (the bundled site) with one commit, and a bare origin."""
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copytree(REPO / "content", repo / "content")
    shutil.copy(REPO / "publish.toml", repo / "publish.toml")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    origin = tmp_path / "origin.git"
    _git(tmp_path, "clone", "-q", "--bare", str(repo), str(origin))
    _git(repo, "remote", "add", "origin", str(origin))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1750000000")  # every bundled item published
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache"))
    return repo


def _summary(runner_temp: Path) -> str:
    return (runner_temp / "summary.md").read_text(encoding="utf-8")


def test_build_writes_the_feeds(workspace: Path, runner_temp: Path) -> None:
    proc = run_step(RUN, workspace, runner_temp, COMMAND="build", OUT="site")
    assert proc.returncode == 0, proc.stderr
    parsed = feedparser.parse((workspace / "site" / "rss.xml").read_bytes())
    assert not parsed.bozo and parsed.entries


def test_validate_fails_with_exit_2_on_a_content_error(workspace: Path, runner_temp: Path) -> None:
    assert run_step(RUN, workspace, runner_temp, COMMAND="validate").returncode == 0
    essay = workspace / "content" / "essays" / "why-we-gather.md"
    essay.write_text(essay.read_text(encoding="utf-8").replace("title:", "titel:", 1))
    proc = run_step(RUN, workspace, runner_temp, COMMAND="validate")
    assert proc.returncode == 2
    assert "content/essays/why-we-gather.md:" in proc.stderr


def test_content_and_config_inputs_are_passed(workspace: Path, runner_temp: Path) -> None:
    (workspace / "publish.toml").rename(workspace / "site.toml")
    shutil.move(workspace / "content", workspace / "pages")
    proc = run_step(
        RUN, workspace, runner_temp, COMMAND="build", CONFIG="site.toml", CONTENT="pages"
    )
    assert proc.returncode == 0, proc.stderr
    assert (workspace / "feeds" / "rss.xml").is_file()


def test_links_offline_summary_and_annotation_on_the_broken_line(
    workspace: Path, runner_temp: Path
) -> None:
    page = workspace / "content" / "essays" / "why-we-gather.md"
    lines = [*page.read_text(encoding="utf-8").splitlines(), "", "See [gone](no-such.md)."]
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = run_step(RUN, workspace, runner_temp, COMMAND="links", OFFLINE="true")
    assert proc.returncode == 2
    errors = [x for x in proc.stdout.splitlines() if x.startswith("::error")]
    assert errors and errors[0].startswith(
        f"::error file=content/essays/why-we-gather.md,line={len(lines)}::"
    )
    summary = _summary(runner_temp)
    assert summary.startswith("## ") and "no-such.md" in summary


def test_links_external_only_in_changed_files(workspace: Path, runner_temp: Path) -> None:
    """Nothing changed since the base: no URL is fetched, and the check passes."""
    base = _git(workspace, "rev-parse", "HEAD")
    proc = run_step(RUN, workspace, runner_temp, COMMAND="links", CHANGED_SINCE=base)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "::error" not in proc.stdout


def test_feed_diff_fails_on_a_changed_guid(workspace: Path, runner_temp: Path) -> None:
    base = _git(workspace, "rev-parse", "HEAD")
    same = run_step(RUN, workspace, runner_temp, COMMAND="feed-diff", BASE=base)
    assert same.returncode == 0, same.stdout + same.stderr
    assert _summary(runner_temp).startswith("## ")
    shutil.rmtree(runner_temp / "publish-base-feeds")
    _git(workspace, "worktree", "remove", "--force", str(runner_temp / "publish-base"))
    shutil.rmtree(workspace / "feeds")
    page = workspace / "content" / "essays" / "hosting-not-bossing.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(
        re.sub(r"(?m)^id: .*$", "id: 0f0f0f0f-0000-4000-8000-000000000001", text, count=1)
    )
    changed = run_step(RUN, workspace, runner_temp, COMMAND="feed-diff", BASE=base)
    assert changed.returncode == 2
    assert "::error title=Feed GUID changed::" in changed.stdout
    assert "Hosting, not bossing" in _summary(runner_temp)


def test_feed_diff_without_base_is_a_configuration_error(
    workspace: Path, runner_temp: Path
) -> None:
    proc = run_step(RUN, workspace, runner_temp, COMMAND="feed-diff")
    assert proc.returncode == 3 and "::error" in proc.stdout


def test_unknown_command_exit_3(workspace: Path, runner_temp: Path) -> None:
    proc = run_step(RUN, workspace, runner_temp, COMMAND="deploy")
    assert proc.returncode == 3 and "::error" in proc.stdout


def test_digest_preview_goes_to_the_summary(workspace: Path, runner_temp: Path) -> None:
    proc = run_step(RUN, workspace, runner_temp, COMMAND="digest")
    assert proc.returncode == 0, proc.stderr
    assert "Preview only; nothing sent." in proc.stdout
    assert _summary(runner_temp).startswith("## Newsletter digest")
    assert not (workspace / "newsletter" / "sent.jsonl").exists()


def test_digest_test_needs_an_address(workspace: Path, runner_temp: Path) -> None:
    proc = run_step(RUN, workspace, runner_temp, COMMAND="digest", DIGEST="test")
    assert proc.returncode == 3


def test_digest_send_then_the_ledger_is_pushed_back(
    workspace: Path, runner_temp: Path, tmp_path: Path
) -> None:
    sent = run_step(RUN, workspace, runner_temp, COMMAND="digest", DIGEST="send")
    assert sent.returncode == 0, sent.stderr
    assert "Sent through outbox" in sent.stdout
    commit = run_step("Commit the ledger", workspace, runner_temp, REF="refs/heads/main")
    assert commit.returncode == 0, commit.stdout + commit.stderr
    origin = tmp_path / "origin.git"
    message = _git(origin, "log", "-1", "--format=%s", "main")
    assert message == "Record the newsletter digest [skip ci]"
    files = _git(origin, "show", "--name-only", "--format=", "main").split()
    assert "newsletter/sent.jsonl" in files
    again = run_step("Commit the ledger", workspace, runner_temp, REF="refs/heads/main")
    assert again.returncode == 0 and "ledger unchanged" in again.stdout
