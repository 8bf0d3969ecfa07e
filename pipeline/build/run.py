"""``publish build``: validate and render everything first, then write every output.

Nothing is written unless the whole site validates (and the podcast feed passes its own
linter). Each file is written atomically and only when its bytes change; files a previous
build wrote that are no longer produced are removed, using a manifest in the output folder.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import hashlib
import multiprocessing
import os
import shutil
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from pipeline.build.feedwrite import FeedIndex, read_index, save_index, write_feed
from pipeline.build.loadcache import stat_key
from pipeline.build.site import HtmlMissing, HtmlSource
from pipeline.build.sitenav import table_of_contents
from pipeline.build.snapshot import discard as discard_snapshot
from pipeline.build.snapshot import rendered_site
from pipeline.build.state import (
    BuildResult,
    Manifest,
    build_salt,
    cached_result,
    fingerprint,
    read_manifest,
    write_manifest,
)
from pipeline.build.timings import Timings
from pipeline.config import Config
from pipeline.errors import ConfigError, ContentError, Problem
from pipeline.linkcheck.dangling import with_link_warnings
from pipeline.model import Item, Site
from pipeline.support.output import (
    Stamp,
    copy_if_changed,
    exclusive_lock,
    remove_strays,
    write_output,
)
from pipeline.support.parallel import PARALLEL_THRESHOLD
from pipeline.support.paths import OutsideRoot, resolve_inside
from pipeline.support.workers import process_pool
from pipeline.syndication.atom import ATOM
from pipeline.syndication.common import FeedFormat, FeedPage, FeedSpec, pages_of, plan_feeds
from pipeline.syndication.directory import FeedLink, render_index, render_opml
from pipeline.syndication.ical import render_ics
from pipeline.syndication.jsonfeed import JSON_FEED
from pipeline.syndication.pages import page_path
from pipeline.syndication.rss import RSS
from pipeline.syndication.theme import search
from pipeline.syndication.theme.plan import plan_site

WRITING_MARKER = ".publish-writing.tmp"
"""Present while outputs are being written: found at the start, the last build was killed."""


@dataclass(frozen=True)
class FeedDoc:
    """One feed document to write: which format, which feed, which page of its archive."""

    fmt: str
    title: str
    purpose: str
    items: tuple[Item, ...]
    page: FeedPage


class Output(NamedTuple):
    """One file of the output folder, produced only when the build writes it (a named tuple:
    10,000 are made per build)."""

    path: str
    make: Callable[[], bytes] | None = None
    inputs: str = ""
    """A digest of everything the bytes are made from; when the last build recorded the same
    for a file that is still as it left it, the file is not produced at all. "" = always."""
    feed: FeedDoc | None = None
    """For feeds (``make`` is None): written by splicing, see :mod:`pipeline.build.feedwrite`."""
    needs: tuple[Item, ...] = ()
    """Items whose HTML ``make`` reads (for feeds: found from the last file's index)."""


class _FormatMemo(threading.local):
    """Where each entry already sits in a feed of the format being written, written this
    build (site, sections, tags): the next feed copies it from there instead of serialising
    it again. Dropped when the next format starts; outputs are ordered by format for this.
    One per thread. (Entries themselves are not kept: the file holds them.)"""

    def __init__(self) -> None:
        self.format = ""
        self.written: list[tuple[str, FeedIndex]] = []

    def for_format(self, fmt: str) -> _FormatMemo:
        if fmt != self.format:
            self.clear()
            self.format = fmt
        return self

    def clear(self) -> None:
        self.format, self.written = "", []


_MEMO = _FormatMemo()
FEED_FORMATS: dict[str, FeedFormat] = {"rss.xml": RSS, "atom.xml": ATOM, "feed.json": JSON_FEED}
LINK_KIND_OF_FEED = {"rss.xml": "rss", "atom.xml": "atom", "feed.json": "json"}
"""Feed file name -> the kind the feed directory shows (``model.FEED_KINDS`` is items')."""


def _format_of(path: str) -> int:
    """Position of a feed file's format in FEED_FORMATS (len for anything else)."""
    name = path.rsplit("/", 1)[-1]
    names = list(FEED_FORMATS)
    return names.index(name) if name in FEED_FORMATS else len(names)


def _digest(*parts: object) -> str:
    return hashlib.sha256("\0".join(map(str, parts)).encode()).hexdigest()


def _feed_outputs(cfg: Config, spec: FeedSpec, salt: str) -> Iterator[tuple[Output, str]]:
    """The three formats of one feed, with RFC 5005 archives, and each one's kind."""
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
        item_digests = "\0".join(i.digest for i in items)
        for fmt, kind in LINK_KIND_OF_FEED.items():
            self_url = base + name(fmt, page)
            prev = base + name(fmt, prev_page) if prev_page else None
            nxt = base + name(fmt, next_page) if next_page else None
            cur = base + name(fmt, 0) if n_arch else None
            where = FeedPage(self_url, prev, nxt, cur, is_archive)
            doc = FeedDoc(fmt, spec.title, spec.purpose, items, where)
            inputs = _digest(salt, fmt, spec.title, spec.purpose, where, item_digests)
            yield Output(name(fmt, page), inputs=inputs, feed=doc), kind


def plan_outputs(
    cfg: Config,
    content_dir: Path,
    site: Site,
    now: dt.datetime,
    previous: Manifest | None = None,
    html: HtmlSource | None = None,
    out_dir: Path | None = None,
    salt: str | None = None,
) -> tuple[list[Output], list[FeedLink], list[tuple[Path, str]]]:
    """Every output file (produced lazily, so memory holds one at a time) and every copy.

    ``previous`` is the last build's record of its outputs (see :mod:`pipeline.build.state`);
    ``html`` supplies the HTML of items rendered lazily; ``salt`` is :func:`build_salt`'s.
    """
    previous = previous or Manifest()
    html = html or HtmlSource(None)
    salt = salt or build_salt(cfg, content_dir)
    items = site.published(now)
    outputs: list[Output] = []
    links: list[FeedLink] = []
    feed_outputs: list[Output] = []
    for spec in plan_feeds(cfg, items):
        if not spec.items and spec.key:
            continue
        for output, kind in _feed_outputs(cfg, spec, salt):
            feed_outputs.append(output)
            if output.feed is None or not output.feed.page.is_archive:  # not RFC 5005 pages
                links.append(
                    FeedLink(
                        f"{spec.title} ({kind.upper()})",
                        spec.purpose,
                        cfg.feeds_base + output.path,
                        kind,
                    )
                )
    # by format, so each format's feeds are written together and copy entries from each other
    outputs.extend(sorted(feed_outputs, key=lambda o: _format_of(o.path)))
    events = tuple(i for i in items if i.event is not None)
    if events:
        outputs.append(
            Output(
                "events.ics",
                lambda: render_ics(cfg, [html.fill(i) for i in events]),
                _digest(salt, "ics", *(i.digest for i in events)),
                needs=events,
            )
        )
        links.append(
            FeedLink(
                f"{cfg.site.title}: events",
                "Events, for your calendar app",
                cfg.feeds_base + "events.ics",
                "ics",
            )
        )
    episodes = tuple(i for i in items if i.episode is not None)
    if episodes:
        outputs.extend(_podcast_outputs(cfg, content_dir, episodes, previous, html, salt, out_dir))
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
    if cfg.site.pages:
        shown = (*items, *site.pages())
        toc = table_of_contents(cfg, content_dir)
        planned, copies = plan_site(
            cfg, content_dir, items, site.pages(), links, salt, html.fill, html.folder, toc
        )
        outputs.extend(Output(p.path, p.make, p.inputs, needs=p.needs) for p in planned)
        for item in shown:
            rel = page_path(cfg, item.url)
            if rel is None:
                continue
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
        outputs.append(Output("index.html", lambda: render_index(cfg, links)))
    outputs.append(Output("feeds.opml", lambda: render_opml(cfg, links)))
    return outputs, links, copies


def _podcast_outputs(
    cfg: Config,
    content_dir: Path,
    episodes: tuple[Item, ...],
    previous: Manifest,
    html: HtmlSource,
    salt: str,
    out_dir: Path | None,
) -> list[Output]:
    """``podcast.xml`` (made and linted now, before anything is written) and its files."""
    from pipeline.podcast.feed import podcast_files, render_podcast_feed
    from pipeline.podcast.show import show_problems

    show = show_problems(cfg, content_dir)
    if show:
        raise ConfigError(show)
    image = cfg.podcast.image
    image_stat = stat_key(content_dir / image) if image and "://" not in image else None
    inputs = _digest(salt, "podcast", image_stat, *(i.digest for i in episodes))
    outputs: list[Output] = []
    if out_dir is not None and _up_to_date("podcast.xml", inputs, previous, out_dir):
        outputs.append(Output("podcast.xml", inputs=inputs))
    else:
        html.load(episodes)
        data = render_podcast_feed([html.fill(i) for i in episodes], cfg)
        last = previous.files.get("podcast.xml")
        if last is None or last[2] != hashlib.sha256(data).hexdigest():
            _lint_podcast(data)  # a feed byte-identical to the last one passed already
        outputs.append(Output("podcast.xml", _constant(data), inputs))
    for name, blob in sorted(podcast_files(episodes, cfg, content_dir).items()):
        outputs.append(Output(name, _constant(blob)))
    return outputs


def _up_to_date(rel: str, inputs: str, previous: Manifest, out_dir: Path) -> bool:
    """True when the last build made ``rel`` from the same inputs and the file is still as
    it left it."""
    if not inputs or previous.inputs.get(rel) != inputs or rel not in previous.files:
        return False
    try:
        st = os.stat(os.path.join(out_dir, rel))
    except OSError:
        return False
    return (st.st_size, st.st_mtime_ns) == previous.files[rel][:2]


def _constant(data: bytes) -> Callable[[], bytes]:
    return lambda: data


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
    try:
        return path if path.is_file() else None
    except OSError:  # a name the file system refuses (too long): reported by the loader
        return None


def _lint_podcast(data: bytes) -> None:
    from pipeline.feedcheck import lint_feed

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
    inputs_fingerprint: str | None = None,
    input_stats: Mapping[str, os.stat_result] | None = None,
    previous: Manifest | None = None,
    timings: Timings | None = None,
) -> BuildResult:
    """Validate, render and write every output into ``out_dir``.

    ``known_stale`` skips the nothing-changed check when the caller has just made it, with
    ``inputs_fingerprint`` the fingerprint it computed for that (taken before anything was
    read, so an edit made during the build is seen by the next one) and ``previous`` the
    manifest it read, and ``input_stats`` the content files' stats it took for that.
    ``timings`` records each stage's wall time.

    Everything that can fail on content fails before the output folder is touched; the
    write phase holds a lock so two builds never interleave their files.
    """
    _check_apart(content_dir, out_dir)
    if previous is None:
        previous = read_manifest(out_dir)
    if inputs_fingerprint is None:
        inputs_fingerprint = fingerprint(cfg, content_dir, out_dir, strict=strict)
    if not known_stale:
        cached = cached_result(previous, inputs_fingerprint, out_dir, now)
        if cached is not None:
            return cached
    # A build allocates hundreds of thousands of objects that live as long as it does, and
    # frees the rest by reference counting: the cycle collector, scanning them over and over,
    # cost a tenth of an edit build at 10,000 posts (and made forked workers copy the pages
    # it touched). It is paused for the build and the workers it forks.
    enabled = gc.isenabled()
    gc.disable()
    run = functools.partial(
        _build,
        cfg,
        content_dir,
        out_dir,
        now,
        cache_dir,
        strict,
        inputs_fingerprint,
        previous,
        timings or Timings(),
        input_stats or {},
    )
    try:
        try:
            return run(use_snapshot=True)
        except HtmlMissing:
            if cache_dir is None:
                raise
            # the snapshot named HTML the render cache no longer has (it was deleted or
            # found damaged): forget it and build again, rendering what is missing
            discard_snapshot(cache_dir)
            return run(use_snapshot=False)
    finally:
        if enabled:
            gc.enable()


