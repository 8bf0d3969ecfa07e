"""Every command that reads content takes time linear in it: doubling a hostile shape at most
about doubles the time of ``build``, ``validate`` and ``links --offline``.

A ratio, not a wall time: each shape is run at ``n`` and ``2n`` characters and
time(2n) <= 2.5 × time(n) is asserted, each time the best of a few runs (a shared machine
is noisy; noise only ever adds). Sizes are the smallest at which the code before the fix
was clearly quadratic (a backtracking regex, or html.parser retrying each unclosed ``<``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.hostile.sites import essay, make_site

RATIO = 2.5
REPEATS = 3
RETRIES = 8
"""Runs at 2n before giving up: another process may hold the core for a run or two; a
quadratic stage is slow every time."""
SLACK = 0.05
"""Seconds allowed on top of the ratio: a run of a few milliseconds varies by more than its
own length on a shared machine (the shapes took seconds before the fix)."""


EPISODE = {
    "kind": "episode",
    "audio": "https://media.example.org/a.mp3",
    "length": "1000",
    "type": "audio/mpeg",
    "duration": "60",
}


def _in_body(body: Callable[[int], str]) -> Callable[[int], str]:
    return lambda n: essay(body=body(n))


SHAPES: dict[str, tuple[Callable[[int], str], int]] = {
    # a code-span regex, (`+).+?\1, tried every shorter run of backticks at every start
    "backticks": (_in_body(lambda n: "{% hint %} " + "`" * n + "a" * n + "\n"), 4_000),
    # html.parser at the end of its input retried each unclosed "<" against the whole rest
    "unclosed-html-tags": (_in_body(lambda n: "<!---> " + "<a " * n + "\n"), 4_000),
    # each unclosed container searched every later line for its end tag
    "unclosed-containers": (_in_body(lambda n: "{% hint %}\n" * n), 3_000),
    # "{#id}" searched from each blank of a long run of blanks in a heading
    "blanks-in-heading": (_in_body(lambda n: "## a" + " " * n + "b\n"), 40_000),
    # the title taken from the H1: a lazy group before [ \t#]*$
    "blanks-in-h1-title": (
        lambda n: "---\ndate: 2024-05-01\n---\n# a" + " " * n + "b\n\nText.\n",
        20_000,
    ),
    # the front matter's fast path: a lazy value before " *"
    "blanks-in-front-matter": (
        lambda n: "---\ntitle: a" + " " * n + "b\ndate: 2024-05-01\n---\nText.\n",
        20_000,
    ),
    # a tag's name and arguments: a long word tried again from each of its characters
    "long-tag-argument": (_in_body(lambda n: "x {% x " + "a" * n + " %}\n"), 20_000),
    # a tag without "%}" read to the end of the text from each "{%"
    "tags-never-closed": (_in_body(lambda n: "x {% a" * n + "\n"), 4_000),
    # many "{%" sharing one "%}" on their line: the line looked at once, not from each "{%"
    "openings-sharing-a-close": (_in_body(lambda n: "x {% " * n + "%} y\n"), 40_000),
    # GitBook maths: an unclosed $$ line, dollar pairs and code spans on one long line
    "maths-dollars": (_in_body(lambda n: "$$\n" + "a $$ b `$$` " * n + "\n"), 4_000),
    # an episode's headings read for chapters: a lazy text before blanks and closing hashes
    # (cubic: 1,000 blanks took seconds), then a lazy title before blanks and a timestamp
    "blanks-in-chapter-heading": (
        lambda n: essay(body="## a" + " " * n + "b\n", **EPISODE),
        400,
    ),
}

COMMANDS = {
    "build": ["build", "--quiet"],
    "validate": ["validate", "--quiet"],
    "links": ["links", "--offline", "--quiet"],
}


def _time_once(tmp: Path, text: str, command: list[str], run: int) -> float:
    root = tmp / f"run{run}"
    make_site(
        root, {"essays/shape.md": text}, max_bytes=10_000_000, podcast="kind: episode" in text
    )
    args = [*command, "--config", str(root / "publish.toml")]
    if command[0] == "build":  # a fresh output and cache each time: nothing is reused
        args += ["--out", str(root / "out"), "--cache-dir", str(root / "cache")]
    started = time.perf_counter()
    result = CliRunner().invoke(main, args)
    elapsed = time.perf_counter() - started
    assert "Traceback" not in result.stderr + result.stdout
    assert result.exit_code in (0, 2), (result.exit_code, result.stderr[-500:])
    return elapsed


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_doubling_the_input_at_most_about_doubles_the_time(
    tmp_path: Path, shape: str, command: str
) -> None:
    make, n = SHAPES[shape]
    args = COMMANDS[command]
    runs = iter(range(10**6))
    _time_once(tmp_path, make(n // 4), args, next(runs))  # warm up: imports, first renders
    small = min(_time_once(tmp_path, make(n), args, next(runs)) for _ in range(REPEATS))
    large = min(_time_once(tmp_path, make(2 * n), args, next(runs)) for _ in range(REPEATS))
    for _ in range(RETRIES):  # stop at the first pair within the bound
        if large <= RATIO * small + SLACK:
            break
        # measured again as a pair, back to back: a slow spell of the machine slows both
        # sizes alike, a quadratic stage only the larger one, every time
        small = _time_once(tmp_path, make(n), args, next(runs))
        large = _time_once(tmp_path, make(2 * n), args, next(runs))
    assert large <= RATIO * small + SLACK, (
        f"{shape}, {command}: {small:.3f} s at n, {large:.3f} s at 2n"
    )


def _config_run(tmp: Path, n: int, run: int) -> float:
    """``publish build`` of a site whose publish.toml has a multi-line string with a long
    unclosed ``[`` line, then an unknown key: the error names the key's line, found by
    reading every line before it for table headers."""
    root = tmp / f"config{run}"
    config = make_site(root, {"essays/a.md": essay()})
    text = config.read_text(encoding="utf-8").replace(
        "[content]", 'description = """\n[' + " " * n + 'a\n"""\nnotes = 1\n\n[content]', 1
    )
    config.write_text(text, encoding="utf-8")
    args = ["build", "--quiet", "--config", str(config), "--out", str(root / "out")]
    started = time.perf_counter()
    result = CliRunner().invoke(main, [*args, "--cache-dir", str(root / "cache")])
    elapsed = time.perf_counter() - started
    assert result.exit_code == 3, result.stderr
    assert f"{config}:10: site.notes: unknown key" in result.stderr, result.stderr
    return elapsed


def test_a_long_line_in_the_config_is_read_in_linear_time(tmp_path: Path) -> None:
    """The table headers of publish.toml (each problem's line is found by them) are read
    with string methods: a lazy name before blanks and a bracket was quadratic."""
    n = 1_000
    runs = iter(range(10**6))
    small = min(_config_run(tmp_path, n, next(runs)) for _ in range(REPEATS))
    large = min(_config_run(tmp_path, 2 * n, next(runs)) for _ in range(REPEATS))
    for _ in range(RETRIES):
        if large <= RATIO * small + SLACK:
            break
        small, large = (
            _config_run(tmp_path, n, next(runs)),
            _config_run(tmp_path, 2 * n, next(runs)),
        )
    assert large <= RATIO * small + SLACK, f"{small:.3f} s at n, {large:.3f} s at 2n"
