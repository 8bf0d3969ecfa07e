"""Writing the planned outputs: only those whose inputs changed, feeds spliced from their last
file, in parallel for large builds, each file atomically; stale files removed."""

from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, TypeVar, cast

from pipeline.build.feedwrite import FeedIndex, Frame, Spliced, read_index, splice_feed
from pipeline.build.plan import FEED_FORMATS, Output, format_of, up_to_date
from pipeline.build.site import HtmlSource
from pipeline.build.state import (
    Manifest,
)
from pipeline.config import Config
from pipeline.model import Item
from pipeline.support.output import (
    Stamp,
    write_output,
)
from pipeline.support.parallel import PARALLEL_THRESHOLD
from pipeline.support.workers import forkable, share_forked

WriteResult = tuple[str, bool, Stamp, FeedIndex | None]
"""(path, written, stamp, feed index) of one output."""


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


class _Job(NamedTuple):
    """An output the write phase must look at: skip it, splice it, or produce it."""

    output: Output
    skip: bool
    last: FeedIndex | None = None


def plan_jobs(
    out_dir: Path,
    outputs: Sequence[Output],
    previous: Manifest,
    cache_dir: Path | None,
    salt: str,
) -> list[_Job]:
    """Decide what each output needs: skip it, splice it (with its last index), or make it."""
    jobs: list[_Job] = []
    for output in outputs:
        if up_to_date(output.path, output.inputs, previous, out_dir) or (
            output.make is None and output.feed is None
        ):
            jobs.append(_Job(output, True))
            continue
        last = None
        if output.feed is not None:
            last = read_index(cache_dir, output.path, salt, out_dir / output.path)
        jobs.append(_Job(output, False, last))
    return jobs


def _needed(jobs: Sequence[_Job], html: HtmlSource) -> list[Item]:
    """The items whose HTML the outputs of ``jobs`` serialise: a page's, and a feed's entries
    not in its last file."""
    needed: list[Item] = []
    keys = html.keys
    for job in jobs:
        if job.skip:
            continue
        if job.output.feed is not None:
            entries = job.last.entries if job.last is not None else {}
            needed.extend(
                i
                for i in job.output.feed.items
                if keys[i.source].output not in entries and html.html_key(i)
            )
        else:
            needed.extend(job.output.needs)
    return needed


@dataclass(frozen=True)
class WriteState:
    """What forked writer processes inherit (never pickled: 10,000 items would cost seconds)."""

    cfg: Config
    out_dir: Path
    jobs: list[_Job]
    known: dict[str, Stamp]
    salt: str
    html: HtmlSource


T = TypeVar("T")

_WRITE_STATE: list[WriteState] = []


def _write_range(bounds: tuple[int, int], alone: bool = False) -> list[WriteResult]:
    """Write ``jobs[start:stop]``. ``alone``: a task of a parallel write, which reads the HTML
    its pages need and lets it go when done (each process holds only what it is writing)."""
    state = _WRITE_STATE[-1]
    jobs = state.jobs[bounds[0] : bounds[1]]
    results: list[WriteResult] = []
    try:
        if alone:
            state.html.load(_needed([j for j in jobs if j.output.feed is None], state.html))
        for job in jobs:
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
        if alone:
            state.html.forget()
    return results


def _collected(task: Callable[[], T]) -> T:
    """``task()`` (a range of a parallel write, or the search index beside it), then the
    cycles it left collected. The cycle collector is paused for the build; a page's render
    breaks the cycles Jinja leaves (:meth:`~pipeline.syndication.theme.templates.Templates.render`:
    they held the page's values, its HTML among them, 500 MB at 10,000 posts if kept to the
    end, and the collection after each task found 17,000 objects in them, 5 ms a task). This
    collects what any other code leaves: the young generation holds only what the tasks made
    (see :func:`write_all`), so it is cheap (0.1-0.5 ms a task). The freed heap is not
    given back to the system here (``malloc_trim``): the next task takes it again. Trimming
    after each of the 88 tasks of a 10,000-page GitBook space took 0.57 s of CPU (sampled),
    and its write phase was 0.45-0.55 s longer (alternating builds), for the same largest
    process (308 MB)."""
    try:
        return task()
    finally:
        gc.collect(0)


