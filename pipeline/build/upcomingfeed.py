"""The upcoming feed and event pages in a build: what of the clock they show (the next dates
of the events), so their inputs change, and the build reruns, only when one is over."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Callable

from pipeline.build.site import HtmlSource
from pipeline.config import Config
from pipeline.model import Item
from pipeline.support.recurrence import NEXT_DATES, next_change, upcoming
from pipeline.syndication.directory import FeedLink
from pipeline.syndication.upcoming import FOLDER, next_occurrences, render_upcoming


def upcoming_files(
    cfg: Config,
    events: tuple[Item, ...],
    now: dt.datetime,
    salt: str,
    html: HtmlSource,
    output_of: Callable[[Item], str],
) -> list[tuple[str, Callable[[], bytes], str, tuple[Item, ...]]]:
    """(path, maker, inputs digest, items whose HTML it reads) of the upcoming feed's files
    (``output_of``: an item's output key, see :mod:`pipeline.build.keys`)."""
    pairs = next_occurrences(events, now, cfg.feeds.upcoming)
    dates = (f"{output_of(i)}/{o.starts.isoformat()}" for i, o in pairs)
    key = "\0".join([salt, "upcoming", *dates])
    inputs = hashlib.sha256(key.encode()).hexdigest()
    files = functools.cache(lambda: render_upcoming(cfg, [(html.fill(i), o) for i, o in pairs]))
    needs = tuple({i.id: i for i, _ in pairs}.values())
    return [
        (path, functools.partial(lambda p: files()[p], path), inputs, needs)
        for path in (f"{FOLDER}/atom.xml", f"{FOLDER}/rss.xml")
    ]


def upcoming_link(cfg: Config) -> FeedLink:
    return FeedLink(
        f"{cfg.site.title}: upcoming",
        "The next dates of every event",
        f"{cfg.feeds_base}{FOLDER}/atom.xml",
        "atom",
    )


def next_dates_key(item: Item, now: dt.datetime) -> tuple[str, ...]:
    """What a repeating event's page shows of the clock: its next dates."""
    if item.event is None or item.event.repeat is None:
        return ()
    return tuple(o.starts.isoformat() for o in upcoming(item.event, now, NEXT_DATES))


def falls_due(cfg: Config, published: tuple[Item, ...], now: dt.datetime) -> list[dt.datetime]:
    """When what the event pages and the upcoming feed show changes: each event's next end."""
    if not (cfg.site.pages or cfg.feeds.upcoming):
        return []
    return [
        change
        for i in published
        if i.event
        and (i.event.repeat or cfg.feeds.upcoming)
        and (change := next_change(i.event, now))
    ]
