"""The frictions of a first run in a repository that is not this one (issue 21), each through
the real CLI: the example-defaults warning, the wrong-folder error, ``[content] folder``, and
the podcast GUID pinned only by a build for the production address."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.podcast.guidpin import not_public
from pipeline.podcast.show import podcast_guid_for

REPO = Path(__file__).resolve().parents[2]


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


ESSAY = "---\ntitle: Hello\ndate: 2024-05-01\nid: hello-1\n---\nFirst words.\n"


def test_no_publish_toml_warns_once_with_the_way_out(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path / "content" / "essays" / "hello.md", ESSAY)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["build", "--out", "out"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if "example defaults" in line]
    assert len(lines) == 1
    assert "publish.toml" in lines[0] and "publish init" in lines[0]
    assert "https://example.org/" in lines[0]
    quiet = runner.invoke(main, ["build", "--out", "out2", "--quiet"])
    assert quiet.exit_code == 0 and "example defaults" not in quiet.stderr


def test_with_publish_toml_there_is_no_defaults_warning(site: Path, runner: CliRunner) -> None:
    result = runner.invoke(
        main, ["validate", "--config", str(site / "publish.toml")], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert "example defaults" not in result.stderr


def test_wrong_folder_names_where_it_looked_and_that_no_config_was_found(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "somewhere"
    empty.mkdir()
    monkeypatch.chdir(empty)
    result = runner.invoke(main, ["build", "--out", "out"])
    assert result.exit_code == 3
    assert "Traceback" not in result.output
    message = result.stderr
    assert str(empty.resolve() / "content") in message
    assert "no publish.toml was found in" in message and str(empty.resolve()) in message
    assert "publish init" in message
    assert ":1:" not in message  # a folder has no line
    assert not (empty / "out").exists()


def test_wrong_folder_points_at_the_publish_toml_above(
    site: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(site / "content" / "essays")
    result = runner.invoke(main, ["validate"])
    assert result.exit_code == 3
    assert str((site / "content" / "essays" / "content").resolve()) in result.stderr
    assert f"there is one at {(site / 'publish.toml').resolve()}" in result.stderr


def test_a_configured_folder_that_is_missing_names_the_config(
    tmp_path: Path, runner: CliRunner
) -> None:
    config = _write(tmp_path / "publish.toml", '[content]\nfolder = "docs"\n')
    result = runner.invoke(main, ["validate", "--config", str(config)])
    assert result.exit_code == 3
    assert str((tmp_path / "docs").resolve()) in result.stderr
    assert "[content] folder" in result.stderr


def test_content_folder_key_replaces_the_content_option(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A GitBook repository keeps its pages at the root: ``folder = "."``, no ``--content``."""
    _write(
        tmp_path / "publish.toml",
        '[site]\nbase_url = "https://handbook.example.org/"\n[content]\nfolder = "."\n',
    )
    _write(tmp_path / "README.md", "# Handbook\n\nWelcome.\n")
    _write(tmp_path / "SUMMARY.md", "# Summary\n\n* [Handbook](README.md)\n* [Join](join.md)\n")
    _write(tmp_path / "join.md", "# Join us\n\nCome along.\n")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["build", "--out", "site"])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "site" / "join" / "index.html").read_text(encoding="utf-8")
    assert "Come along." in page
    # and --content still wins over the key
    _write(tmp_path / "other" / "essays" / "hello.md", ESSAY)
    other = runner.invoke(main, ["build", "--out", "site2", "--content", "other"])
    assert other.exit_code == 0, other.output
    assert (tmp_path / "site2" / "essays" / "hello" / "index.html").is_file()


# --- the podcast GUID ---------------------------------------------------------------------


def _unpinned(site: Path, base_url: str) -> Path:
    config = site / "publish.toml"
    text = config.read_text(encoding="utf-8")
    text = re.sub(r'(?m)^guid = ".*"\n', "", text)
    text = text.replace('base_url = "https://commons.example.org/"', f'base_url = "{base_url}"')
    config.write_text(text, encoding="utf-8")
    return config


