"""``publish dates`` options: a --sync-message that is no regular expression is a usage
error naming the option (it was an unexpected error, exit 1)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.revisions.handbook import handbook, run


def test_a_sync_message_that_is_no_regex_is_a_usage_error(tmp_path: Path) -> None:
    repo = handbook(tmp_path / "repo", {})
    for option in ("--sync-message", "--skip-message"):
        result = run(repo, "dates", "--suggest", "--sync-message", "^GITBOOK-", option, "(")
        assert result.exit_code == 2, result.output
        assert "--sync-message" in result.stderr and "'('" in result.stderr
        assert result.stdout == ""


@pytest.mark.parametrize("write", [[], ["--write"]])
def test_a_site_that_is_no_gitbook_space_gets_no_dates_file(
    site: Path, runner: CliRunner, write: list[str]
) -> None:
    """Only a GitBook space reads the dates file: on the plain example site, --write wrote
    content/dates.yml (with the home page as an undated "page"), exit 0, read by nothing."""
    before = sorted(p.relative_to(site) for p in site.rglob("*"))
    config = ["--config", str(site / "publish.toml")]
    result = runner.invoke(main, ["dates", "--suggest", *write, *config])
    assert result.exit_code == 3, result.output
    assert result.stdout == ""
    assert f"{site / 'content'}: not a GitBook space" in result.stderr
    assert sorted(p.relative_to(site) for p in site.rglob("*")) == before
