"""Stage 2: load and render the whole site, with a render cache and both cores.

The render cache is keyed on each file's body, its URL and the renderer's version; an entry
also records how its relative links resolved, so it is reused only while those still resolve
the same way. A build with nothing changed renders nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Config
from pipeline.loader import iter_markdown, load_site, read_doc, relpath
from pipeline.model import Item, Site, SourceDoc
from pipeline.render.markdown import RENDERER_VERSION, PageContext, render, scan
from pipeline.text import clean

PARALLEL_THRESHOLD = 400
"""Uncached items above which rendering is spread over a process pool."""


@dataclass(frozen=True)
class Rendered:
    html: str
    assets: tuple[str, ...]
    image: str | None
    deps: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class _Job:
    key: str
    source: str
    url: str
    body: str
    image: str | None
    line_offset: int


_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS render2 "
    "(key TEXT PRIMARY KEY, html TEXT NOT NULL, meta TEXT NOT NULL)"
)
"""The HTML in a column of its own: no JSON encoding of the large part."""


class RenderCache:
    """A SQLite file in the cache folder: key -> rendered HTML, assets and link resolutions."""

    def __init__(self, folder: Path | None) -> None:
        self.db: sqlite3.Connection | None = None
        if folder is None:
            return
        folder.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(folder / "render.sqlite3")
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute(_SCHEMA)
        except sqlite3.DatabaseError:  # a corrupt cache is rebuilt, never fatal
            (folder / "render.sqlite3").unlink(missing_ok=True)
            self.db = sqlite3.connect(folder / "render.sqlite3")
            self.db.execute(_SCHEMA)

    def get_many(self, keys: Sequence[str]) -> dict[str, Rendered]:
        if self.db is None or not keys:
            return {}
        out: dict[str, Rendered] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for key, html, meta in self.db.execute(
                f"SELECT key, html, meta FROM render2 WHERE key IN ({marks})", chunk
            ):
                try:
                    d = json.loads(meta)
                    out[key] = Rendered(
                        str(html),
                        tuple(d["assets"]),
                        d["image"],
                        tuple((a, b) for a, b in d["deps"]),
                    )
                except (ValueError, KeyError, TypeError):
                    continue
        return out

    def put_many(self, entries: Iterable[tuple[str, Rendered]]) -> None:
        if self.db is None:
            return
        rows = (
            (k, r.html, json.dumps({"assets": r.assets, "image": r.image, "deps": r.deps}))
            for k, r in entries
        )
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO render2 VALUES (?, ?, ?)", rows)

    def close(self) -> None:
        if self.db is not None:
            self.db.close()


_WORKER_STATE: dict[str, object] = {}


def _init_worker(
    url_of: Mapping[str, str], site_url: str, asset_base: str | None, slug_style: str
) -> None:
    _WORKER_STATE.update(
        url_of=url_of, site_url=site_url, asset_base=asset_base, slug_style=slug_style
    )


def _render_job(job: _Job) -> tuple[str, Rendered]:
    url_of = _WORKER_STATE["url_of"]
    assert isinstance(url_of, dict)
    asset_base = _WORKER_STATE["asset_base"]
    ctx = PageContext(
        source=job.source,
        url=job.url,
        url_of=url_of,
        site_url=str(_WORKER_STATE["site_url"]),
        asset_base=asset_base if isinstance(asset_base, str) else None,
        slug_style=str(_WORKER_STATE["slug_style"]),
        line_offset=job.line_offset,
    )
    tracked = _TrackingMap(url_of)
    ctx.url_of = tracked
    html = clean(render(job.body, ctx))
    image = ctx.resolve(job.image, "image") if job.image else None
    return job.key, Rendered(html, tuple(ctx.assets), image, tuple(sorted(tracked.seen.items())))


class _TrackingMap(Mapping[str, str]):
    """Records every lookup (and its answer) so a cache entry knows what it depended on."""

    def __init__(self, data: Mapping[str, str]) -> None:
        self.data = data
        self.seen: dict[str, str] = {}

    def __getitem__(self, key: str) -> str:
        value = self.data[key]
        self.seen[key] = value
        return value

    def get(self, key: str, default: object = None) -> object:  # type: ignore[override]
        value = self.data.get(key, "")
        self.seen[key] = value
        return value or default

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)


def _asset_base(cfg: Config) -> str | None:
    return None if cfg.site.pages else cfg.feeds_base + "assets/"


def render_items(
    cfg: Config,
    items: Sequence[Item],
    cache_dir: Path | None,
    url_of: Mapping[str, str] | None = None,
    workers: int | None = None,
) -> list[Item]:
    """Fill ``html``, ``assets`` and ``image`` of every item, from the cache where possible."""
    if url_of is None:
        url_of = {i.source: i.url for i in items}
    url_of = dict(url_of)
    site_url = cfg.site.base_url
    asset_base = _asset_base(cfg)
    salt = f"{RENDERER_VERSION}\0{cfg.content.slug_style}\0{asset_base}\0{site_url}"
    jobs: list[_Job] = []
    for item in items:
        offset = _offset(item)
        digest = hashlib.sha256(
            f"{salt}\0{item.source}\0{item.url}\0{item.image}\0{offset}\0{item.body}".encode()
        ).hexdigest()
        jobs.append(_Job(digest, item.source, item.url, item.body, item.image, offset))
    cache = RenderCache(cache_dir)
    try:
        hits = cache.get_many([j.key for j in jobs])
        fresh = {k: r for k, r in hits.items() if all(url_of.get(a, "") == b for a, b in r.deps)}
        todo = [j for j in jobs if j.key not in fresh]
        done: dict[str, Rendered] = dict(fresh)
        n_workers = workers if workers is not None else min(2, os.cpu_count() or 1)
        if len(todo) >= PARALLEL_THRESHOLD and n_workers > 1:
            with ProcessPoolExecutor(
                n_workers,
                initializer=_init_worker,
                initargs=(url_of, site_url, asset_base, cfg.content.slug_style),
            ) as pool:
                results = list(pool.map(_render_job, todo, chunksize=64))
        else:
            _init_worker(url_of, site_url, asset_base, cfg.content.slug_style)
            results = [_render_job(j) for j in todo]
        done.update(results)
        cache.put_many(results)
    finally:
        cache.close()
    out = []
    for item, job in zip(items, jobs, strict=True):
        r = done[job.key]
        out.append(dataclasses.replace(item, html=r.html, assets=r.assets, image=r.image))
    return out


def _offset(item: Item) -> int:
    """Lines before the body (front matter), so rendered links know their file line."""
    return item.body_line - 1


def prepare(
    config: Config,
    content_dir: Path,
    *,
    cache_dir: Path | None = None,
    write_ledger: bool = False,
    strict: bool = False,
) -> Site:
    """Load, validate and render every item; raises ContentError listing every problem."""
    site = load_site(config, content_dir, write_ledger=write_ledger, strict=strict)
    rendered = render_items(config, site.items, cache_dir)
    return dataclasses.replace(site, items=tuple(rendered))


def _scan_one(args: tuple[Path, Path, int, str]) -> SourceDoc:
    content_dir, path, max_bytes, slug_style = args
    try:
        doc = read_doc(content_dir, path, max_bytes)
    except Exception:  # any unreadable file is reported by validation, not by the link scan
        return SourceDoc(relpath(content_dir, path), (), frozenset())
    return scan(
        doc.parsed.body,
        doc.source,
        slug_style=slug_style,
        line_offset=doc.parsed.body_line - 1,
    )


def scan_sources(config: Config, content_dir: Path) -> list[SourceDoc]:
    """Every Markdown file's links (with lines) and anchors, for the link checker.

    Files that do not parse are skipped here; ``publish validate`` reports them. Large trees
    are parsed on both cores.
    """
    jobs = [
        (content_dir, path, config.content.max_file_bytes, config.content.slug_style)
        for path in iter_markdown(content_dir)
    ]
    workers = min(2, os.cpu_count() or 1)
    if len(jobs) >= PARALLEL_THRESHOLD and workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            return list(pool.map(_scan_one, jobs, chunksize=64))
    return [_scan_one(job) for job in jobs]