def _check_apart(content_dir: Path, out_dir: Path) -> None:
    """Refuse the content folder as the output folder: a copied image would be its own source,
    and removing it as a stale output would delete the editor's file. (A folder inside the
    content is fine: a space kept at the top of its repository writes ``feeds/`` there.)"""
    content, out = content_dir.resolve(), out_dir.resolve()
    if out == content:
        raise ConfigError(
            [
                Problem(
                    str(out_dir),
                    1,
                    "--out",
                    f"the output folder is the content folder {content_dir}; "
                    "choose another (default: feeds/)",
                )
            ]
        )


def _build(
    cfg: Config,
    content_dir: Path,
    out_dir: Path,
    now: dt.datetime,
    cache_dir: Path | None,
    strict: bool,
    inputs_fingerprint: str,
    previous: Manifest,
    timings: Timings,
    input_stats: Mapping[str, os.stat_result],
    *,
    use_snapshot: bool,
) -> BuildResult:
    notes: list[str] = []
    ledger_before = stat_key(content_dir / cfg.content.id_ledger)
    site, _ = rendered_site(
        cfg,
        content_dir,
        cache_dir,
        strict=strict,
        use_snapshot=use_snapshot,
        timings=timings,
        stats=input_stats,
    )
    site = with_link_warnings(cfg, content_dir, site, strict=strict)
    html = HtmlSource(cache_dir)
    salt = build_salt(cfg, content_dir)
    outputs, links, copies = plan_outputs(
        cfg, content_dir, site, now, previous, html, out_dir, salt=salt
    )
    inputs_written = stat_key(content_dir / cfg.content.id_ledger) != ledger_before
    if (
        any(i.episode for i in site.items)
        and not cfg.podcast.guid
        and cfg.path
        and cfg.path.exists()
    ):
        from pipeline.podcast.show import pin_guid, show_guid

        pinned = pin_guid(cfg.path, show_guid(cfg))  # computed once, then never recomputed
        if pinned is not None:
            notes.append(pinned)
            inputs_written = True
    if inputs_written:  # the build changed its own inputs: record them as they are now
        inputs_fingerprint = fingerprint(cfg, content_dir, out_dir, strict=strict)
    timings.mark("plan")
    with exclusive_lock(out_dir):
        writing = out_dir / WRITING_MARKER
        if writing.exists() or not previous.fingerprint:
            remove_strays(out_dir)  # the last build was cut off (or is unknown): sweep
        writing.touch()
        jobs = _jobs(out_dir, outputs, previous, cache_dir, salt, html)
        written: list[str] = []
        unchanged = 0
        produced: set[str] = set()
        stamps: dict[str, Stamp] = {}
        inputs: dict[str, str] = {}
        state = _WriteState(cfg, out_dir, jobs, previous.files, salt, html)
        for rel, changed, stamp, index in write_all(state):
            produced.add(rel)
            stamps[rel] = stamp
            if changed:
                written.append(rel)
            else:
                unchanged += 1
            if index is not None:
                save_index(cache_dir, rel, index)
        timings.mark("write")
        for output in outputs:
            if output.inputs:
                inputs[output.path] = output.inputs
        html.close()
        for src, rel in copies:
            produced.add(rel)
            if copy_if_changed(src, out_dir / rel):
                written.append(rel)
            else:
                unchanged += 1
            st = (out_dir / rel).stat()
            stamps[rel] = (st.st_size, st.st_mtime_ns, "")
        removed = _remove_stale(out_dir, set(previous.files), produced)
        notes.extend(_search_index(cfg, out_dir, (*written, *removed)))
        result = BuildResult(
            items=site.count_published(now),
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
                inputs_fingerprint,
                min(due).isoformat() if due else None,
                stamps,
                inputs,
                {
                    "items": result.items,
                    "pages": result.pages,
                    "feeds": result.feeds,
                    "warnings": [[w.path, w.line, w.field, w.message] for w in result.warnings],
                },
            ),
        )
        writing.unlink()
    timings.mark("finish")
    return result


