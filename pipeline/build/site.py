"""Stage 2: load and render the whole site, with a render cache and both cores.

The render cache is keyed on each file's body, its URL and the build key; an entry also records
how its relative links resolved, so it is reused only while those still resolve the same way.
A build with nothing changed renders nothing, and one that rewrites few outputs reads few HTML
bodies: the rest stay in the cache (:class:`HtmlSource`). Rendering returns each item's keys
(:mod:`pipeline.build.keys`) next to the items."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Any, NamedTuple, cast

from pipeline.build.keys import EMPTY_DIGEST, ItemKeys, Keys, loaded_keys
from pipeline.build.sqlitefile import delete_store, open_store, select_keys, write_rows
from pipeline.build.state import code_digest
from pipeline.build.tracking import TrackingMap
from pipeline.config import Config
from pipeline.linkcheck.dangling import LinkRecorder
from pipeline.load.loader import load_site
from pipeline.load.mode import gitbook_mode
from pipeline.model import Include, Item, Site
from pipeline.render.links import link_targets
from pipeline.render.markdown import render
from pipeline.support.parallel import PARALLEL_THRESHOLD
from pipeline.support.text import clean
from pipeline.support.workers import forkable, process_pool
from pipeline.syndication.common import SUMMARY_CHARS, plain_start


class Rendered(NamedTuple):
    """What rendering one item produced (a named tuple: 10,000 are made per build)."""

    html: str
    assets: tuple[str, ...]
    image: str | None
    dep_names: tuple[str, ...]
    """The link targets this rendering looked up (source paths) ..."""
    dep_values: tuple[str, ...]
    """... and the URL each resolved to ("" for none): reused only while they still do."""
    sha: str
    """SHA-256 of ``html``: what outputs depend on, known without reading the HTML."""
    local_links: tuple[tuple[str, str], ...] = ()
    """See :attr:`pipeline.model.Item.local_links`."""
    text_start: str = ""
    """See :attr:`pipeline.model.Item.text_start`."""
    kept: bool = False
    """The HTML is in the render cache, not in ``html`` (a cache hit, or a rendering the
    worker stored and did not send back)."""


ReloadBody = Callable[[str, str], str]
"""(source, body digest) -> the Markdown body, for items loaded without it: see
:func:`pipeline.build.keys.reload_body`."""


@dataclass(frozen=True)
class _Job:
    key: str
    source: str
    url: str
    body: str | None
    """None: read by the worker that renders it (``body_of``)."""
    body_digest: str
    image: str | None
    line_offset: int
    includes: tuple[Include, ...] = ()
    title_id: str = ""  # see Item.title_id: reserved before the body's headings


_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS render7 (key TEXT PRIMARY KEY, sha TEXT NOT NULL, "
    "assets TEXT NOT NULL, image TEXT, dep_names TEXT NOT NULL, dep_values TEXT NOT NULL, "
    "links TEXT NOT NULL, text_start TEXT NOT NULL, html TEXT NOT NULL)"
)
"""The HTML last and in a column of its own: reading an entry's facts never reads its HTML.
Lists are joined with NUL (which no path or URL here holds), so reading 10,000 entries'
facts is a split each, not a decoder."""

_SEP = "\0"


def _joined(values: Sequence[str]) -> str:
    return _SEP.join(values)


def _split(value: str) -> tuple[str, ...]:
    return tuple(value.split(_SEP)) if value else ()


def _split_pairs(value: str) -> tuple[tuple[str, str], ...]:
    """``kind target`` strings (see :attr:`Rendered.local_links`) back into pairs."""
    return tuple((kind, target) for kind, _, target in (t.partition(" ") for t in _split(value)))


class RenderCache:
    """A SQLite file in the cache folder: key -> rendered HTML, assets and link resolutions."""

    def __init__(self, folder: Path | None) -> None:
        self.path = None if folder is None else folder / "render.sqlite3"
        self.broken = False
        # several workers write it at once
        self.db = None if self.path is None else open_store(self.path, (_SCHEMA,), shared=True)

    def _select(self, columns: str, keys: Sequence[str]) -> Iterable[tuple[Any, ...]]:
        if self.db is None:
            return
        try:
            sql = f"SELECT key, {columns} FROM render7 WHERE key IN ({{marks}})"
            yield from select_keys(self.db, sql, keys)
        except sqlite3.DatabaseError:  # corrupt: its entries are misses, and it goes
            self.broken = True

    def get_meta(self, keys: Sequence[str]) -> dict[str, Rendered]:
        """Entries without their HTML (``html`` is empty)."""
        out: dict[str, Rendered] = {}
        columns = "sha, assets, image, dep_names, dep_values, links, text_start"
        for key, sha, assets, image, names, values, links, start in self._select(columns, keys):
            if not all(isinstance(v, str) for v in (sha, assets, names, values, links, start)):
                continue  # not written by this code: a miss
            dep_names, dep_values = _split(names), _split(values)
            if len(dep_names) != len(dep_values) or not isinstance(image, (str, type(None))):
                continue
            local = _split_pairs(links)
            out[key] = Rendered(
                "", _split(assets), image, dep_names, dep_values, sha, local, start, kept=True
            )
        return out

    def get_html(self, keys: Sequence[str]) -> dict[str, str]:
        return {key: str(html) for key, html in self._select("html", keys)}

    def put_many(self, entries: Iterable[tuple[str, Rendered]]) -> set[str]:
        """Store renderings; returns the keys stored (none when the write failed)."""
        if self.db is None:
            return set()
        rows = [
            (
                k,
                r.sha,
                _joined(r.assets),
                r.image,
                _joined(r.dep_names),
                _joined(r.dep_values),
                _joined([f"{kind} {target}" for kind, target in r.local_links]),
                r.text_start,
                r.html,
            )
            for k, r in entries
            if not any(_SEP in v for v in (*r.assets, *r.dep_names, *r.dep_values))
            and not any(_SEP in target for _, target in r.local_links)
        ]
        sql = "INSERT OR REPLACE INTO render7 VALUES (?,?,?,?,?,?,?,?,?)"
        return {row[0] for row in rows} if write_rows(self.db, sql, rows) else set()

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None
        if self.broken and self.path is not None:
            delete_store(self.path)


class HtmlMissing(RuntimeError):
    """An item's HTML was expected in the render cache and is not there (the cache was
    deleted or damaged since the key was found)."""


AHEAD = 256
"""How many items' HTML :meth:`HtmlSource.fill_ahead` reads in one query."""


