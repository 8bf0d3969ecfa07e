"""The copy-paste workflows in docs/ci.md are the ones ``publish init`` writes, pin publish's
action by this release's tag, and pass zizmor and actionlint; the version, its tag, the
CHANGELOG and the install lines in the docs agree."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import tomllib
from pathlib import Path

import pytest

from pipeline import __version__
from pipeline.authoring.detect import Detected
from pipeline.authoring.starter import ACTION_REPO, action_ref, plan_init
from tests.ci.test_workflows import _actionlint, _bin, actionlint  # noqa: F401 (a fixture)

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "ci.md"
FILES = (".github/workflows/pr.yml", ".github/workflows/publish.yml", ".github/zizmor.yml")


def _blocks() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    found = {}
    for rel in FILES:
        m = re.search(rf"### `{re.escape(rel)}`\n\n```yaml\n(.*?)```\n", text, re.S)
        assert m, f"docs/ci.md shows no {rel}"
        found[rel] = m.group(1)
    return found


def test_docs_workflows_are_the_ones_init_writes() -> None:
    plan = plan_init(
        Detected("markdown", "content", "plain"),
        base_url="https://x.example.org/",
        title="X",
        today=dt.date(2025, 1, 1),
        ids={"essay": "a", "episode": "b", "event": "c"},
    )
    files = {rel: data.decode("utf-8") for rel, data in plan.files}
    for rel, text in _blocks().items():
        assert text == files[rel], f"docs/ci.md's {rel} differs from what publish init writes"


def test_docs_pin_the_action_by_this_release_tag() -> None:
    uses = re.findall(rf"uses: ({re.escape(ACTION_REPO)}@[\w.-]+)", DOC.read_text(encoding="utf-8"))
    assert uses and set(uses) == {action_ref()}
    assert action_ref().endswith(f"@v{__version__}")


def _written(tmp_path: Path) -> Path:
    for rel, text in _blocks().items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_docs_workflows_pass_zizmor(tmp_path: Path) -> None:
    repo = _written(tmp_path)
    proc = subprocess.run(
        [
            _bin("zizmor"),
            "--offline",
            "--persona=pedantic",
            "--min-severity=informational",
            "--format=json",
            "--no-progress",
            ".github/workflows",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=repo,
    )
    assert json.loads(proc.stdout or "[]") == []
    assert proc.returncode == 0, proc.stderr


def test_docs_workflows_pass_actionlint(
    actionlint: list[str],  # noqa: F811 (the fixture)
    tmp_path: Path,
) -> None:
    repo = _written(tmp_path)
    assert _actionlint(actionlint, sorted((repo / ".github" / "workflows").glob("*.yml"))) == []


def test_version_tag_and_changelog_agree() -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" in pyproject["project"]["dynamic"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "pipeline.__version__"}
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(
        rf"^## \[{re.escape(__version__)}\] - (Unreleased|\d{{4}}-\d\d-\d\d)$", changelog, re.M
    )
    for doc in (REPO / "README.md", DOC):
        pins = re.findall(r"git\+https://github\.com/[\w-]+/publish@(v[\w.]+)", doc.read_text())
        assert pins and set(pins) == {f"v{__version__}"}, doc.name


@pytest.mark.parametrize("text", ["README.md"])
def test_readme_documents_the_action_pin(text: str) -> None:
    assert f"uses: {action_ref()}" in (REPO / text).read_text(encoding="utf-8")
