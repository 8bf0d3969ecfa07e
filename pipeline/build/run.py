"""``publish build``: validate and render everything first, then write every output.

Nothing is written unless the whole site validates (and the podcast feed passes its own
linter). Each file is written atomically and only when its bytes change; files a previous
build wrote that are no longer produced are removed, using a manifest in the output folder.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.build.feedwrite import release_replaced, save_index
from pipeline.build.keys import KeyedSite, body_reader
from pipeline.build.linkcache import read_known, save_known
from pipeline.build.outfolder import OutputFolder
from pipeline.build.owners import key_lines
from pipeline.build.plan import FEED_FORMATS, Output, feed_outputs, plan_outputs
from pipeline.build.podcastplan import podcast_planned
from pipeline.build.searchcache import ahead, analysing, refresh_search, warm_search
from pipeline.build.searchpages import Warmed
from pipeline.build.site import HtmlMissing, HtmlSource
from pipeline.build.snapshot import rendered_site
from pipeline.build.snapshotfile import discard as discard_snapshot
from pipeline.build.state import (
    BuildResult,
    Inputs,
    Manifest,
    build_salt,
    fingerprint,
    take_inputs,
    write_manifest,
)
from pipeline.build.timings import Timings
from pipeline.build.upcomingfeed import falls_due
from pipeline.build.write import (
    FeedsAhead,
    WriteState,
    plan_jobs,
    remove_stale,
    worth_ahead,
    write_all,
)
from pipeline.config import Config
from pipeline.errors import ConfigError, Problem
from pipeline.linkcheck.dangling import add_warnings, dangling_links
from pipeline.load.dated import future_updates
from pipeline.load.loader import shown
from pipeline.load.record import stat_key
from pipeline.model import Site
from pipeline.support.memory import give_back
from pipeline.support.output import Stamp, copy_if_changed
from pipeline.support.readahead import reading_ahead
from pipeline.syndication.directory import FeedLink


@dataclass(frozen=True)
class Hooks:
    """What a caller changes in a build (``publish serve``)."""

    adjust: Callable[[KeyedSite], KeyedSite] | None = None
    """Changes the rendered site before it is planned (drafts and scheduled items shown)."""
    index_search: bool = True
    """False leaves the search index to the caller (updated after the open pages reloaded)."""


NO_HOOKS = Hooks()


def build(
    cfg: Config,
    content_dir: Path,
    out_dir: Path,
    *,
    now: dt.datetime,
    cache_dir: Path | None = None,
    strict: bool = False,
    inputs: Inputs | None = None,
    timings: Timings | None = None,
    hooks: Hooks = NO_HOOKS,
) -> BuildResult:
    """Validate, render and write every output into ``out_dir``.

    It always builds: the nothing-changed check is :func:`pipeline.build.gate.build_site`'s,
    which passes the ``inputs`` it took for it (else they are taken here).
    ``timings`` records each stage's wall time; ``hooks`` are what ``publish serve`` changes
    (see :class:`Hooks`).

    Everything that can fail on content fails before the output folder is touched; the
    write phase holds a lock so two builds never interleave their files.
    """
    _check_apart(content_dir, out_dir)
    if cache_dir is not None:  # named in the error when unusable: the stores would pass on it
        cache_dir.mkdir(parents=True, exist_ok=True)
    if inputs is None:
        inputs = take_inputs(cfg, content_dir, out_dir, strict=strict)
    # A build allocates hundreds of thousands of objects that live as long as it does, and
    # frees the rest by reference counting: the cycle collector, scanning them over and over,
    # cost a tenth of an edit build at 10,000 posts (and made forked workers copy the pages
    # it touched). It is paused for the build and the workers it forks.
    enabled = gc.isenabled()
    gc.disable()
    request = _Request(
        cfg,
        content_dir,
        out_dir,
        now,
        cache_dir,
        strict,
        inputs,
        timings or Timings(),
        hooks.adjust,
    )
    run = functools.partial(_build, request, index_search=hooks.index_search)
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
            # the build's objects go to the oldest generation unscanned (freeze, then unfreeze
            # into it): all of them are still in the youngest, and the first collection after
            # this would otherwise scan every one (0.3 s after 10,000 posts); their cycles are
            # found by a later full collection, as any old object's
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def _check_apart(content_dir: Path, out_dir: Path) -> None:
    """Refuse the content folder as the output folder, or a folder that holds it (``--out
    .``): a copied image would be its own source, or land on an editor's file of the same
    path (``content/post/pic.png`` for the page ``content/post.md``'s image at
    ``/content/post/pic.png``), and removing it as a stale output would delete the editor's
    file. (A folder inside the content is fine: a space kept at the top of its repository
    writes ``feeds/`` there.)"""
    content, out = content_dir.resolve(), out_dir.resolve()
    if out == content or out in content.parents:
        what = "is the content folder" if out == content else "holds the content folder"
        raise ConfigError(
            [
                Problem(
                    str(out_dir),
                    1,
                    "--out",
                    f"the output folder {what} {content_dir}; choose another (default: feeds/)",
                )
            ]
        )


@dataclass(frozen=True)
class _Request:
    """What one build was asked: the settings, the folders, the clock, and the inputs found."""

    cfg: Config
    content_dir: Path
    out_dir: Path
    now: dt.datetime
    cache_dir: Path | None
    strict: bool
    inputs: Inputs
    timings: Timings
    adjust: Callable[[KeyedSite], KeyedSite] | None


@dataclass(frozen=True)
class _Planned:
    """A build planned: the site (its items' keys beside it), every output and copy, and what
    the write phase needs."""

    site: KeyedSite
    outputs: list[Output]
    links: Sequence[FeedLink]
    copies: list[tuple[Path, str]]
    html: HtmlSource
    salt: str
    fingerprint: str
    notes: tuple[str, ...]
    lasting: tuple[str, ...]
    """The notes every build of the same inputs gives (kept in the manifest: a build with
    nothing to do says them again)."""
    warmed: Warmed
    """The search index's pages analysed while the podcast feed was made."""


def _build(request: _Request, *, use_snapshot: bool, index_search: bool) -> BuildResult:
    known = bool(request.inputs.previous.fingerprint)
    with (
        reading_ahead(_last_feeds(request)),
        contextlib.ExitStack() as background,  # the snapshot's base, written meanwhile
        OutputFolder(request.out_dir, known) as folder,
    ):
        planned = _plan(request, use_snapshot, index_search, background, folder)
        result = _write(request, planned, index_search, folder)
    request.timings.mark("finish")
    return result


def _last_feeds(r: _Request) -> list[str]:
    """The feed files the last build wrote, in the order it wrote them: an edit build copies
    most of each into the new one (:mod:`pipeline.build.feedwrite`), and asked for from the
    start they are read while the site loads, not while they are copied (a machine that gave
    their pages back made a 10,000-page GitBook edit wait 1.4 s for 1 GB of feeds)."""
    if r.cache_dir is None:  # no index of the last feeds: they are made afresh, not copied
        return []
    files = r.inputs.previous.files
    return [os.path.join(r.out_dir, rel) for rel in files if rel.rsplit("/", 1)[-1] in FEED_FORMATS]


def _plan(
    r: _Request,
    use_snapshot: bool,
    index_search: bool,
    background: contextlib.ExitStack,
    folder: OutputFolder,
) -> _Planned:
    """Load, render and plan every output; nothing in the output folder is put in place yet
    (the feeds may be written ahead beside theirs, see :func:`_feeds_ahead`). While the
    podcast feed is still being made when the rest is planned, the search index's pages are
    analysed meanwhile (when the write phase will make it whole)."""
    cfg, content_dir, out_dir = r.cfg, r.content_dir, r.out_dir
    notes: list[str] = []
    lasting: list[str] = []
    ledger_before = stat_key(content_dir / cfg.content.id_ledger)
    keyed, _ = rendered_site(
        cfg,
        content_dir,
        r.cache_dir,
        strict=r.strict,
        use_snapshot=use_snapshot,
        timings=r.timings,
        stats=r.inputs.stats,
        background=background,
    )
    if r.adjust is not None:
        keyed = r.adjust(keyed)
    # The Markdown bodies the load read are freed once rendered, but the C heap keeps them
    # (350 MB at 10,000 long posts): returned here, before the processes forked from this
    # one (the podcast feed's, the writers) inherit it.
    give_back()
    salt = build_salt(cfg, content_dir)
    html = HtmlSource(r.cache_dir, keyed.keys)
    warmed = Warmed()
    with contextlib.ExitStack() as forked:
        # the podcast feed made in a forked process while the links are checked and pages
        # planned, and the search index's pages analysed by that process once the feed is
        # made (or by a process of their own without one): on the core this one leaves idle
        analysis = ahead(cfg, out_dir, r.cache_dir, keyed, r.now, warmed) if index_search else None
        then = None if analysis is None else analysis.run
        podcast = forked.enter_context(
            podcast_planned(
                cfg, content_dir, keyed, r.now, r.inputs.previous, html, salt, out_dir, then
            )
        )
        if analysis is not None and not podcast.forked:
            forked.enter_context(analysing(analysis))
        elif analysis is not None:
            forked.callback(analysis.stop)  # left first: it stops, then the process is waited for
        # the feeds planned first and written ahead on a thread (the longest work of an edit
        # build), started once nothing more is forked (a fork copies no thread but this one)
        feeds = feed_outputs(cfg, keyed, r.now, salt)
        _feeds_ahead(r, folder, html, salt, feeds[0])
        keyed = KeyedSite(_link_warnings(r, keyed, salt), keyed.keys)

        def podcast_outputs() -> list[Output]:
            if index_search:  # this core would wait: the write phase's search work, ahead
                warm_search(cfg, out_dir, r.cache_dir, keyed, r.now, podcast.running, warmed)
            return podcast()

        outputs, links, copies = plan_outputs(
            cfg,
            content_dir,
            keyed,
            r.now,
            html,
            salt=salt,
            podcast=podcast_outputs,
            feeds=feeds,
        )
    inputs_written = stat_key(content_dir / cfg.content.id_ledger) != ledger_before
    if any(i.episode for i in keyed.site.items):
        from pipeline.podcast.guidpin import mismatch_note, pin_if_production

        pinned, edited = pin_if_production(cfg)  # by the production build only, never again
        if pinned is not None:
            notes.append(pinned)
        inputs_written = inputs_written or edited
        mismatch = mismatch_note(cfg)
        if mismatch is not None:
            notes.append(mismatch)
            lasting.append(mismatch)
    current = r.inputs.fingerprint
    if inputs_written:  # the build changed its own inputs: record them as they are now
        current = fingerprint(cfg, content_dir, out_dir, strict=r.strict)
    r.timings.mark("plan")
    return _Planned(
        keyed, outputs, links, copies, html, salt, current, tuple(notes), tuple(lasting), warmed
    )


def _feeds_ahead(
    r: _Request, folder: OutputFolder, html: HtmlSource, salt: str, feeds: Sequence[Output]
) -> None:
    """Splice the feeds while the rest is planned, when they are copied from their last files
    with few entries to make (an edit build: the copies of the unchanged entries of a
    10,000-page space's six feeds, 1 GB, take longer than the plan)."""
    jobs = plan_jobs(r.out_dir, feeds, r.inputs.previous, r.cache_dir, salt)
    if worth_ahead(jobs):
        folder.write_ahead(WriteState(r.cfg, r.out_dir, jobs, r.inputs.previous.files, salt, html))


def _link_warnings(r: _Request, keyed: KeyedSite, salt: str) -> Site:
    """The dangling-link warnings, each item's results reused from the last build while its
    links, the settings and the names in the content tree are the same."""
    tree = None if r.inputs.tree is None else f"{salt}\0{r.inputs.tree}"
    last = read_known(r.cache_dir) if tree is not None else None
    body_of = body_reader(r.cfg, r.content_dir, keyed.keys)
    site = keyed.site
    found, known = dangling_links(
        r.cfg, r.content_dir, site.items, body_of=body_of, tree=tree, known=last
    )
    save_known(r.cache_dir, known, last)
    return add_warnings(site, [*found, *_clock_warnings(r, site)], strict=r.strict)


def _clock_warnings(r: _Request, site: Site) -> list[Problem]:
    """An ``updated`` after the build's clock: said by each build, never cached (the
    manifest's ``valid_until`` ends a no-op build's replay of it when the time comes)."""
    max_bytes = r.cfg.content.max_file_bytes
    found = future_updates(site.items, r.now, lambda s: key_lines(r.content_dir, s, max_bytes))
    return [shown(r.content_dir, w) for w in found]


def _write(r: _Request, p: _Planned, index_search: bool, folder: OutputFolder) -> BuildResult:
    """Write what changed, copy media, remove what is no longer produced, update the search
    index, and record the manifest (under the output folder's lock)."""
    cfg, out_dir = r.cfg, r.out_dir
    ahead = folder.begin()

    def search(alone: bool) -> list[str]:  # one task of the writes: see write_all
        return refresh_search(
            cfg, out_dir, r.cache_dir, p.site, r.now, alone=alone, warmed=p.warmed
        )

    files = _write_files(r, p, search if index_search else None, ahead)
    notes = [*p.notes, *files.notes]
    site, now = p.site.site, r.now
    result = BuildResult(
        items=site.count_published(now),
        pages=len(site.pages()),
        feeds=len(p.links),
        written=tuple(files.written),
        unchanged=files.unchanged,
        removed=files.removed,
        warnings=site.warnings,
        notes=tuple(notes),
    )
    due = [i.date for i in site.items if i.is_feed_item and not i.draft and i.date and i.date > now]
    due += falls_due(cfg, site.published(now), now)
    due += [i.updated for i in site.items if not i.draft and i.updated and i.updated > now]
    write_manifest(
        out_dir,
        Manifest(
            p.fingerprint,
            min(due).isoformat() if due else None,
            files.stamps,
            files.inputs,
            {
                "items": result.items,
                "pages": result.pages,
                "feeds": result.feeds,
                "warnings": [[w.path, w.line, w.field, w.message] for w in result.warnings],
                "notes": list(p.lasting),
            },
        ),
    )
    folder.done()
    files.released()
    return result


@dataclass(frozen=True)
class _Written:
    """What the write phase did."""

    written: list[str]
    unchanged: int
    stamps: dict[str, Stamp]
    inputs: dict[str, str]
    """Each output's inputs, by path (see :class:`~pipeline.build.plan.Output`)."""
    removed: tuple[str, ...]
    released: Callable[[], None]
    """Waits for the replaced feeds' blocks to be freed."""
    notes: list[str]
    """The search index's warnings."""


def _write_files(
    r: _Request,
    p: _Planned,
    search: Callable[[bool], list[str]] | None,
    ahead: FeedsAhead | None,
) -> _Written:
    """Write what changed (the feeds written ``ahead`` put in place first), copy media and
    remove what is no longer produced; update the search index (``search``) on the way."""
    cfg, out_dir, previous = r.cfg, r.out_dir, r.inputs.previous
    outputs = p.outputs if ahead is None else [o for o in p.outputs if o.path not in ahead.paths]
    # what the other outputs need (a stat of each) looked at while the feeds' copies end
    jobs = plan_jobs(out_dir, outputs, previous, r.cache_dir, p.salt)
    first = ahead.results() if ahead is not None else []
    written: list[str] = []
    unchanged = 0
    produced: set[str] = set()
    stamps: dict[str, Stamp] = {}
    state = WriteState(cfg, out_dir, jobs, previous.files, p.salt, p.html)
    results, notes = write_all(state, search)
    for rel, changed, stamp, index in (*first, *results):
        produced.add(rel)
        stamps[rel] = stamp
        if changed:
            written.append(rel)
        else:
            unchanged += 1
        if index is not None:
            save_index(r.cache_dir, rel, index)
    released = release_replaced()  # the old feeds' blocks freed while the rest goes on
    r.timings.mark("write")
    inputs = {output.path: output.inputs for output in p.outputs if output.inputs}
    p.html.close()
    for src, rel in p.copies:
        produced.add(rel)
        if copy_if_changed(src, out_dir / rel):
            written.append(rel)
        else:
            unchanged += 1
        st = (out_dir / rel).stat()
        stamps[rel] = (st.st_size, st.st_mtime_ns, "")
    removed = remove_stale(out_dir, set(previous.files), produced)
    return _Written(written, unchanged, stamps, inputs, removed, released, notes)
