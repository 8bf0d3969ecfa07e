"""A link nested deep in lists or quotes is checked: markdown-it's default nesting limit (20)
stopped the link scan at nine list levels, so ``publish links`` saw none of the links deeper
in, which cmark renders (and the build linked to nothing)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main

PAGE = (
    '---\ntitle: A\ndate: 2024-01-01\nid: "7c0d20f8-748a-48a1-8566-2d3149e67fb0"\n---\n\n'
    + "".join("  " * n + f"* level {n}\n" for n in range(12))
    + "  " * 12
    + "* [in a list](missing.md)\n\n"
    + "> " * 12
    + "[in quotes](missing2.md)\n"
)


def test_links_nested_twelve_levels_deep_are_checked(tmp_path: Path) -> None:
    (tmp_path / "content" / "essays").mkdir(parents=True)
    (tmp_path / "content" / "essays" / "a.md").write_text(PAGE, encoding="utf-8")
    (tmp_path / "publish.toml").write_text(
        '[site]\ntitle = "T"\nbase_url = "https://t.example/"\n', encoding="utf-8"
    )
    args = ["--content", str(tmp_path / "content"), "--config", str(tmp_path / "publish.toml")]
    result = CliRunner().invoke(main, ["links", "--offline", *args])
    assert result.exit_code == 2, result.output
    assert "2 broken" in result.output + result.stderr
    built = CliRunner().invoke(main, ["build", *args, "--out", str(tmp_path / "out")])
    assert built.exit_code == 0, built.output
    assert "a.md:19: link: missing.md points at nothing" in built.stderr
    assert "a.md:21: link: missing2.md points at nothing" in built.stderr


def _deeper_than_the_limit(levels: int) -> str:
    """A list nested ``levels`` deep, a broken link on each level's line (the file's line
    ``7 + n`` for level ``n``), then a paragraph with one more after the list."""
    front = '---\ntitle: A\ndate: 2024-01-01\nid: "0d1a7f4e-3c55-4a57-9f0e-6b7f0b1c2d3e"\n---\n\n'
    lines = "".join("  " * n + f"* level {n} [x](gone-{n}.md)\n" for n in range(levels))
    return front + lines + "\nAfter [y](gone-after.md)\n"


def test_links_nested_past_the_limit_are_checked_at_their_lines(tmp_path: Path) -> None:
    """Past markdown-it's nesting limit (18 list levels) the block's deeper part is not read
    by the link scan: its links, which cmark renders, are found by the render pass and placed
    at their lines, by ``publish links`` and by the build's warnings alike (both saw 19 of the
    25 before, the build placing the other six at the body's first line)."""
    (tmp_path / "content" / "essays").mkdir(parents=True)
    (tmp_path / "content" / "essays" / "a.md").write_text(
        _deeper_than_the_limit(25), encoding="utf-8"
    )
    (tmp_path / "publish.toml").write_text(
        '[site]\ntitle = "T"\nbase_url = "https://t.example/"\n', encoding="utf-8"
    )
    args = ["--content", str(tmp_path / "content"), "--config", str(tmp_path / "publish.toml")]
    result = CliRunner().invoke(main, ["links", "--offline", "--format", "json", *args])
    assert result.exit_code == 2, result.output
    found = {(r["url"], r["source"].rpartition(":")[2]) for r in json.loads(result.stdout)}
    expected = {(f"gone-{n}.md", str(7 + n)) for n in range(25)} | {("gone-after.md", "33")}
    assert found == expected
    built = CliRunner().invoke(main, ["build", *args, "--out", str(tmp_path / "out")])
    assert built.exit_code == 0, built.output
    for n in range(25):
        assert f"a.md:{7 + n}: link: gone-{n}.md points at nothing" in built.stderr
    assert "a.md:33: link: gone-after.md points at nothing" in built.stderr
