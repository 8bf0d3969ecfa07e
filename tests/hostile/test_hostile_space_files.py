"""A GitBook space's own files with bytes that are not UTF-8: SUMMARY.md, the dates file and
``.gitbook.yaml`` get what a page gets, the line of the byte and its offset.

A SUMMARY.md with one 0xff byte (or saved as UTF-16) crashed validate, build, links and
``dates --suggest`` (exit 1, UnicodeDecodeError); the dates file and .gitbook.yaml were
named at line 1 with Python's codec text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.hostile.sites import PROBLEM_LINE

CONFIG = """\
[site]
title = "Space"
base_url = "https://space.example.org/"
timezone = "UTC"

[content]
flavour = "gitbook"
"""

SUMMARY = b"# Summary\n\n* [Intro](intro.md)\n* [Caf\xe9](cafe.md)\n"
"""Latin-1: the 0xe9 byte is at offset 37, on line 4."""

COMMANDS = {
    "validate": ["validate"],
    "build": ["build", "--out", "out", "--cache-dir", "cache"],
    "links": ["links", "--offline"],
    "dates": ["dates", "--suggest"],
}


def space(root: Path, files: dict[str, bytes]) -> Path:
    content = root / "content"
    content.mkdir(parents=True)
    (root / "publish.toml").write_text(CONFIG, encoding="utf-8")
    pages = {
        "SUMMARY.md": b"# Summary\n\n* [Intro](intro.md)\n* [Cafe](cafe.md)\n",
        "intro.md": b"# Intro\n\nHello.\n",
        "cafe.md": b"# Cafe\n\nCoffee.\n",
        **files,
    }
    for name, data in pages.items():
        (content / name).write_bytes(data)
    return root


def run(root: Path, command: str) -> tuple[int, str]:
    args = [*COMMANDS[command], "--config", str(root / "publish.toml")]
    if command == "build":
        args[2], args[4] = str(root / "out"), str(root / "cache")
    result = CliRunner().invoke(main, args)
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stderr


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_summary_that_is_not_utf8_is_named_at_its_line(tmp_path: Path, command: str) -> None:
    root = space(tmp_path, {"SUMMARY.md": SUMMARY})
    code, err = run(root, command)
    assert code == 2, err
    problem = err.splitlines()[0]
    assert PROBLEM_LINE.match(problem), problem
    assert problem.endswith(
        "SUMMARY.md:4: file: not UTF-8 text (byte 0xe9 at offset 37); save the file as UTF-8"
    ), problem
    assert not (root / "out").exists()


def test_a_summary_saved_as_utf16_is_refused_as_a_page_is(tmp_path: Path) -> None:
    root = space(tmp_path, {"SUMMARY.md": "# Summary\n\n* [Intro](intro.md)\n".encode("utf-16")})
    code, err = run(root, "validate")
    assert code == 2, err
    assert "content/SUMMARY.md:1: file: UTF-16 text (it starts with a byte-order mark)" in err


@pytest.mark.parametrize("command", ["validate", "build", "dates"])
def test_a_dates_file_that_is_not_utf8_is_named_at_its_line(tmp_path: Path, command: str) -> None:
    dates = b"intro.md: 2024-05-01\n# caf\xe9\ncafe.md: 2024-05-02\n"
    root = space(tmp_path, {"dates.yml": dates})
    code, err = run(root, command)
    assert code == 2, err
    assert (
        "content/dates.yml:2: dates: not UTF-8 text (byte 0xe9 at offset 26); "
        "save the file as UTF-8"
    ) in err, err


def test_a_space_file_that_is_not_utf8_is_named_at_its_line(tmp_path: Path) -> None:
    root = space(tmp_path, {".gitbook.yaml": b"root: ./\n# caf\xe9\n"})
    code, err = run(root, "validate")
    assert code == 3, err
    assert (
        ".gitbook.yaml:2: gitbook: cannot read it: not UTF-8 text (byte 0xe9 at offset 14)"
    ) in err, err


def test_a_summary_that_is_a_folder_says_so(tmp_path: Path) -> None:
    root = space(tmp_path, {})
    (root / "content/SUMMARY.md").unlink()
    (root / "content/SUMMARY.md").mkdir()
    code, err = run(root, "validate")
    assert code == 2, err
    assert "content/SUMMARY.md:1: summary: not a regular file (a folder" in err, err


def test_a_dates_file_offset_past_a_day_says_the_range(tmp_path: Path) -> None:
    root = space(tmp_path, {"dates.yml": b"intro.md: 2024-05-01T10:00:00+99:00\n"})
    code, err = run(root, "validate")
    assert code == 2, err
    assert "content/dates.yml:1: dates: intro.md: cannot read" in err, err
    assert "the time zone offset must be within ±24:00" in err and "timedelta" not in err
