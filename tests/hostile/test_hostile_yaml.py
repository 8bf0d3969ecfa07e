"""YAML front matter: safe loading only, alias bombs and deep nesting refused, a size limit."""

from __future__ import annotations

import resource
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from pipeline.load.frontmatter import FrontMatterError, split
from tests.hostile.sites import (
    PROBLEM_LINE,
    assert_clean_outcome,
    billion_laughs,
    essay,
    make_site,
    run_build,
)
from tests.timing import cpu_seconds

UNSAFE_TAGS = [
    "!!python/object/apply:os.system ['touch {marker}']",
    "!!python/object/apply:subprocess.check_output [['touch', '{marker}']]",
    "!!python/object/new:os.system ['touch {marker}']",
    "!!python/name:os.system",
    "!!python/object:pathlib.PurePosixPath {{}}",
]


@pytest.mark.parametrize("tag", UNSAFE_TAGS)
def test_python_tags_are_refused_naming_the_file(tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "pwned"
    value = tag.format(marker=marker)
    make_site(tmp_path, {"essays/evil.md": essay("Evil", description=value)})
    run = run_build(tmp_path)
    assert_clean_outcome(run)
    assert run.exit_code == 2
    assert "essays/evil.md:4: front matter: unsafe or unknown YAML tag refused" in run.stderr
    assert not marker.exists(), "the YAML tag ran code"
    assert not (tmp_path / "out").exists()


def test_alias_bomb_refused_fast_with_bounded_memory() -> None:
    text = f"---\ntitle: Bomb\n{billion_laughs()}\ndraft: *a8\n---\nbody\n"
    tracemalloc.start()
    started = cpu_seconds()
    try:
        with pytest.raises(FrontMatterError) as info:
            split(text)
        elapsed = cpu_seconds() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "alias bomb" in info.value.message
    assert info.value.line == 11  # the line of 'a8:', the largest value
    assert elapsed < 2.0
    assert peak < 10 * 2**20, f"peak {peak / 2**20:.1f} MiB"


@pytest.mark.slow
def test_alias_bomb_through_the_cli_stays_within_time_and_memory(tmp_path: Path) -> None:
    """The real command, capped at 1 GiB of address space: without the guard, the loader's
    ``repr`` of the expanded value in the 'draft' error would need several GiB."""
    bomb = f"---\ntitle: Bomb\ndate: 2024-05-01\n{billion_laughs()}\ndraft: *a8\n---\nbody\n"
    make_site(tmp_path, {"essays/bomb.md": bomb, "essays/fine.md": essay()})

    def cap_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))

    started = cpu_seconds()  # the command's CPU counts once it has exited and been waited for
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline",
            "build",
            "--config",
            str(tmp_path / "publish.toml"),
            "--out",
            str(tmp_path / "out"),
            "--cache-dir",
            str(tmp_path / "cache"),
        ],
        capture_output=True,
        text=True,
        timeout=30,
        preexec_fn=cap_memory,
        cwd=tmp_path,
    )
    elapsed = cpu_seconds() - started
    assert proc.returncode == 2, proc.stderr
    assert "content/essays/bomb.md:12: front matter: YAML aliases expand" in proc.stderr
    assert elapsed < 10.0


@pytest.mark.parametrize(
    ("yaml_text", "line"),
    [
        ("tags: " + "[" * 100_000 + "]" * 100_000, 3),
        ("tags: " + "{a: " * 50_000 + "1" + "}" * 50_000, 3),
        ("".join(" " * i + f"k{i}:\n" for i in range(1_000)) + " " * 1_000 + "v", 103),
    ],
    ids=["flow-lists", "flow-maps", "block-maps"],
)
def test_deep_nesting_refused_without_crashing(tmp_path: Path, yaml_text: str, line: int) -> None:
    """libyaml's composer recurses in C: 100,000 brackets segfaulted the process."""
    make_site(
        tmp_path,
        {"essays/deep.md": f"---\ntitle: Deep\n{yaml_text}\n---\nbody\n"},
        max_bytes=2_000_000,
    )
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "build", "--config", str(tmp_path / "publish.toml"),
         "--out", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache")],
        capture_output=True, text=True, timeout=30, cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-2000:])
    expected = f"content/essays/deep.md:{line}: front matter: YAML nested more than 100 levels"
    assert expected in proc.stderr


def test_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    big = essay("Big", body="x" * 300_000)
    make_site(tmp_path, {"essays/big.md": big, "essays/fine.md": essay()}, max_bytes=200_000)
    run = run_build(tmp_path)
    assert run.exit_code == 2
    assert len(run.problems) == 1
    assert run.problems[0].endswith(
        f"content/essays/big.md:1: file: file is {len(big)} bytes, over the limit of 200000"
    )
    assert not (tmp_path / "out").exists()


def test_file_at_the_size_limit_is_accepted(tmp_path: Path) -> None:
    text = essay("Just fits")
    text += "x" * (200_000 - len(text.encode()))
    make_site(tmp_path, {"essays/edge.md": text}, max_bytes=200_000)
    assert run_build(tmp_path).exit_code == 0


@pytest.mark.parametrize(
    ("front", "line"),
    [
        ("title: a\x01b", 2),
        ("title: ok\nx: \x7f", 3),
        ("title: é\ndescription: naïve\nx: \x1b[31m", 4),
    ],
)
def test_control_characters_in_yaml_give_one_line_errors(
    tmp_path: Path, front: str, line: int
) -> None:
    make_site(tmp_path, {"updates/ctl.md": f"---\n{front}\ndate: 2024-05-01\n---\nbody\n"})
    run = run_build(tmp_path)
    assert run.exit_code == 2
    assert len(run.problems) == 1, run.stderr
    assert PROBLEM_LINE.match(run.problems[0])
    assert f"content/updates/ctl.md:{line}: front matter: character" in run.problems[0]


@pytest.mark.parametrize(
    ("front", "line"),
    [
        ("title: &a [*a, *a]\n", 2),
        ("title: Cycle\ntags: &t [x, *t]\n", 3),
        ("title: Cycle\nauthors: &p {name: *p}\n", 3),
        ("title: Cycle\nnotes: &n [*n]\n", 3),  # a key publish does not use: kept, so refused
        ("title: Cycle\nnested:\n  deeper: &d [a, [b, *d]]\n", 4),
    ],
    ids=["title", "tags", "map", "unknown-key", "nested"],
)
def test_an_alias_inside_its_own_value_is_refused_naming_the_line(
    tmp_path: Path, front: str, line: int
) -> None:
    """``&a [*a]`` composes to a list that contains itself: the checks that show a wrong
    value recursed until Python's limit (exit 1, "unexpected error"). Now a content error at
    the anchor's line, and nothing written."""
    make_site(tmp_path, {"essays/cycle.md": f"---\n{front}---\nbody\n"})
    run = run_build(tmp_path)
    assert_clean_outcome(run)
    assert run.exit_code == 2, run.stderr
    expected = (
        f"essays/cycle.md:{line}: front matter: a YAML alias refers to the value it is part of"
    )
    assert expected in run.stderr
    assert not (tmp_path / "out").exists()