class HtmlSource:
    """The HTML of items rendered lazily (their :attr:`ItemKeys.html` set), read from the
    render cache only for the outputs a build rewrites: one edited post in 10,000 reads one
    body, not 150 MB. Forked writer processes and writer threads open their own connection.
    ``keys`` are the keys of the items it is asked for, by source."""

    def __init__(self, folder: Path | None, keys: Keys | None = None) -> None:
        self.folder = folder
        self.keys: Keys = keys if keys is not None else {}
        self.html: dict[str, str] = {}
        self._local = threading.local()

    def _db(self) -> RenderCache:
        """This thread's connection, opened in this process (SQLite refuses another thread's)."""
        found = getattr(self._local, "cache", None)
        if found is None or found[0] != os.getpid():
            found = self._local.cache = (os.getpid(), RenderCache(self.folder))
        return cast(RenderCache, found[1])

    def load(self, items: Iterable[Item]) -> dict[str, str]:
        """Fetch in one pass the HTML of the lazy items among ``items``; returns what it read."""
        wanted = {self.html_key(i) for i in items}
        keys = sorted(k for k in wanted if k and k not in self.html)
        found = self._db().get_html(keys) if keys else {}
        self.html.update(found)
        return found

    def html_key(self, item: Item) -> str:
        """The render-cache key of ``item``'s HTML when the item does not hold it, else ""."""
        found = self.keys.get(item.source)
        return found.html if found is not None and not item.html else ""

    def fill(self, item: Item) -> Item:
        """``item`` with its HTML in place."""
        key = self.html_key(item)
        if not key:
            return item
        html = self.html.get(key)
        if html is None:
            html = self._db().get_html([key]).get(key)  # whatever other threads read or forgot
            if html is None:
                raise HtmlMissing(
                    f"the render cache lost the HTML of {item.source} during the build; "
                    "run the build again"
                )
        return item.evolve(html=html)

    def fill_ahead(self, items: Sequence[Item], n: int) -> Item:
        """``items[n]`` with its HTML. On a miss, the HTML of the next lazy items (up to
        :data:`AHEAD`) is read in one query and what was read before is let go: a feed whose
        entries are made in order holds that many bodies at a time, not every one."""
        item = items[n]
        key = self.html_key(item)
        if key and key not in self.html:
            self.forget()
            html = self.load(items[n : n + AHEAD]).get(key)
            if html is not None:
                return item.evolve(html=html)
        return self.fill(item)

    def forget(self) -> None:
        """Let go of the HTML read so far (a writer's task is done with it)."""
        self.html = {}

    def close(self) -> None:
        """Close this thread's connection (another thread's closes when the thread ends)."""
        found, self._local.cache = getattr(self._local, "cache", None), None
        if found is not None and found[0] == os.getpid():
            found[1].close()


_WORKER_STATE: dict[str, object] = {}


