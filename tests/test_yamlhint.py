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