def _pinned(config: Path) -> str | None:
    m = re.search(r'(?m)^guid = "(.*)"$', config.read_text(encoding="utf-8"))
    return m.group(1) if m else None


@pytest.mark.parametrize(
    "base_url",
    [
        "http://localhost:8000/",
        "http://127.0.0.1:8000/",
        "http://pi.local/",
        "https://example.org/",
    ],
)
def test_a_preview_build_never_pins_the_guid(site: Path, runner: CliRunner, base_url: str) -> None:
    config = _unpinned(site, base_url)
    before = config.read_bytes()
    result = runner.invoke(main, ["build", "--config", str(config), "--out", str(site / "o")])
    assert result.exit_code == 0, result.output
    assert config.read_bytes() == before
    assert "podcast:guid not pinned" in result.stderr
    # the production build that follows pins the production GUID
    config.write_text(
        config.read_text().replace(base_url, "https://commons.example.org/"), encoding="utf-8"
    )
    result = runner.invoke(main, ["build", "--config", str(config), "--out", str(site / "p")])
    assert result.exit_code == 0, result.output
    assert _pinned(config) == podcast_guid_for("https://commons.example.org/podcast.xml")
    feed = (site / "p" / "podcast.xml").read_text(encoding="utf-8")
    assert f">{_pinned(config)}</podcast:guid>" in feed


def test_a_guid_pinned_from_a_preview_is_noted(site: Path, runner: CliRunner) -> None:
    config = _unpinned(site, "https://commons.example.org/")
    wrong = podcast_guid_for("localhost:8000/podcast.xml")
    config.write_text(
        config.read_text().replace("[podcast]\n", f'[podcast]\nguid = "{wrong}"\n'),
        encoding="utf-8",
    )
    result = runner.invoke(main, ["build", "--config", str(config), "--out", str(site / "o")])
    assert result.exit_code == 0, result.output
    assert f"podcast.guid {wrong} is not the GUID of the feed URL" in result.stderr
    assert _pinned(config) == wrong  # never replaced: the editor decides
    right = podcast_guid_for("https://commons.example.org/podcast.xml")
    config.write_text(config.read_text().replace(wrong, right), encoding="utf-8")
    again = runner.invoke(main, ["build", "--config", str(config), "--out", str(site / "p")])
    assert again.exit_code == 0 and "is not the GUID" not in again.stderr


@pytest.mark.parametrize(
    ("url", "public"),
    [
        ("https://commons.example.org/", True),
        ("https://podcast.fm/", True),
        ("https://203.0.113.9/", False),
        ("http://[::1]:8000/", False),
        ("http://10.0.0.4/", False),
        ("http://intranet/", False),
        ("https://x.localhost/", False),
        ("https://example.com/", False),
    ],
)
def test_which_addresses_count_as_public(url: str, public: bool) -> None:
    assert (not_public(url) == "") is public


def test_bundled_site_unchanged() -> None:
    """The bundled site's pinned GUID is its production one (no note on its builds)."""
    text = (REPO / "publish.toml").read_text(encoding="utf-8")
    assert _pinned(REPO / "publish.toml") == podcast_guid_for(
        "https://commons.example.org/podcast.xml"
    )
    assert "base_url" in text


def test_content_exclude_folders_are_never_read(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(
        tmp_path / "publish.toml",
        '[site]\nbase_url = "https://x.example.org/"\n'
        '[content]\nfolder = "."\nexclude = ["vendor/", "old/drafts"]\n',
    )
    _write(tmp_path / "essays" / "hello.md", ESSAY)
    _write(tmp_path / "vendor" / "gem" / "README.md", "---\ntitle: [unclosed\n---\n")
    _write(tmp_path / "old" / "drafts" / "x.md", "not even front matter: [\n")
    _write(tmp_path / "old" / "kept.md", "# Kept\n\nStill here.\n")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["build", "--out", "site"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site" / "old" / "kept" / "index.html").is_file()
    assert not (tmp_path / "site" / "vendor").exists()
