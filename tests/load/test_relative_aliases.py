"""An alias without its leading ``/`` is read as Hugo reads it: from the folder of the page's
own URL (a page at ``/essays/new-post/`` with ``old-post`` has its redirect page at
``/essays/old-post/``, ``../old/path`` at ``/old/path/``). It was read from the site's root
(``/old-post/``). One that climbs above the site's root is a content error at the line of
``aliases``; one that lands on a real page is refused as any alias is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.config import load_config
from pipeline.load.loader import load_site
from tests.conftest import run_site


def _site(tmp_path: Path, aliases: list[str], base_url: str = "https://e.org/") -> Path:
    """A site of two essays (``essays/new-post.md``, at ``/essays/new-post/``, with
    ``aliases`` on line 5, and ``essays/other.md``); its publish.toml."""
    essays = tmp_path / "content" / "essays"
    essays.mkdir(parents=True)
    front = f"---\ntitle: New\ndate: 2024-01-01\nid: n1\naliases: {json.dumps(aliases)}\n---\n"
    (essays / "new-post.md").write_text(front + "New.\n", encoding="utf-8")
    other = "---\ntitle: Other\ndate: 2024-01-02\nid: o1\n---\nOther.\n"
    (essays / "other.md").write_text(other, encoding="utf-8")
    config = tmp_path / "publish.toml"
    config.write_text(f'[site]\ntitle = "T"\nbase_url = "{base_url}"\n', encoding="utf-8")
    return config


def _redirects_to(page: Path, url: str) -> bool:
    text = page.read_text(encoding="utf-8")
    return 'http-equiv="refresh"' in text and url in text


def test_a_relative_alias_is_read_from_the_pages_folder(tmp_path: Path, runner: CliRunner) -> None:
    config = _site(tmp_path, ["old-post", "../old/path", "./kept/", "/from/root/"])
    result = run_site(runner, "build", config)
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    for rel in ("essays/old-post", "old/path", "essays/kept", "from/root"):
        assert _redirects_to(out / rel / "index.html", "/essays/new-post/"), rel
    assert not (out / "old-post").exists() and not (out / "kept").exists()
    (item,) = [i for i in load_site(load_config(config), tmp_path / "content").items if i.aliases]
    assert item.aliases == ("/essays/old-post", "/old/path", "/essays/kept/", "/from/root/")


def test_a_site_under_a_path_resolves_below_it(tmp_path: Path, runner: CliRunner) -> None:
    """Served from ``/blog/``: the page is at ``/blog/essays/new-post/``, its ``old`` at
    ``/blog/essays/old/`` (written at ``essays/old/`` of the output)."""
    config = _site(tmp_path, ["old", "../up"], "https://e.org/blog/")
    result = run_site(runner, "build", config)
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    assert _redirects_to(out / "essays/old/index.html", "/blog/essays/new-post/")
    assert _redirects_to(out / "up/index.html", "/blog/essays/new-post/")


ESCAPES = ["../../..", "../..", "%2e%2e/%2E%2E/x", "a/../../../b", ".."]


@pytest.mark.parametrize("value", ESCAPES)
@pytest.mark.parametrize("command", ["validate", "build"])
def test_an_alias_above_the_site_is_refused_at_its_line(
    tmp_path: Path, runner: CliRunner, command: str, value: str
) -> None:
    """Above the root, or the root itself (the home page's place): a content error naming
    the value and the page's folder; nothing is written."""
    result = run_site(runner, command, _site(tmp_path, ["fine", value]))
    assert result.exit_code == 2, result.output
    (line,) = [ln for ln in result.stderr.splitlines() if ".md:" in ln]
    assert "content/essays/new-post.md:5: aliases: expected a path on this site" in line
    assert repr(value) in line and "/essays/" in line and "site's root" in line
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_a_relative_alias_on_a_real_page_is_refused(tmp_path: Path, runner: CliRunner) -> None:
    result = run_site(runner, "build", _site(tmp_path, ["other"]))
    assert result.exit_code == 2, result.output
    assert "content/essays/new-post.md:5: aliases: /essays/other is the URL of" in result.stderr
    assert not (tmp_path / "out").exists()
