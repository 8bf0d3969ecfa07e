"""The shared pieces announce added to: secret URLs and runtime secrets in :func:`redact`,
rate-limit headers, and a refused connection that is safe to retry."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests

from pipeline.newsletter.backends.http import ApiClient, Patience
from pipeline.newsletter.errors import DeliveryError
from pipeline.support.retryafter import exhausted_wait, rate_limit_wait
from pipeline.support.secrets import redact, register
from tests.announce.conftest import IDS, cli, discord_channel, mastodon_channel, site, states
from tests.contract.discord_server import DiscordServer
from tests.contract.fakehttp import json_response
from tests.contract.mastodon_server import MastodonServer

HOOK = "https://discord.example/api/webhooks/123456789012345678/AbCdEf-GhIjKl_MnOpQrStUvWxYz0123"


def test_a_webhook_urls_token_is_redacted_alone_and_in_any_spelling(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DISCORD_NEWS_WEBHOOK_URL", HOOK)
    token = HOOK.rsplit("/", 1)[1]
    for shown in (
        HOOK,
        f"POST /api/webhooks/123456789012345678/{token}",
        json.dumps({"u": HOOK}),
        HOOK.replace("/", "%2F"),
    ):
        assert token not in redact(shown) and "AbCdEf" not in redact(shown)
    assert redact("nothing secret here") == "nothing secret here"


def test_a_registered_session_token_is_redacted() -> None:
    session = "eyJhbGciOi.session-token-for-this-run-only-4f9a"
    register(session)
    assert session not in redact(f"error: bad token {session}")


def test_rate_limit_headers_of_each_service() -> None:
    now = 1_700_000_000.0
    assert rate_limit_wait({"Retry-After": "3"}, now) == 3.0
    assert rate_limit_wait({"X-RateLimit-Reset-After": "0.25"}, now) == 0.25  # Discord
    # a reset moment is waited past by its last digit's worth: the server cut it there
    assert rate_limit_wait({"X-RateLimit-Reset": str(now + 2)}, now) == pytest.approx(
        2.1
    )  # Discord
    assert rate_limit_wait({"X-RateLimit-Reset": f"{now + 2:.3f}"}, now) == pytest.approx(2.001)
    iso = datetime.fromtimestamp(now + 5, UTC).isoformat().replace("+00:00", "Z")
    assert rate_limit_wait({"X-RateLimit-Reset": iso}, now) == 6.0  # Mastodon
    ms = datetime.fromtimestamp(now + 5, UTC).isoformat(timespec="milliseconds")
    assert rate_limit_wait({"X-RateLimit-Reset": ms}, now) == pytest.approx(5.001)
    assert rate_limit_wait({"RateLimit-Reset": str(int(now) + 7)}, now) == 8.0  # Bluesky
    assert rate_limit_wait({"X-RateLimit-Reset": "soon"}, now) is None
    assert exhausted_wait({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": "1"}, now) == 1
    assert (
        exhausted_wait({"X-RateLimit-Remaining": "4", "X-RateLimit-Reset-After": "1"}, now) is None
    )


def test_a_refused_connection_is_retried_without_a_recheck() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    rechecks: list[int] = []
    client = ApiClient(
        "Discord",
        f"http://127.0.0.1:{port}",
        {},
        session=requests.Session(),
        error_text=str,
        patience=Patience(retries=2, backoff=0.0),
        sleep=lambda _: None,
    )
    with pytest.raises(DeliveryError, match="failed after 3 attempts"):
        client.request("POST", "/x", json={}, recheck=lambda: rechecks.append(1))
    assert rechecks == []  # nothing reached a server: nothing to look for


def test_mastodon_429_waits_for_its_reset_time(tmp_path: Path, mastodon: MastodonServer) -> None:
    def throttled(req: object) -> tuple[int, dict[str, str], bytes]:
        reset = datetime.now(UTC).isoformat()
        return json_response(
            429,
            {"error": "Too many requests"},
            {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset},
        )

    mastodon.fault("respond", "POST", body=throttled)
    config = site(tmp_path, mastodon_channel(mastodon.url))
    result = cli(config, "--send")
    assert result.exit_code == 0, result.stderr
    assert len(mastodon.statuses) == 3  # waited out (no Retry-After: the reset time), retried


def test_a_webhook_that_cannot_be_reached_leaves_the_claims_for_the_next_run(
    tmp_path: Path, discord: DiscordServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = site(tmp_path, discord_channel(retries=0))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    good = discord.webhook_url
    monkeypatch.setenv("DISCORD_WEBHOOK_URL", good.replace(discord.url, f"http://127.0.0.1:{port}"))
    failed = cli(config, "--send")
    assert failed.exit_code == 1 and "connection failed" in failed.stderr
    assert set(states(config, "discord").values()) == {"claimed"}
    monkeypatch.setenv("DISCORD_WEBHOOK_URL", good)
    assert cli(config, "--send").exit_code == 0
    assert len(discord.messages) == 3 and set(states(config, "discord")) == set(IDS)
