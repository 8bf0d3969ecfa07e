"""An alias naming the site's root (``/``, the site's URL, or on a site served under a path its
base path as written) is the home page's place, where no redirect page can be: the build
dropped it without a word. It is a content error at the line of ``aliases``, as a relative
alias landing on the root already was, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import aliased_essay, run_site


def _site(tmp_path: Path, aliases: list[str], base_url: str = "https://e.org/") -> Path:
    return aliased_essay(tmp_path, aliases, base_url)


ROOTS = [
    ("https://e.org/", "/"),
    ("https://e.org/", "https://e.org/"),
    ("https://e.org/", "https://e.org"),
    ("https://e.org/", "/?p=12"),
    ("https://e.org/docs/", "/"),
    ("https://e.org/docs/", "/docs/"),
    ("https://e.org/docs/", "/docs"),
    ("https://e.org/docs/", "https://e.org/docs/"),
    ("https://e.org/docs/", "https://e.org/docs"),
    ("https://e.org/", "/index.html"),  # once refused by build, passed by validate
    ("https://e.org/docs/", "/docs/index.htm"),
]


@pytest.mark.parametrize(("base_url", "value"), ROOTS)
@pytest.mark.parametrize("command", ["validate", "build"])
def test_an_alias_of_the_sites_root_is_refused_at_its_line(
    tmp_path: Path, runner: CliRunner, command: str, base_url: str, value: str
) -> None:
    result = run_site(runner, command, _site(tmp_path, ["/fine/", value], base_url))
    assert result.exit_code == 2, result.output
    (line,) = [ln for ln in result.stderr.splitlines() if ".md:" in ln]
    assert "content/essays/a.md:5: aliases: expected a path on this site" in line
    assert repr(value) in line and "site's root" in line
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("value", ["/docs/x/", "/x/", "https://e.org/docs/x", "/docs/docs/"])
def test_a_path_below_the_root_is_still_an_alias(
    tmp_path: Path, runner: CliRunner, value: str
) -> None:
    """On ``https://e.org/docs/``: ``/x/`` and ``/docs/x/`` are both ``/docs/x/``; the
    site's ``/docs/`` written twice is its folder ``docs/``."""
    result = run_site(runner, "build", _site(tmp_path, [value], "https://e.org/docs/"))
    assert result.exit_code == 0, result.output
    rel = "docs/index.html" if value == "/docs/docs/" else "x/index.html"
    assert 'http-equiv="refresh"' in (tmp_path / "out" / rel).read_text("utf-8")


@pytest.mark.parametrize("value", ["../rss.xml", "/old/report.pdf", "/essays/x.tar.gz"])
def test_an_alias_naming_a_file_is_a_warning_and_writes_nothing_over_it(
    tmp_path: Path, runner: CliRunner, value: str
) -> None:
    """A file's address (a name with a dot, not ``.html``) gets no redirect page: once it was
    dropped without a word; our own ``rss.xml`` stays ours. (``..%2fx``, once one of them, is
    refused: tests/load/test_aliases_hostile.py.)"""
    config = _site(tmp_path, [value], "https://e.org/")
    result = run_site(runner, "build", config)
    assert result.exit_code == 0, result.output
    assert "essays/a.md:5: aliases: " in result.stderr
    assert "is the address of a file" in result.stderr
    rss = (tmp_path / "out" / "rss.xml").read_text(encoding="utf-8")
    assert rss.startswith("<?xml") and "https://e.org/essays/a/" in rss


def test_a_long_alias_is_quoted_short(tmp_path: Path, runner: CliRunner) -> None:
    """A 1 MB alias climbing above the root: its message quotes 100 characters (once the
    whole value, a 1 MB line)."""
    config = _site(tmp_path, ["../" * 350_000 + "x"], "https://e.org/")
    result = run_site(runner, "validate", config)
    assert result.exit_code == 2, result.output
    line = next(ln for ln in result.stderr.splitlines() if "essays/a.md:5: aliases: " in ln)
    assert len(line) < 600 and "…" in line
