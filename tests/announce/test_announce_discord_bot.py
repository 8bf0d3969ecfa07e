"""Discord exactly once: with a bot token, a post whose answer was lost is looked up in the
channel's latest messages (``GET /channels/{id}/messages``) before anything is re-posted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.announce.conftest import (
    DISCORD_BOT_TOKEN,
    DISCORD_TOKEN,
    IDS,
    assert_no_secret,
    cli,
    discord_channel,
    ledger,
    site,
    states,
)
from tests.contract.discord_server import DiscordServer
from tests.contract.fakehttp import Request, Response, json_response

URLS = [
    f"https://commons.example/essays/{s}/"
    for s in ("first-steps", "open-decisions", "small-groups")
]


def _posted_urls(server: DiscordServer) -> list[str]:
    return [m["embeds"][0]["url"] for m in server.messages]


def test_a_lost_answer_is_found_in_the_channel_and_recorded_with_its_id(
    tmp_path: Path, discord_bot: DiscordServer
) -> None:
    config = site(tmp_path, discord_channel())
    discord_bot.fault("reset", "POST", after=True)  # Discord posts, the answer never arrives
    result = cli(config, "--send")
    assert result.exit_code == 0, result.stderr
    assert "answer was lost" not in result.stderr and "unconfirmed" not in result.stderr
    assert _posted_urls(discord_bot) == URLS
    sent = {
        line["items"][0]: line["remote_id"] for line in ledger(config) if line["state"] == "sent"
    }
    assert sent[IDS[0]] == discord_bot.messages[0]["id"]  # the real id, found in the channel
    searches = [r for r in discord_bot.requests if r.path == "/api/v10/channels/42/messages"]
    assert searches and all(
        r.headers["Authorization"] == f"Bot {DISCORD_BOT_TOKEN}" for r in searches
    )
    assert dict(searches[-1].query)["limit"] == "100"


@pytest.mark.parametrize("after", [False, True])
def test_a_5xx_is_looked_up_then_retried_only_when_not_posted(
    tmp_path: Path, discord_bot: DiscordServer, after: bool
) -> None:
    config = site(tmp_path, discord_channel())
    discord_bot.fault("500", "POST", after=after)  # after: Discord posted, then failed
    result = cli(config, "--send")
    assert result.exit_code == 0, result.stderr
    assert _posted_urls(discord_bot) == URLS  # each once: the retry only when it was not made
    assert set(states(config, "discord").values()) == {"sent"}


@pytest.mark.parametrize("answer", ["malformed", "no-id"])
def test_a_broken_answer_is_looked_up_not_posted_again(
    tmp_path: Path, discord_bot: DiscordServer, answer: str
) -> None:
    config = site(tmp_path, discord_channel())
    if answer == "malformed":
        discord_bot.fault("malformed", "POST", after=True)
    else:
        discord_bot.fault("json", "POST", after=True, body=(200, {"type": 0}))
    result = cli(config, "--send")
    assert result.exit_code == 0, result.stderr
    assert _posted_urls(discord_bot) == URLS
    sent = {
        line["items"][0]: line["remote_id"] for line in ledger(config) if line["state"] == "sent"
    }
    assert sent[IDS[0]] == discord_bot.messages[0]["id"] and "unconfirmed" not in result.stderr


def test_a_person_linking_the_item_is_not_mistaken_for_the_post(
    tmp_path: Path, discord_bot: DiscordServer
) -> None:
    config = site(tmp_path, discord_channel())
    discord_bot.post_by_hand(URLS[0])  # same link, not from the webhook
    discord_bot.fault("reset", "POST")  # the first post never reaches Discord
    result = cli(config, "--send")
    assert result.exit_code == 0, result.stderr
    assert _posted_urls(discord_bot) == URLS


def test_a_message_of_the_webhook_linking_the_item_is_the_post(
    tmp_path: Path, discord_bot: DiscordServer
) -> None:
    config = site(tmp_path, discord_channel())
    body = (503 - 102, {"message": "Invalid Webhook Token", "code": 50027})
    discord_bot.fault("json", "GET", path="/api/webhooks/.*", body=body)
    first = cli(config, "--send")  # the webhook check is refused: all three stay claimed
    assert first.exit_code == 1 and discord_bot.messages == []
    lines = (config.parent / "announce" / "sent.jsonl").read_text(encoding="utf-8")
    # as if a killed run had written `sending` for the first item and Discord had posted it
    first_line = lines.splitlines()[0].replace('"claimed"', '"sending"')
    (config.parent / "announce" / "sent.jsonl").write_text(lines + first_line + "\n")
    made = discord_bot.post_by_hand(URLS[0], webhook=True)
    again = cli(config, "--send")
    assert again.exit_code == 0, again.stderr
    assert "healed" in again.stderr or "found already posted" in again.stdout + again.stderr
    assert _posted_urls(discord_bot) == URLS[1:]
    sent = {
        line["items"][0]: line["remote_id"] for line in ledger(config) if line["state"] == "sent"
    }
    assert sent[IDS[0]] == made["id"]


@pytest.mark.parametrize(
    ("setup", "shown"),
    [
        ("wrong-token", "HTTP 401: 401: Unauthorized"),
        ("no-access", "HTTP 403: Missing Access (code 50001)"),
        ("no-history", "HTTP 403: Missing Access (code 50001)"),
        ("wrong-channel", "HTTP 404: Unknown Channel (code 10003)"),
        ("other-channel", "not to channel_id 7"),
    ],
)
def test_a_bot_that_cannot_read_the_channel_fails_before_any_post(
    tmp_path: Path,
    discord_bot: DiscordServer,
    setup: str,
    shown: str,
) -> None:
    more: dict[str, str] = {}
    if setup == "wrong-token":
        discord_bot.bot_token = "dbt-ANOTHERTOKEN-0000000000"
    elif setup == "no-access":
        discord_bot.bot_sees_channel = False
    elif setup == "no-history":  # the list comes back empty: the last message is read
        discord_bot.bot_reads_history = False
        discord_bot.post_by_hand("https://elsewhere.example/")
    elif setup == "wrong-channel":
        discord_bot.hook_channel = "43"
    else:
        more["channel_id"] = "7"
    config = site(tmp_path, discord_channel(**more))
    result = cli(config, "--send")
    assert result.exit_code == 1
    assert shown in result.stderr
    assert discord_bot.messages == []
    assert set(states(config, "discord").values()) == {"claimed"}
    assert_no_secret(result.stdout, result.stderr, folder=config.parent)


def test_an_empty_channel_is_fine_for_a_new_bot(tmp_path: Path, discord_bot: DiscordServer) -> None:
    result = cli(site(tmp_path, discord_channel()), "--send")
    assert result.exit_code == 0, result.stderr
    assert _posted_urls(discord_bot) == URLS


def test_a_bad_bot_token_variable_or_channel_id_is_a_config_error(tmp_path: Path) -> None:
    result = cli(site(tmp_path, discord_channel(bot_token_env="BOT", channel_id="news")), "--send")
    assert result.exit_code == 3
    assert "bot_token_env: expected an environment variable name ending in TOKEN" in result.stderr
    assert "channel_id: expected a Discord channel id (digits), got 'news'" in result.stderr


def test_the_bot_token_never_shows_when_the_server_echoes_it(
    tmp_path: Path, discord_bot: DiscordServer
) -> None:
    def echo(req: Request) -> Response:
        said = req.headers.get("Authorization", "")
        body = {"message": f"401: Unauthorized {said} {json.dumps(said)}", "code": 0}
        return json_response(401, body)

    discord_bot.fault("respond", "GET", path="/api/v10/channels/.*", body=echo)
    config = site(tmp_path, discord_channel())
    result = cli(config, "--send", "--format", "json")
    assert result.exit_code == 1 and "HTTP 401" in result.stderr
    assert DISCORD_BOT_TOKEN not in result.stdout + result.stderr
    assert_no_secret(result.stdout, result.stderr, folder=config.parent)


def test_a_test_post_goes_to_the_test_webhook_without_the_bot(
    tmp_path: Path, discord_bot: DiscordServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    test_channel = DiscordServer(DISCORD_TOKEN[::-1]).start()  # a channel the bot cannot see
    try:
        test_channel.hook_channel = "77"
        monkeypatch.setenv("DISCORD_TEST_WEBHOOK_URL", test_channel.webhook_url)
        result = cli(site(tmp_path, discord_channel(channel_id="42")), "--test")
    finally:
        test_channel.stop()
    assert result.exit_code == 0, result.stderr
    assert len(test_channel.messages) == 1 and discord_bot.messages == []
    assert not any("/channels/" in r.path for r in test_channel.requests + discord_bot.requests)


def test_a_channel_listing_of_junk_is_no_answer_and_nothing_is_posted_twice(
    tmp_path: Path, discord_bot: DiscordServer
) -> None:
    """A lost answer, then the channel's messages answered ``[1]``: the rows that were no
    messages were skipped, the post looked absent and was made again (twice in the channel,
    exit 0). An unreadable listing is now a failure of that item; the next run finds it."""
    config = site(tmp_path, discord_channel())
    discord_bot.fault("reset", "POST", after=True)
    discord_bot.fault("json", "GET", path="/api/v10/channels/42/messages", body=(200, [1]))
    first = cli(config, "--send")
    assert first.exit_code == 1, first.output
    assert "without a list of them" in first.stderr
    again = cli(config, "--send")
    assert again.exit_code == 0, again.stderr
    assert _posted_urls(discord_bot) == URLS  # each once
