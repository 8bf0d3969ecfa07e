"""Incremental builds: whatever changed, a build that reuses its caches and its last outputs
writes exactly the bytes a build from nothing writes."""

from __future__ import annotations

import json
import os
import pickle
import re
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from pipeline.build.keys import body_digest, loaded_keys
from pipeline.build.loadcache import LoadCache, load_cached
from pipeline.cli import main
from pipeline.config import Config, load_config
from pipeline.load.loader import load_site
from pipeline.load.record import Record, pack
from pipeline.load.summary import space_settings
from pipeline.model import Item

IGNORED = {".publish-manifest.json", ".publish.lock"}


def _decided(site: Path) -> Config:
    """The site's configuration as a command sees it (``slug_style = "auto"`` decided with
    the content folder: the caches are keyed by the style a build used)."""
    return space_settings(load_config(site / "publish.toml"), site / "content")[0]


def build(site: Path, out: Path, cache: Path) -> list[str]:
    """Run ``publish build`` and return the files it says it wrote."""
    result = CliRunner().invoke(
        main,
        [
            "build",
            "--config",
            str(site / "publish.toml"),
            "--out",
            str(out),
            "--cache-dir",
            str(cache),
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    return list(json.loads(result.stdout)["written"])


def tree(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name not in IGNORED
    }


def age(root: Path, seconds: int = 3600) -> None:
    """Date every file back, as files in a checkout are: the load cache does not trust files
    modified in the last seconds (their mtime may not have ticked since the last write)."""
    for p in root.rglob("*"):
        st = p.stat()
        os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns - seconds * 10**9))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _body(site: Path) -> None:
    p = site / "content/essays/why-we-gather.md"
    p.write_text(p.read_text(encoding="utf-8") + "\nOne more paragraph, added later.\n")


def _title(site: Path) -> None:
    edit(site / "content/essays/the-slow-release.md", "The slow release:", "A slower release:")


def _redate(site: Path) -> None:  # the oldest essay becomes the newest: entries move
    p = site / "content/essays/why-we-gather.md"
    text = re.sub(r"(?m)^date: .*$", "date: 2025-12-30", p.read_text(encoding="utf-8"), count=1)
    p.write_text(text, encoding="utf-8")


def _delete(site: Path) -> None:
    (site / "content/updates/new-forum.md").unlink()


def _add(site: Path) -> None:
    (site / "content/essays/a-new-one.md").write_text(
        "---\ntitle: A new one\ndate: 2025-06-01\nid: 0e0f7a5c-4c1e-4b7e-9d1a-2f1a9e6b7c01\n"
        "tags: [governance]\n---\n\nFresh text linking [back](why-we-gather.md).\n",
        encoding="utf-8",
    )


def _retarget(site: Path) -> None:  # another file's URL changes: links to it must follow
    edit(site / "content/essays/decisions-in-the-open.md", "title:", "slug: open-decisions\ntitle:")


def _episode(site: Path) -> None:
    p = site / "content/episodes/002-governance.md"
    p.write_text(p.read_text(encoding="utf-8") + "\nA correction to the show notes.\n")


def _config(site: Path) -> None:
    edit(site / "publish.toml", 'title = "The Commons"', 'title = "The Commons, renamed"')


def _touch(site: Path) -> None:  # new mtime, same bytes
    p = site / "content/essays/hosting-not-bossing.md"
    p.write_bytes(p.read_bytes())


def _schedule(site: Path) -> None:  # a post leaves the home page's list for a future date
    edit(site / "content/essays/why-we-gather.md", "date: 2024-09-02", "date: 2099-09-02")


def _draft(site: Path) -> None:  # one published post fewer: the home page's archive link goes
    edit(site / "content/essays/why-we-gather.md", "title:", "draft: true\ntitle:")


MUTATIONS: dict[str, Callable[[Path], None]] = {
    "body": _body,
    "title": _title,
    "redate": _redate,
    "delete": _delete,
    "add": _add,
    "retarget-link": _retarget,
    "episode": _episode,
    "config": _config,
    "touch": _touch,
    "schedule": _schedule,
    "draft": _draft,
}


@pytest.mark.parametrize("limit", [0, 2])
@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_incremental_build_writes_what_a_cold_build_writes(
    site: Path, tmp_path: Path, name: str, limit: int
) -> None:
    if limit:  # feeds with RFC 5005 archive pages
        edit(site / "publish.toml", "limit = 0", f"limit = {limit}")
    age(site)
    out, cache = tmp_path / "out", tmp_path / "cache"
    build(site, out, cache)
    MUTATIONS[name](site)
    build(site, out, cache)
    cold_out = tmp_path / "cold-out"
    build(site, cold_out, tmp_path / "cold-cache")
    incremental, cold = tree(out), tree(cold_out)
    assert sorted(incremental) == sorted(cold)
    differing = [k for k in cold if incremental[k] != cold[k]]
    assert differing == []


