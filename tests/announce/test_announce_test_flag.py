"""``publish announce --test``: one post per channel to a private destination, nothing
recorded, and never mistaken for the real post later."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.announce.conftest import (
    DISCORD_TOKEN,
    assert_no_secret,
    bluesky_channel,
    cli,
    discord_channel,
    ledger,
    mastodon_channel,
    site,
)
from tests.contract.bluesky_server import BlueskyServer
from tests.contract.discord_server import DiscordServer
from tests.contract.mastodon_server import MastodonServer


def test_test_posts_go_to_the_test_webhook_and_a_direct_status_only(
    tmp_path: Path,
    discord: DiscordServer,
    mastodon: MastodonServer,
    bluesky: BlueskyServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    test_channel = DiscordServer(DISCORD_TOKEN[::-1]).start()
    try:
        monkeypatch.setenv("DISCORD_TEST_WEBHOOK_URL", test_channel.webhook_url)
        channels = discord_channel() + mastodon_channel(mastodon.url) + bluesky_channel(bluesky.url)
        config = site(tmp_path, channels)
        result = cli(config, "--test")
        assert result.exit_code == 0, result.stderr
        assert "Test posts only; nothing recorded." in result.stdout
        assert [m["embeds"][0]["title"] for m in test_channel.messages] == ["First steps"]
        assert discord.messages == [] and bluesky.records == {}
        assert [s["visibility"] for s in mastodon.statuses] == ["direct"]
        assert "Bluesky has no private posts" in result.stderr
        assert ledger(config) == []
        sent = cli(config, "--send")  # the real posts: the test's Idempotency-Key differs
        assert sent.exit_code == 0, sent.stderr
        assert len(discord.messages) == 3 and len(test_channel.messages) == 1
        assert [s["visibility"] for s in mastodon.statuses] == ["direct"] + ["public"] * 3
        again = cli(config, "--test")  # nothing new: the newest item is used for the test
        assert again.exit_code == 0 and len(test_channel.messages) == 2
        assert test_channel.messages[-1]["embeds"][0]["title"] == "Small groups <first>"
        assert_no_secret(result.stdout, result.stderr, again.stderr, folder=config.parent)
    finally:
        test_channel.stop()


def test_without_a_test_webhook_it_is_a_config_error(
    tmp_path: Path, discord: DiscordServer
) -> None:
    result = cli(site(tmp_path, discord_channel()), "--test")
    assert result.exit_code == 3
    assert "DISCORD_TEST_WEBHOOK_URL: not set" in result.stderr
    assert discord.requests == []


def test_test_send_and_preview_are_exclusive(tmp_path: Path) -> None:
    result = cli(site(tmp_path, discord_channel()), "--test", "--send")
    assert result.exit_code == 2 and "exclusive" in result.stderr