def _search_index(cfg: Config, out_dir: Path, changed: tuple[str, ...]) -> list[str]:
    """Index the pages for search when one changed (see :mod:`pipeline.syndication.theme.
    search`); a failure leaves the last index and is reported, the pages stand."""
    if not search.wanted(cfg):
        if (out_dir / search.FOLDER / "pagefind.js").is_file():
            shutil.rmtree(out_dir / search.FOLDER)  # search was turned off
        return []
    if not search.needs_index(out_dir, changed):
        return []
    try:
        search.build_index(cfg, out_dir)
    except RuntimeError as exc:
        return [f"warning: search index not updated: {exc}"]
    return []


class _Job(NamedTuple):
    """An output the write phase must look at: skip it, splice it, or produce it."""

    output: Output
    skip: bool
    last: FeedIndex | None = None


def _jobs(
    out_dir: Path,
    outputs: list[Output],
    previous: Manifest,
    cache_dir: Path | None,
    salt: str,
    html: HtmlSource,
) -> list[_Job]:
    """Decide what each output needs, and read in one pass the HTML of every item that a
    rewritten output will serialise (forked writers then inherit it)."""
    jobs: list[_Job] = []
    needed: list[Item] = []
    for output in outputs:
        if _up_to_date(output.path, output.inputs, previous, out_dir) or (
            output.make is None and output.feed is None
        ):
            jobs.append(_Job(output, True))
            continue
        last = None
        if output.feed is not None:
            last = read_index(cache_dir, output.path, salt, out_dir / output.path)
            entries = last.entries if last is not None else {}
            needed.extend(i for i in output.feed.items if i.html_key and i.digest not in entries)
        else:
            needed.extend(output.needs)
        jobs.append(_Job(output, False, last))
    html.load(needed)
    return jobs


