"""Front matter as Jekyll, Hugo and MkDocs write it, read the way they read it, where our own
rules would otherwise refuse a site that builds fine with them."""

from __future__ import annotations

import dataclasses
import posixpath
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pipeline.load.hugobuild import given
from pipeline.model import BUILD

if TYPE_CHECKING:
    from pipeline.model import Item

DATED_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-(.+)$")
"""Jekyll's ``2024-05-01-title.md``: the date and the slug come from the file name."""
INDEX_STEMS = ("readme", "index", "_index")
"""File names that are their folder's page (Hugo's section page is ``_index.md``)."""


def is_section_page(source: str) -> bool:
    """Hugo's ``_index.md``: its folder's page, never a feed item."""
    return posixpath.basename(source) == "_index.md"


def jekyll_tags(meta: Mapping[str, Any], original: Mapping[str, Any]) -> Mapping[str, Any]:
    """Jekyll's ``categories: jekyll update`` (words, no comma) as a list of tags. Any other
    string stays as written, for the loader to refuse (``tags: a, b`` is a mistake)."""
    words = meta.get("tags")
    if isinstance(words, str) and "categories" in original and "," not in words:
        return {**meta, "tags": words.split()}
    return meta


def untitled_page_title(site_title: str, source: str) -> str:
    """A templated page with no title (Jekyll's ``layout: home`` index): the site's title for
    the home page, else the file's name in words (:func:`file_title`)."""
    stem = posixpath.splitext(posixpath.basename(source))[0]
    if stem.lower() in INDEX_STEMS and "/" not in source:
        return site_title
    return file_title(source) or site_title


def file_title(source: str) -> str:
    """The title MkDocs gives a page with none of its own: the file's name in words (its
    folder's for a ``README.md`` or ``index.md``), capitalised only when all lower case
    (``5ParameterValidation`` stays as written, ``getting-started`` is ``Getting started``)."""
    folder, name = posixpath.split(source)
    stem = posixpath.splitext(name)[0]
    if stem.lower() in INDEX_STEMS and folder:
        stem = posixpath.basename(folder)
    words = " ".join(stem.replace("-", " ").replace("_", " ").split())
    return words.capitalize() if words == words.lower() else words


HUGO_BUILD_KEYS = frozenset({"build", "_build", "headless", "cascade"})
"""Hugo's keys for what is published (kept for the load's post-pass, never warned about)."""


def unrendered(meta: Mapping[str, Any]) -> bool:
    """Hugo leaves the page out of the site: ``build: {render: never}`` (or ``false``; the
    older ``_build``), or ``headless: true`` (a headless bundle)."""
    return meta.get("headless") is True or _render(meta) is False


def _render(meta: Mapping[str, Any], option: str = "render") -> bool | None:
    """What ``build.render`` (or ``_build.render``; or ``option``, ``list``) says: False for
    never, True for always (or local, link), None when it says nothing. Read as
    :func:`pipeline.load.hugobuild.given` reads it (the last of ``render`` and ``Render``)."""
    values = given(meta, option)
    if not values:
        return None
    value = values[-1]
    never = value is False or (isinstance(value, str) and value.lower() in ("never", "false"))
    return not never


def _cascaded_render(extra: Mapping[str, Any], option: str = "render") -> bool | None:
    """What a section's ``cascade`` (a map, or a list of maps, without a ``target``) says of
    its descendants' ``build.render`` (or ``option``); None when it says nothing."""
    value = extra.get("cascade")
    for block in value if isinstance(value, list) else [value]:
        if isinstance(block, Mapping) and not block.get("target") and not block.get("_target"):
            found = _render(block, option)
            if found is not None:
                return found
    return None


def apply_cascade(items: Sequence[Item]) -> list[Item]:
    """``items`` with each page whose nearest ancestor section cascades "not rendered" (and
    that does not say otherwise itself) made a draft: unpublished, still known to the link
    checker, as Hugo leaves it out (its documentation keeps its snippets so); and each one
    whose nearest ancestor cascades ``list: never`` (and that does not say otherwise) left
    out of every list (:attr:`~pipeline.model.Item.listed`)."""
    said = {option: _sections_saying(items, option) for option in ("render", "list")}
    if not any(False in by_folder.values() for by_folder in said.values()):
        return list(items)
    out = []
    for item in items:
        own_render = _render(item.extra)
        if not item.draft and own_render is None and _cascades_never(item.source, said["render"]):
            item = dataclasses.replace(item, draft=True)
        if _render(item.extra, "list") is None and _cascades_never(item.source, said["list"]):
            build = item.extra.get(BUILD)
            options = {**(build if isinstance(build, Mapping) else {}), "list": "never"}
            item = dataclasses.replace(item, extra={**item.extra, BUILD: options})
        out.append(item)
    return out


def _sections_saying(items: Sequence[Item], option: str) -> dict[str, bool]:
    """Folder -> what its ``_index.md``'s cascade says of ``build.<option>``, where it does."""
    return {
        posixpath.dirname(i.source): said
        for i in items
        if posixpath.basename(i.source) == "_index.md"
        and (said := _cascaded_render(i.extra, option)) is not None
    }


def _cascades_never(source: str, said: Mapping[str, bool]) -> bool:
    """Whether the nearest ancestor section that cascades ``build.render`` says never (a
    section's own ``_index.md`` is not its descendant)."""
    folders = source.split("/")[:-1]  # the sections it is in, nearest last
    if posixpath.basename(source) == "_index.md":
        if not folders:
            return False  # the home page: every cascade is for the pages below it
        folders = folders[:-1]  # its own section's cascade is for the pages below it
    for depth in range(len(folders), -1, -1):
        folder = "/".join(folders[:depth])
        if folder in said:
            return not said[folder]
    return False
