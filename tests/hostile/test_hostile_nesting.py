"""Deep nesting in TOML, in ``+++`` front matter and in ``publish.toml``: bounded as YAML front
matter is (100 levels; the root table is one), refused at its line in time linear in it.

A dotted key 500 parts deep in front matter crashed the build while pickling the item (exit 1,
RecursionError); in publish.toml 1,000 parts crashed the walk for control characters, and an
array 1,000 deep crashed tomllib itself. tomllib also reads a dotted key in time quadratic in
its parts (40,000: a minute), so the depth is read from the text before tomllib reads it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.hostile.sites import assert_clean_outcome, essay, make_site, run_build
from tests.timing import assert_linear

DEEP = "nested more than 100 levels deep"

SHAPES = {
    "dotted-key": lambda n: ".".join(["a"] * n) + " = 1",
    "table-header": lambda n: "[" + ".".join(["a"] * n) + "]",
    "arrays": lambda n: "x = " + "[" * n + "]" * n,
    "inline-tables": lambda n: "x = " + "{a = " * n + "1" + "}" * n,
    # neither alone is too deep: a table 60 deep, then a key 60 parts deep in it (its line)
    "header-and-key": lambda n: "\n".join(["[" + ".".join(["t"] * 60) + "]", "k." * 60 + "k = 1"]),
}
"""Each shape's text for a depth n; the line too deep is its last."""


def toml_essay(text: str) -> str:
    """An essay whose ``+++`` front matter holds ``text`` from line 5 of the file."""
    return f"+++\ntitle = 'Deep'\ndate = 2024-05-01\n\n{text}\n+++\n\nText.\n"


def deep_line(shape: str, first: int) -> int:
    """The line too deep of ``shape`` written from line ``first``."""
    return first + SHAPES[shape](1000).count("\n")


@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.parametrize("command", ["build", "validate"])
def test_deep_toml_front_matter_is_a_content_error_at_its_line(
    tmp_path: Path, shape: str, command: str
) -> None:
    make_site(tmp_path, {"essays/deep.md": toml_essay(SHAPES[shape](1000)), "essays/a.md": essay()})
    if command == "build":
        run = run_build(tmp_path)
        out, code, err = run.stdout, run.exit_code, run.stderr
        assert_clean_outcome(run)
    else:
        result = CliRunner().invoke(main, ["validate", "--config", str(tmp_path / "publish.toml")])
        out, code, err = result.stdout, result.exit_code, result.stderr
    assert "Traceback" not in out + err and "RecursionError" not in err
    assert code == 2, err
    assert f"essays/deep.md:{deep_line(shape, 5)}: front matter: TOML {DEEP}" in err, err
    assert "expected at most 100" in err


def test_the_limit_is_100_levels_as_for_yaml(tmp_path: Path) -> None:
    """``a.a...(100) = 1``: the root table and 99 more, then the key: 100 levels, kept (an
    unknown key, a warning); one more part is refused."""
    make_site(tmp_path, {"essays/deep.md": toml_essay(SHAPES["dotted-key"](100))})
    assert run_build(tmp_path).exit_code == 0
    make_site(tmp_path, {"essays/deep.md": toml_essay(SHAPES["dotted-key"](101))})
    run = run_build(tmp_path)
    assert run.exit_code == 2 and f"essays/deep.md:5: front matter: TOML {DEEP}" in run.stderr


def test_a_number_too_long_for_python_is_a_content_error(tmp_path: Path) -> None:
    """tomllib lets int()'s ValueError out for 4,301 digits or more: it was exit 1."""
    make_site(tmp_path, {"essays/long.md": toml_essay("x = " + "9" * 5000)})
    run = run_build(tmp_path)
    assert_clean_outcome(run)
    assert run.exit_code == 2
    assert "essays/long.md:5: front matter: TOML number with more than 4300 digits" in run.stderr


def _config_with(tmp_path: Path, extra: str) -> tuple[Path, int]:
    """A site whose publish.toml ends with ``extra``; (its path, the line ``extra`` starts
    on)."""
    config = make_site(tmp_path, {"essays/a.md": essay()})
    text = config.read_text(encoding="utf-8") + "\n"
    config.write_text(text + extra + "\n", encoding="utf-8")
    return config, text.count("\n") + 1


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_deep_publish_toml_is_a_configuration_error_at_its_line(tmp_path: Path, shape: str) -> None:
    config, first = _config_with(tmp_path, "[x]\n" + SHAPES[shape](1000))
    run = run_build(tmp_path)
    assert "Traceback" not in run.stderr and "RecursionError" not in run.stderr
    assert run.exit_code == 3, run.stderr
    assert f"{config}:{deep_line(shape, first + 1)}: toml: {DEEP}" in run.stderr, run.stderr
    assert not (tmp_path / "out").exists()


def test_a_long_number_in_publish_toml_is_a_configuration_error(tmp_path: Path) -> None:
    config, first = _config_with(tmp_path, "[x]\ny = " + "9" * 5000)
    run = run_build(tmp_path)
    assert run.exit_code == 3, run.stderr
    assert f"{config}:{first + 1}: toml: number with more than 4300 digits" in run.stderr


def _validate(tmp: Path, where: str, text: str) -> None:
    root = tmp / f"{where}-{len(text)}"
    if where == "front-matter":
        config = make_site(root, {"essays/deep.md": toml_essay(text)})
    else:
        config, _ = _config_with(root, "[x]\n" + text)
    result = CliRunner().invoke(main, ["validate", "--quiet", "--config", str(config)])
    assert result.exit_code == (2 if where == "front-matter" else 3), result.stderr[-300:]
    assert DEEP in result.stderr


@pytest.mark.parametrize("where", ["front-matter", "publish-toml"])
@pytest.mark.parametrize("shape", ["dotted-key", "table-header"])
def test_deep_keys_are_refused_in_linear_time(tmp_path: Path, where: str, shape: str) -> None:
    """tomllib read a key 10,000 parts deep in 2 s and 20,000 in 10 s: the depth is read
    from the text first, in one pass."""
    make = SHAPES[shape]
    assert_linear(lambda n: _validate(tmp_path, where, make(n)), 10_000)