def _write_feed(state: WriteState, job: _Job) -> tuple[bool, Stamp, FeedIndex]:
    spliced = _splice(state, job)
    result = spliced.commit()
    _MEMO.written.append((str(spliced.path), result[2]))
    return result


def _splice(state: WriteState, job: _Job) -> Spliced:
    """The feed of ``job`` written beside its place (see :func:`splice_feed`)."""
    doc = job.output.feed
    assert doc is not None
    fmt = FEED_FORMATS[doc.fmt]
    memo = _MEMO.for_format(doc.fmt)
    items = doc.items

    def make(n: int) -> bytes:
        return fmt.entry(state.html.fill_ahead(items, n))

    head = fmt.head(state.cfg, doc.title, doc.purpose, items, doc.page)
    path = state.out_dir / job.output.path
    keys = [state.html.keys[i.source].output for i in items]
    frame = Frame(head, fmt.separator, fmt.tail)
    return splice_feed(path, frame, keys, make, job.last, state.salt, memo.written)


class FeedsAhead:
    """The feeds of ``state.jobs`` spliced into temporary files on a thread, in order (each
    format's memo: a section feed cut from the site feed), while the build goes on planning
    its pages: in an edit build the copies of every feed's unchanged entries, done in the
    kernel, take no time of their own. One thread: the planning keeps a core (three, one
    per format, slowed it by a fifth; two, each every other feed, made a 10,000-page GitBook
    space's edit build 0.09 s slower on ext4, 0.09 s on tmpfs: medians of eight, alternating,
    with the rest of the write phase planned while the thread ends). Nothing is put in place
    before :meth:`results`."""

    def __init__(self, state: WriteState) -> None:
        self.state = state
        self.paths = {job.output.path for job in state.jobs}
        jobs = [j for j in state.jobs if not j.skip and j.output.feed is not None]
        self._spliced: dict[str, Spliced] = {}
        self._failed: list[BaseException] = []
        self._thread = threading.Thread(target=self._splice_all, args=(jobs,), name="feeds-ahead")
        self._thread.start()

    def _splice_all(self, jobs: list[_Job]) -> None:
        try:
            for job in jobs:
                spliced = _splice(self.state, job)
                self._spliced[job.output.path] = spliced
                _MEMO.written.append((spliced.where, spliced.index))
        except BaseException as exc:  # raised by results()
            self._failed.append(exc)
        finally:
            _MEMO.clear()

    def results(self) -> list[WriteResult]:
        """Waits for the thread and puts each feed in place, in the planned order."""
        self._thread.join()
        if self._failed:
            self.discard()
            raise self._failed[0]
        results: list[WriteResult] = []
        try:
            for job in self.state.jobs:
                rel = job.output.path
                if job.skip:
                    results.append((rel, False, self.state.known[rel], None))
                    continue
                changed, stamp, index = self._spliced.pop(rel).commit()
                results.append((rel, changed, stamp, index))
        finally:
            self.discard()
        return results

    def discard(self) -> None:
        """Waits for the thread and drops what it wrote and nothing put in place."""
        self._thread.join()
        for spliced in self._spliced.values():
            spliced.discard()
        self._spliced.clear()


def worth_ahead(jobs: Sequence[_Job]) -> bool:
    """Whether the feeds of ``jobs`` are best written ahead (:class:`FeedsAhead`): some are
    spliced from their last file, and few entries are new (many are made by a forked worker
    in the write phase, see :func:`write_all`)."""
    todo = [j for j in jobs if not j.skip and j.output.feed is not None]
    if not any(j.last is not None for j in todo):
        return False
    return _work(todo) < PARALLEL_THRESHOLD


