"""The podcast's outputs: ``podcast.xml`` made and linted before anything is written, in a
forked process while the rest of the build is planned (a feed of 5,000 episodes is seconds
of one core), and the podcast's files."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.build.keys import KeyedSite
from pipeline.build.plan import Output, constant, inputs_digest, up_to_date
from pipeline.build.site import HtmlSource
from pipeline.build.state import Manifest
from pipeline.config import Config
from pipeline.errors import ConfigError, ContentError, Problem
from pipeline.load.record import stat_key
from pipeline.support.parallel import PARALLEL_THRESHOLD
from pipeline.support.workers import Pending, forked_bytes, ready

PodcastOutputs = Pending[list[Output]]
"""Waits for the podcast's outputs (raises when its feed is refused); ``running()`` while a
forked process still makes the feed."""


@contextmanager
def podcast_planned(
    cfg: Config,
    content_dir: Path,
    keyed: KeyedSite,
    now: dt.datetime,
    previous: Manifest,
    html: HtmlSource,
    salt: str,
    out_dir: Path | None,
    then: Callable[[], object] | None = None,
) -> Iterator[PodcastOutputs]:
    """Start making ``podcast.xml`` of the episodes published at ``now``; inside the block,
    the :class:`~pipeline.support.workers.Pending` yielded returns its outputs (none without
    episodes), ``podcast.xml`` first. ``then``: what the forked process that makes the feed
    does next (its ``forked`` says whether there is one)."""
    from pipeline.podcast.feed import podcast_files, render_podcast_feed
    from pipeline.podcast.show import show_problems

    episodes = tuple(i for i in keyed.site.published(now) if i.episode is not None)
    if not episodes:
        yield ready(list)
        return
    show = show_problems(cfg, content_dir)
    if show:
        raise ConfigError(show)
    image = cfg.podcast.image
    image_stat = stat_key(content_dir / image) if image and "://" not in image else None
    inputs = inputs_digest(salt, "podcast", image_stat, *map(keyed.output_of, episodes))

    def files() -> list[Output]:
        blobs = podcast_files(episodes, cfg, content_dir)
        return [Output(name, constant(blob)) for name, blob in sorted(blobs.items())]

    if out_dir is not None and up_to_date("podcast.xml", inputs, previous, out_dir):
        yield ready(lambda: [Output("podcast.xml", inputs=inputs), *files()])
        return

    def make() -> bytes:
        html.load(episodes)  # in the forked process: what it reads is gone with it
        try:
            data = render_podcast_feed([html.fill(i) for i in episodes], cfg)
        finally:
            html.forget()  # (or, made here, not kept for the rest of the build)
        last = previous.files.get("podcast.xml")
        if last is None or last[2] != hashlib.sha256(data).hexdigest():
            lint_podcast(data)  # a feed byte-identical to the last one passed already
        return data

    with forked_bytes(make, worth_it=len(episodes) >= PARALLEL_THRESHOLD, then=then) as feed:
        yield Pending(
            lambda: [Output("podcast.xml", constant(feed()), inputs), *files()],
            feed.running,
            forked=feed.forked,
        )


def lint_podcast(data: bytes) -> None:
    from pipeline.feedcheck import lint_feed

    hard = lint_feed(data, podcast=True, soft=False)
    if hard:
        raise ContentError(
            Problem("podcast.xml", 1, r.rule, f"feed refused by the linter: {r.message}")
            for r in hard
        )
