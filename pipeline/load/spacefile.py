"""A GitBook space's ``.gitbook.yaml``, found and its ``redirects`` read: the old paths of
pages (``previous/page: new-folder/page.md``, relative to the space's ``root``).

The site writes a redirect page at each (:mod:`pipeline.load.gitbook_urls`); the load gives a
warning for each entry it leaves out, as GitBook does not stop at one either.
"""

from __future__ import annotations

import os
import posixpath
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import yaml

from pipeline.config.oldurls import old_url_problem
from pipeline.errors import ConfigError, Problem
from pipeline.load.frontmatter import (
    FrontMatterError,
    _Lines,
    bounded_node,
    bounded_yaml,
    one_line,
    utf8_text,
)
from pipeline.load.pagenames import page_names, resolve_target
from pipeline.load.summary import SPACE_FILE, _display, outside_the_space
from pipeline.support.paths import read_within
from pipeline.support.text import nfc


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
            data = bounded_yaml(utf8_text(read_within(folder, path)))
        except (OSError, ValueError, yaml.YAMLError):
            return None
        named = data.get("root") if isinstance(data, dict) else None
        if isinstance(named, str) and (folder / named).resolve() == here:
            return path
        return None
    return None


def space_warnings(root: Path, sources: Sequence[str]) -> list[Problem]:
    """What the load says about the space's ``.gitbook.yaml``: each redirect left out, and a
    first page (``structure.readme``) outside the space's root, which the home page is made
    without (GitBook reads paths from the root; a repository's own README above it is not a
    page of the space)."""
    path = space_file(root)
    if path is None:
        return []
    node, lines = _read(path)
    problems = _unknown_keys(node, path, lines)
    problems += _redirects(node, lines, path, root, sources)[1]
    for key, value in _pairs(_pairs(node).get("structure")).items():
        if key == "readme" and isinstance(value, yaml.ScalarNode):
            rel = posixpath.normpath(nfc(value.value).strip())
            if outside_the_space(rel):
                message = (
                    f"{value.value!r} is outside the space's root; the home page is made without it"
                )
                problems.append(
                    Problem(_display(path), lines.of(value.start_mark), "readme", message)
                )
    # the load names a file by its path under the root (the CLI puts the root before it):
    # the file's own path was shown with the root twice, content/content/.gitbook.yaml
    rel = os.path.relpath(path, root)
    return [Problem(rel, p.line, p.field, p.message) for p in problems]


_KNOWN = {"": ("root", "structure", "redirects"), "structure": ("readme", "summary")}
"""The keys GitBook's Git Sync reads, at the top and under ``structure``."""


def _unknown_keys(node: yaml.Node | None, path: Path, lines: _Lines) -> list[Problem]:
    """A warning at the line of each key Git Sync does not read: never used, so a setting
    misspelt, or spelt with an invisible character (a ``structure:`` after a zero-width
    space, as real spaces have it), would otherwise go unnoticed."""
    problems: list[Problem] = []
    for block, known in _KNOWN.items():
        mapping = node if not block else _pairs(node).get(block)
        if not isinstance(mapping, yaml.MappingNode):
            continue
        for key, _ in mapping.value:
            if not isinstance(key, yaml.ScalarNode) or key.value in known:
                continue
            hidden = sorted({c for c in key.value if unicodedata.category(c) in ("Cf", "Cc")})
            why = "".join(
                f" (it holds U+{ord(c):04X} {unicodedata.name(c, 'a control character')}, "
                "which cannot be seen)"
                for c in hidden[:3]
            )
            name = f"{block}.{key.value}" if block else key.value
            message = f"unknown key {name!r}{why}: not read; expected one of {', '.join(known)}"
            problems.append(Problem(_display(path), lines.of(key.start_mark), "gitbook", message))
    return problems


def _pairs(node: yaml.Node | None) -> dict[str, yaml.Node]:
    """A YAML map's scalar keys and their value nodes (nothing for any other node)."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def space_redirects(
    path: Path | None, root: Path, sources: Sequence[str]
) -> tuple[dict[str, str], list[Problem]]:
    """``.gitbook.yaml``'s ``redirects``: old path (no leading slash) -> source, and a warning
    naming the file and line of each entry left out: one that is not ``path: page.md`` or
    whose page is not in the space (GitBook keeps serving the space past a redirect gone
    stale when its page moved; so does the site, without that redirect). Raises ConfigError
    when the file cannot be read or ``redirects`` is not a map."""
    return ({}, []) if path is None else _redirects(*_read(path), path, root, sources)


def _read(path: Path) -> tuple[yaml.Node | None, _Lines]:
    """The node tree of ``.gitbook.yaml``, bounded, and the file's line of each of its marks
    (YAML also ends a line at U+0085, U+2028 and U+2029); a ConfigError naming its line when
    it cannot be read."""
    try:
        text = utf8_text(read_within(path.parent, path))
        return bounded_node(text), _Lines(text, 1)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        line = exc.line if isinstance(exc, FrontMatterError) else 1
        problem = Problem(_display(path), line, "gitbook", f"cannot read it: {one_line(exc)}")
        raise ConfigError([problem]) from None


def _redirects(
    node: yaml.Node | None, lines: _Lines, path: Path, root: Path, sources: Sequence[str]
) -> tuple[dict[str, str], list[Problem]]:
    shown = _display(path)
    if not isinstance(node, yaml.MappingNode):
        return {}, []  # space_settings has said what is wrong with it
    block = next((v for k, v in node.value if k.value == "redirects"), None)
    if block is None or (isinstance(block, yaml.ScalarNode) and block.value in ("", "~", "null")):
        return {}, []
    problems: list[Problem] = []
    if not isinstance(block, yaml.MappingNode):
        line = lines.of(block.start_mark)
        raise ConfigError(
            [Problem(shown, line, "redirects", "expected a map of old path -> page file")]
        )
    by_nfc = page_names(sources)
    out: dict[str, str] = {}
    for key, value in block.value:
        line = lines.of(key.start_mark)
        if not isinstance(key, yaml.ScalarNode) or not isinstance(value, yaml.ScalarNode):
            problems.append(Problem(shown, line, "redirects", f"expected old/path: page.md{_OUT}"))
            continue
        old = nfc(key.value).strip().strip("/")
        target = posixpath.normpath(nfc(value.value).strip().lstrip("/"))
        if not old:
            problems.append(Problem(shown, line, "redirects", f"the old path is empty{_OUT}"))
            continue
        if why := old_url_problem("/" + old, ""):  # a path from the space's root: a file name
            problems.append(Problem(shown, line, "redirects", f"{why}{_OUT}"))  # too long, ..
            continue
        source, _ = resolve_target(target, by_nfc)
        if source is None and target.endswith(".md"):  # the page has had children since:
            source, _ = resolve_target(target[:-3] + "/README.md", by_nfc)  # GitBook moved it
        if source is None or target.startswith("../"):
            message = (
                f"{old}: {value.value!r} is not a page of the space "
                f"(paths are relative to the space's root, {_display(root)}){_OUT}"
            )
            problems.append(Problem(shown, line, "redirects", message))
            continue
        out[old] = source
    return out, problems


_OUT = "; this redirect is left out"
