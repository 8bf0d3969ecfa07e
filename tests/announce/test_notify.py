"""``publish notify`` after a build of the bundled example site (it has a podcast)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pipeline.cli import main
from pipeline.config import load_config
from tests.announce.conftest import REPO
from tests.contract.ping_servers import PodcastIndex, WebSubHub


@pytest.fixture
def hub() -> Iterator[WebSubHub]:
    server = WebSubHub().start()
    yield server
    server.stop()


@pytest.fixture
def index() -> Iterator[PodcastIndex]:
    server = PodcastIndex().start()
    yield server
    server.stop()


def _site(tmp_path: Path, hub_url: str, index_url: str, **notify: object) -> Path:
    root = tmp_path / "example"
    shutil.copytree(REPO / "content", root / "content")
    text = (REPO / "publish.toml").read_text(encoding="utf-8")
    text = text.replace("[site]\n", f'[site]\nwebsub_hub = "{hub_url}"\n', 1)
    keys = {"podcast_index_url": index_url, "timeout": 1.0, "retries": 1, "backoff": 0.01}
    keys.update(notify)
    text += "\n[notify]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in keys.items())
    config = root / "publish.toml"
    config.write_text(text, encoding="utf-8")
    build = CliRunner().invoke(
        main, ["build", "--config", str(config), "--out", str(root / "feeds")]
    )
    assert build.exit_code in (0, 2), build.stderr  # the example's own link warnings aside
    return config


def _notify(config: Path, *args: str) -> Result:
    out = str(config.parent / "feeds")
    return CliRunner().invoke(main, ["notify", "--config", str(config), "--out", out, *args])


def _feeds(config: Path) -> set[str]:
    names = ("rss.xml", "atom.xml", "feed.json", "podcast.xml")
    out = config.parent / "feeds"
    return {p.relative_to(out).as_posix() for p in out.rglob("*") if p.name in names}


def test_every_changed_feed_is_pinged_once_and_the_podcast_at_podcast_index(
    tmp_path: Path, hub: WebSubHub, index: PodcastIndex
) -> None:
    config = _site(tmp_path, hub.hub_url, index.pubnotify_url)
    base = load_config(config).feeds_base
    result = _notify(config, "--format", "json")
    assert result.exit_code == 0, result.stderr
    feeds = _feeds(config)
    assert "podcast.xml" in feeds and len(feeds) > 4
    assert sorted(hub.pings) == sorted(base + f for f in feeds)
    assert len(hub.pings) == len(feeds) == len(set(hub.pings))
    assert len(index.pings) == 1 and index.pings[0].endswith("/podcast.xml")
    again = _notify(config)
    assert again.exit_code == 0 and again.stdout == ""
    assert len(hub.pings) == len(feeds) and len(index.pings) == 1
    state = json.loads((config.parent / "announce" / "pinged.json").read_text())
    assert len(state) == len(feeds) + 1


def test_only_feeds_whose_bytes_changed_are_pinged_again(
    tmp_path: Path, hub: WebSubHub, index: PodcastIndex
) -> None:
    config = _site(tmp_path, hub.hub_url, index.pubnotify_url)
    assert _notify(config).exit_code == 0
    before = len(hub.pings)
    changed = config.parent / "feeds" / "essays" / "rss.xml"
    changed.write_bytes(changed.read_bytes().replace(b"</channel>", b"<!-- new --></channel>"))
    assert _notify(config).exit_code == 0
    assert len(hub.pings) == before + 1 and hub.pings[-1].endswith("/essays/rss.xml")
    assert len(index.pings) == 1


def test_a_hub_that_is_down_or_refuses_never_fails_the_deploy(
    tmp_path: Path, hub: WebSubHub, index: PodcastIndex
) -> None:
    config = _site(tmp_path, hub.hub_url, index.pubnotify_url)
    hub.fault("500", times=1000)
    index.fault("timeout", delay=1.5, times=1000)
    result = _notify(config)
    assert result.exit_code == 0
    assert "warning: websub:" in result.stderr and "not pinged" in result.stderr
    assert "warning: podcast-index:" in result.stderr
    assert hub.pings == [] and index.pings == []
    hub.faults.clear()
    index.faults.clear()
    later = _notify(config)
    assert later.exit_code == 0 and len(hub.pings) == len(_feeds(config))
    assert len(index.pings) == 1


def test_nothing_is_pinged_when_nothing_is_configured(
    tmp_path: Path, hub: WebSubHub, index: PodcastIndex
) -> None:
    config = _site(tmp_path, hub.hub_url, index.pubnotify_url, websub=False, podcast_index=False)
    result = _notify(config)
    assert result.exit_code == 0 and hub.requests == [] and index.requests == []