def test_unchanged_bytes_are_not_rewritten(site: Path, tmp_path: Path) -> None:
    age(site)
    out, cache = tmp_path / "out", tmp_path / "cache"
    build(site, out, cache)
    _touch(site)
    assert build(site, out, cache) == []


def test_unchanged_files_come_from_the_load_cache_intact(site: Path, tmp_path: Path) -> None:
    """Keyed on size, mtime, ctime and inode, like make's view of a file; a hit carries no
    body (rendering has its HTML) but is otherwise the item a fresh load makes."""
    age(site)
    cfg = _decided(site)
    fresh = load_site(cfg, site / "content")
    load_cached(cfg, site / "content", tmp_path / "cache")
    _body(site)  # edited just now
    loaded = load_cached(cfg, site / "content", tmp_path / "cache")
    cached = {i.source: i for i in loaded.site.items}
    first_keys = load_cached(cfg, site / "content", None).keys  # no cache: keys from bodies
    for item in fresh.items:
        if item.source == "essays/why-we-gather.md":
            assert cached[item.source].body.endswith("One more paragraph, added later.\n")
            assert loaded.keys[item.source].body == body_digest(cached[item.source].body)
            continue
        hit = cached[item.source]
        assert hit.body == ("" if item.episode is None else item.body)
        assert hit.evolve(body=item.body) == item
        assert loaded.keys[item.source].body == body_digest(item.body)
        assert loaded.keys[item.source] == first_keys[item.source]  # the same keys either way
    again = load_cached(cfg, site / "content", tmp_path / "cache").site.items
    now_fresh = load_site(cfg, site / "content").items
    assert [i.evolve(body="") for i in again] == [i.evolve(body="") for i in now_fresh]


def test_a_fresh_clone_reuses_the_cache_by_text(site: Path, tmp_path: Path) -> None:
    """In CI every file of a fresh clone has a new mtime: the restored cache still spares
    parsing and validating each file whose text it knows."""
    age(site)
    cfg = _decided(site)
    first = load_cached(cfg, site / "content", tmp_path / "cache").site.items
    age(site, 60)  # every mtime moves, no text changes
    again = load_cached(cfg, site / "content", tmp_path / "cache").site.items
    assert [i.body for i in again if not i.episode] == ["" for i in again if not i.episode]
    assert [i.evolve(body="") for i in again] == [i.evolve(body="") for i in first]


def test_a_file_modified_seconds_ago_is_trusted_by_its_text_only(tmp_path: Path) -> None:
    """git's "racily clean" files: a write in the same clock tick as our read leaves size and
    mtime as they were, so a fresh file's stat is not recorded; its text still is."""
    source = tmp_path / "post.md"
    source.write_text("---\ntitle: A\n---\nText\n", encoding="utf-8")
    item = Item(
        id="x",
        kind="page",
        section="pages",
        source="post.md",
        title="A",
        slug="a",
        url="u",
        date=None,
    )
    record = Record(item, (), {}, False)
    cache = LoadCache(tmp_path / "cache", "salt", tmp_path)
    cache.put("post.md", source, "digest-1", pack(record, tmp_path), item.evolve(body="Text\n"))
    cache.save(["post.md"])
    cache.close()
    cache = LoadCache(tmp_path / "cache", "salt", tmp_path)
    assert cache.get("post.md", source) is None  # not by its stat
    assert cache.get_by_text("post.md", source, "digest-2") is None
    assert cache.get_by_text("post.md", source, "digest-1") == record
    # the keys as loaded, kept beside the record (which has no body)
    assert cache.keys == loaded_keys([item.evolve(body="Text\n")], {})
    assert cache.keys["post.md"].body == body_digest("Text\n")


def test_tampered_outputs_are_repaired(site: Path, tmp_path: Path) -> None:
    age(site)
    out, cache = tmp_path / "out", tmp_path / "cache"
    build(site, out, cache)
    with open(out / "rss.xml", "ab") as fh:
        fh.write(b"<!-- tampered -->")
    (out / "essays/atom.xml").write_bytes(b"")
    (out / "essays/why-we-gather/index.html").unlink()
    _body(site)
    build(site, out, cache)
    cold_out = tmp_path / "cold-out"
    build(site, cold_out, tmp_path / "cold-cache")
    assert tree(out) == tree(cold_out)


