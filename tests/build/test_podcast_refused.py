"""The podcast feed is made and linted while the rest of the build is planned (in a forked
process from 400 episodes, here below); a feed the linter refuses still fails the build
before anything is written."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from pipeline.build.keys import KeyedSite
from pipeline.build.run import Hooks, build
from pipeline.config import load_config
from pipeline.errors import ContentError
from pipeline.support.parallel import PARALLEL_THRESHOLD
from tests.build.test_build import NOW
from tests.build.test_incremental import large_site


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("shape", ["bundled", "forked"])
def test_a_refused_podcast_feed_writes_nothing(site: Path, tmp_path: Path, shape: str) -> None:
    if shape == "forked":
        site = large_site(tmp_path / "many", PARALLEL_THRESHOLD, episode_every=1)
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
        cache = site / ".cache"
        build(cfg, site / "content", out, now=NOW, cache_dir=cache, hooks=Hooks(relative_notes))
    assert {p.path for p in refused.value.problems} == {"podcast.xml"}
    assert _files(out) == before