def _init_worker(
    url_of: Mapping[str, str],
    site_url: str,
    asset_base: str | None,
    slug_style: str,
    cache_dir: Path | None,
    body_of: ReloadBody | None,
    lean: bool = False,
    jobs: Sequence[_Job] = (),
) -> None:
    _WORKER_STATE.update(
        url_of=url_of,
        site_url=site_url,
        asset_base=asset_base,
        slug_style=slug_style,
        body_of=body_of,
        lean=lean,
        jobs=jobs,
    )
    if cache_dir is not None:
        _WORKER_STATE["cache"] = RenderCache(cache_dir)


def _render_chunk(jobs: list[_Job]) -> list[tuple[str, Rendered]]:
    """Render in a worker and store the results in the cache from there: the parent would
    otherwise insert 150 MB of HTML alone while both workers wait. When the build reads HTML
    from the cache (``lean``), what was stored is sent back without it: 150 MB neither piped
    nor held by the parent (the writers read each page's HTML when they make it)."""
    results = [_render_job(job) for job in jobs]
    cache = _WORKER_STATE.get("cache")
    if isinstance(cache, RenderCache):
        stored = cache.put_many(results)
        if _WORKER_STATE.get("lean"):
            results = [
                (k, r._replace(html="", kept=True) if k in stored else r) for k, r in results
            ]
    return results


def _render_range(bounds: tuple[int, int]) -> list[tuple[str, Rendered]]:
    """The jobs a forked worker inherited, rendered (bodies never pickled: 130 MB at 10,000)."""
    jobs = _WORKER_STATE["jobs"]
    assert isinstance(jobs, list)
    return _render_chunk(jobs[bounds[0] : bounds[1]])


def _render_job(job: _Job) -> tuple[str, Rendered]:
    url_of = _WORKER_STATE["url_of"]
    assert isinstance(url_of, dict)
    asset_base = _WORKER_STATE["asset_base"]
    ctx = LinkRecorder(
        source=job.source,
        url=job.url,
        url_of=url_of,
        site_url=str(_WORKER_STATE["site_url"]),
        asset_base=asset_base if isinstance(asset_base, str) else None,
        slug_style=str(_WORKER_STATE["slug_style"]),
        line_offset=job.line_offset,
        includes={path: (body, line) for path, body, line in job.includes},
    )
    if job.title_id:
        ctx.ids().reserve(job.title_id)
    tracked = TrackingMap(url_of)
    ctx.url_of = tracked
    body = job.body
    if body is None:
        body_of = _WORKER_STATE["body_of"]
        assert callable(body_of)
        body = str(body_of(job.source, job.body_digest))
    html = clean(render(body, ctx))
    local = tuple(ctx.local)
    image = ctx.resolve(job.image, "image") if job.image else None
    deps = sorted(tracked.seen.items())
    names, values = tuple(a for a, _ in deps), tuple(b for _, b in deps)
    sha = hashlib.sha256(html.encode()).hexdigest()
    start = plain_start(html, SUMMARY_CHARS)
    return job.key, Rendered(html, tuple(ctx.assets), image, names, values, sha, local, start)


def _still_resolves(r: Rendered, url_of: Mapping[str, str]) -> bool:
    """True when every link lookup a cached rendering made still gets the same answer."""
    return tuple(map(url_of.get, r.dep_names, repeat(""))) == r.dep_values


def _asset_base(cfg: Config) -> str | None:
    return None if cfg.site.pages else cfg.feeds_base + "assets/"


