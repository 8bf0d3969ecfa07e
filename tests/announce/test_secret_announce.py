"""The Discord webhook URL is a secret by its parts (its token is in the path that error
messages name) whatever the variable holding it is called, and ``PUBLISH_DEBUG=1``'s
traceback is redacted like every other message."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.announce.conftest import DISCORD_TOKEN, cli, discord_channel, ledger, site, spawn
from tests.contract.discord_server import DiscordServer
from tests.contract.fakehttp import Request, Response, json_response
from tests.newsletter.test_secret_newsletter import assert_hidden


def _echo(req: Request) -> Response:
    """Discord's 404 for an unknown webhook, naming what it was asked for in three ways."""
    path = req.path
    message = f"Unknown Webhook {path} ({quote(path, safe='')})"
    return json_response(404, {"message": message, "code": 10015, "errors": {"path": path}})


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("variable", ["DISCORD_NEWS_TOKEN", "DISCORD_NEWS_KEY"])
def test_a_webhook_url_in_a_variable_named_as_a_token_is_hidden_by_its_parts(
    tmp_path: Path,
    discord: DiscordServer,
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    method: str,
) -> None:
    """``webhook_env`` may name any secret-like variable; only ``*_WEBHOOK_URL`` ones were
    cut into parts, so a message naming the path (``POST /api/webhooks/ID/TOKEN``) showed
    the token. GET fails the connection, POST each item (the ledger's ``failed`` lines)."""
    monkeypatch.delenv("DISCORD_WEBHOOK_URL")
    monkeypatch.setenv(variable, discord.webhook_url)
    discord.fault("respond", method, ".*", times=100, body=_echo)
    config = site(tmp_path, discord_channel(webhook_env=variable, retries=0))
    for args in (["--send"], ["--send", "--format", "json"]):
        result = cli(config, *args)
        assert result.exit_code == 1, (result.stdout, result.stderr)
        assert f"Discord refused {method} /api/webhooks/***/***: HTTP 404" in result.stderr
        assert_hidden((DISCORD_TOKEN, discord.webhook_url), result.stdout, result.stderr)
        assert_hidden((DISCORD_TOKEN, discord.webhook_url), folder=config.parent)
    if method == "POST":
        assert {line["state"] for line in ledger(config)} >= {"failed"}
        assert "/api/webhooks/***/***" in json.dumps(ledger(config))


def test_publish_debug_shows_the_traceback_redacted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A webhook URL whose port is out of range fails in requests (an unexpected error):
    its message is redacted, and so, with PUBLISH_DEBUG=1, is the traceback, which quoted
    the whole URL twice."""
    url = f"http://127.0.0.1:99999/api/webhooks/112233445566778899/{DISCORD_TOKEN}"
    monkeypatch.setenv("DISCORD_WEBHOOK_URL", url)
    monkeypatch.setenv("PUBLISH_DEBUG", "1")
    config = site(tmp_path, discord_channel(retries=0))
    proc = spawn(config, "--send")
    stdout, stderr = proc.communicate(timeout=60)
    assert b"Traceback (most recent call last)" in stderr
    assert b"Failed to parse: ***" in stderr
    assert proc.returncode == 3, stderr
    assert_hidden((DISCORD_TOKEN, url), stdout.decode(), stderr.decode(), folder=config.parent)
