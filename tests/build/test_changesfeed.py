"""The changes feed's configuration errors name the configuration file the build read and the
line of ``changes = true`` (they said ``publish.toml:1`` whatever the file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.revisions.handbook import build, git, handbook


def test_a_shallow_clone_names_the_given_config_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    origin = handbook(tmp_path / "origin", {})
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{origin}", "clone")
    text = (clone / "publish.toml").read_text()
    (clone / "site.toml").write_text("# the site\n\n" + text)  # changes = true: line 15
    monkeypatch.chdir(clone)
    result = build(clone, "--config", "site.toml")
    assert result.exit_code == 3, result.output
    assert result.stderr.startswith("site.toml:15: feeds.changes: shallow clone: ")
    assert "publish.toml" not in result.stderr
