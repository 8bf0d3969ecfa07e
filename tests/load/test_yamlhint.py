"""An unquoted colon in a front-matter value gets our "quote it" hint at ``path:line``."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main


@pytest.mark.parametrize(
    ("line", "hint"),
    [
        ("title: Part 2: the return", 'quote it: title: "Part 2: the return"'),
        ('title: He said "no": then left', "quote it: title: 'He said \"no\": then left'"),
    ],
)
def test_unquoted_colon_gets_a_quote_it_hint(
    site: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, line: str, hint: str
) -> None:
    post = site / "content" / "essays" / "part-2.md"
    post.write_text(f"---\nid: part-2\n{line}\ndate: 2025-01-01\n---\n\nBody.\n", encoding="utf-8")
    monkeypatch.chdir(site)
    result = runner.invoke(main, ["validate"])
    assert result.exit_code == 2
    assert "content/essays/part-2.md:3: title: " in result.stderr
    assert result.stderr.splitlines()[0].endswith(hint)
    assert "Traceback" not in result.output


def test_a_value_with_a_line_separator_is_not_echoed(
    site: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """U+0085 ends a line for readers of the output: the hint stays one line, value unsaid."""
    post = site / "content" / "essays" / "odd.md"
    post.write_text(
        "---\nid: odd\ntitle: a: \x85b\ndate: 2025-01-01\n---\n\nBody.\n", encoding="utf-8"
    )
    monkeypatch.chdir(site)
    result = runner.invoke(main, ["validate"])
    assert result.exit_code == 2
    (line,) = [x for x in result.stderr.splitlines() if "odd.md" in x]
    assert line.startswith("content/essays/odd.md:3: title: ") and line.endswith("quote it")
