"""``[site] permalink`` patterns loading cannot fill, or fills with URLs no page is written
at: each is exit 3 naming publish.toml, the key's line and the key, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main

SITE = '[site]\ntitle = "H"\nbase_url = "https://h.example.org/"\ntimezone = "UTC"\n'
ESSAY = "---\ntitle: a\ndate: 2024-05-01\n---\nText.\n"


def build(root: Path, permalink: str) -> tuple[int, str]:
    (root / "content/essays").mkdir(parents=True)
    (root / "content/essays/a.md").write_text(ESSAY, encoding="utf-8")
    config = root / "publish.toml"
    config.write_text(f"{SITE}permalink = '{permalink}'\n", encoding="utf-8")
    args = ["build", "--config", str(config), "--out", str(root / "out")]
    result = CliRunner().invoke(main, [*args, "--cache-dir", str(root / "cache"), "-q"])
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stderr


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("/{nope}/{slug}/", "unknown placeholder {nope}"),  # was KeyError, exit 1
        ("/{slug}/{0}/", "unknown placeholder {0}"),  # was IndexError, exit 1
        ("/{slug}}/", "a '{' or '}' without its pair"),  # was a content error per file
        ("/{slug!r}/", "write {slug} as it is, without a conversion or format"),
        ("/../{slug}/", "a '.' or '..' segment"),  # links to /../a/, no page: exit 0
        ("/{section}/./{slug}/", "a '.' or '..' segment"),
        ("/{slug}/?x", "a URL's path only: no '?' or '#'"),  # a page at out/a/?x, linked as /a/%3Fx
        ("/{{slug}}/", "pattern must contain {slug} or {id}"),  # every item at one URL
    ],
)
def test_a_permalink_pattern_that_makes_no_page_is_a_configuration_error(
    tmp_path: Path, pattern: str, expected: str
) -> None:
    code, err = build(tmp_path, pattern)
    assert code == 3, err
    assert f"{tmp_path / 'publish.toml'}:5: site.permalink: {expected}" in err, err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "pattern", ["/{section}/{slug}/", "/{year}/{month}/{day}/{id}/", "/{{x}}/{slug}.html"]
)
def test_a_permalink_pattern_of_placeholders_and_folders_builds(
    tmp_path: Path, pattern: str
) -> None:
    code, err = build(tmp_path, pattern)
    assert code == 0, err
