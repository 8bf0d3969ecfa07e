"""Round trip: our own podcast feed imported into an empty site rebuilds byte for byte: every
item (GUID, link, dates, notes, enclosure, episode facts) and the show (podcast:guid, persons,
funding, license, podroll, update frequency...)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import tomlkit

from tests.importers.conftest import feed_diff, publish

ITEM = re.compile(r"<item>.*?</item>", re.S)


def test_our_podcast_feed_imported_rebuilds_identical_items(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_feeds = tmp_path / "old-feeds"
    built = publish("build", "--config", str(site / "publish.toml"), "--out", str(old_feeds), "-q")
    assert built.exit_code == 0, built.output
    old = (old_feeds / "podcast.xml").read_text()

    home = tmp_path / "home"
    home.mkdir()
    config = tomllib.loads((site / "publish.toml").read_text())
    kept = {k: config[k] for k in ("site", "feeds", "content") if k in config}
    (home / "publish.toml").write_text(tomlkit.dumps(kept))
    monkeypatch.chdir(home)
    result = publish("import", "podcast", str(old_feeds / "podcast.xml"))
    assert result.exit_code == 0, result.output
    assert publish("build", "-q").exit_code == 0
    new = (home / "feeds" / "podcast.xml").read_text()
    assert len(ITEM.findall(old)) == 3
    assert ITEM.findall(new) == ITEM.findall(old)
    assert new == old  # the channel too
    diff = feed_diff(old_feeds / "podcast.xml", home / "feeds" / "podcast.xml")
    assert diff["changes"] == []

    again = publish("import", "podcast", str(home / "feeds" / "podcast.xml"))
    assert again.exit_code == 0
    assert "0 new, 0 updated, 3 unchanged" in again.stderr
