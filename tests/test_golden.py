"""Golden files pin the bytes of the bundled content's feeds and of one page of each kind.

Regenerate after an intended change, then review the diff like code:
    UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from pipeline.build.run import build
from pipeline.config import load_config

GOLDEN = Path(__file__).parent / "golden"
FILES = [
    "rss.xml",
    "atom.xml",
    "feed.json",
    "podcast.xml",
    "events.ics",
    "essays/rss.xml",
    "feeds.opml",
    # the site: one page of each kind (screenshot-free: the HTML itself)
    "index.html",
    "essays/why-we-gather/index.html",
    "episodes/001-welcome/index.html",
    "essays/index.html",
    "404.html",
    "2024/09/why-we-gather/index.html",
    "sitemap.xml",
    "robots.txt",
]


@pytest.mark.parametrize("name", FILES)
def test_feed_bytes_match_golden(site: Path, name: str) -> None:
    out = site / "out"
    build(
        load_config(site / "publish.toml"),
        site / "content",
        out,
        now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        cache_dir=None,
    )
    produced = (out / name).read_bytes()
    golden = GOLDEN / name.replace("/", "__")
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_bytes(produced)
    assert golden.exists(), f"no golden file {golden}; run with UPDATE_GOLDEN=1"
    assert produced == golden.read_bytes(), f"{name} differs from {golden}"