@dataclass(frozen=True)
class _WriteState:
    """What forked writer processes inherit (never pickled: 10,000 items would cost seconds)."""

    cfg: Config
    out_dir: Path
    jobs: list[_Job]
    known: dict[str, Stamp]
    salt: str
    html: HtmlSource


_WRITE_STATE: list[_WriteState] = []

WriteResult = tuple[str, bool, Stamp, FeedIndex | None]


def _write_range(bounds: tuple[int, int]) -> list[WriteResult]:
    state = _WRITE_STATE[-1]
    results: list[WriteResult] = []
    try:
        for job in state.jobs[bounds[0] : bounds[1]]:
            rel = job.output.path
            if job.skip:
                results.append((rel, False, state.known[rel], None))
            elif job.output.feed is not None:
                changed, stamp, index = _write_feed(state, job)
                results.append((rel, changed, stamp, index))
            else:
                assert job.output.make is not None
                out = state.out_dir / rel
                changed, stamp = write_output(out, job.output.make(), state.known.get(rel))
                results.append((rel, changed, stamp, None))
    finally:
        _MEMO.clear()
    return results


def _write_feed(state: _WriteState, job: _Job) -> tuple[bool, Stamp, FeedIndex]:
    doc = job.output.feed
    assert doc is not None
    fmt = FEED_FORMATS[doc.fmt]
    memo = _MEMO.for_format(doc.fmt)
    items = doc.items

    def make(n: int) -> bytes:
        return fmt.entry(state.html.fill(items[n]))

    head = fmt.head(state.cfg, doc.title, doc.purpose, items, doc.page)
    path = state.out_dir / job.output.path
    keys = [i.digest for i in items]
    result = write_feed(
        path, head, fmt.separator, fmt.tail, keys, make, job.last, state.salt, memo.written
    )
    memo.written.append((str(path), result[2]))
    return result


