"""``validate`` refuses exactly what ``build`` refuses: a pull request that validates builds.

Validation used to stop at loading; an entity cmark-gfm writes as bytes that are not UTF-8
(``&#65535;``) then passed validation and crashed every build (exit 1). Outcomes are compared
over hostile shapes: exit code and the problems reported.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.cli import main
from tests.hostile.sites import (
    Run,
    assert_clean_outcome,
    check_outputs,
    essay,
    make_site,
    run_build,
)


def run_validate(root: Path) -> Run:
    result = CliRunner().invoke(
        main, ["validate", "--config", str(root / "publish.toml"), "--quiet"]
    )
    return Run(result.exit_code, result.stdout, result.stderr, result.exception)


def _problems(run: Run) -> list[str]:
    return [line for line in run.problems if not line.startswith(("Valid:", "Built "))]


@pytest.mark.parametrize("entity", ["&#65535;", "&#xFFFE;", "&#65534;", "&#xffff;"])
def test_noncharacter_entities_build_and_validate(tmp_path: Path, entity: str) -> None:
    make_site(tmp_path, {"essays/a.md": essay(body=f"Before {entity} after.\n")})
    assert run_validate(tmp_path).exit_code == 0
    run = run_build(tmp_path)
    assert run.exit_code == 0, run.stderr
    outputs = check_outputs(tmp_path / "out")
    feed = outputs["feed.json"].decode("utf-8")
    assert "Before \\ufffd after." in feed or "Before \ufffd after." in feed


SHAPES = [
    "&#65535;",
    "&#xFFFE;",
    "&#0;",
    "{% hint %}",
    "{% endhint %}",
    "`",
    "<a ",
    "<!--",
    "<script>",
    "[x](y.png)",
    "![i](" + "p" * 300 + ".png)",
    "# h",
    "\n",
    " ",
    "a",
]
FRONT = [
    "",
    "kind: [essay]\n",
    "kind: {a: 1}\n",
    "tags: [" + "t" * 300 + "]\n",
    "slug: " + "s" * 300 + "\n",
    "draft: maybe\n",
    "image: " + "i" * 300 + ".png\n",
    "title: ''\n",
]


@settings(
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    body=st.lists(st.sampled_from(SHAPES), max_size=12).map("".join),
    front=st.sampled_from(FRONT),
)
def test_validate_refuses_what_build_refuses(body: str, front: str) -> None:
    text = f"---\ntitle: T\ndate: 2024-05-01\n{front}---\n{body}\n"
    if "title:" in front:
        text = text.replace("title: T\n", "", 1)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_site(root, {"essays/a.md": text, "essays/b.md": essay()})
        validated = run_validate(root)
        built = run_build(root)
        assert_clean_outcome(built)
        assert validated.exit_code == built.exit_code, (validated.stderr, built.stderr)
        assert _problems(validated) == _problems(built)
        if built.exit_code:
            assert not (root / "out").exists() or not any((root / "out").iterdir())
