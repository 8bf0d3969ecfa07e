"""The build pins podcast:guid in publish.toml however the file spells the podcast table:
one line inserted or changed, every other line, comment and the file's mode kept, and the
next build reads it (through the real CLI)."""

from __future__ import annotations

import difflib
import re
import stat
import tomllib
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pipeline.cli import main

Spelling = Callable[[str, str, str, str], str]
"""(before, podcast keys, persons block, after) -> publish.toml"""


def _dotted(keys: str) -> str:
    return "".join(f"podcast.{line}\n" for line in keys.splitlines())


def _inline(keys: str) -> str:
    pairs = ", ".join(keys.splitlines())
    person = '{name = "Ada Quill", role = "host", group = "cast"}'
    return f"podcast = {{{pairs}, persons = [{person}]}}\n"


SPELLINGS: dict[str, Spelling] = {
    "bare": lambda b, k, p, a: f"{b}[podcast]\n{k}\n{p}{a}",
    "quoted header": lambda b, k, p, a: f'{b}["podcast"]\n# the show\n{k}\n{p}{a}',
    "spaced header, comment": lambda b, k, p, a: f"{b}[ 'podcast' ]  # the show\n{k}\n{p}{a}",
    "empty literal guid": lambda b, k, p, a: f"{b}[podcast]\nguid = ''  # pinned\n{k}\n{p}{a}",
    "empty quoted key": lambda b, k, p, a: f'{b}[podcast]\n{k}\n"guid" = ""\n\n{p}{a}',
    "dotted keys": lambda b, k, p, a: f"# show\n{_dotted(k)}\n{b}{p}{a}",
    "dotted empty guid": lambda b, k, p, a: f'podcast.guid = ""\n{_dotted(k)}\n{b}{a}',
    "inline table": lambda b, k, p, a: f"{_inline(k)}\n{b}{a}",
    "persons first": lambda b, k, p, a: f"{b}{p}{a}\n[podcast]\n{k}",  # no final newline
    "crlf": lambda b, k, p, a: f"{b}[podcast]\n{k}\n{p}{a}".replace("\n", "\r\n"),
}


def _parts(site: Path) -> tuple[str, str, str, str]:
    """The example's publish.toml cut around its podcast table, without the pinned guid."""
    text = (site / "publish.toml").read_text("utf-8")
    before, rest = text.split("[podcast]\n", 1)
    keys, rest = rest.split("\n[[podcast.persons]]\n", 1)
    persons, after = rest.split("\n\n", 1)
    keys = "\n".join(ln for ln in keys.splitlines() if ln.strip() and not ln.startswith("guid"))
    return before, keys, f"[[podcast.persons]]\n{persons}\n\n", after


def _build(runner: CliRunner, site: Path) -> Result:
    args = ["build", "--config", str(site / "publish.toml"), "--out", str(site / "out")]
    return runner.invoke(main, [*args, "--cache-dir", str(site / ".cache")])


def _feed_guid(site: Path) -> str:
    found = re.search(
        rb"<podcast:guid>([^<]+)</podcast:guid>", (site / "out/podcast.xml").read_bytes()
    )
    assert found is not None
    return found.group(1).decode()


@pytest.mark.parametrize("spelling", SPELLINGS, ids=list(SPELLINGS))
def test_guid_pinned_in_any_spelling_and_the_next_build_reads_it(
    site: Path, runner: CliRunner, spelling: str
) -> None:
    config = site / "publish.toml"
    config.write_bytes(SPELLINGS[spelling](*_parts(site)).encode("utf-8"))
    config.chmod(0o640)
    assert tomllib.loads(config.read_text("utf-8"))["podcast"].get("guid", "") == ""
    before = config.read_bytes()

    first = _build(runner, site)
    assert first.exit_code == 0, first.output
    guid = _feed_guid(site)
    assert f"note: podcast:guid {guid} computed and pinned in {config}" in first.stderr
    after = config.read_bytes()
    text = after.decode("utf-8")
    assert tomllib.loads(text)["podcast"]["guid"] == guid
    assert text.count(guid) == 1 and len(re.findall(r"guid\b", text)) == 1
    assert stat.S_IMODE(config.stat().st_mode) == 0o640
    if spelling == "crlf":
        assert after.count(b"\r\n") == after.count(b"\n")
    # one line added, or one line changed by inserting text; every other line as it was
    old_lines, new_lines = before.decode().splitlines(), text.splitlines()
    added = list((Counter(new_lines) - Counter(old_lines)).elements())
    removed = list((Counter(old_lines) - Counter(new_lines)).elements())
    assert len(added) == 1 and guid in added[0], added
    assert len(removed) <= 1, removed
    if removed:
        ops = difflib.SequenceMatcher(None, removed[0], added[0]).get_opcodes()
        assert {tag for tag, *_ in ops} <= {"equal", "insert"}, (removed, added)

    second = _build(runner, site)
    assert second.exit_code == 0, second.output
    assert "note: podcast:guid" not in second.stderr
    assert config.read_bytes() == after
    assert _feed_guid(site) == guid


def test_a_read_only_config_is_left_alone_and_the_line_to_add_is_printed(
    site: Path, runner: CliRunner
) -> None:
    config = site / "publish.toml"
    before, keys, persons, after = _parts(site)
    config.write_text(f"{before}[podcast]\n{keys}\n{persons}{after}", "utf-8")
    config.chmod(0o444)
    data = config.read_bytes()
    result = _build(runner, site)
    assert result.exit_code == 0, result.output
    guid = _feed_guid(site)
    assert f'not pinned: {config} was not edited: it is read-only; add guid = "{guid}"' in (
        result.stderr
    )
    assert config.read_bytes() == data
    assert _build(runner, site).exit_code == 0
