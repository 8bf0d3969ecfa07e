"""An episode's numbers that no float holds, or that are absurd: ``duration: .inf``, 400 digits,
a soundbite starting 400 digits in, an ``HH`` of 5,000 digits. Each crashed ``validate`` and
``build`` (exit 1, OverflowError; ``round(inf)`` in the page's duration) or was reported as
``file: not a valid URL`` at line 1; each is now a content error at the field's line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.hostile.sites import assert_clean_outcome, essay, make_site, run_build

EPISODE = {
    "kind": "episode",
    "audio": "https://media.example.org/a.mp3",
    "length": "1000",
    "type": "audio/mpeg",
}
"""An episode's keys, on lines 4-7 of :func:`episode` (its duration on line 8)."""

DIGITS = "9" * 400
EXPECTED = "expected a duration in seconds or HH:MM:SS (at most 1000 hours)"


def episode(**extra: str) -> str:
    return essay("Episode", **EPISODE, **extra)


@pytest.mark.parametrize(
    ("value", "got"),
    [
        (".inf", "got inf"),
        ("-.inf", "got -inf"),
        ("1.0e+400", "got inf"),
        (DIGITS, "got 999999999999999999999999999999... (too long)"),
        (f"'{'9' * 5000}:00:00'", "... (too long)"),
        ("'1000:00:01'", "got '1000:00:01'"),
    ],
    ids=["inf", "minus-inf", "overflowing-float", "400-digits", "5000-digit-hours", "past-limit"],
)
@pytest.mark.parametrize("command", ["build", "validate"])
def test_an_absurd_duration_is_a_content_error_at_its_line(
    tmp_path: Path, command: str, value: str, got: str
) -> None:
    make_site(tmp_path, {"episodes/a.md": episode(duration=value)}, podcast=True)
    if command == "build":
        run = run_build(tmp_path)
        assert_clean_outcome(run)
        code, err = run.exit_code, run.stderr
    else:
        result = CliRunner().invoke(main, ["validate", "--config", str(tmp_path / "publish.toml")])
        code, err = result.exit_code, result.stderr
    assert code == 2, err
    assert "not a valid URL" not in err and "Overflow" not in err
    assert f"episodes/a.md:8: front matter 'duration': {EXPECTED}, " in err, err
    assert got in err
    assert len(err) < 1_000  # the value is shortened, not echoed 5,000 digits long


def test_the_longest_duration_allowed_builds(tmp_path: Path) -> None:
    make_site(tmp_path, {"episodes/a.md": episode(duration="'1000:00:00'")}, podcast=True)
    run = run_build(tmp_path)
    assert run.exit_code == 0, run.stderr
    page = (tmp_path / "out/episodes/a/index.html").read_text(encoding="utf-8")
    assert "1000:00:00" in page


@pytest.mark.parametrize(
    "soundbites",
    [
        f"[{{start: {DIGITS}, duration: 1}}]",
        f"[{{start: 1, duration: {DIGITS}}}]",
        "[{start: .inf, duration: 1}]",
        "[{start: 1, duration: .inf}]",
        f"[{{start: '{'9' * 5000}:00:00', duration: 1}}]",
    ],
    ids=["start-400-digits", "duration-400-digits", "start-inf", "duration-inf", "start-text"],
)
def test_an_absurd_soundbite_is_a_content_error_at_its_line(
    tmp_path: Path, soundbites: str
) -> None:
    make_site(
        tmp_path, {"episodes/a.md": episode(duration="60", soundbites=soundbites)}, podcast=True
    )
    run = run_build(tmp_path)
    assert_clean_outcome(run)
    assert run.exit_code == 2, run.stderr
    assert (
        "episodes/a.md:9: front matter 'soundbites': soundbite 1: 'start' and 'duration' must "
        in (run.stderr)
    )
    assert "at most 1000 hours" in run.stderr
