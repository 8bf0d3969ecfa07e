"""Digests of content, shared by the load cache, the render cache and the output plan."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import pipeline
from pipeline import __version__
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


@functools.cache
def code_digest() -> str:
    """A hash of publish's version and every file of the installed package (code, templates,
    data): caches and output digests made by other code (an upgrade, a local edit of the
    package, a changed template) are never trusted. No version number to bump by hand."""
    h = hashlib.sha256(f"{__version__}\0".encode())
    package = Path(pipeline.__file__).resolve().parent  # the whole package, wherever this module is
    for path in sorted(package.rglob("*")):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        h.update(f"{path.relative_to(package).as_posix()}\0{path.stat().st_size}\0".encode())
        h.update(path.read_bytes())
    return h.hexdigest()
