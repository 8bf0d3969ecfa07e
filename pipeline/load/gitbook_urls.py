"""The public URLs a GitBook space gave its pages, so a handbook that moves keeps them.

GitBook does not publish a page at its file's path: a page's URL is the chain of the page
slugs from the top of the table of contents down to it, and a page's slug is made from its
title ("When you change the title of a page, the page's slug ... will automatically update",
GitBook's documentation, *Content in a space*). With Git Sync the title is the link text of
``SUMMARY.md``; ``## Group`` headings are not pages and add nothing to a URL; the first page
(``structure.readme``) is the space's root. So::

    ## Practices
    * [Practice Programs](practice-program/README.md)   ->  /practice-programs
      * [Vibes Program](practice-program/vibes.md)      ->  /practice-programs/vibes-program

``.gitbook.yaml`` may also list old URLs of its own (``redirects: {previous/page:
new-folder/page.md}``: a path below the space's URL -> a file relative to its ``root``).

:func:`space_urls` answers both: every such path -> the page's source. The site writes a
redirect page at each one (old links land on the page) and ``publish links`` accepts a link
written in that scheme as a link to the page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from pipeline.config import Config
from pipeline.load.mode import gitbook_mode
from pipeline.load.namelimits import too_long
from pipeline.load.pagenames import page_names, resolve_target
from pipeline.load.spacefile import space_file, space_redirects
from pipeline.load.summary import read_toc, space_settings
from pipeline.load.toc import TocEntry, parse_summary
from pipeline.render.slugs import gitbook_page_slug


def toc_paths(entries: Sequence[TocEntry], sources: Sequence[str], readme: str) -> dict[str, str]:
    """GitBook's path of each page ``SUMMARY.md`` lists (no leading slash) -> its source.

    Pages nest under their parent page; an outside link nests nothing of its own but still
    names a level. When two pages would share a path the first keeps it (GitBook refuses the
    second one's slug). The first page is the space's root and gets no path here. A path no
    file system takes (a title of 300 characters: a folder name past 255 bytes) is left out:
    the build could write no page there (it stopped half-way with "File name too long")."""
    by_nfc = page_names(sources)
    out: dict[str, str] = {}
    chain: list[str] = []
    for entry in entries:
        del chain[entry.depth :]
        slug = gitbook_page_slug(entry.title)
        chain.append(slug)
        if entry.external or not slug or "" in chain:
            continue
        if too_long("/".join(chain) + "/index.html"):
            continue
        source, _ = resolve_target(entry.target, by_nfc)
        if source is None or source == readme:
            continue
        out.setdefault("/".join(chain), source)
    return out


def space_urls(cfg: Config, content_dir: Path, sources: Sequence[str]) -> dict[str, str]:
    """Every path a GitBook space served a page at -> the page's source: the table of
    contents' paths and ``.gitbook.yaml``'s redirects (these win: the author wrote them).
    Empty outside GitBook mode. ``sources`` are the pages' paths relative to the space's
    root."""
    space_cfg, root = space_settings(cfg, content_dir)
    summary = root / space_cfg.content.summary
    if not gitbook_mode(space_cfg, root):
        return {}
    found: dict[str, str] = {}
    if summary.is_file():
        entries = parse_summary(read_toc(root, space_cfg.content.summary, str(summary)))
        found.update(toc_paths(entries, sources, space_cfg.content.readme))
    found.update(space_redirects(space_file(root), root, sources)[0])
    return found


def rooted(paths: Mapping[str, str]) -> dict[str, str]:
    """The same map with each path written as a site path (``/practice-programs``)."""
    return {"/" + k: v for k, v in paths.items()}
