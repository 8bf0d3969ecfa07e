"""The search index's pages analysed ahead: while the build waits for the podcast feed a
forked process makes, or (without one) in a forked process while the build plans its
outputs. The index made with what was made ahead has the bytes of one made without it,
what was made ahead is used, and a chunk whose pages changed since is not."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
from array import array
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.build.keys import KeyedSite
from pipeline.build.podcastplan import podcast_planned
from pipeline.build.searchcache import (
    _located,
    ahead,
    analysing,
    refresh_search,
    warm_search,
)
from pipeline.build.searchpages import AHEAD, CHUNK, Warmed, analyse_ahead
from pipeline.build.searchstore import SearchCache, decode_words, encode_words
from pipeline.build.site import HtmlSource, render_items
from pipeline.build.state import Manifest, build_salt
from pipeline.cli import main
from pipeline.config import Config, load_config
from pipeline.load.loader import load_site
from pipeline.model import Site
from tests.build.test_incremental import edit, large_site

pytestmark = pytest.mark.usefixtures("two_cores")  # the forked processes start on any machine

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
POSTS = 2 * CHUNK + 100  # three chunks


def _keyed(root: Path, cache: Path | None) -> tuple[Config, KeyedSite]:
    cfg = load_config(root / "publish.toml")
    loaded = load_site(cfg, root / "content")
    items, keys = render_items(cfg, loaded.items, cache, lazy=cache is not None)
    return cfg, KeyedSite(Site(tuple(items), loaded.warnings), keys)


def _index(out: Path) -> dict[str, bytes]:
    folder = out / "search"
    found = {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }
    assert "manifest.json" in found and any(k.startswith("words/") for k in found)
    return found


def _made_without_warming(root: Path, out: Path) -> dict[str, bytes]:
    cfg, keyed = _keyed(root, None)  # every page's HTML held, nothing cached
    assert refresh_search(cfg, out, None, keyed, NOW) == []
    return _index(out)


def _busy_for(chunks: int) -> list[bool]:
    """What ``busy()`` answers: asked once before starting, then before each chunk."""
    return [True] * (1 + chunks) + [False] * 50


def _warmed(cfg: Config, keyed: KeyedSite, out: Path, cache: Path, chunks: int) -> Warmed:
    answers = iter(_busy_for(chunks))
    warmed = Warmed()
    warm_search(cfg, out, cache, keyed, NOW, lambda: next(answers), warmed)
    return warmed


@pytest.mark.parametrize("alone", [True, False])
def test_chunks_made_ahead_give_the_same_index(tmp_path: Path, alone: bool) -> None:
    root = large_site(tmp_path / "site", POSTS)
    cache, out = tmp_path / "cache", tmp_path / "out"
    cfg, keyed = _keyed(root, cache)
    warmed = _warmed(cfg, keyed, out, cache, 2)
    assert sorted(warmed.chunks) == [0, CHUNK]  # made while busy, not after
    assert refresh_search(cfg, out, cache, keyed, NOW, alone=alone, warmed=warmed) == []
    assert _index(out) == _made_without_warming(root, tmp_path / "plain")


@pytest.mark.parametrize("alone", [True, False])
def test_the_index_is_made_from_the_chunks_made_ahead(tmp_path: Path, alone: bool) -> None:
    """A word slipped into the second chunk made ahead is in the index: the chunk was used
    (by whichever process took it), not made again."""
    root = large_site(tmp_path / "site", POSTS)
    cache, out = tmp_path / "cache", tmp_path / "out"
    cfg, keyed = _keyed(root, cache)
    warmed = _warmed(cfg, keyed, out, cache, 2)
    warmed.chunks[CHUNK][1][0]["zzslipped"] = array("q", [CHUNK + 3, 7])
    assert refresh_search(cfg, out, cache, keyed, NOW, alone=alone, warmed=warmed) == []
    assert json.loads(_index(out)["words/zz.json"])["zzslipped"] == [CHUNK + 3, 7]
    assert warmed.chunks == {}  # let go once the index is made


def test_a_chunk_whose_pages_changed_since_is_made_again(tmp_path: Path) -> None:
    root = large_site(tmp_path / "site", POSTS)
    cache = tmp_path / "cache"
    cfg, keyed = _keyed(root, cache)
    warmed = _warmed(cfg, keyed, tmp_path / "out", cache, 1)
    assert list(warmed.chunks) == [0]
    edit(root / "content/essays/post-0002.md", "title: Post 2", "title: Renamed lighthouse")
    cfg, keyed = _keyed(root, cache)
    assert refresh_search(cfg, tmp_path / "out", cache, keyed, NOW, warmed=warmed) == []
    index = _index(tmp_path / "out")
    assert index == _made_without_warming(root, tmp_path / "plain")
    assert b"Renamed lighthouse" in b"".join(index.values())


def test_nothing_is_made_ahead_when_the_index_can_be_updated_in_place(tmp_path: Path) -> None:
    root = large_site(tmp_path / "site", POSTS)
    cache = tmp_path / "cache"
    cfg, keyed = _keyed(root, cache)
    assert refresh_search(cfg, tmp_path / "out", cache, keyed, NOW) == []
    warmed = Warmed()
    warm_search(cfg, tmp_path / "out", cache, keyed, NOW, lambda: True, warmed)
    assert warmed.chunks == {}
    answers = iter(_busy_for(3))
    shutil.rmtree(tmp_path / "out/search")  # made whole again: worth making ahead
    warm_search(cfg, tmp_path / "out", cache, keyed, NOW, lambda: next(answers), warmed)
    assert sorted(warmed.chunks) == [0, CHUNK, 2 * CHUNK]


def test_the_pages_found_ahead_are_the_ones_indexed(tmp_path: Path) -> None:
    """The warm-up looks up the indexed pages once, and the write phase indexing the same
    site takes them from it rather than again (55 ms at 10,000 pages): with one page left
    out of what the warm-up kept, the index has one page less. (Another site's pages are
    looked up again: test_a_chunk_whose_pages_changed_since_is_made_again.)"""
    root = large_site(tmp_path / "site", POSTS)
    cache, out = tmp_path / "cache", tmp_path / "out"
    cfg, keyed = _keyed(root, cache)
    warmed = _warmed(cfg, keyed, out, cache, 0)
    assert warmed.pages is not None and len(warmed.pages) > POSTS - 1
    warmed.pages = warmed.pages[1:]
    assert refresh_search(cfg, out, cache, keyed, NOW, warmed=warmed) == []
    manifest = json.loads((out / "search" / "manifest.json").read_bytes())
    assert manifest["docs"] == len(warmed.pages)


def _cached(cache: Path, keys: list[str], wanted: int) -> dict[str, object]:
    """The search cache's entries of ``keys`` once it has ``wanted`` of them (or 60 s on)."""
    deadline = time.monotonic() + 60
    store = SearchCache(cache)
    try:
        while True:
            found = store.get(keys)
            if len(found) >= wanted or time.monotonic() > deadline:
                return dict(found)
            time.sleep(0.05)
    finally:
        store.close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs the fork start method")
