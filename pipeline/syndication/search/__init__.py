"""The site's search: a static index of every page's words (:mod:`.index`, words folded by
:mod:`.tokens`) that the theme's ``search.js`` reads in the browser, with no server.
:mod:`pipeline.build.searchcache` keeps it up to date incrementally."""

from __future__ import annotations

from pipeline.config import Config


def wanted(cfg: Config) -> bool:
    """Whether pages get a search box (and the build an index)."""
    return cfg.site.pages and cfg.theme.search
