"""Crashes and races: ``publish announce --send`` killed with SIGKILL at each step, then run
again; two runs started together. Exactly one post per item and channel (Discord without a
bot token has an at-most-once window, a kill while the request is on its way, tested as what
it is; with a bot token it is exactly once too)."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.announce.conftest import (
    IDS,
    assert_no_secret,
    bluesky_channel,
    discord_channel,
    mastodon_channel,
    site,
    spawn,
    states,
)
from tests.contract.bluesky_server import BlueskyServer
from tests.contract.discord_server import DiscordServer
from tests.contract.fakehttp import FakeHTTPServer
from tests.contract.mastodon_server import MastodonServer


def _kill_when(proc: subprocess.Popen[bytes], seen: Callable[[], bool]) -> None:
    """SIGKILL the announcer once the server has seen what the test waits for."""
    deadline = time.monotonic() + 60
    while not seen():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the announcer never reached the step"
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def _requests(server: FakeHTTPServer, method: str, path: str) -> Callable[[], bool]:
    return lambda: any(r.method == method and path in r.path for r in server.requests)


def _rerun(config: Path) -> tuple[bytes, bytes]:
    proc = spawn(config, "--send")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err.decode()
    return out, err


@pytest.mark.parametrize("step", ["after-claim", "after-request"])
def test_discord_killed_then_rerun_posts_each_item_once(
    tmp_path: Path, discord: DiscordServer, step: str
) -> None:
    config = site(tmp_path, discord_channel())
    if step == "after-claim":  # the claims are written, the webhook check never answers
        discord.fault("hang", "GET")
        proc = spawn(config, "--send")
        _kill_when(proc, _requests(discord, "GET", "/api/webhooks/"))
        assert set(states(config, "discord").values()) == {"claimed"}
    else:  # Discord posted the first item; the announcer dies before reading the answer
        discord.fault("hang", "POST", after=True)
        proc = spawn(config, "--send")
        _kill_when(proc, lambda: len(discord.messages) == 1)
        assert states(config, "discord")[IDS[0]] == "sending"
    out, err = _rerun(config)
    assert sorted(m["embeds"][0]["url"] for m in discord.messages) == sorted(
        f"https://commons.example/essays/{s}/"
        for s in ("first-steps", "open-decisions", "small-groups")
    )
    assert set(states(config, "discord").values()) == {"sent"}
    if step == "after-request":
        assert b"stopped before the answer; not posted again" in err
    assert_no_secret(out, err, folder=config.parent)


def test_discord_killed_while_the_request_is_on_its_way_posts_at_most_once(
    tmp_path: Path, discord: DiscordServer
) -> None:
    config = site(tmp_path, discord_channel())
    discord.fault("hang", "POST")  # the request arrived, Discord has not acted yet
    proc = spawn(config, "--send")
    _kill_when(proc, _requests(discord, "POST", "/api/webhooks/"))
    _, err = _rerun(config)
    # a webhook cannot be asked whether it posted: the one in flight is never sent again
    assert len(discord.messages) == 2 and b"unconfirmed" in err


URLS = [
    f"https://commons.example/essays/{s}/"
    for s in ("first-steps", "open-decisions", "small-groups")
]


@pytest.mark.parametrize("step", ["after-claim", "in-flight", "after-request", "between-posts"])
def test_discord_with_a_bot_token_killed_at_every_step_posts_each_item_exactly_once(
    tmp_path: Path, discord_bot: DiscordServer, step: str
) -> None:
    config = site(tmp_path, discord_channel())
    if step == "after-claim":  # the claims are written, the webhook check never answers
        discord_bot.fault("hang", "GET", path="/api/webhooks/.*")
        proc = spawn(config, "--send")
        _kill_when(proc, _requests(discord_bot, "GET", "/api/webhooks/"))
        assert set(states(config, "discord").values()) == {"claimed"}
    elif step == "in-flight":  # the request arrived, Discord never acts on it
        discord_bot.fault("hang", "POST")
        proc = spawn(config, "--send")
        _kill_when(proc, _requests(discord_bot, "POST", "/api/webhooks/"))
        assert discord_bot.messages == []
    elif step == "after-request":  # Discord posted; the announcer dies before the answer
        discord_bot.fault("hang", "POST", after=True)
        proc = spawn(config, "--send")
        _kill_when(proc, lambda: len(discord_bot.messages) == 1)
    else:  # the first answer arrived and was recorded; killed during the second post
        discord_bot.fault("pass", "POST")
        discord_bot.fault("hang", "POST")
        proc = spawn(config, "--send")
        _kill_when(proc, lambda: sum(r.method == "POST" for r in discord_bot.requests) == 2)
        assert len(discord_bot.messages) == 1
    if step != "after-claim":
        assert states(config, "discord")[IDS[0]] in ("sending", "sent")
    out, err = _rerun(config)
    assert [m["embeds"][0]["url"] for m in discord_bot.messages] == URLS
    assert set(states(config, "discord").values()) == {"sent"}
    assert b"unconfirmed" not in err and b"not posted again" not in err
    assert_no_secret(out, err, folder=config.parent)


@pytest.mark.parametrize("step", ["after-claim", "after-request"])
def test_mastodon_killed_then_rerun_posts_each_item_once(
    tmp_path: Path, mastodon: MastodonServer, step: str
) -> None:
    config = site(tmp_path, mastodon_channel(mastodon.url))
    if step == "after-claim":
        mastodon.fault("hang", "GET", path="/api/v2/instance")
        proc = spawn(config, "--send")
        _kill_when(proc, _requests(mastodon, "GET", "/api/v2/instance"))
        assert set(states(config, "mastodon").values()) == {"claimed"}
    else:
        mastodon.fault("hang", "POST", after=True)
        proc = spawn(config, "--send")
        _kill_when(proc, lambda: len(mastodon.statuses) == 1)
        assert states(config, "mastodon")[IDS[0]] == "sending"
        mastodon.keys.clear()  # even once the server forgot the key: found on the account
    _rerun(config)
    assert len(mastodon.statuses) == 3
    assert len({s["text"] for s in mastodon.statuses}) == 3
    assert set(states(config, "mastodon").values()) == {"sent"}


def test_mastodon_killed_while_the_request_is_on_its_way_posts_once(
    tmp_path: Path, mastodon: MastodonServer
) -> None:
    config = site(tmp_path, mastodon_channel(mastodon.url))
    mastodon.fault("hang", "POST")
    proc = spawn(config, "--send")
    _kill_when(proc, _requests(mastodon, "POST", "/api/v1/statuses"))
    _rerun(config)
    assert len(mastodon.statuses) == 3


def test_two_announcers_racing_post_each_item_once(
    tmp_path: Path, discord: DiscordServer, mastodon: MastodonServer, bluesky: BlueskyServer
) -> None:
    channels = discord_channel() + mastodon_channel(mastodon.url) + bluesky_channel(bluesky.url)
    config = site(tmp_path, channels)
    procs = [spawn(config, "--send"), spawn(config, "--send")]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    assert len(discord.messages) == 3 and len(mastodon.statuses) == 3
    assert len(bluesky.records) == 3
    assert set(states(config, "bluesky").values()) == {"sent"}
    assert set(states(config, "discord").values()) == {"sent"}
    assert set(states(config, "mastodon").values()) == {"sent"}
