"""``publish dates`` options: a --sync-message that is no regular expression is a usage
error naming the option (it was an unexpected error, exit 1)."""

from __future__ import annotations

from pathlib import Path

from tests.revisions.handbook import handbook, run


def test_a_sync_message_that_is_no_regex_is_a_usage_error(tmp_path: Path) -> None:
    repo = handbook(tmp_path / "repo", {})
    for option in ("--sync-message", "--skip-message"):
        result = run(repo, "dates", "--suggest", "--sync-message", "^GITBOOK-", option, "(")
        assert result.exit_code == 2, result.output
        assert "--sync-message" in result.stderr and "'('" in result.stderr
        assert result.stdout == ""
