"""The code itself: ruff and mypy (strict on pipeline/) run as part of the test suite,
and every command is documented (an example in --help, and in the README's reference)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from pipeline.cli import main

REPO = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=REPO, capture_output=True, text=True, check=False
    )


def test_ruff_check() -> None:
    result = _run("ruff", "check", "pipeline", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_default_run_collects_every_test_file() -> None:
    """``pytest`` with no arguments (what ``.ci/run`` calls) reaches every test module: its
    default skips folders named ``build`` or ``dist``, which once kept tests/build/ out of CI."""
    result = _run("pytest", "--collect-only", "-q", "-p", "no:cacheprovider")
    assert result.returncode == 0, result.stdout + result.stderr
    collected = {line.split("::")[0] for line in result.stdout.splitlines() if "::" in line}
    files = {
        p.relative_to(REPO).as_posix()
        for p in (REPO / "tests").rglob("test_*.py")
        if "fixtures" not in p.relative_to(REPO).parts
    }
    assert "tests/build/test_build.py" in files
    assert files - collected == set()


def test_ruff_format() -> None:
    result = _run("ruff", "format", "--check", "pipeline", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict() -> None:
    result = _run("mypy", "pipeline")
    assert result.returncode == 0, result.stdout + result.stderr


COMMANDS = sorted(main.all_commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_example(name: str) -> None:
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output, f"publish {name} --help shows no example"


@pytest.mark.parametrize("name", COMMANDS)
def test_readme_reference_lists_every_command_and_option(name: str) -> None:
    readme = (REPO / "README.md").read_text()
    assert f"publish {name}" in readme, f"README does not document `publish {name}`"
    command = main.all_commands[name]
    section = readme.split(f"### `publish {name}", 1)
    assert len(section) == 2, f"README has no '### `publish {name}' section"
    body = section[1].split("\n### ", 1)[0]
    for param in command.params:
        if isinstance(param, click.Option):
            flag = max(param.opts, key=len)
            if flag == "--help":
                continue
            assert flag in body, f"README section of publish {name} lacks {flag}"


def test_exit_codes_documented() -> None:
    readme = (REPO / "README.md").read_text()
    for code, meaning in ((0, "ok"), (1, "unexpected"), (2, "content"), (3, "configuration")):
        assert re.search(rf"\b{code}\b.*{meaning}", readme, re.I), meaning


def _imports(path: Path) -> set[str]:
    """The pipeline modules ``path`` imports, at any depth of the file (lazy imports too)."""
    import ast

    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("pipeline"):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("pipeline"))
    return found


PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"


def _code_block_after(text: str, heading: str) -> str:
    """The first fenced block after ``heading`` (a line of ``text``)."""
    after = text.split(heading + "\n", 1)[1]
    return after.split("```", 2)[1]


def test_the_maps_name_every_package() -> None:
    """The README's map (How it works) and docs/architecture.md's tree are the tree: each
    folder of pipeline/ is named in both, as ``name/``."""
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert {"load", "build", "cli", "announce", "templates"} <= folders
    readme = _code_block_after((REPO / "README.md").read_text(), "## How it works")
    tree = _code_block_after((REPO / "docs" / "architecture.md").read_text(), "# Architecture")
    for name, block in (("README.md", readme), ("docs/architecture.md", tree)):
        named = set(re.findall(r"(?<![\w/.])([a-z]+)/", block))
        assert folders - named == set(), f"{name} does not map {sorted(folders - named)}"


def test_architecture_names_every_module() -> None:
    """docs/architecture.md matches the code: each module of pipeline/ is named in it (by
    its name; cli/'s commands are the README's reference)."""
    text = (REPO / "docs" / "architecture.md").read_text()
    missing = [
        str(path.relative_to(PACKAGE))
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name not in ("__init__.py", "__main__.py")
        and path.relative_to(PACKAGE).parts[0] != "cli"
        and not re.search(rf"\b{re.escape(path.stem)}\b", text)
    ]
    assert not missing, f"docs/architecture.md does not name {missing}"


def test_no_stage_imports_build_or_cli() -> None:
    """docs/architecture.md: build/ memoises the stages; a stage never reaches into it."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        top = path.relative_to(PACKAGE).parts[0]
        if top in ("build", "cli", "__main__.py"):
            continue
        for module in _imports(path):
            if module.split(".")[1:2] in (["build"], ["cli"]):
                offenders.append(f"{path.relative_to(PACKAGE)} imports {module}")
    assert not offenders, "\n".join(offenders)


def test_items_carry_no_cache_keys_and_the_load_computes_none() -> None:
    """docs/architecture.md: an Item is content; the keys the caches and the output plan
    compare live beside the items in build/ (build/keys.py), and the load stage hashes
    nothing (a store it is given says how to key a text)."""
    import ast
    import dataclasses

    from pipeline.build.keys import ItemKeys
    from pipeline.model import Item

    names = {f.name for f in dataclasses.fields(Item)}
    assert not names & {"body_digest", "html_key", "digest"}, names
    assert [f.name for f in dataclasses.fields(ItemKeys)] == ["body", "html", "output"]
    hashing = []
    for path in sorted((PACKAGE / "load").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            named = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                named = [node.module or ""]
            hashing += [f"{path.name}: {n}" for n in named if n.split(".")[0] == "hashlib"]
    assert not hashing, hashing


def test_no_module_over_500_lines() -> None:
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500
    }
    assert not long, long


def test_no_import_cycles_between_packages() -> None:
    """Packages (and top-level modules) form a graph without cycles."""

    def unit(module: str) -> str:
        return module.split(".")[1] if "." in module else module

    edges: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE)
        here = rel.parts[0].removesuffix(".py")
        for module in _imports(path):
            there = unit(module)
            if there not in (here, "pipeline") and module != "pipeline":
                edges.setdefault(here, set()).add(there.removesuffix(".py"))
    seen: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(node: str, trail: list[str]) -> None:
        seen[node] = 1
        for nxt in sorted(edges.get(node, ())):
            assert seen.get(nxt) != 1, "import cycle: " + " -> ".join([*trail, node, nxt])
            if nxt not in seen:
                visit(nxt, [*trail, node])
        seen[node] = 2

    for node in sorted(edges):
        if node not in seen:
            visit(node, [])