def test_pages_analysed_ahead_in_a_forked_process_are_the_ones_indexed(tmp_path: Path) -> None:
    """Every page analysed into the search cache while the block runs; the index the write
    phase then makes takes their words from there (a word slipped into one page's cached
    words is in the index), and has the bytes of one made without analysing ahead."""
    root = large_site(tmp_path / "site", POSTS)
    cache, out = tmp_path / "cache", tmp_path / "out"
    cfg, keyed = _keyed(root, cache)
    keys = [p.key for p in _located(cfg, keyed, NOW)]
    with analysing(ahead(cfg, out, cache, keyed, NOW)) as forked:
        assert forked
        found = _cached(cache, keys, len(keys))
    assert sorted(found) == sorted(keys)
    plain = _made_without_warming(root, tmp_path / "plain")
    assert refresh_search(cfg, out, cache, keyed, NOW) == []
    assert _index(out) == plain
    # the cache's words are what the index is made of: not analysed again
    store = SearchCache(cache)
    try:
        sha, summary, words = store.db.execute(  # type: ignore[union-attr]
            "SELECT sha, summary, words FROM words1 WHERE key = ?", (keys[3],)
        ).fetchone()
        weights = {"zzslipped": 5, **decode_words(words)}
        store.put([(keys[3], sha, summary, encode_words(weights))])
    finally:
        store.close()
    shutil.rmtree(out / "search")
    assert refresh_search(cfg, out, cache, keyed, NOW) == []
    assert json.loads(_index(out)["words/zz.json"])["zzslipped"] == [3, 5]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs the fork start method")
