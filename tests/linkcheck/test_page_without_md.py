"""A relative link that names a page without ``.md`` (``[setup](setup)``, GitBook's
``{% content-ref url="developing-with-apis" %}``): the renderer links the page, and the
checker called it broken ("file not found: guide/setup"; two helpers' finding). Both now
read it alike; its anchor is checked against that page."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.conftest import offline_statuses, small_site

LINKING = (
    "---\ntitle: Guide\ndate: 2024-01-01\nid: g\n---\n"
    "See [setup](setup), [its options](setup#options), [a typo](setup#optoins) "
    "and [nothing](nowhere).\n"
)
SETUP = "---\ntitle: Setup\ndate: 2024-01-02\nid: s\n---\n## Options\n\nText.\n"


def test_a_page_named_without_md_is_the_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    small_site(tmp_path, {"essays/guide.md": LINKING, "essays/setup.md": SETUP})
    runner = CliRunner()
    checked, rows = offline_statuses()
    assert rows == {
        "setup": "ok",
        "setup#options": "ok",
        "setup#optoins": "broken",
        "nowhere": "broken",
    }, checked.output
    built = runner.invoke(main, ["build", "--out", "out"])
    assert built.exit_code == 0, built.output
    assert "setup" not in built.stderr.replace("nowhere", "")  # no "points at nothing"
    assert "nowhere" in built.stderr
    page = (tmp_path / "out/essays/guide/index.html").read_text(encoding="utf-8")
    assert 'href="../../essays/setup/#options"' in page


def test_a_folder_without_its_own_page_beside_a_page_of_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """[x](setup) where setup/ holds files but no README and setup.md is a page: the renderer
    links setup.md's page, the checker called the folder broken (a reviewer's finding)."""
    monkeypatch.chdir(tmp_path)
    linking = LINKING.replace(", [a typo](setup#optoins) and [nothing](nowhere)", "")
    files = {"essays/guide.md": linking, "essays/setup.md": SETUP, "essays/setup/x.txt": "x"}
    small_site(tmp_path, files)
    checked, rows = offline_statuses()
    assert rows == {"setup": "ok", "setup#options": "ok"}, checked.output
