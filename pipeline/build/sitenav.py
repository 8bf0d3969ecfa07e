"""The site's table of contents, read for the theme's navigation: GitBook's ``SUMMARY.md``
(with ``.gitbook.yaml``'s root and names) in GitBook mode, else none (the sections then)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pipeline.config import Config
from pipeline.load.gitbook_urls import space_urls
from pipeline.load.mode import gitbook_mode
from pipeline.load.pagenames import page_resolver
from pipeline.load.summary import read_toc, space_settings
from pipeline.load.toc import TocEntry, parse_summary
from pipeline.model import Site
from pipeline.syndication.theme.navigation import Resolver


def table_of_contents(
    cfg: Config, content_dir: Path
) -> tuple[Sequence[TocEntry], str, Resolver] | None:
    """(entries, the home page's source, the link resolver), or None outside GitBook mode."""
    space_cfg, root = space_settings(cfg, content_dir)
    summary = root / space_cfg.content.summary
    if not gitbook_mode(space_cfg, root) or not summary.is_file():
        return None
    entries = parse_summary(read_toc(root, space_cfg.content.summary))
    return entries, space_cfg.content.readme, page_resolver


def gitbook_urls(cfg: Config, content_dir: Path, site: Site) -> dict[str, str]:
    """The paths a GitBook space served its pages at (its table of contents' and
    ``.gitbook.yaml``'s redirects) -> the page's source; empty outside GitBook mode."""
    return space_urls(cfg, content_dir, [i.source for i in site.items])
