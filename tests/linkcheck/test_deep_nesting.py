"""A link nested deep in lists or quotes is checked: markdown-it's default nesting limit (20)
stopped the link scan at nine list levels, so ``publish links`` saw none of the links deeper
in, which cmark renders (and the build linked to nothing)."""

from __future__ import annotations

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
