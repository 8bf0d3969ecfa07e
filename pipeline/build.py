"""``publish build``: validate and render everything first, then write every output.

Nothing is written unless the whole site validates (and the podcast feed passes its own
linter). Each file is written atomically and only when its bytes change; files a previous
build wrote that are no longer produced are removed, using a manifest in the output folder.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from pipeline.buildstate import (
    BuildResult,
    Manifest,
    cached_result,
    fingerprint,
    read_manifest,
    write_manifest,
)
from pipeline.config import Config
from pipeline.errors import ConfigError, ContentError, Problem
from pipeline.loader import load_site
from pipeline.model import Item, Site
from pipeline.output import Stamp, copy_if_changed, exclusive_lock, remove_strays, write_output
from pipeline.pages import page_path, render_page
from pipeline.paths import OutsideRoot, resolve_inside
from pipeline.site import PARALLEL_THRESHOLD, render_items
from pipeline.syndication.atom import iter_atom
from pipeline.syndication.common import FeedPage, FeedSpec, pages_of, plan_feeds
from pipeline.syndication.directory import FeedLink, render_index, render_opml
from pipeline.syndication.ical import render_ics
from pipeline.syndication.jsonfeed import iter_json
from pipeline.syndication.rss import iter_rss

WRITING_MARKER = ".publish-writing.tmp"
"""Present while outputs are being written: found at the start, the last build was killed."""

Output = tuple[str, Callable[[], bytes | Iterable[str]]]
"""An output path and the function producing its bytes (or text pieces), called at write time."""


class _FragmentMemo:
    """Serialised entries of the one feed format being written, shared by the feeds of that
    format (site, sections, tags) and dropped when the next format starts, so at most one
    format's entries are held. Outputs are ordered by format for this."""

    def __init__(self) -> None:
        self.format = ""
        self.fragments: dict[str, str] = {}

    def for_format(self, fmt: str) -> dict[str, str]:
        if fmt != self.format:
            self.format, self.fragments = fmt, {}
        return self.fragments

    def clear(self) -> None:
        self.format, self.fragments = "", {}


_MEMO = _FragmentMemo()
FEED_WRITERS = {"rss.xml": iter_rss, "atom.xml": iter_atom, "feed.json": iter_json}
"""File name -> writer; every writer takes (cfg, title, description, items, page, fragments)."""
FEED_FORMATS = tuple(FEED_WRITERS)


def _format_of(path: str) -> int:
    """Position of a feed file's format in FEED_FORMATS (len for anything else)."""
    name = path.rsplit("/", 1)[-1]
    return FEED_FORMATS.index(name) if name in FEED_FORMATS else len(FEED_FORMATS)


def _feed_document(
    cfg: Config, spec: FeedSpec, fmt: str, items: tuple[Item, ...], where: FeedPage
) -> Iterable[str]:
    writer = FEED_WRITERS[fmt]
    return writer(cfg, spec.title, spec.purpose, items, where, _MEMO.for_format(fmt))


def _feed_outputs(
    cfg: Config, spec: FeedSpec
) -> Iterator[tuple[str, Callable[[], Iterable[str]], str]]:
    """(path, producer, kind) for the three formats of one feed, with RFC 5005 archives."""
    base = cfg.feeds_base
    chunks = pages_of(spec.items, cfg.feeds.limit)
    n_arch = len(chunks) - 1

    def name(fmt: str, page: int) -> str:
        return spec.path(fmt if page == 0 else f"archive/{page}/{fmt}")

    for page, items in enumerate(chunks):
        is_archive = page > 0
        # archives are numbered from the oldest (1) up; the current document links the newest
        prev_page = (n_arch if page == 0 else page - 1) if n_arch else 0
        next_page = page + 1 if is_archive and page < n_arch else 0
        for fmt, kind in (("rss.xml", "rss"), ("atom.xml", "atom"), ("feed.json", "json")):
            self_url = base + name(fmt, page)
            prev = base + name(fmt, prev_page) if prev_page else None
            nxt = base + name(fmt, next_page) if next_page else None
            cur = base + name(fmt, 0) if n_arch else None

            where = FeedPage(self_url, prev, nxt, cur, is_archive)
            make = functools.partial(_feed_document, cfg, spec, fmt, items, where)
            yield name(fmt, page), make, kind


