"""Fixtures for the newsletter tests: an isolated environment with recognisable fake keys,
a copy of the fixture tree per test, contract fakes of Buttondown and listmonk, and a real
aiosmtpd SMTP server, all on 127.0.0.1."""

from __future__ import annotations

import base64
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from click.testing import CliRunner, Result

from pipeline.cli import main
from tests.contract.buttondown_server import ButtondownServer
from tests.contract.listmonk_server import ListmonkServer

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "newsletter"
BUTTONDOWN_KEY = "bd-FAKEKEY-7f3a9c1e5b2d"
LISTMONK_USER = "digestbot"
LISTMONK_TOKEN = "lm-FAKETOKEN-2c8e4a6f0d9b"
SMTP_PASSWORD = "smtp-FAKEPASS-9d1b3f5a7c4e"
SECRETS = (BUTTONDOWN_KEY, LISTMONK_TOKEN, SMTP_PASSWORD)
BUILD_EPOCH = "1715500000"  # 2024-05-12T07:46:40Z: after every fixture item but the scheduled


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No real key, home or proxy from the developer's machine; fake keys we can grep for."""
    for name in list(os.environ):
        if name.endswith(("_KEY", "_TOKEN", "_PASSWORD", "_SECRET")) or "PROXY" in name.upper():
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PUBLISH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)
    monkeypatch.setenv("BUTTONDOWN_API_KEY", BUTTONDOWN_KEY)
    monkeypatch.setenv("LISTMONK_USER", LISTMONK_USER)
    monkeypatch.setenv("LISTMONK_TOKEN", LISTMONK_TOKEN)
    monkeypatch.setenv("SMTP_PASSWORD", SMTP_PASSWORD)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


Tree = Callable[..., Path]


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    """Copy the fixture tree; keyword arguments set ``[newsletter]`` keys. Returns the config."""

    def make(**newsletter: Any) -> Path:
        root = tmp_path / "site"
        if not root.exists():
            shutil.copytree(FIXTURE, root)
        text = (FIXTURE / "publish.toml").read_text(encoding="utf-8")
        head, _, section = text.partition("[newsletter]\n")
        keys = {}
        for line in section.splitlines():
            if "=" in line:
                k, v = line.split("=", 1)
                keys[k.strip()] = v.strip()
        keys.update({k: _toml_value(v) for k, v in newsletter.items()})
        body = "".join(f"{k} = {v}\n" for k, v in keys.items())
        (root / "publish.toml").write_text(f"{head}[newsletter]\n{body}", encoding="utf-8")
        return root / "publish.toml"

    return make


def subscribers_config(tree: Tree, port: int, unsubscribe_url: str, subscribers: str) -> Path:
    """A site whose digest goes by SMTP (127.0.0.1:``port``) to each address of
    ``subscribers`` (the file's text), one message each with its own unsubscribe URL."""
    config = tree(
        backend="smtp",
        smtp_host="127.0.0.1",
        smtp_port=port,
        subscribers_file="subscribers.txt",
        unsubscribe_url=unsubscribe_url,
    )
    (config.parent / "subscribers.txt").write_text(subscribers)
    return config


def cli(config: Path, *args: str) -> Result:
    """Run ``publish digest`` in-process with Click's runner (stderr kept apart)."""
    return CliRunner().invoke(main, ["digest", "--config", str(config), *args])


def spawn(config: Path, *args: str) -> subprocess.Popen[bytes]:
    """Start ``python -m pipeline digest`` as a real separate process."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "digest", "--config", str(config), *args],
        cwd=config.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def ledger_lines(config: Path) -> list[dict[str, Any]]:
    import json

    path = config.parent / "newsletter" / "sent.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def assert_no_secret(*texts: str | bytes, folder: Path | None = None) -> None:
    """No fake key appears in the texts or in any file under ``folder``: not whole, not its
    random tail (what a cut message once left), not in base64."""
    blobs = [t.encode() if isinstance(t, str) else t for t in texts]
    if folder is not None:
        blobs += [p.read_bytes() for p in folder.rglob("*") if p.is_file()]
    for secret in SECRETS:
        tail = secret.rsplit("-", 1)[1]  # the part no message has any other reason to hold
        for blob in blobs:
            assert secret.encode() not in blob
            assert tail[:6].encode() not in blob
            assert base64.b64encode(secret.encode())[:12] not in blob


@pytest.fixture
def buttondown() -> Iterator[ButtondownServer]:
    server = ButtondownServer(BUTTONDOWN_KEY).start()
    yield server
    server.stop()


@pytest.fixture
def listmonk() -> Iterator[ListmonkServer]:
    server = ListmonkServer(LISTMONK_USER, LISTMONK_TOKEN).start()
    yield server
    server.stop()


def api_settings(url: str, **more: Any) -> dict[str, Any]:
    """Fast retries so fault tests stay quick."""
    return {"api_url": url, "api_timeout": 1.0, "api_retries": 2, "api_backoff": 0.05, **more}


class Mailbox:
    """What the SMTP server received: raw bytes per envelope recipient."""

    def __init__(self) -> None:
        self.raw: list[tuple[str, list[str], bytes]] = []
        self.hold = threading.Event()
        self.holding = False
        self.received = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.raw.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        self.received.set()
        if self.holding:  # a server that took the message but never confirms it
            import asyncio

            while not self.hold.is_set():
                await asyncio.sleep(0.05)
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        return [message_from_bytes(raw, policy=policy.default) for _, _, raw in self.raw]  # type: ignore[misc]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtpd() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()

    def authenticate(
        server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        ok = data.login == b"digestbot" and data.password == SMTP_PASSWORD.encode()
        return AuthResult(success=ok, handled=False)

    port = free_port()
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticate,
        auth_require_tls=False,
    )
    controller.start()
    yield mailbox, port
    mailbox.hold.set()
    controller.stop()
