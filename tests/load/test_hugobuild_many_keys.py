"""A front matter ``build`` (or ``_build``) map of thousands of keys Hugo does not know: one
warning for the file at the line of ``build``, naming the first keys and how many there
are, not one warning a key (100,000 keys made 100,000 lines on stderr)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import run_site, small_site


def _post(front: str) -> str:
    return f"---\ntitle: A\ndate: 2024-01-01\nid: a\n{front}---\nBody.\n"


def _many(key: str, n: int) -> str:
    return f"{key}:\n  list: never\n" + "".join(f"  k{i}: never\n" for i in range(n))


@pytest.mark.parametrize("key", ["build", "_build"])
def test_many_unknown_keys_make_one_warning(tmp_path: Path, runner: CliRunner, key: str) -> None:
    config = small_site(tmp_path, {"posts/a.md": _post(_many(key, 5_000))})
    result = run_site(runner, "build", config)
    assert result.exit_code == 0, result.output
    warnings = [ln for ln in result.stderr.splitlines() if ln.startswith("warning:")]
    assert len(warnings) == 1, warnings[:5]
    (line,) = warnings
    assert f"content/posts/a.md:5: {key}: unknown build options " in line
    assert f"{key}.k0, {key}.k1, {key}.k2 and 4997 more (5000 in all)" in line
    assert "k3" not in line and "ignored (Hugo's are list, render, publishResources)" in line
    assert len(line) < 400
    # the options it knows are still obeyed: ``list: never`` keeps the page out of the feed
    assert (tmp_path / "out" / "essays" / "a" / "index.html").is_file()
    assert "/essays/a/" not in (tmp_path / "out" / "rss.xml").read_text(encoding="utf-8")


@pytest.mark.parametrize("n", [1, 3])
def test_a_few_unknown_keys_are_each_named_as_before(
    tmp_path: Path, runner: CliRunner, n: int
) -> None:
    front = "build:\n" + "".join(f"  Lsit{i}: never\n" for i in range(n))
    config = small_site(tmp_path, {"posts/a.md": _post(front)})
    result = run_site(runner, "validate", config)
    assert result.exit_code == 0, result.output
    warnings = [ln for ln in result.stderr.splitlines() if ln.startswith("warning:")]
    assert warnings == [
        f"warning: {tmp_path}/content/posts/a.md:5: build.Lsit{i}: unknown build option, "
        "ignored (Hugo's are list, render, publishResources)"
        for i in range(n)
    ]


def test_four_unknown_keys_are_one_warning(tmp_path: Path, runner: CliRunner) -> None:
    front = "build:\n" + "".join(f"  Lsit{i}: never\n" for i in range(4))
    result = run_site(runner, "validate", small_site(tmp_path, {"posts/a.md": _post(front)}))
    assert result.exit_code == 0, result.output
    warnings = [ln for ln in result.stderr.splitlines() if ln.startswith("warning:")]
    assert warnings == [
        f"warning: {tmp_path}/content/posts/a.md:5: build: unknown build options build.Lsit0, "
        "build.Lsit1, build.Lsit2 and 1 more (4 in all), ignored "
        "(Hugo's are list, render, publishResources)"
    ]


def test_long_hostile_keys_are_shown_short_and_on_one_line(
    tmp_path: Path, runner: CliRunner
) -> None:
    """Each named key is cut to 60 characters, a line break escaped: no forged line."""
    long = "".join(f'  "{c * 1000}": 1\n' for c in "yzw")
    front = 'build:\n  "x\\nb.md:1: title: forged": 1\n' + long
    config = small_site(tmp_path, {"posts/a.md": _post(front)})
    result = run_site(runner, "validate", config)
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.stderr.splitlines() if "b.md:1" in ln or "yyy" in ln]
    assert len(lines) == 1 and len(lines[0]) < 500, lines
    assert "a.md:5: build: unknown build options build.x\\nb.md:1: title: forged, " in lines[0]
    assert "and 1 more (4 in all)" in lines[0]