def plan_outputs(
    cfg: Config,
    content_dir: Path,
    site: Site,
    now: dt.datetime,
    known: dict[str, Stamp] | None = None,
) -> tuple[list[Output], list[FeedLink], list[tuple[Path, str]]]:
    """Every output file (produced lazily, so memory holds one at a time) and every copy.

    ``known`` is the last build's record of its outputs (see :mod:`pipeline.buildstate`).
    """
    known = known or {}
    items = site.published(now)
    outputs: list[Output] = []
    links: list[FeedLink] = []
    feed_outputs: list[Output] = []
    for spec in plan_feeds(cfg, items):
        if not spec.items and spec.key:
            continue
        for path, make, kind in _feed_outputs(cfg, spec):
            feed_outputs.append((path, make))
            if "/archive/" not in f"/{path}":
                links.append(
                    FeedLink(
                        f"{spec.title} ({kind.upper()})", spec.purpose, cfg.feeds_base + path, kind
                    )
                )
    # by format, so each format's feeds are written together and share serialised entries
    outputs.extend(sorted(feed_outputs, key=lambda o: _format_of(o[0])))
    events = [i for i in items if i.event is not None]
    if events:
        outputs.append(("events.ics", lambda: render_ics(cfg, events)))
        links.append(
            FeedLink(
                f"{cfg.site.title}: events",
                "Events, for your calendar app",
                cfg.feeds_base + "events.ics",
                "ics",
            )
        )
    episodes = [i for i in items if i.episode is not None]
    if episodes:
        from pipeline.podcast.feed import podcast_files, render_podcast_feed
        from pipeline.podcast.show import show_problems

        show = show_problems(cfg, content_dir)
        if show:
            raise ConfigError(show)
        data = render_podcast_feed(episodes, cfg)
        last = known.get("podcast.xml")
        if last is None or last[2] != hashlib.sha256(data).hexdigest():
            _lint_podcast(data)  # a feed byte-identical to the last one passed already
        outputs.append(("podcast.xml", lambda: data))
        for name, blob in sorted(podcast_files(episodes, cfg, content_dir).items()):
            outputs.append((name, _constant(blob)))
        links.insert(
            0,
            FeedLink(
                cfg.podcast.title or f"{cfg.site.title} podcast",
                "The podcast, for podcast apps",
                cfg.feeds_base + "podcast.xml",
                "podcast",
            ),
        )
    copies: list[tuple[Path, str]] = []
    home: Item | None = None
    if cfg.site.pages:
        for item in (*items, *site.pages()):
            rel = page_path(cfg, item.url)
            if rel is None:
                continue
            if rel == "index.html":  # the home page also carries the feed directory
                home = item
            else:
                outputs.append((rel, _page_maker(cfg, item)))
            folder = rel.rsplit("/", 1)[0] + "/" if "/" in rel else ""
            for asset in _assets_of(item):
                src = _safe(content_dir, asset)
                if src is not None:
                    copies.append((src, folder + asset.rsplit("/", 1)[-1]))
    else:
        for item in items:
            for asset in _assets_of(item):
                src = _safe(content_dir, asset)
                if src is not None:
                    copies.append((src, "assets/" + asset))
    outputs.append(("index.html", lambda: render_index(cfg, links, home)))
    outputs.append(("feeds.opml", lambda: render_opml(cfg, links)))
    return outputs, links, copies


def _constant(data: bytes) -> Callable[[], bytes]:
    return lambda: data


def _page_maker(cfg: Config, item: Item) -> Callable[[], bytes]:
    return lambda: render_page(cfg, item)


def _assets_of(item: Item) -> list[str]:
    found = list(item.assets)
    if item.episode:
        for media in (item.episode.audio, item.episode.transcript, item.episode.chapters):
            if media is not None and media.source:
                found.append(media.source)
    return found


def _safe(root: Path, rel: str) -> Path | None:
    try:
        _, path = resolve_inside(root, "", rel)
    except OutsideRoot:
        return None
    return path if path.is_file() else None


def _lint_podcast(data: bytes) -> None:
    from pipeline.feedlint import lint_feed

    hard = [r for r in lint_feed(data, podcast=True) if r.severity == "hard"]
    if hard:
        raise ContentError(
            Problem("podcast.xml", 1, r.rule, f"feed refused by the linter: {r.message}")
            for r in hard
        )


