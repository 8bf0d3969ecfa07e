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

import posixpath
from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml

from pipeline.config import Config
from pipeline.errors import ConfigError, Problem
from pipeline.load.frontmatter import FrontMatterError, bounded_node, bounded_yaml, one_line
from pipeline.load.loader import gitbook_mode
from pipeline.load.summary import (
    SPACE_FILE,
    PageNames,
    _display,
    resolve_target,
    space_settings,
)
from pipeline.load.toc import TocEntry, parse_summary
from pipeline.render.slugs import gitbook_slug
from pipeline.support.text import nfc


def toc_paths(entries: Sequence[TocEntry], sources: Sequence[str], readme: str) -> dict[str, str]:
    """GitBook's path of each page ``SUMMARY.md`` lists (no leading slash) -> its source.

    Pages nest under their parent page; an outside link nests nothing of its own but still
    names a level. When two pages would share a path the first keeps it (GitBook refuses the
    second one's slug). The first page is the space's root and gets no path here."""
    by_nfc = PageNames(sources)
    out: dict[str, str] = {}
    chain: list[str] = []
    for entry in entries:
        del chain[entry.depth :]
        slug = gitbook_slug(entry.title)
        chain.append(slug)
        if entry.external or not slug or "" in chain:
            continue
        source, _ = resolve_target(entry.target, by_nfc)
        if source is None or source == readme:
            continue
        out.setdefault("/".join(chain), source)
    return out


def space_file(root: Path) -> Path | None:
    """The ``.gitbook.yaml`` of the space whose root is ``root``: in it, or in a folder above
    whose ``root:`` names it (the build is handed the root, ``./docs/``, not the file's
    folder)."""
    if (root / SPACE_FILE).is_file():
        return root / SPACE_FILE
    here = root.resolve()
    for folder in list(here.parents)[:4]:
        path = folder / SPACE_FILE
        if not path.is_file():
            continue
        try:
            data = bounded_yaml(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError):
            return None
        named = data.get("root") if isinstance(data, dict) else None
        if isinstance(named, str) and (folder / named).resolve() == here:
            return path
        return None
    return None


def space_redirects(path: Path | None, root: Path, sources: Sequence[str]) -> dict[str, str]:
    """``.gitbook.yaml``'s ``redirects``: old path (no leading slash) -> source. Raises
    ConfigError naming the file and line for an entry that is not a path -> page of the
    space (GitBook refuses those too)."""
    if path is None:
        return {}
    shown = _display(path)
    try:
        node = bounded_node(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        line = exc.line if isinstance(exc, FrontMatterError) else 1
        problem = Problem(shown, line, "gitbook", f"cannot read it: {one_line(exc)}")
        raise ConfigError([problem]) from None
    if not isinstance(node, yaml.MappingNode):
        return {}  # space_settings has said what is wrong with it
    block = next((v for k, v in node.value if k.value == "redirects"), None)
    if block is None or (isinstance(block, yaml.ScalarNode) and block.value in ("", "~", "null")):
        return {}
    problems: list[Problem] = []
    if not isinstance(block, yaml.MappingNode):
        line = block.start_mark.line + 1
        raise ConfigError(
            [Problem(shown, line, "redirects", "expected a map of old path -> page file")]
        )
    by_nfc = PageNames(sources)
    out: dict[str, str] = {}
    for key, value in block.value:
        line = key.start_mark.line + 1
        if not isinstance(key, yaml.ScalarNode) or not isinstance(value, yaml.ScalarNode):
            problems.append(Problem(shown, line, "redirects", "expected old/path: page.md"))
            continue
        old = nfc(key.value).strip().strip("/")
        target = posixpath.normpath(nfc(value.value).strip().lstrip("/"))
        if not old:
            problems.append(Problem(shown, line, "redirects", "the old path is empty"))
            continue
        source, _ = resolve_target(target, by_nfc)
        if source is None or target.startswith("../"):
            problems.append(
                Problem(
                    shown,
                    line,
                    "redirects",
                    f"{old}: {value.value!r} is not a page of the space "
                    f"(paths are relative to the space's root, {_display(root)})",
                )
            )
            continue
        out[old] = source
    if problems:
        raise ConfigError(problems)
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
        entries = parse_summary(summary.read_text(encoding="utf-8"))
        found.update(toc_paths(entries, sources, space_cfg.content.readme))
    found.update(space_redirects(space_file(root), root, sources))
    return found


def rooted(paths: Mapping[str, str]) -> dict[str, str]:
    """The same map with each path written as a site path (``/practice-programs``)."""
    return {"/" + k: v for k, v in paths.items()}
