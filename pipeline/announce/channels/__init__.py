"""The channels announcements go to, behind one small interface (:class:`~.base.Channel`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

import requests

from pipeline.announce.channels.base import Channel, Post, Posted, Unconfirmed
from pipeline.announce.media import Pictures
from pipeline.config import Config
from pipeline.support.announce_config import AnnounceConfig
from pipeline.support.siteroot import content_folder

__all__ = ["Channel", "Post", "Posted", "Unconfirmed", "make_channel"]


def make_channel(
    entry: AnnounceConfig,
    config: Config,
    *,
    session: requests.Session,
    now: datetime,
    sleep: Callable[[float], None] = time.sleep,
    pictures: Pictures | None = None,
) -> Channel:
    """The channel an ``[[announce]]`` entry describes; its secret is read here (a missing
    one is a configuration error naming the variable, before anything is claimed).
    ``pictures`` reads items' images (default: from ``[content] folder``)."""
    if pictures is None:
        pictures = Pictures(content_folder(config.root, config.content.folder, None), session)
    pictures = replace(pictures, timeout=entry.timeout)
    if entry.kind == "discord":
        from pipeline.announce.channels.discord import DiscordChannel

        return DiscordChannel(entry, config, session=session, sleep=sleep)
    if entry.kind == "bluesky":
        from pipeline.announce.channels.bluesky import BlueskyChannel

        return BlueskyChannel(
            entry, config, session=session, now=now, sleep=sleep, pictures=pictures
        )
    from pipeline.announce.channels.mastodon import MastodonChannel

    return MastodonChannel(entry, config, session=session, sleep=sleep, pictures=pictures)
