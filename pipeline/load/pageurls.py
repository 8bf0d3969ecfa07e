"""GitBook mode: pages that the load's URL rule gives one URL, told apart as GitBook does.

A page's URL is its folder and its file name's slug (:func:`pipeline.load.item.permalink`).
Two rules of that make two files of a GitBook space one URL, where GitBook keeps two pages
(found in real Git-synced spaces; both ended a build with duplicate permalinks and nothing
written):

- a folder's ``README.md`` and an ``index.md`` beside it both take the folder's URL; GitBook's
  folder page is the README, the index a page of its own: ``folder/index/``;
- file names that differ only in what a slug drops (``connector-c++-guide.md`` and
  ``connector-c-guide.md``) share a slug; the one whose name is its slug keeps the URL, each
  other takes its file name as written (``connector-c%2B%2B-guide/``); names that would then
  differ only by case stay a duplicate (on a Mac's disk they are one folder).

Decided from the file names of the whole space, so a page loaded alone (an edit) gets the URL
a whole load gives it; a page whose front matter names its ``slug`` is left as it says.
"""

from __future__ import annotations

import dataclasses
import posixpath
from collections import defaultdict
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from pipeline.load.foreign import DATED_NAME, INDEX_STEMS
from pipeline.model import Item
from pipeline.render.slugs import github_slug


def file_slug(stem: str) -> str:
    """The slug the load gives a file named ``stem`` (``load/item.py``'s rule: a Jekyll
    date before the name is not part of it)."""
    dated = DATED_NAME.match(stem)
    return github_slug((dated.group(2) if dated else stem).replace("_", "-")) or "page"


def own_url_names(sources: Iterable[str]) -> dict[str, str]:
    """Source -> the name its URL ends with instead of its slug, for each page that shares
    its URL with another by the load's rule (see the module's docstring)."""
    readmes: set[str] = set()
    by_slug: dict[tuple[str, str], list[str]] = defaultdict(list)
    indexes: list[str] = []
    for source in sources:
        folder, name = posixpath.split(source)
        stem = posixpath.splitext(name)[0]
        if name.lower() == "readme.md":
            readmes.add(folder)
        elif name.lower() == "index.md":
            indexes.append(source)
        elif stem.lower() not in INDEX_STEMS:
            by_slug[(folder, file_slug(stem))].append(source)
    out = {s: "index" for s in indexes if posixpath.dirname(s) in readmes}
    for (_, slug), same in by_slug.items():
        if len(same) < 2:
            continue
        stems = {s: posixpath.splitext(posixpath.basename(s))[0] for s in same}
        ends = [slug if stem.casefold() == slug else stem for stem in stems.values()]
        if len({end.casefold() for end in ends}) == len(same):  # else a duplicate, as before:
            # two URLs that differ only by case are one folder on a Mac's disk
            out.update((s, stem) for s, stem in stems.items() if stem.casefold() != slug)
    return out


def distinct_urls(items: Sequence[Item], sources: Iterable[str]) -> list[Item]:
    """``items`` with the URL of each page :func:`own_url_names` names (``sources``: every
    page of the space) ending with that name."""
    names = own_url_names(sources)
    if not names:
        return list(items)
    out: list[Item] = []
    for item in items:
        name = names.get(item.source)
        stem = posixpath.splitext(posixpath.basename(item.source))[0]
        if name is None or item.kind != "page":
            pass
        elif stem.lower() == "index":  # its slug: "index", or the one its front matter names
            item = dataclasses.replace(item, url=f"{item.url}{quote(item.slug)}/")
        elif item.slug == file_slug(stem):  # else its front matter names its slug
            folder_url = item.url.rsplit("/", 2)[0] + "/"
            item = dataclasses.replace(item, url=f"{folder_url}{quote(name)}/")
        out.append(item)
    return out