def write_all(state: _WriteState) -> list[WriteResult]:
    """Produce and write every output; on both cores when there is much to write (forked
    workers share the rendered items copy-on-write). Feeds come first, each a task of its own."""
    jobs = state.jobs
    _WRITE_STATE.append(state)
    try:
        forkable = "fork" in multiprocessing.get_all_start_methods()  # not on Windows
        work = sum(
            len(j.output.feed.items) - len(j.last.entries if j.last else ())
            if j.output.feed is not None
            else 1
            for j in jobs
            if not j.skip
        )
        if work < PARALLEL_THRESHOLD or (os.cpu_count() or 1) < 2 or not forkable:
            # little to serialise: mostly copies and renames, which release the GIL
            feeds = [(n, n + 1) for n, j in enumerate(jobs) if j.output.feed and not j.skip]
            if len(feeds) < 2:
                return _write_range((0, len(jobs)))
            with ThreadPoolExecutor(4) as threads:
                spliced = dict(
                    zip((n for n, _ in feeds), threads.map(_write_range, feeds), strict=True)
                )
            results: list[WriteResult] = []
            for n in range(len(jobs)):
                results.extend(spliced[n] if n in spliced else _write_range((n, n + 1)))
            return results
        ranges = []
        start = 0
        while start < len(jobs):
            group = _format_of(jobs[start].output.path)
            stop = start + 1
            if group < len(FEED_FORMATS):  # every feed of one format: one task, one memo
                while stop < len(jobs) and _format_of(jobs[stop].output.path) == group:
                    stop += 1
            else:
                stop = min(len(jobs), start + 256)
            ranges.append((start, stop))
            start = stop
        with process_pool(2, fork=True) as pool:  # workers end with this process
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
        # and the folders it leaves empty (a deleted post's page folder), up to the root
        folder = target.parent
        while folder != out_dir and root in folder.resolve().parents:
            try:
                folder.rmdir()  # only ever an empty one
            except OSError:
                break
            folder = folder.parent
    return tuple(removed)
