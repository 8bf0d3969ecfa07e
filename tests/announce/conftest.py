"""Fixtures for ``publish announce``: the newsletter fixture tree (three published essays,
a draft, a scheduled one) with ``[[announce]]`` channels, fake secrets we can grep for, and
the Discord and Mastodon contract servers on 127.0.0.1."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from click.testing import CliRunner, Result

from pipeline.cli import main
from tests.contract.bluesky_server import BlueskyServer
from tests.contract.discord_server import DiscordServer
from tests.contract.mastodon_server import MastodonServer

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "newsletter"
DISCORD_TOKEN = "dwt-FAKEWEBHOOK-Zq8Xy3Vb7Nm2Lk5Jh"
MASTODON_TOKEN = "mt-FAKETOKEN-Rt6Yu1Io9Pa4Sd"
BLUESKY_PASSWORD = "bsky-FAKEAPPPW-Gh3Jk7Lm2Qw9"
DISCORD_BOT_TOKEN = "dbt-FAKEBOTTOKEN-Wq4Er8Ty2Ui6"
SECRETS = (DISCORD_TOKEN, MASTODON_TOKEN, BLUESKY_PASSWORD, DISCORD_BOT_TOKEN)
BUILD_EPOCH = "1715500000"  # 2024-05-12: after the three published essays
IDS = [f"0b6a3f3e-1c1a-4f43-9b1e-6e0f7f0d000{n}" for n in (1, 2, 3)]


@pytest.fixture(autouse=True)
def announce_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.endswith(("_KEY", "_TOKEN", "_PASSWORD", "_SECRET", "WEBHOOK_URL")) or (
            "PROXY" in name.upper()
        ):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)
    monkeypatch.setenv("MASTODON_TOKEN", MASTODON_TOKEN)
    monkeypatch.setenv("BLUESKY_APP_PASSWORD", BLUESKY_PASSWORD)


@pytest.fixture
def discord(monkeypatch: pytest.MonkeyPatch) -> Iterator[DiscordServer]:
    server = DiscordServer(DISCORD_TOKEN).start()
    monkeypatch.setenv("DISCORD_WEBHOOK_URL", server.webhook_url)
    yield server
    server.stop()


@pytest.fixture
def discord_bot(monkeypatch: pytest.MonkeyPatch) -> Iterator[DiscordServer]:
    """The Discord server, with a bot token in ``DISCORD_BOT_TOKEN`` that reads the channel."""
    server = DiscordServer(DISCORD_TOKEN, bot_token=DISCORD_BOT_TOKEN).start()
    monkeypatch.setenv("DISCORD_WEBHOOK_URL", server.webhook_url)
    monkeypatch.setenv("DISCORD_BOT_TOKEN", DISCORD_BOT_TOKEN)
    yield server
    server.stop()


@pytest.fixture
def mastodon() -> Iterator[MastodonServer]:
    server = MastodonServer(MASTODON_TOKEN).start()
    yield server
    server.stop()


@pytest.fixture
def bluesky() -> Iterator[BlueskyServer]:
    server = BlueskyServer("commons.bsky.example", BLUESKY_PASSWORD).start()
    yield server
    server.stop()


def bluesky_channel(url: str, **more: Any) -> str:
    keys = {
        "kind": "bluesky",
        "handle": "commons.bsky.example",
        "service": url,
        "since": "2024-01-01",
        "backoff": 0.01,
        "timeout": 2.0,
        **more,
    }
    return "[[announce]]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in keys.items())


def site(tmp_path: Path, channels: str) -> Path:
    """The fixture tree with these ``[[announce]]`` tables appended; returns publish.toml."""
    root = tmp_path / "site"
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(FIXTURE, root)
    config = root / "publish.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n" + channels, encoding="utf-8")
    return config


def discord_channel(**more: Any) -> str:
    keys = {"kind": "discord", "since": "2024-01-01", "backoff": 0.01, "timeout": 2.0, **more}
    return "[[announce]]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in keys.items())


def mastodon_channel(url: str, **more: Any) -> str:
    keys = {
        "kind": "mastodon",
        "instance": url,
        "since": "2024-01-01",
        "backoff": 0.01,
        "timeout": 2.0,
        **more,
    }
    return "[[announce]]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in keys.items())


def cli(config: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["announce", "--config", str(config), *args])


def spawn(config: Path, *args: str) -> subprocess.Popen[bytes]:
    """``python -m pipeline announce`` as a real process (to SIGKILL or race)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "announce", "--config", str(config), *args],
        cwd=config.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def ledger(config: Path) -> list[dict[str, Any]]:
    path = config.parent / "announce" / "sent.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def states(config: Path, channel: str) -> dict[str, str]:
    """Last state per item id on a channel."""
    out: dict[str, str] = {}
    for line in ledger(config):
        if line["backend"] == channel:
            out[line["items"][0]] = line["state"]
    return out


def assert_no_secret(*texts: str | bytes, folder: Path | None = None) -> None:
    """No fake secret in any spelling a message could carry: whole, its random tail,
    percent-encoded, JSON-escaped, in base64."""
    blobs = [t.encode() if isinstance(t, str) else t for t in texts]
    if folder is not None:
        blobs += [p.read_bytes() for p in folder.rglob("*") if p.is_file()]
    for secret in SECRETS:
        tail = secret.rsplit("-", 1)[1]
        spellings = {secret, tail[:8], quote(secret, safe=""), json.dumps(secret)[1:-1]}
        spellings.add(base64.b64encode(secret.encode()).decode()[:12])
        for blob in blobs:
            for s in spellings:
                assert s.encode() not in blob, s