def test_leaving_the_block_stops_the_analysis_and_the_index_is_whole(tmp_path: Path) -> None:
    """Left at once: the forked process stops after the pages at hand (some are left for the
    write phase), and the index is still the one made without analysing ahead."""
    root = large_site(tmp_path / "site", 4 * CHUNK)
    cache, out = tmp_path / "cache", tmp_path / "out"
    cfg, keyed = _keyed(root, cache)
    keys = [p.key for p in _located(cfg, keyed, NOW)]
    with analysing(ahead(cfg, out, cache, keyed, NOW)) as forked:
        assert forked
    assert len(_cached(cache, keys, 0)) < len(keys)
    assert refresh_search(cfg, out, cache, keyed, NOW) == []
    assert _index(out) == _made_without_warming(root, tmp_path / "plain")


def test_nothing_is_analysed_ahead_for_an_index_updated_in_place(tmp_path: Path) -> None:
    root = large_site(tmp_path / "site", POSTS)
    cache, out = tmp_path / "cache", tmp_path / "out"
    cfg, keyed = _keyed(root, cache)
    with analysing(ahead(cfg, out, None, keyed, NOW)) as forked:
        assert not forked  # no cache folder to analyse into
    assert refresh_search(cfg, out, cache, keyed, NOW) == []
    with analysing(ahead(cfg, out, cache, keyed, NOW)) as forked:
        assert not forked


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs the fork start method")
@pytest.mark.parametrize("episode_every", [1, POSTS + 1])
def test_a_build_makes_the_index_of_a_plain_one(tmp_path: Path, episode_every: int) -> None:
    """Every post an episode: the podcast feed is made in a forked process (over the
    threshold) and the index's pages analysed meanwhile, as many as that takes. No episode:
    no podcast feed to wait for, and the pages are analysed in a forked process while the
    outputs are planned. Either way the index is the same."""
    root = large_site(tmp_path / "site", POSTS, episode_every=episode_every)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        ["build", "--config", str(root / "publish.toml"), "--content", str(root / "content"),
         "--out", str(out), "--cache-dir", str(tmp_path / "cache")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    podcast = out / "podcast.xml"
    assert podcast.exists() == (episode_every == 1)
    assert episode_every != 1 or b"<enclosure" in podcast.read_bytes()
    assert _index(out) == _made_without_warming(root, tmp_path / "plain")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs the fork start method")
def test_the_podcast_process_analyses_the_pages_once_its_feed_is_made(tmp_path: Path) -> None:
    """The process that makes the podcast feed goes on to analyse the index's pages (from
    the last back) instead of sitting idle: left to finish, every page is in the search
    cache, analysed by that process after the feed came back."""
    root = large_site(tmp_path / "site", POSTS, episode_every=1)
    cache, out = tmp_path / "cache", tmp_path / "out"
    cfg, keyed = _keyed(root, cache)
    keys = [p.key for p in _located(cfg, keyed, NOW)]
    work = ahead(cfg, out, cache, keyed, NOW)
    assert work is not None
    html = HtmlSource(cache, keyed.keys)
    salt = build_salt(cfg, root / "content")
    planned = podcast_planned(
        cfg, root / "content", keyed, NOW, Manifest(), html, salt, out, work.run
    )
    with planned as podcast:
        assert podcast.forked
        feed = podcast()[0]
        assert feed.path == "podcast.xml" and feed.make is not None
        assert b"<enclosure" in feed.make()
    assert sorted(_cached(cache, keys, len(keys))) == sorted(keys)
    assert podcast()[0].make is not None


def test_pages_analysed_ahead_go_from_the_last_back(tmp_path: Path) -> None:
    """Stopped after one batch, the batch analysed is the last pages' (the build analyses
    from the first meanwhile, while it waits for the podcast feed)."""
    root = large_site(tmp_path / "site", POSTS)
    cache = tmp_path / "cache"
    cfg, keyed = _keyed(root, cache)
    pages = _located(cfg, keyed, NOW)
    answers = iter([False, True])
    analyse_ahead(pages, cache, lambda: next(answers))
    last = len(pages) - (len(pages) - 1) % AHEAD - 1
    keys = [p.key for p in pages]
    assert sorted(_cached(cache, keys, 0)) == sorted(keys[last:])
