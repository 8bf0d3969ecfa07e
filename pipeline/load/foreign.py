"""Front matter as Jekyll, Hugo and MkDocs write it, read the way they read it, where our own
rules would otherwise refuse a site that builds fine with them."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from typing import Any

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
    the home page, else the file's name in words."""
    stem = posixpath.splitext(posixpath.basename(source))[0]
    if stem.lower() in INDEX_STEMS and "/" not in source:
        return site_title
    return stem.replace("-", " ").replace("_", " ").strip().capitalize() or site_title


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
