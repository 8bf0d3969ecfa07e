"""Run each ``publish`` command line the workflows run, as they run it, on the bundled content.

The command lines are read from ``.github/workflows/*.yml`` (see
:func:`tests.ci.test_workflows.publish_invocations`), shell variables are filled in the way the
runner would (``$RUNNER_TEMP``, ``$BASE_SHA``, ``$TEST_TO``), and each runs through Click's
``CliRunner`` in a copy of ``content/`` + ``publish.toml`` that is a git repository, with the
``GITHUB_*`` environment of a pull-request run. Markdown output is appended to
``$GITHUB_STEP_SUMMARY`` as the workflow does, and checked. A command the workflows run that
does not exist fails the test: a workflow calling a missing command is the bug.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.ci.test_workflows import Invocation, publish_invocations

REPO = Path(__file__).resolve().parents[2]
INVOCATIONS = publish_invocations()


def _git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "CI",
        "GIT_AUTHOR_EMAIL": "ci@example.org",
        "GIT_COMMITTER_NAME": "CI",
        "GIT_COMMITTER_EMAIL": "ci@example.org",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    proc = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True, env=env
    )
    return proc.stdout.strip()


def _command(name: str) -> None:
    """Fail unless ``publish NAME`` is a registered command."""
    from pipeline.cli import main

    assert name in main.all_commands, f"the workflows run `publish {name}`, which does not exist"


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """A checked-out repository (the bundled site, committed) and a runner's environment."""
    assert shutil.which("git") is not None, "git is needed to run the workflows' commands"
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copytree(REPO / "content", repo / "content")
    shutil.copy(REPO / "publish.toml", repo / "publish.toml")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    summary = tmp_path / "step-summary.md"
    summary.touch()
    env = {
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(repo),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_REF": "refs/pull/1/merge",
        "GITHUB_BASE_REF": "main",
        "GITHUB_REPOSITORY": "commons/site",
        "RUNNER_TEMP": str(runner_temp),
        "BASE_SHA": _git(repo, "rev-parse", "HEAD"),
        "TEST_TO": "editor@example.org",
        # the action's inputs (action.yml passes them as environment variables)
        "CONFIG": "publish.toml",
        "CONTENT": "",
        "OUT": "feeds",
        "CHANGED_SINCE": "",  # set below: a pull request's base
        "SOURCE_DATE_EPOCH": "1750000000",  # 2025-06-15: every bundled item is published
    }
    env["CHANGED_SINCE"] = env["BASE_SHA"]
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(repo)
    yield env


def _expand(words: tuple[str, ...], env: dict[str, str]) -> list[str]:
    def sub(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(2)
        assert name in env, f"the test does not know ${name}: add it to the workspace fixture"
        return env[name]

    return [re.sub(r"\$(?:\{(\w+)\}|(\w+))", sub, w) for w in words]


def _run(argv: list[str]) -> Result:
    from pipeline.cli import main

    return CliRunner().invoke(main, argv, catch_exceptions=False)


def _prepare(inv: Invocation, env: dict[str, str]) -> None:
    """What the workflow has done before this line: the build, and the base branch's build."""
    if inv.command == "feed-diff":
        _command("build")
        assert _run(["build", "--quiet", "--out", "feeds"]).exit_code == 0
        for name in ("base-feeds", "publish-base-feeds"):  # the workflow's, the action's
            base = Path(env["RUNNER_TEMP"]) / name
            assert _run(["build", "--quiet", "--out", str(base)]).exit_code == 0


@pytest.mark.parametrize(
    "inv", INVOCATIONS, ids=[f"{i.workflow}:{' '.join(i.argv)}" for i in INVOCATIONS]
)
def test_workflow_command_runs_on_the_bundled_content(
    inv: Invocation, workspace: dict[str, str]
) -> None:
    _command(inv.command)
    _prepare(inv, workspace)
    argv = _expand(inv.argv, workspace)
    result = _run(argv)
    assert result.exit_code == 0, f"{inv.line}\n{result.output}"
    if "markdown" in argv:
        summary = Path(workspace["GITHUB_STEP_SUMMARY"])
        with summary.open("a", encoding="utf-8") as fh:
            fh.write(result.stdout)
        text = summary.read_text(encoding="utf-8")
        assert text.strip(), "the step summary is empty"
        assert text.startswith("## "), text[:200]
    if "github" in argv:
        # no broken link in the bundled content: no error annotation
        assert "::error" not in result.stdout, result.stdout
    if inv.command == "build":
        out = Path(argv[argv.index("--out") + 1])
        assert (out / "rss.xml").is_file() and (out / "feed.json").is_file()
    if inv.command == "digest" and "--send" in argv:
        # the file the workflow commits back
        assert (Path(workspace["GITHUB_WORKSPACE"]) / "newsletter" / "sent.jsonl").is_file()


def _plant_broken_link(repo: Path) -> tuple[str, int]:
    page = repo / "content" / "essays" / "why-we-gather.md"
    lines = page.read_text(encoding="utf-8").splitlines()
    lines.append("")
    lines.append("See [the missing page](no-such-essay.md) too.")
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return "content/essays/why-we-gather.md", len(lines)


def _links_lines(fmt: str) -> list[Invocation]:
    found = [i for i in INVOCATIONS if i.command == "links" and fmt in i.argv]
    assert found, f"no workflow runs `publish links --format {fmt}`"
    return found


def test_broken_link_becomes_an_error_annotation_on_its_line(workspace: dict[str, str]) -> None:
    _command("links")
    path, line = _plant_broken_link(Path(workspace["GITHUB_WORKSPACE"]))
    for inv in _links_lines("github"):
        result = _run(_expand(inv.argv, workspace))
        assert result.exit_code == 2, f"{inv.line}\n{result.output}"
        errors = [x for x in result.stdout.splitlines() if x.startswith("::error")]
        assert errors, result.stdout
        assert re.fullmatch(
            rf"::error file={re.escape(path)},line={line}::.*no-such-essay.*", errors[0]
        ), errors


def test_broken_link_is_in_the_markdown_summary(workspace: dict[str, str]) -> None:
    _command("links")
    _plant_broken_link(Path(workspace["GITHUB_WORKSPACE"]))
    offline = [i for i in _links_lines("markdown") if "--offline" in i.argv]
    assert offline, "the internal link check writes the step summary"
    result = _run(_expand(offline[0].argv, workspace))
    assert result.exit_code == 2
    assert result.stdout.startswith("## ")
    assert "no-such-essay.md" in result.stdout and "broken" in result.stdout


def test_feed_diff_flags_a_changed_id_against_the_base_build(workspace: dict[str, str]) -> None:
    """The pull-request feed diff fails when an item's `id:` was edited."""
    _command("feed-diff")
    repo = Path(workspace["GITHUB_WORKSPACE"])
    for name in ("base-feeds", "publish-base-feeds"):
        base = Path(workspace["RUNNER_TEMP"]) / name
        assert _run(["build", "--quiet", "--out", str(base)]).exit_code == 0
    page = repo / "content" / "essays" / "hosting-not-bossing.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(
        re.sub(r"(?m)^id: .*$", "id: 0f0f0f0f-0000-4000-8000-000000000001", text, count=1)
    )
    assert _run(["build", "--quiet", "--out", "feeds"]).exit_code == 0
    for inv in [i for i in INVOCATIONS if i.command == "feed-diff"]:
        result = _run(_expand(inv.argv, workspace))
        assert result.exit_code == 2, f"{inv.line}\n{result.output}"
        assert "GUID" in result.stdout and "Hosting, not bossing" in result.stdout
