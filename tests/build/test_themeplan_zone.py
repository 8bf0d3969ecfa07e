""" "Last updated" is the day of the revision in the site's time zone, as is the check that
a page changed after the day it appeared (both used the commit author's offset)."""

from __future__ import annotations

from pathlib import Path

from tests.revisions.handbook import build, commit, handbook, last_updated, page


def test_last_updated_days_are_the_sites(tmp_path: Path) -> None:
    repo = handbook(tmp_path / "repo", {"east.md": "East", "west.md": "West"})
    (repo / "dates.yml").write_text("east.md: 2021-03-02\nwest.md: 2021-03-02\n")
    commit(repo, "Date the pages", "2021-03-02T09:00:00+00:00")
    page(repo, "east.md", "East", "Second text.")  # 2 March, 19:30 UTC: the day it appeared
    commit(repo, "Edit east", "2021-03-03T01:00:00+05:30")
    page(repo, "west.md", "West", "Second text.")  # 3 March, 04:00 UTC
    commit(repo, "Edit west", "2021-03-02T20:00:00-08:00")
    result = build(repo)
    assert result.exit_code == 0, result.output
    assert last_updated(repo, "east") == "March 2, 2021"
    assert last_updated(repo, "west") == "March 2, 2021 · Last updated March 3, 2021"
