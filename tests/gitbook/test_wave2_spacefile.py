"""``.gitbook.yaml``'s redirects: a key no file could be named after is left out with a warning
at its line (a 300-character key stopped the build half-written, exit 3, "File name too
long"), and each warning names the file's line after a U+2028 (YAML ends a line there)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.gitbook.conftest import run_space, write_space

PAGES = {
    "SUMMARY.md": "# Table of contents\n\n* [Home](README.md)\n* [Page](page.md)\n",
    "README.md": "# Home\n\nHi.\n",
    "page.md": "# Page\n\nText.\n",
}


def test_a_redirect_key_too_long_for_a_file_name_is_left_out_at_its_line(tmp_path: Path) -> None:
    space = "redirects:\n  short: page.md\n  " + "x" * 300 + ": page.md\n  ok/old: page.md\n"
    write_space(tmp_path, {**PAGES, ".gitbook.yaml": space})
    result = run_space(tmp_path, "build", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert ".gitbook.yaml:3: redirects: " in result.stderr
    assert "300 bytes" in result.stderr and "this redirect is left out" in result.stderr
    assert (tmp_path / "out" / "ok" / "old" / "index.html").is_file()
    assert (tmp_path / "out" / "short" / "index.html").is_file()


def test_redirect_warnings_name_the_files_line_after_a_u2028(tmp_path: Path) -> None:
    space = 'redirects:\n  first: "a\u2028b.md"\n  gone/page: missing.md\n'
    write_space(tmp_path, {**PAGES, ".gitbook.yaml": space})
    result = run_space(tmp_path, "validate")
    assert result.exit_code == 0, result.output
    assert ".gitbook.yaml:2: redirects: first: " in result.stderr
    assert ".gitbook.yaml:3: redirects: gone/page: 'missing.md' is not a page" in result.stderr


def test_an_unknown_key_after_a_u2029_is_named_at_the_files_line(tmp_path: Path) -> None:
    space = 'notes: "a\u2029b"\nredirect:\n  a: page.md\n'
    write_space(tmp_path, {**PAGES, ".gitbook.yaml": space})
    result = run_space(tmp_path, "validate")
    assert ".gitbook.yaml:2: gitbook: unknown key 'redirect'" in result.stderr, result.output


def test_a_warning_names_the_space_file_once_under_a_relative_content_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--content content`` gave ``content/content/.gitbook.yaml:3`` (the file's path, the
    root put before it again; a reviewer's and a helper's finding)."""
    pages = {f"content/{name}": text for name, text in PAGES.items()}
    tree = {**pages, "content/.gitbook.yaml": "root: ./\nredirects:\n  old: gone.md\n"}
    for name, text in tree.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "publish.toml").write_text('[site]\nbase_url = "https://e.org/"\n')
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", "--content", "content"])
    assert result.exit_code == 0, result.output
    assert "warning: content/.gitbook.yaml:3: redirects: old: " in result.stderr
