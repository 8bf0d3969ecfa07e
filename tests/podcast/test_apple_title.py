"""``apple_title``: the title Apple Podcasts shows (``itunes:title``) beside the item's own, as
a show moved from Blubrry has it ("My 8 Favorite Podcasts" for "My 8 Favorite Podcasts –
PHD150"): the import dropped it and Apple showed every episode retitled (a helper's
finding)."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.conftest import REPO

ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"


def _site(tmp_path: Path, line: str) -> Path:
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copy(REPO / "publish.toml", tmp_path / "publish.toml")
    episode = tmp_path / "content/episodes/001-welcome.md"
    text = episode.read_text(encoding="utf-8")
    episode.write_text(text.replace("episode: 1\n", f"episode: 1\n{line}\n", 1), "utf-8")
    return tmp_path


def test_the_title_apple_shows_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(_site(tmp_path, "apple_title: 'Welcome  home'"))
    built = CliRunner().invoke(main, ["build", "--out", "out"])
    assert built.exit_code == 0, built.output
    channel = ET.parse(tmp_path / "out/podcast.xml").getroot().find("channel")
    assert channel is not None
    titles = {i.findtext("title"): i.findtext(ITUNES + "title") for i in channel.iter("item")}
    assert titles["Welcome to the Commons"] == "Welcome home"
    assert [t for t in titles.values() if t is not None] == ["Welcome home"]  # none made up


def test_an_apple_title_that_is_no_text_is_an_error_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(_site(tmp_path, "apple_title: [a, b]"))
    built = CliRunner().invoke(main, ["build", "--out", "out"])
    assert built.exit_code == 2
    assert "content/episodes/001-welcome.md:8: front matter 'apple_title': expected" in (
        built.output
    )
    assert not (tmp_path / "out").exists()