def _work(jobs: Sequence[_Job]) -> int:
    """Entries and pages to serialise."""
    return sum(
        len(j.output.feed.items) - len(j.last.entries if j.last else ())
        if j.output.feed is not None
        else 1
        for j in jobs
        if not j.skip
    )


def write_all(
    state: WriteState, beside: Callable[[bool], list[str]] | None = None
) -> tuple[list[WriteResult], list[str]]:
    """Produce and write every output; on both cores when there is much to write (a forked
    worker shares the items copy-on-write; each task reads the HTML it serialises and lets
    it go). Feeds come first, each format a task of its own.

    ``beside`` is one more task (the search index), called with True when it runs in one
    process beside the parallel writes: taken first by whichever process is free, the other
    writing meanwhile, the two sharing what is left, so it fills the gaps of the writes (no
    third process: each forked one keeps a copy of the pages it reads). With little to write
    it is called with False after the writes, free to use both cores. Returns the results and
    what ``beside`` returned."""
    jobs = state.jobs
    _WRITE_STATE.append(state)
    try:
        if _work(jobs) < PARALLEL_THRESHOLD or not forkable():
            state.html.load(_needed(jobs, state.html))
            results = _write_here(jobs)
            return results, beside(False) if beside is not None else []
        tasks: list[Callable[[], list[Any]]] = []
        if beside is not None:
            tasks.append(functools.partial(beside, True))
        tasks += [functools.partial(_write_range, bounds, True) for bounds in _ranges(jobs)]
        # this process and one forked worker each take the next task when done with one
        # (feeds first: the largest): one copy-on-write copy of the rendered site, not two (the
        # worker's refcount writes copy every page of the items it reads; 200 MB at 10,000).
        # What the build made so far is frozen: no collection scans it (or copies its pages)
        gc.freeze()
        done = share_forked(len(tasks), lambda n: _collected(tasks[n]))
    finally:
        gc.unfreeze()
        _WRITE_STATE.pop()
    notes = cast(list[str], done[0]) if beside is not None else []
    written = done[1:] if beside is not None else done
    return [cast(WriteResult, r) for chunk in written for r in chunk], notes


def _write_here(jobs: list[_Job]) -> list[WriteResult]:
    """Every output written in this process: little to serialise, mostly copies and renames,
    which release the GIL (the feeds spliced on threads)."""
    feeds = [(n, n + 1) for n, j in enumerate(jobs) if j.output.feed and not j.skip]
    if len(feeds) < 2:
        return _write_range((0, len(jobs)))
    with ThreadPoolExecutor(4) as threads:
        spliced = dict(zip((n for n, _ in feeds), threads.map(_write_range, feeds), strict=True))
    results: list[WriteResult] = []
    for n in range(len(jobs)):
        results.extend(spliced[n] if n in spliced else _write_range((n, n + 1)))
    return results


def _ranges(jobs: list[_Job]) -> list[tuple[int, int]]:
    """The tasks of a parallel write: every feed of one format as one (one memo), then the
    pages 256 at a time, fewer towards the end (an eighth of what is left, at least 16): the
    two processes end together. With 256 to the last, one wrote the last list pages alone
    while the other sat idle (0.4 s of a 10,000-post build)."""
    ranges = []
    start = 0
    while start < len(jobs):
        group = format_of(jobs[start].output.path)
        stop = start + 1
        if group < len(FEED_FORMATS):
            while stop < len(jobs) and format_of(jobs[stop].output.path) == group:
                stop += 1
        else:
            stop = min(len(jobs), start + max(_LAST_PAGES, min(_PAGES, (len(jobs) - start) // 8)))
        ranges.append((start, stop))
        start = stop
    return ranges


_PAGES = 256
"""Pages a task of a parallel write (each reads their HTML in one query)."""
_LAST_PAGES = 16
"""The fewest pages a task (but the last) of a parallel write."""


def remove_stale(out_dir: Path, previous: set[str], produced: set[str]) -> tuple[str, ...]:
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
