"""YAML ends a line at U+0085, U+2028 and U+2029 too; an editor (and publish, everywhere
else) counts line feeds. A title pasted with a line separator inside its quotes put every
later key, and each problem named at one, a line below where the file has it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.hostile.sites import make_site


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085"])
@pytest.mark.parametrize(
    ("rest", "line", "expected"),
    [
        ("tags: x\n", 4, "tags: expected a list"),
        ("date: 2024-05-02\n", 4, "date: duplicate key; 'date' is already set on line 3"),
        ("description: Part 2: more\n", 4, 'description: the value holds ": "'),
        ("x:\n\t- a\n", 5, "front matter: YAML syntax error: a tab indents this line"),
        ("x: [\n", 4, "front matter: YAML syntax error:"),
        ("starts: 2024-06-01T10:00:00+99:00\n", 4, "starts:"),
    ],
)
def test_problems_name_the_line_the_file_has(
    tmp_path: Path, separator: str, rest: str, line: int, expected: str
) -> None:
    text = f'---\ntitle: "one{separator}two"\ndate: 2024-05-01\n{rest}---\nText.\n'
    config = make_site(tmp_path, {"events/a.md": text})
    result = CliRunner().invoke(main, ["validate", "--config", str(config), "-q"])
    assert result.exit_code == 2, result.stderr
    source = tmp_path / "content/events/a.md"
    problem = f"{source}:{line}: {expected}"
    assert any(ln.startswith(problem) for ln in result.stderr.splitlines()), result.stderr