def test_corrupt_caches_are_ignored(site: Path, tmp_path: Path) -> None:
    age(site)
    out, cache = tmp_path / "out", tmp_path / "cache"
    build(site, out, cache)
    for p in cache.rglob("*"):
        if p.is_file():
            p.write_bytes(b"\x00garbage" * 100)
    _title(site)
    build(site, out, cache)
    cold_out = tmp_path / "cold-out"
    build(site, cold_out, tmp_path / "cold-cache")
    assert tree(out) == tree(cold_out)
    # and the caches were started again: unchanged files now come from the load cache
    items = load_cached(_decided(site), site / "content", cache)
    assert [i.source for i in items.site.items if not i.body and not i.episode]


class _Payload:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


def test_a_load_cache_of_the_last_version_is_replaced(site: Path, tmp_path: Path) -> None:
    """Version 2's table had no column for the body key: it is dropped and made again, and
    the next load is served from the new one, with the same keys a fresh load gives."""
    age(site)
    cfg = _decided(site)
    cache = tmp_path / "cache"
    cache.mkdir()
    db = sqlite3.connect(cache / "items.sqlite3")
    with db:
        db.execute(
            "CREATE TABLE items (source TEXT PRIMARY KEY, stat TEXT, text TEXT, record BLOB)"
        )
        db.execute("CREATE TABLE salt (value TEXT)")
        db.execute("INSERT INTO salt VALUES ('2')")
        db.execute("INSERT INTO items VALUES ('essays/x.md', '1:2:3:4', 'abc', x'00')")
    db.close()
    first = load_cached(cfg, site / "content", cache)
    again = load_cached(cfg, site / "content", cache)
    assert [i.source for i in again.site.items if not i.body and not i.episode]
    assert again.keys == first.keys == load_cached(cfg, site / "content", None).keys


def test_a_load_cache_row_with_damaged_keys_is_a_miss(site: Path, tmp_path: Path) -> None:
    """An item given without its body must come with the key of that body: a row whose keys
    are not ones this code wrote is read again from its file, never rendered as empty."""
    age(site)
    cfg = _decided(site)
    cache = tmp_path / "cache"
    fresh = load_cached(cfg, site / "content", None)
    load_cached(cfg, site / "content", cache)
    db = sqlite3.connect(cache / "items.sqlite3")
    with db:
        db.execute("UPDATE items SET body = ''")
    db.close()
    again = load_cached(cfg, site / "content", cache)
    assert [i.body for i in again.site.items] == [i.body for i in fresh.site.items]
    assert again.keys == fresh.keys


def test_a_hostile_load_cache_cannot_run_code(site: Path, tmp_path: Path) -> None:
    """A cache folder restored in CI from a shared cache is not trusted to build objects."""
    age(site)
    out, cache = tmp_path / "out", tmp_path / "cache"
    build(site, out, cache)
    marker = tmp_path / "pwned"
    db = sqlite3.connect(cache / "items.sqlite3")
    with db:
        db.execute("UPDATE items SET record = ?", (pickle.dumps(_Payload(marker)),))
    db.close()
    db = sqlite3.connect(cache / "render.sqlite3")
    with db:
        payload = pickle.dumps(_Payload(marker))
        db.execute("UPDATE render7 SET sha = ?, dep_names = ?", (payload, payload))
    db.close()
    shutil.rmtree(out)
    build(site, out, cache)
    assert not marker.exists()
    cold_out = tmp_path / "cold-out"
    build(site, cold_out, tmp_path / "cold-cache")
    assert tree(out) == tree(cold_out)


def large_site(root: Path, n: int, episode_every: int = 10) -> Path:
    """``n`` posts, every tenth (every ``episode_every``-th) an episode: enough for every
    stage's process pool."""
    root.mkdir(parents=True)
    shutil.copy(Path(__file__).resolve().parents[2] / "publish.toml", root / "publish.toml")
    edit(root / "publish.toml", 'image = "podcast/cover.jpg"', 'image = "https://e.org/c.jpg"')
    for i in range(1, n + 1):
        episode = i % episode_every == 0
        folder = root / "content" / ("episodes" if episode else "essays")
        folder.mkdir(parents=True, exist_ok=True)
        extra = (
            f"audio: https://media.example.org/{i}.mp3\nlength: {1000 + i}\n"
            "type: audio/mpeg\nduration: 600\n"
            if episode
            else ""
        )
        link = f"[the one before](post-{i - 1:04d}.md)" if i % 10 not in (0, 1) else "nothing"
        (folder / f"post-{i:04d}.md").write_text(
            f"---\ntitle: Post {i}\ndate: 2024-01-01T00:00:00Z\nid: post-{i}\n"
            f"tags: [{'governance' if i % 3 else 'community'}]\n{extra}---\n\n"
            f"## Part {i}\n\nText of post {i}, which links to {link}.\n",
            encoding="utf-8",
        )
    age(root)
    return root


