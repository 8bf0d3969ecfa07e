"""The podcast feed is made and linted while the rest of the build is planned (in a forked
process); a feed the linter refuses still fails the build before anything is written."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from pipeline.build.keys import KeyedSite
from pipeline.build.run import build
from pipeline.config import load_config
from pipeline.errors import ContentError
from tests.build.test_build import NOW


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_refused_podcast_feed_writes_nothing(site: Path) -> None:
    cfg = load_config(site / "publish.toml")
    out = site / "feeds"
    build(cfg, site / "content", out, now=NOW, cache_dir=site / ".cache")
    before = _files(out)
    assert "podcast.xml" in before

    def relative_notes(keyed: KeyedSite) -> KeyedSite:
        """One episode's notes link to a relative URL, which no podcast app can resolve."""
        first = next(i for i in keyed.site.items if i.episode is not None)
        items = tuple(
            dataclasses.replace(i, html='<p>See <a href="notes/more">the notes</a>.</p>')
            if i is first
            else i
            for i in keyed.site.items
        )
        keys = dict(keyed.keys)  # its output changed: the feed is made again
        keys[first.source] = dataclasses.replace(keys[first.source], output="edited")
        return KeyedSite(dataclasses.replace(keyed.site, items=items), keys)

    with pytest.raises(ContentError) as refused:
        build(cfg, site / "content", out, now=NOW, cache_dir=site / ".cache", adjust=relative_notes)
    assert {p.path for p in refused.value.problems} == {"podcast.xml"}
    assert _files(out) == before
