"""``publish build`` and ``validate`` warn of an ``updated`` after their clock, each run (the
warning is never cached: a build with nothing to do says it again), and ``--strict`` fails."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main
from tests.load.test_loader import build_essays

LATER = (dt.datetime.now(dt.UTC) + dt.timedelta(days=400)).date().isoformat()
FRONT = (
    f"---\ntitle: A\ndate: 2024-05-01\nupdated: {LATER}\n"
    "id: 0b6a3f4e-5d7c-4a8b-9e1f-2c3d4e5f6a7b\n---\n\nText.\n"
)


def test_a_build_warns_of_an_update_in_the_future(tmp_path: Path, runner: CliRunner) -> None:
    result = build_essays(tmp_path, runner, {"a.md": FRONT})
    assert result.exit_code == 0, result.output
    assert "essays/a.md:4: updated: " in result.stderr and "in the future" in result.stderr
    again = runner.invoke(
        main, ["build", "--config", str(tmp_path / "publish.toml"), "--out", str(tmp_path / "out")]
    )
    assert "essays/a.md:4: updated: " in again.stderr  # a no-op build says it again


def test_a_strict_build_fails_on_it(tmp_path: Path, runner: CliRunner) -> None:
    result = build_essays(tmp_path, runner, {"a.md": FRONT}, "--strict")
    assert result.exit_code == 2, result.output
    assert "essays/a.md:4: updated: " in result.stderr
    assert not (tmp_path / "out" / "atom.xml").exists()


def test_validate_says_it_and_strict_fails(tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / "content" / "essays").mkdir(parents=True)
    (tmp_path / "content" / "essays" / "a.md").write_text(FRONT)
    (tmp_path / "publish.toml").write_text('[site]\nbase_url = "https://e.org/"\n')
    args = ["validate", "--config", str(tmp_path / "publish.toml")]
    result = runner.invoke(main, args)
    assert result.exit_code == 0 and "essays/a.md:4: updated: " in result.stderr, result.output
    result = runner.invoke(main, [*args, "--strict"])
    assert result.exit_code == 2 and "essays/a.md:4: updated: " in result.stderr, result.output
