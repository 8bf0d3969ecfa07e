"""The local-link results kept between builds (:class:`pipeline.linkcheck.dangling.KnownLinks`):
one JSON file in the cache folder, columns rather than an object per item. A missing or damaged
file only means every link is checked again."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.linkcheck.dangling import KnownLinks
from pipeline.support import jsontext
from pipeline.support.output import write_atomic

FILE = "links.json"
FORMAT = "publish-links-1"


def read_known(cache_dir: Path | None) -> KnownLinks | None:
    """What the last build kept, or None."""
    if cache_dir is None:
        return None
    try:
        data = jsontext.loads((cache_dir / FILE).read_bytes())
        if data["format"] != FORMAT:
            return None
        sources, links, broken = data["sources"], data["links"], data["broken"]
        if not len(sources) == len(links) == len(broken):
            return None
        kept = {
            str(s): (str(d), frozenset(map(str, b)))
            for s, d, b in zip(sources, links, broken, strict=True)
        }
        return KnownLinks(str(data["state"]), kept)
    except (OSError, ValueError, TypeError, KeyError):
        return None


def save_known(cache_dir: Path | None, known: KnownLinks | None, last: KnownLinks | None) -> None:
    """Keep ``known`` for the next build (written only when it differs from ``last``)."""
    if cache_dir is None or known is None or known == last:
        return
    rows = sorted(known.broken.items())
    data = {
        "format": FORMAT,
        "state": known.state,
        "sources": [s for s, _ in rows],
        "links": [d for _, (d, _) in rows],
        "broken": [sorted(b) for _, (_, b) in rows],
    }
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(cache_dir / FILE, (json.dumps(data) + "\n").encode())
    except OSError:
        pass  # a cache that cannot be written only makes the next build slower
