"""``publish announce --send`` to the Discord webhook contract server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.announce.conftest import (
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
from tests.contract.fakehttp import json_response


def test_each_item_is_posted_once_with_an_embed_and_the_id_recorded(
    tmp_path: Path, discord: DiscordServer
) -> None:
    config = site(tmp_path, discord_channel(username="Commons bot"))
    result = cli(config, "--send", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert [m["embeds"][0]["title"] for m in discord.messages] == [
        "First steps",
        "Decisions in the open",
        "Small groups <first>",
    ]
    first = discord.messages[0]
    assert first["author"]["username"] == "Commons bot"
    embed = first["embeds"][0]
    assert embed["url"] == "https://commons.example/essays/first-steps/"
    assert embed["author"] == {"name": "Ada Quill"} and embed["footer"]["text"] == "Fixture Commons"
    assert embed["timestamp"].startswith("2024-05-01")
    posts = [r for r in discord.requests if r.method == "POST"]
    assert all(dict(r.query).get("wait") == "true" for r in posts)
    rows = json.loads(result.stdout)["outcomes"]
    assert [r["remote_id"] for r in rows] == [m["id"] for m in discord.messages]
    sent = [line for line in ledger(config) if line["state"] == "sent"]
    assert [line["remote_id"] for line in sent] == [m["id"] for m in discord.messages]
    assert [line["state"] for line in ledger(config) if line["items"] == [IDS[0]]] == [
        "claimed",
        "sending",
        "sent",
    ]
    again = cli(config, "--send")
    assert again.exit_code == 0 and "Nothing new to announce." in again.stdout
    assert len(discord.messages) == 3


def test_an_empty_bucket_is_waited_out_before_the_next_post(
    tmp_path: Path, discord: DiscordServer
) -> None:
    discord.bucket = 2  # GET webhook + one POST empty it: every later call must wait
    result = cli(site(tmp_path, discord_channel()), "--send")
    assert result.exit_code == 0, result.stderr
    assert len(discord.messages) == 3
    assert discord.throttled == 0  # X-RateLimit-Remaining: 0 honoured, never a 429


def test_a_429_is_retried_after_retry_after_and_posts_once(
    tmp_path: Path, discord: DiscordServer
) -> None:
    discord.fault("429", "POST", retry_after="0")
    result = cli(site(tmp_path, discord_channel()), "--send")
    assert result.exit_code == 0, result.stderr
    assert len(discord.messages) == 3


def test_a_lost_answer_is_recorded_unconfirmed_and_never_posted_again(
    tmp_path: Path, discord: DiscordServer
) -> None:
    config = site(tmp_path, discord_channel())
    discord.fault("reset", "POST", after=True)  # Discord posts, the answer never arrives
    result = cli(config, "--send")
    assert result.exit_code == 0, result.stderr
    assert "may have posted the message but its answer was lost" in result.stderr
    assert len(discord.messages) == 3
    assert set(states(config, "discord").values()) == {"sent"}
    assert cli(config, "--send").exit_code == 0
    assert len(discord.messages) == 3


def test_a_refused_post_is_failed_then_retried_by_the_next_run(
    tmp_path: Path, discord: DiscordServer
) -> None:
    config = site(tmp_path, discord_channel())
    discord.fault(
        "json", "POST", body=(400, {"code": 50035, "message": "Invalid Form Body", "errors": {}})
    )
    result = cli(config, "--send")
    assert result.exit_code == 1
    assert "Discord refused POST" in result.stderr and "Invalid Form Body (code 50035)" in (
        result.stderr
    )
    assert states(config, "discord")[IDS[0]] == "failed" and discord.messages == []
    assert cli(config, "--send").exit_code == 0
    assert len(discord.messages) == 3


def test_the_webhook_token_never_shows_on_any_error_path(
    tmp_path: Path, discord: DiscordServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = site(tmp_path, discord_channel())
    url = discord.webhook_url

    def echo(req: object) -> tuple[int, dict[str, str], bytes]:
        body = {"message": f"bad {url} {json.dumps(url)} {url.replace('/', '%2F')}", "code": 1}
        return json_response(400, body)

    discord.fault("respond", "POST", body=echo)
    failed = cli(config, "--send", "--format", "json")
    discord.fault("500", "POST", times=10)
    failed_5xx = cli(config, "--send")  # may have posted: recorded unconfirmed, warned
    wrong = DiscordServer("another-token-entirely-0000").start()
    try:
        monkeypatch.setenv("DISCORD_WEBHOOK_URL", wrong.url + url.split(discord.url, 1)[1])
        unauthorised = cli(site(tmp_path, discord_channel()), "--send")
    finally:
        wrong.stop()
    assert failed.exit_code == unauthorised.exit_code == 1
    assert failed_5xx.exit_code == 0 and "failed after 4 attempts" not in failed_5xx.stderr
    assert "answer was lost" in failed_5xx.stderr
    assert "Invalid Webhook Token (code 50027)" in unauthorised.stderr
    assert DISCORD_TOKEN not in unauthorised.stderr
    assert_no_secret(
        failed.stdout,
        failed.stderr,
        failed_5xx.stdout,
        failed_5xx.stderr,
        unauthorised.stdout,
        unauthorised.stderr,
        folder=config.parent,
    )


def test_the_back_catalogue_stays_out_after_the_announced_item_is_deleted(
    tmp_path: Path, discord: DiscordServer
) -> None:
    config = site(tmp_path, '[[announce]]\nkind = "discord"\nbackoff = 0.01\n')
    first = cli(config, "--send")
    assert first.exit_code == 0, first.stderr
    assert [m["embeds"][0]["title"] for m in discord.messages] == ["Small groups <first>"]
    (config.parent / "content" / "essays" / "small-groups.md").unlink()
    again = cli(config, "--send")
    assert again.exit_code == 0, again.stderr
    assert len(discord.messages) == 1  # the older essays are still the back catalogue
