"""What the file system will refuse, found while loading: an item's output file names.

A tag or slug longer than a file name may be (255 bytes of UTF-8 on the usual file systems)
passed validation and failed the build half-way, feeds already replaced (``File name too
long``); a local image or link with such a name crashed the copy. Each is a content error at
``path:line`` naming the field, so ``validate`` reports it and ``build`` writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

from pipeline.errors import Problem
from pipeline.model import Item
from pipeline.render.slugs import github_slug
from pipeline.support.dates import shown_value
from pipeline.support.paths import is_external

MAX_NAME_BYTES = 255
"""One path component (NAME_MAX on Linux and macOS file systems)."""
MAX_PATH_BYTES = 1024
"""A whole output path, relative to the output folder: room for the folder itself under
PATH_MAX (4,096), and far beyond any real site's."""
TAG_SUFFIX = 7
"""A tag's folder may get ``-`` and six hex digits (tags whose slugs collide)."""
_LONG = 64
"""Characters of a run :func:`_has_long_run` looks for."""
_NAME_RUN = 214
"""Bytes of a run in a body (UTF-8, no ``/`` or ASCII white space) that may be written as a
link's file name over 255 bytes. The scan measures the target decoded, and decoding shortens
what is written: a ``%xx`` escape is 3 bytes for 1, a backslash escape 2 for 1, a character
reference as many as its character's UTF-8 or more, but for ``&nGt;`` and ``&nLt;`` (5 bytes
for 6, two characters each): at most 6/5, so 256 bytes come from at least 214. A body
without such a run is not scanned (4,005 pages of MariaDB's docs had 1,602 with a run of 64
characters, each scanned: most of the load's time)."""


def kind_problem(
    source: str, lines: Mapping[str, int], meta: Mapping[str, Any], kinds: set[str]
) -> list[Problem]:
    """``kind`` must be one of ``kinds`` (a list or map is not: it used to crash the lookup)."""
    if "kind" not in meta:
        return []
    value = meta["kind"]
    if isinstance(value, str) and value in kinds:
        return []
    expected = f"expected one of {', '.join(sorted(kinds))}, got {shown_value(value)}"
    return [Problem(source, lines.get("kind", 1), "kind", expected)]


def too_long(path: str) -> str | None:
    """Why ``path`` cannot be a file's path, or None."""
    size = len(path.encode("utf-8", "surrogatepass"))
    if size > MAX_PATH_BYTES:
        return f"makes a path of {size} bytes; at most {MAX_PATH_BYTES}"
    for part in path.split("/"):
        size = len(part.encode("utf-8", "surrogatepass"))
        if size > MAX_NAME_BYTES:
            return f"makes a file name of {size} bytes; at most {MAX_NAME_BYTES}: shorten it"
    return None


def name_problems(item: Item, lines: Mapping[str, int], meta: Mapping[str, Any]) -> list[Problem]:
    """Every name of ``item`` that no file system would take, at the line that sets it."""
    found: list[Problem] = []

    def add(field: str, message: str, line: int | None = None) -> None:
        found.append(Problem(item.source, line or lines.get(field, 1), field, message))

    why = too_long(unquote(urlsplit(item.url).path))
    if why:
        field = next((k for k in ("slug", "id", "title") if k in meta), "file")
        add(field, f"the page URL {why}")
    for tag in item.tags:
        slug = github_slug(tag) or "tag"
        if too_long(f"tags/{slug}{'x' * TAG_SUFFIX}/archive/0/feed.json"):
            shown = tag if len(tag) <= 40 else tag[:40] + "…"
            add("tags", f"tag {shown!r} {too_long(slug + 'x' * TAG_SUFFIX)}")
    if item.image and not is_external(item.image) and (why := too_long(item.image)):
        add("image", f"the local file {why}")
    if _RUN_OF_NAME in item.body.encode("utf-8", "surrogatepass").translate(_WORDS):
        from pipeline.render.markdown import scan

        doc = scan(item.body, item.source, line_offset=item.body_line - 1)
        for link in doc.links:
            target = link.url.partition("#")[0].partition("?")[0]
            if target and not _external(target) and (why := too_long(target)):
                add("body", f"the local {link.kind} {why}", link.line)
    return found


def _has_long_run(body: str) -> bool:
    """A run of 64 characters or more without a ``/`` or white space is in ``body`` (only a
    body holding one is scanned for its links): the longest word once slashes part words too
    (``str.split()`` parts at the characters regex ``\\s`` matches). Linear: a regex search
    for the run would try every position of a long word again. Most bodies have none, which
    the bytes show first (a run of characters is at least as long in UTF-8, and the bytes of
    a non-ASCII space count as a word's): 7x faster than the split alone."""
    if _RUN not in body.encode("utf-8", "surrogatepass").translate(_WORDS):
        return False
    return max(map(len, body.replace("/", " ").split()), default=0) >= _LONG


_WORDS = bytes(32 if chr(b).isspace() or b == ord("/") else 120 for b in range(128)) + b"x" * 128
"""Each byte of a word as ``x``, each ASCII white space (as ``str.isspace``) and ``/`` as a
space."""
_RUN = b"x" * _LONG
_RUN_OF_NAME = b"x" * _NAME_RUN


def _external(target: str) -> bool:
    try:
        return is_external(target)
    except ValueError:  # not a URL: the link checker reports it
        return True
