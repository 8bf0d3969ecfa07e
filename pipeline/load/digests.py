"""Digests of loaded content: what the load cache, the render cache and the output plan
compare to know an item is unchanged."""

from __future__ import annotations

import hashlib

from pipeline.model import Item

EMPTY_DIGEST = hashlib.sha256(b"").hexdigest()


def body_digest(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()


def content_digest(item: Item) -> str:
    """A digest of an item's loaded fields: the Markdown by its digest, no HTML yet."""
    bare = item.evolve(body="", html="", html_key="", digest="")
    if not bare.body_digest:
        bare = bare.evolve(body_digest=body_digest(item.body))
    return hashlib.sha256(repr(bare).encode()).hexdigest()