def test_a_site_large_enough_for_process_pools(tmp_path: Path) -> None:
    """Loading, rendering and writing spread over processes above 400 items: the same bytes
    as incremental builds, and every item in the feeds."""
    site = large_site(tmp_path / "site", 450)
    out, cache = tmp_path / "out", tmp_path / "cache"
    written = build(site, out, cache)
    assert len([w for w in written if w.endswith("index.html")]) > 450
    rss = feedparser.parse((out / "rss.xml").read_bytes())
    assert len(rss.entries) == 450 and not rss.bozo
    assert {e.title for e in rss.entries} == {f"Post {i}" for i in range(1, 451)}
    # the search index, made by a forked process beside the writes, holds every post
    manifest = json.loads((out / "search/manifest.json").read_bytes())
    assert manifest["docs"] >= 450 and manifest["files"]
    post = site / "content/essays/post-0225.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nAn edit.\n", encoding="utf-8")
    (site / "content/essays/post-0298.md").unlink()  # post-0299 links to it
    assert set(build(site, out, cache)) >= {
        "rss.xml",
        "essays/rss.xml",
        "essays/post-0299/index.html",
    }
    cold_out = tmp_path / "cold-out"
    build(site, cold_out, tmp_path / "cold-cache")
    assert tree(out) == tree(cold_out)


@pytest.mark.parametrize("posts", [0, 450], ids=["in-process", "render-workers"])
def test_a_file_edited_during_the_build_is_not_rendered_under_its_old_digest(
    site: Path, tmp_path: Path, posts: int
) -> None:
    """Items can come without their body (from the load cache, or from load workers); when
    one is rendered, the file is read again. If it was edited in between, that text is not
    the one the item (and the render cache key) stands for: the build stops, naming the
    file, instead of caching a mismatch (from a render worker as well: the error crosses
    the process boundary with its problems intact)."""
    import functools

    from pipeline.build.keys import reload_body
    from pipeline.build.site import render_items
    from pipeline.errors import ContentError

    if posts:
        site = large_site(tmp_path / "large", posts)
    cache = tmp_path / "cache"
    age(site)
    build(site, tmp_path / "out", cache)
    (cache / "render.sqlite3").unlink()  # every item must be rendered again
    cfg = _decided(site)
    content = site / "content"
    loaded = load_cached(cfg, content, cache)
    cached = next(i for i in loaded.site.items if not i.body and not i.episode)
    digest = loaded.keys[cached.source].body
    body_of = functools.partial(reload_body, cfg, content)
    body = body_of(cached.source, digest)  # unchanged: read as it was loaded
    assert body and body_digest(body) == digest
    path = content / cached.source
    path.write_text(path.read_text(encoding="utf-8") + "\nAdded mid-build.\n", encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        render_items(cfg, loaded.site.items, cache, lazy=True, body_of=body_of, loaded=loaded.keys)
    assert [p.path.endswith(cached.source) for p in raised.value.problems] == [True]
    assert "changed while the build was running" in str(raised.value)


def test_a_gitbook_date_edited_in_the_dates_file_rewrites_its_outputs(tmp_path: Path) -> None:
    """The dates file (and SUMMARY.md) date and place a space's pages after the load cache
    made its records: their output keys are computed from the items as dated, so the feed
    entries showing one are written again (not spliced from the last feed), as a cold build
    writes them."""
    from tests.conftest import copy_fixture

    root = copy_fixture("handbook", tmp_path)  # the space is the content folder itself

    def space_build(out: Path, cache: Path) -> list[str]:
        args = ["build", "--config", str(root / "publish.toml"), "--content", str(root)]
        args += ["--out", str(out), "--cache-dir", str(cache), "--format", "json"]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        return list(json.loads(result.stdout)["written"])

    age(root)
    out, cache = tmp_path / "out", tmp_path / "cache"
    space_build(out, cache)
    edit(
        root / "dates.yml", "origins-and-intent.md: 2020-01-27", "origins-and-intent.md: 2020-01-29"
    )
    written = space_build(out, cache)
    assert "essays/atom.xml" in written, written
    entries = feedparser.parse((out / "essays/atom.xml").read_bytes()).entries
    dated = {e.link.rstrip("/").rsplit("/", 1)[-1]: e.published[:10] for e in entries}
    assert dated["origins-and-intent"] == "2020-01-29"
    cold = tmp_path / "cold-out"
    space_build(cold, tmp_path / "cold-cache")
    assert tree(out) == tree(cold)
