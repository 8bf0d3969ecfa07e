"""Helpers for the hostile-input tests: a tiny site on disk, a CLI run, output checks."""

from __future__ import annotations

import contextlib
import json
import re
import signal
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import feedparser
from click.testing import CliRunner

from pipeline.cli import main

CONFIG = """\
[site]
title = "Hostile"
base_url = "https://hostile.example.org/"
timezone = "UTC"
pages = true

[content]
flavour = "plain"
max_file_bytes = {max_bytes}

[feeds]
sections = ["essays", "updates"]
tags = ["*"]
"""

PROBLEM_LINE = re.compile(r"^\S.*:\d+: [^:\n]+: .+$")
"""``path:line: field: message`` as every content error prints it."""

PODCAST = """
[podcast]
title = "Hostile Radio"
description = "Episodes made to break things."
image = "https://hostile.example.org/cover.jpg"
category = "Technology"
author = "Hostile"
owner_name = "Hostile"
owner_email = "podcast@hostile.example.org"
"""
"""A ``[podcast]`` table for sites with episodes (``make_site(..., podcast=True)``)."""

SECRET_MARKER = "SECRET-MARKER-7f3c9e1d-outside-the-root"


def essay(title: str = "Plain", body: str = "Some text.\n", **extra: str) -> str:
    """A valid essay's text; ``extra`` keys are written as raw YAML lines (``date`` replaces
    the default one: a key twice is an error)."""
    lines = ["---", f"title: {title}", f"date: {extra.pop('date', '2024-05-01')}"]
    lines += [f"{k}: {v}" for k, v in extra.items()]
    return "\n".join([*lines, "---", "", body])


def make_site(
    root: Path,
    files: Mapping[str, str | bytes],
    *,
    max_bytes: int = 200_000,
    podcast: bool = False,
) -> Path:
    """Write publish.toml and ``content/<path>`` for every file; returns the config path."""
    (root / "content").mkdir(parents=True, exist_ok=True)
    config = root / "publish.toml"
    text = CONFIG.format(max_bytes=max_bytes) + (PODCAST if podcast else "")
    config.write_text(text, encoding="utf-8")
    for rel, data in files.items():
        path = root / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return config


@dataclass(frozen=True)
class Run:
    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None

    @property
    def problems(self) -> list[str]:
        """The stderr lines that report a problem (all but the final summary line)."""
        return [ln for ln in self.stderr.splitlines() if not ln.endswith("nothing written.")]


def run_build(root: Path, out: Path | None = None) -> Run:
    """``publish build`` on the site in ``root`` through Click's runner (in process)."""
    out = out or root / "out"
    args = [
        "build",
        "--config",
        str(root / "publish.toml"),
        "--out",
        str(out),
        "--cache-dir",
        str(root / "cache"),
        "--quiet",
    ]
    result = CliRunner().invoke(main, args)
    return Run(result.exit_code, result.stdout, result.stderr, result.exception)


def assert_clean_outcome(run: Run) -> None:
    """Either success, or exit 2 with only ``path:line: field: message`` lines; never a crash."""
    assert "Traceback" not in run.stderr + run.stdout
    assert run.exit_code in (0, 2), f"exit {run.exit_code}: {run.stderr}\n{run.exception!r}"
    if run.exit_code == 2:
        assert run.problems, run.stderr
        for line in run.problems:
            assert PROBLEM_LINE.match(line), f"not path:line: field: message: {line!r}"


def output_files(out: Path) -> list[Path]:
    """Every file we write, the search index's JSON included."""
    return sorted(p for p in out.rglob("*") if p.is_file())


def check_outputs(out: Path) -> dict[str, bytes]:
    """Every XML output parses (ElementTree, feedparser without bozo), every JSON parses."""
    seen: dict[str, bytes] = {}
    for path in output_files(out):
        rel = path.relative_to(out).as_posix()
        data = path.read_bytes()
        seen[rel] = data
        if path.suffix in (".xml", ".opml"):
            ET.fromstring(data)
        if path.suffix == ".xml":
            parsed = feedparser.parse(data)
            assert not parsed.bozo, f"{rel}: {parsed.get('bozo_exception')!r}"
        if path.suffix == ".json":
            json.loads(data.decode("utf-8"))
        if path.suffix in (".ics", ".html"):
            data.decode("utf-8")
    return seen


def billion_laughs(levels: int = 9) -> str:
    """The classic alias bomb: 9 aliases per level, 9 levels, ~387 million strings expanded."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        refs = ",".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines)


@contextlib.contextmanager
def within(seconds: int, what: str) -> Iterator[None]:
    """Fail with ``what``, not hang the suite, when the block runs over ``seconds`` (SIGALRM:
    it also ends a read that waits, as on a named pipe with no writer)."""

    def hung(signum: int, frame: object) -> None:
        raise TimeoutError(what)

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
