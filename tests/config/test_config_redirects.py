"""``[content] redirects`` keys are old paths of this site, as an item's ``aliases`` are: a
key that is not one is a configuration error at its line (exit 3), and nothing is built."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.config import load_config
from tests.conftest import run_site

ESSAY = "---\ntitle: A\ndate: 2024-01-01\nid: a\n---\n\nBody.\n"


def _site(tmp_path: Path, content_table: str) -> Path:
    essays = tmp_path / "content" / "essays"
    essays.mkdir(parents=True)
    (essays / "a.md").write_text(ESSAY, encoding="utf-8")
    config = tmp_path / "publish.toml"
    config.write_text('[site]\nbase_url = "https://e.org/"\n\n' + content_table, encoding="utf-8")
    return config


EXPECTED = "content.redirects: expected a path on this site such as /old/page/, got "


@pytest.mark.parametrize("command", ["validate", "build"])
def test_a_bad_redirect_key_is_a_configuration_error_at_its_line(
    tmp_path: Path, runner: CliRunner, command: str
) -> None:
    config = _site(
        tmp_path,
        "[content.redirects]\n"
        '"/fine/" = "essays/a.md"\n'
        '"javascript:alert(1)" = "essays/a.md"\n'
        '"https://other.example/x" = "essays/a.md"\n'
        '"/../../up/" = "essays/a.md"\n',
    )
    result = run_site(runner, command, config)
    assert result.exit_code == 3, result.output
    errors = [ln for ln in result.stderr.splitlines() if "content.redirects" in ln]
    assert errors == [
        f"{config}:6: {EXPECTED}'javascript:alert(1)' (a javascript: URL, not a path)",
        f"{config}:7: {EXPECTED}'https://other.example/x' "
        "(on other.example, not on e.org, the host of [site] base_url)",
        f"{config}:8: {EXPECTED}'/../../up/' "
        "(a '.' or '..' part in it; write the path as the site serves it)",
    ]
    assert not (tmp_path / "out").exists()


def test_an_inline_table_names_the_redirects_line(tmp_path: Path, runner: CliRunner) -> None:
    config = _site(tmp_path, '[content]\nredirects = { "//evil.example/x" = "essays/a.md" }\n')
    result = run_site(runner, "build", config)
    assert result.exit_code == 3, result.output
    assert f"{config}:5: {EXPECTED}'//evil.example/x'" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_url_of_the_site_stands_for_its_path(tmp_path: Path, runner: CliRunner) -> None:
    """A key on the site's own host: its redirect page at its path (it once became a folder
    named ``https:``); a path key is kept exactly as written."""
    config = _site(
        tmp_path,
        '[content.redirects]\n"https://e.org/moved/" = "essays/a.md"\n'
        '"/essays/the-five-layers" = "essays/a.md"\n',
    )
    cfg = load_config(config)
    assert list(cfg.content.redirects) == ["/moved/", "/essays/the-five-layers"]
    result = run_site(runner, "build", config)
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    for page in ("moved/index.html", "essays/the-five-layers/index.html"):
        assert 'http-equiv="refresh"' in (out / page).read_text(encoding="utf-8"), page
    assert not (out / "https:").exists()


@pytest.mark.parametrize("command", ["validate", "build"])
def test_a_redirect_from_the_sites_root_is_refused_at_its_line(
    tmp_path: Path, runner: CliRunner, command: str
) -> None:
    """The root is the home page's place: no redirect page can be written there (once the
    key was dropped without a word)."""
    config = _site(
        tmp_path,
        '[content.redirects]\n"/fine/" = "essays/a.md"\n"/" = "essays/a.md"\n'
        '"https://e.org/" = "essays/a.md"\n',
    )
    result = run_site(runner, command, config)
    assert result.exit_code == 3, result.output
    errors = [ln for ln in result.stderr.splitlines() if "content.redirects" in ln]
    root = ": it is the site's root (its home page)"
    assert errors == [
        f"{config}:6: {EXPECTED}'/'{root}",
        f"{config}:7: {EXPECTED}'https://e.org/'{root}",
    ]
    assert not (tmp_path / "out").exists()