def build(
    cfg: Config,
    content_dir: Path,
    out_dir: Path,
    *,
    now: dt.datetime,
    cache_dir: Path | None = None,
    strict: bool = False,
    known_stale: bool = False,
) -> BuildResult:
    """Validate, render and write every output into ``out_dir``.

    ``known_stale`` skips the nothing-changed check when the caller has just made it.

    Everything that can fail on content fails before the output folder is touched; the
    write phase holds a lock so two builds never interleave their files.
    """
    previous = read_manifest(out_dir)
    if not known_stale:
        cached = cached_result(previous, cfg, content_dir, out_dir, now)
        if cached is not None:
            return cached
    notes: list[str] = []
    site = load_site(cfg, content_dir, strict=strict, write_ledger=True, cache_dir=cache_dir)
    rendered = render_items(cfg, site.items, cache_dir)
    # the Markdown source is not needed past rendering (episodes keep it for chapters)
    site = Site(
        tuple(i if i.episode else dataclasses.replace(i, body="") for i in rendered),
        site.warnings,
    )
    del rendered
    outputs, links, copies = plan_outputs(cfg, content_dir, site, now, previous.files)
    if (
        any(i.episode for i in site.items)
        and not cfg.podcast.guid
        and cfg.path
        and cfg.path.exists()
    ):
        from pipeline.podcast.show import pin_guid, show_guid

        guid = show_guid(cfg)
        if pin_guid(cfg.path, guid):  # computed once, then pinned and never recomputed
            notes.append(f"podcast:guid {guid} computed and pinned in {cfg.path}: commit it")
    with exclusive_lock(out_dir):
        writing = out_dir / WRITING_MARKER
        if writing.exists() or not previous.fingerprint:
            remove_strays(out_dir)  # the last build was cut off (or is unknown): sweep
        writing.touch()
        written: list[str] = []
        unchanged = 0
        produced: set[str] = set()
        stamps: dict[str, Stamp] = {}
        for rel, changed, stamp in write_all(out_dir, outputs, previous.files):
            produced.add(rel)
            stamps[rel] = stamp
            if changed:
                written.append(rel)
            else:
                unchanged += 1
        for src, rel in copies:
            produced.add(rel)
            if copy_if_changed(src, out_dir / rel):
                written.append(rel)
            st = (out_dir / rel).stat()
            stamps[rel] = (st.st_size, st.st_mtime_ns, "")
        removed = _remove_stale(out_dir, set(previous.files), produced)
        result = BuildResult(
            items=len(site.published(now)),
            pages=len(site.pages()),
            feeds=len(links),
            written=tuple(written),
            unchanged=unchanged,
            removed=removed,
            warnings=site.warnings,
            notes=tuple(notes),
        )
        due = [
            i.date for i in site.items if i.is_feed_item and not i.draft and i.date and i.date > now
        ]
        write_manifest(
            out_dir,
            Manifest(
                fingerprint(cfg, content_dir, out_dir),
                min(due).isoformat() if due else None,
                stamps,
                {
                    "items": result.items,
                    "pages": result.pages,
                    "feeds": result.feeds,
                    "warnings": [[w.path, w.line, w.field, w.message] for w in result.warnings],
                },
            ),
        )
        writing.unlink()
    return result


_WRITE_STATE: list[tuple[Path, list[Output], dict[str, Stamp]]] = []
"""What forked writer processes inherit (never pickled: 10,000 items would cost seconds)."""

WriteResult = tuple[str, bool, Stamp]


def _write_range(bounds: tuple[int, int]) -> list[WriteResult]:
    out_dir, outputs, known = _WRITE_STATE[-1]
    results = []
    try:
        for rel, make in outputs[bounds[0] : bounds[1]]:
            changed, stamp = write_output(out_dir / rel, make(), known.get(rel))
            results.append((rel, changed, stamp))
    finally:
        _MEMO.clear()
    return results


def write_all(out_dir: Path, outputs: list[Output], known: dict[str, Stamp]) -> list[WriteResult]:
    """Produce and write every output; on both cores when there are many (forked workers
    share the rendered items copy-on-write). Feeds come first, each a task of its own."""
    _WRITE_STATE.append((out_dir, outputs, known))
    try:
        forkable = "fork" in multiprocessing.get_all_start_methods()  # not on Windows
        if len(outputs) < PARALLEL_THRESHOLD or (os.cpu_count() or 1) < 2 or not forkable:
            return _write_range((0, len(outputs)))
        ranges = []
        start = 0
        while start < len(outputs):
            group = _format_of(outputs[start][0])
            stop = start + 1
            if group < len(FEED_FORMATS):  # every feed of one format: one task, one memo
                while stop < len(outputs) and _format_of(outputs[stop][0]) == group:
                    stop += 1
            else:
                stop = min(len(outputs), start + 256)
            ranges.append((start, stop))
            start = stop
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(2, mp_context=context) as pool:
            return [r for chunk in pool.map(_write_range, ranges) for r in chunk]
    finally:
        _WRITE_STATE.pop()


def _remove_stale(out_dir: Path, previous: set[str], produced: set[str]) -> tuple[str, ...]:
    """Delete what an earlier build wrote and this one no longer produces."""
    removed = []
    root = out_dir.resolve()
    for rel in sorted(previous - produced):
        target = out_dir / rel
        if Path(rel).is_absolute() or ".." in Path(rel).parts or not target.is_file():
            continue  # a tampered manifest never reaches outside the output folder
        if root not in target.resolve().parents:
            continue
        target.unlink()
        removed.append(rel)
    return tuple(removed)