def render_items(
    cfg: Config,
    items: Sequence[Item],
    cache_dir: Path | None,
    url_of: Mapping[str, str] | None = None,
    *,
    lazy: bool = False,
    body_of: ReloadBody | None = None,
    loaded: Keys | None = None,
    keys: Sequence[str] | None = None,
    clamp: bool = False,
) -> tuple[list[Item], dict[str, ItemKeys]]:
    """Fill ``html``, ``assets`` and ``image`` of every item, from the cache where possible;
    and each item's keys as rendered (by source: :class:`~pipeline.build.keys.ItemKeys`, its
    ``output`` now covering the rendering too).

    ``loaded`` are the items' keys as loaded (:func:`pipeline.build.keys.loaded_keys`,
    computed when not given). With ``lazy``, HTML found in the cache is not read: the item's
    ``html`` key names it instead (see :class:`HtmlSource`). ``body_of`` supplies the Markdown
    of an item loaded without it (its body key given) when it must be rendered after all:
    called by the worker that renders it, so bodies never go through a pipe. ``keys`` are
    :func:`render_keys`'s answer for ``items`` when the caller has it already.
    """
    if loaded is None:
        loaded = loaded_keys(items, {})
    if url_of is None:
        url_of = link_targets(((i.source, i.url, i.title) for i in items), clamp=clamp)
    url_of = dict(url_of)
    keys = list(keys) if keys is not None else render_keys(cfg, items, loaded)
    cache = RenderCache(cache_dir)
    try:
        hits = cache.get_meta(keys)
        fresh = {k: r for k, r in hits.items() if _still_resolves(r, url_of)}
        todo = _jobs(items, keys, fresh, loaded, body_of)
        done: dict[str, Rendered] = dict(fresh)
        n_workers = min(2, os.cpu_count() or 1)
        initargs = (url_of, cfg.site.base_url, _asset_base(cfg), cfg.content.slug_style)
        if len(todo) >= PARALLEL_THRESHOLD and n_workers > 1:
            fork = forkable()  # the workers inherit the jobs, else each chunk is sent
            bounds = [(i, min(i + 64, len(todo))) for i in range(0, len(todo), 64)]
            work: Callable[[Any], list[tuple[str, Rendered]]] = (
                _render_range if fork else _render_chunk
            )
            with process_pool(
                n_workers,
                initializer=_init_worker,
                initargs=(*initargs, cache_dir, body_of, lazy, todo if fork else []),
                fork=fork,
            ) as pool:
                tasks = bounds if fork else [todo[a:b] for a, b in bounds]
                results = [r for chunk in pool.map(work, tasks) for r in chunk]
        else:
            _init_worker(*initargs, None, body_of)
            results = [_render_job(j) for j in todo]
            cache.put_many(results)
        done.update(results)
        done_html = {} if lazy else cache.get_html([k for k, r in done.items() if r.kept])
    finally:
        cache.close()
    return _filled(items, keys, done, done_html, loaded, lazy=lazy)


def _jobs(
    items: Sequence[Item],
    keys: Sequence[str],
    fresh: Mapping[str, Rendered],
    loaded: Keys,
    body_of: ReloadBody | None,
) -> list[_Job]:
    """What is left to render: each item whose key the cache has no fresh rendering of (its
    body read again by the worker, through ``body_of``, when it was loaded without it)."""
    todo: list[_Job] = []
    for item, key in zip(items, keys, strict=True):
        if key in fresh:
            continue
        body: str | None = item.body
        digest = loaded[item.source].body
        if not body and digest not in ("", EMPTY_DIGEST):
            if body_of is None:
                raise ValueError(f"{item.source}: loaded without its body; pass body_of")
            body = None
        todo.append(
            _Job(
                *(key, item.source, item.url, body, digest, item.image, _offset(item)),
                *(item.includes, item.title_id),
            )
        )
    return todo


def _filled(
    items: Sequence[Item],
    keys: Sequence[str],
    done: Mapping[str, Rendered],
    done_html: Mapping[str, str],
    loaded: Keys,
    *,
    lazy: bool,
) -> tuple[list[Item], dict[str, ItemKeys]]:
    """Each item with what rendering gave it (its HTML, or with ``lazy`` its render key for
    a cached rendering), and its keys as rendered."""
    out = []
    made: dict[str, ItemKeys] = {}
    for item, key in zip(items, keys, strict=True):
        r = done[key]
        html, html_key = r.html, ""
        if r.kept:
            if lazy:
                html_key = key
            else:
                html = done_html[key]
        was = loaded[item.source]
        base = f"{was.output}\0{r.sha}\0{r.assets}\0{r.image}"
        made[item.source] = ItemKeys(was.body, html_key, hashlib.sha256(base.encode()).hexdigest())
        out.append(
            item.evolve(
                html=html,
                text_start=r.text_start,
                assets=r.assets,
                image=r.image,
                local_links=r.local_links,
            )
        )
    return out, made


def render_keys(cfg: Config, items: Iterable[Item], loaded: Keys) -> list[str]:
    """The render cache's key of each item, as loaded (before rendering: rendering resolves
    ``image``): its body (by its key in ``loaded``), URL and image, and every setting the
    HTML depends on."""
    asset_base = _asset_base(cfg)
    salt = f"{code_digest()}\0{cfg.content.slug_style}\0{asset_base}\0{cfg.site.base_url}"
    keys: list[str] = []
    for item in items:
        digest = loaded[item.source].body
        key = f"{salt}\0{item.source}\0{item.url}\0{item.image}\0{_offset(item)}\0{digest}"
        if item.includes or item.title_id:  # the files it includes, its title's id
            key += f"\0{item.includes!r}\0{item.title_id}"
        keys.append(hashlib.sha256(key.encode()).hexdigest())
    return keys


def _offset(item: Item) -> int:  # lines before the body: rendered links know their file line
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
    clamp = gitbook_mode(config, content_dir)  # a ../ too many stops at a space's root
    rendered, _ = render_items(config, site.items, cache_dir, clamp=clamp)
    return Site(tuple(rendered), site.warnings)
