"""Run the steps of ``action.yml`` as the GitHub runner does: ``bash --noprofile --norc -eo
pipefail`` on the step's script, its ``env:`` given as the inputs would fill it, in a
checked-out repository with a runner's environment (``RUNNER_TEMP``, ``GITHUB_STEP_SUMMARY``)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
ACTION = REPO / "action.yml"
DEFAULTS = {"CONFIG": "publish.toml", "OUT": "feeds", "OFFLINE": "false", "DIGEST": "preview"}


def steps() -> dict[str, dict[str, Any]]:
    doc = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    return {s["name"]: s for s in doc["runs"]["steps"] if "run" in s}


def git_env() -> dict[str, str]:
    return {
        "GIT_AUTHOR_NAME": "CI",
        "GIT_AUTHOR_EMAIL": "ci@example.org",
        "GIT_COMMITTER_NAME": "CI",
        "GIT_COMMITTER_EMAIL": "ci@example.org",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }


def run_step(
    name: str, workspace: Path, runner_temp: Path, **inputs: str
) -> subprocess.CompletedProcess[str]:
    """Run the step called ``name`` with ``inputs`` (environment names of its ``env:``)."""
    step = steps()[name]
    env = {
        **os.environ,
        **git_env(),
        **{k: "" for k in step.get("env", {})},
        **{k: v for k, v in DEFAULTS.items() if k in step.get("env", {})},
        **inputs,
        "RUNNER_TEMP": str(runner_temp),
        "GITHUB_STEP_SUMMARY": str(runner_temp / "summary.md"),
        "GITHUB_WORKSPACE": str(workspace),
    }
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
