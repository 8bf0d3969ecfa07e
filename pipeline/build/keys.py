"""The keys the build keeps beside each item: what its caches and its output plan compare to
know an item unchanged. Items carry content only; these records travel next to them, by
:attr:`~pipeline.model.Item.source` (one item per file).

- ``body``: SHA-256 of the Markdown body. The load cache and the snapshot give an item
  without its body (but for episodes); its key names the text to read again
  (:func:`reload_body`) and is part of the render cache's key.
- ``html``: the render cache's key of the HTML when the build left it there (lazy rendering,
  the snapshot); "" when the item holds its HTML. :class:`pipeline.build.site.HtmlSource`
  reads it when an output needs it.
- ``output``: a digest of everything an output made from the item depends on (its loaded
  fields, its rendered HTML, assets and image). Output planning compares it
  (:mod:`pipeline.build.plan`, :mod:`pipeline.build.themeplan`, the feed splicer).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Config
from pipeline.errors import ContentError, Problem
from pipeline.load.loader import bodies, shown
from pipeline.model import Item, Site

EMPTY_DIGEST = hashlib.sha256(b"").hexdigest()


@dataclass(frozen=True, slots=True)
class ItemKeys:
    """The keys of one item (see the module)."""

    body: str
    """SHA-256 of the Markdown body."""
    html: str = ""
    """Render-cache key of the HTML left in the cache; "" when the item holds its HTML."""
    output: str = ""
    """Digest of everything an output made from the item depends on ("" until known)."""

    def as_row(self) -> tuple[str, str, str]:
        """As a cache file stores them (see :meth:`from_row`)."""
        return (self.body, self.html, self.output)

    @staticmethod
    def from_row(row: object) -> ItemKeys | None:
        """The keys :meth:`as_row` stored; None for anything else (a damaged file)."""
        if isinstance(row, tuple) and len(row) == 3 and all(isinstance(k, str) for k in row):
            return ItemKeys(*row)
        return None


Keys = Mapping[str, ItemKeys]
"""Item source -> its keys."""


@dataclass(frozen=True)
class KeyedSite:
    """A site and the keys of its items, by source: what rendering returns to the build."""

    site: Site
    keys: Keys

    def output_of(self, item: Item) -> str:
        """The output key of ``item`` (a site's item always has keys)."""
        return self.keys[item.source].output


def body_digest(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()


def text_digest(text: str) -> str:
    """The load cache's key of a file's whole text (front matter included)."""
    return hashlib.sha256(text.encode()).hexdigest()


def content_digest(item: Item, body: str) -> str:
    """A digest of an item's loaded fields, its Markdown by its digest ``body`` (no HTML)."""
    bare = item.evolve(body="", html="")
    return hashlib.sha256(f"{body}\0{bare!r}".encode()).hexdigest()


def loaded_keys(items: Iterable[Item], known: Keys) -> dict[str, ItemKeys]:
    """The keys of items as loaded: the body's digest and the digest of the loaded fields as
    ``output``, each taken from ``known`` (what the load cache kept of an item it gives
    without its body) where it has them."""
    keys: dict[str, ItemKeys] = {}
    for item in items:
        found = known.get(item.source)
        if found is not None and found.body and found.output:
            keys[item.source] = found
            continue
        body = found.body if found is not None and found.body else body_digest(item.body)
        keys[item.source] = ItemKeys(body, "", content_digest(item, body))
    return keys


def reload_body(cfg: Config, content_dir: Path, source: str, digest: str) -> str:
    """The Markdown body of an item loaded without it (see :func:`pipeline.load.loader.bodies`),
    read again from ``source`` and checked against ``digest``, the body key it was loaded with.

    Raises ContentError when the file no longer holds that body (edited during the build):
    its rendering would be cached under another text's key."""
    for body in bodies(cfg, content_dir, source):
        if body_digest(body) == digest:
            return body
    message = "changed while the build was running: run it again"
    raise ContentError([shown(content_dir, Problem(source, 1, "file", message))])


def body_reader(cfg: Config, content_dir: Path, keys: Keys) -> Callable[[Item], str]:
    """``body_of`` for stages that need the body of an item loaded without it (the dangling
    link check): the item's own body when it has one, else read again by its body key."""

    def body_of(item: Item) -> str:
        if item.body:
            return item.body
        found = keys.get(item.source)
        if found is None or found.body in ("", EMPTY_DIGEST):
            return ""
        return reload_body(cfg, content_dir, item.source, found.body)

    return body_of
