"""The channels announcements go to, behind one small interface (:class:`~.base.Channel`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

import requests

from pipeline.announce.channels.base import Channel, Post, Posted, Unconfirmed
from pipeline.config import Config
from pipeline.support.announce_config import AnnounceConfig

__all__ = ["Channel", "Post", "Posted", "Unconfirmed", "make_channel"]


def make_channel(
    entry: AnnounceConfig,
    config: Config,
    *,
    session: requests.Session,
    now: datetime,
    sleep: Callable[[float], None] = time.sleep,
) -> Channel:
    """The channel an ``[[announce]]`` entry describes; its secret is read here (a missing
    one is a configuration error naming the variable, before anything is claimed)."""
    if entry.kind == "discord":
        from pipeline.announce.channels.discord import DiscordChannel

        return DiscordChannel(entry, config, session=session, sleep=sleep)
    if entry.kind == "bluesky":
        from pipeline.announce.channels.bluesky import BlueskyChannel

        return BlueskyChannel(entry, config, session=session, now=now, sleep=sleep)
    from pipeline.announce.channels.mastodon import MastodonChannel

    return MastodonChannel(entry, config, session=session, sleep=sleep)
