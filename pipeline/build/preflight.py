"""What ``publish validate`` runs after loading: the rest of a build that can refuse content,
writing nothing.

Validation used to stop at loading, so content that only rendering or the podcast feed's
linter refuses (an entity cmark-gfm wrote as bytes that are not UTF-8) passed a pull request
and broke the build on main. Here every item is rendered and every output planned, as
:func:`pipeline.build.run.build` does before it touches the output folder, without a cache.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pipeline.config import Config
from pipeline.model import Site


def check_site(cfg: Config, content_dir: Path, site: Site, now: dt.datetime) -> Site:
    """Render ``site`` (as loaded) and plan its outputs; raises what a build would raise, and
    returns the rendered site (its links' targets known)."""
    from pipeline.build.keys import KeyedSite
    from pipeline.build.plan import plan_outputs
    from pipeline.build.podcastplan import podcast_planned
    from pipeline.build.site import HtmlSource, render_items
    from pipeline.build.state import Manifest, build_salt
    from pipeline.load.mode import gitbook_mode

    items, keys = render_items(cfg, site.items, None, clamp=gitbook_mode(cfg, content_dir))
    rendered = Site(tuple(items), site.warnings)
    keyed = KeyedSite(rendered, keys)
    html, salt = HtmlSource(None, keys), build_salt(cfg, content_dir)
    with podcast_planned(cfg, content_dir, keyed, now, Manifest(), html, salt, None) as podcast:
        plan_outputs(cfg, content_dir, keyed, now, html, salt, podcast=podcast)
    return rendered


def planned_urls(cfg: Config, content_dir: Path, site: Site, now: dt.datetime) -> frozenset[str]:
    """The URL of every file a build of ``site`` (as loaded) writes: section, tag and archive
    lists, feeds and their archives, the podcast feed and its chapters, the calendar,
    sitemap, search index, theme files and copied assets, planned as :func:`check_site` plans
    them, with nothing rendered or written. ``publish links`` takes a link to one of them
    (``/essays/``, ``/tags/x/``, ``/rss.xml``) as a link to the site, beside the permalinks.
    Raises what planning raises (a path two outputs claim)."""
    from pipeline.build.keys import KeyedSite, loaded_keys
    from pipeline.build.plan import Output, plan_outputs
    from pipeline.build.site import HtmlSource
    from pipeline.podcast.feed import podcast_files
    from pipeline.syndication.theme.context import site_base

    keys = loaded_keys(site.items, {})
    episodes = [i for i in site.published(now) if i.episode is not None]

    def podcast() -> list[Output]:  # its paths only: the feed itself is not made
        if not episodes:
            return []
        files = podcast_files(episodes, cfg, content_dir)
        return [Output("podcast.xml"), *(Output(name) for name in files)]

    outputs, _, copies = plan_outputs(
        cfg, content_dir, KeyedSite(site, keys), now, HtmlSource(None, keys), "", podcast=podcast
    )
    rels = [*(o.path for o in outputs), *(r for _, r in copies)]
    # the output folder is the site (at its base URL); with feeds_url, its feeds are served
    # there too
    return frozenset(base + rel for base in {site_base(cfg), cfg.feeds_base} for rel in rels)
