"""The site's pages analysed for the search index a chunk at a time (each page's words
from the search cache, else from its HTML, read from the render cache a chunk at a time):
in this process, shared with one forked worker, or ahead of the write phase while the build
waits for another process (:class:`Warmed`). See :mod:`pipeline.build.searchcache`."""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.build.searchstore import Entry, SearchCache, encode_words
from pipeline.build.site import RenderCache
from pipeline.model import Item
from pipeline.support.workers import forkable, process_pool, share_forked
from pipeline.syndication.search.index import (
    Doc,
    PageWords,
    SearchPage,
    add_postings,
    analyse,
    postings_of,
)

CHUNK = 256
"""Pages read (and analysed) at a time: memory holds one chunk's HTML."""
AHEAD = 64
"""Pages analysed at a time ahead of the write phase: the most it waits for, when it stops
the process analysing them, is 64 pages' worth."""


@dataclass(frozen=True)
class Located:
    """An indexed page: its row of the page table and the cache key of its words."""

    url: str
    item: Item
    key: str
    html_key: str = ""
    """The render-cache key of the item's HTML when the item does not hold it."""


def _sha(row: Doc, words: str) -> str:
    return hashlib.sha256("\0".join((*row, words)).encode()).hexdigest()


Chunk = tuple[dict[str, "array[int]"], list[Entry]]
"""The postings of a chunk of pages and their entries (see :func:`index_chunk`)."""


@dataclass
class Warmed:
    """Chunks of a whole index made ahead, while the build waited for another process: by
    the number of their first page, with their pages' keys (used only if still the same)."""

    chunks: dict[int, tuple[tuple[str, ...], Chunk]] = field(default_factory=dict)
    pages: list[Located] | None = None
    """The indexed pages as the warm-up found them, of ``items`` with ``keys`` at ``now``: the
    write phase indexing those same items takes them instead of looking them up again (the
    site's warnings may have grown meanwhile: its items are the same objects)."""
    items: object = None
    keys: object = None
    now: object = None

    def found(self, pages: list[Located], items: object, keys: object, now: object) -> None:
        self.pages, self.items, self.keys, self.now = pages, items, keys, now

    def pages_of(self, items: object, keys: object, now: object) -> list[Located] | None:
        same = items is self.items and keys is self.keys and now == self.now
        return self.pages if same else None

    def take(self, first: int, jobs: Sequence[Job]) -> Chunk | None:
        found = self.chunks.pop(first, None)
        if found is None or found[0] != tuple(job[0] for job in jobs):
            return None
        return found[1]


class NoHtml(RuntimeError):
    """The render cache no longer has a page's HTML."""


Job = tuple[str, str, str, str | None, str, str, str]
"""What a worker needs to analyse a page: key, url, title, description, section, and its
render-cache key or (when it has none) its HTML."""
_Row = tuple[str, str, str, str]
"""A cache row: key, sha, summary, encoded words."""


@dataclass
class _Worker:
    """What a process analysing pages keeps open (a worker of the pool, or this process)."""

    render: RenderCache | None = None
    cache: SearchCache | None = None

    def close(self) -> None:
        if self.render is not None:
            self.render.close()
        if self.cache is not None:
            self.cache.close()
        self.render = self.cache = None


WORKER = _Worker()


def job_of(page: Located) -> Job:
    item = page.item
    source = ("key:" + page.html_key) if page.html_key else ("html:" + item.html)
    return (page.key, page.url, item.title, item.description, item.section, source, item.source)


def init_worker(cache_dir: Path | None) -> SearchCache:
    """Open the render and search caches this process analyses pages with; returns the
    search cache."""
    if cache_dir is not None:
        WORKER.render = RenderCache(cache_dir)
    WORKER.cache = SearchCache(cache_dir)
    return WORKER.cache


def _analyse_jobs(jobs: Sequence[Job]) -> tuple[list[_Row], list[Entry]]:
    """Analyse pages (their HTML read from the render cache a chunk at a time): the rows to
    cache and the entries."""
    render = WORKER.render
    lazy = [src[4:] for *_, src, _ in jobs if src.startswith("key:")]
    stored = render.get_html(lazy) if render is not None and lazy else {}
    rows: list[_Row] = []
    entries: list[Entry] = []
    for key, url, title, description, section, src, source in jobs:
        html = stored.get(src[4:]) if src.startswith("key:") else src[5:]
        if html is None:
            raise NoHtml(f"the render cache lost the HTML of {source}")
        words = analyse(SearchPage(url, title, description, section, html))
        encoded = encode_words(words.weights)
        sha = _sha((url, title, words.summary, section), encoded)
        rows.append((key, sha, words.summary, encoded))
        entries.append(Entry(sha, words))
    return rows, entries


def _entries(jobs: Sequence[Job]) -> list[Entry]:
    """Each page's words: from the cache, else analysed (and cached)."""
    cache = WORKER.cache or SearchCache(None)
    known = cache.get([job[0] for job in jobs])
    rows, entries = _analyse_jobs([job for job in jobs if job[0] not in known])
    cache.put(rows)
    for row, entry in zip(rows, entries, strict=True):
        known[row[0]] = entry
    return [known[job[0]] for job in jobs]


def analyse_ahead(pages: Sequence[Located], cache_dir: Path, stop: Callable[[], bool]) -> None:
    """Analyse ``pages`` into the search cache (those it lacks), :data:`AHEAD` at a time from
    the last back, until done or ``stop()``: in a forked process, while this one plans the
    rest of the build on one core (see :func:`pipeline.build.searchcache.ahead`). From the
    last: the build may meanwhile analyse pages from the first (:class:`Warmed`)."""
    init_worker(cache_dir)
    try:
        for start in reversed(range(0, len(pages), AHEAD)):
            if stop():
                return
            _entries([job_of(p) for p in pages[start : start + AHEAD]])
    except NoHtml:
        pass  # the write phase says so
    finally:
        WORKER.close()


def index_chunk(
    first: int, jobs: Sequence[Job], into: dict[str, array[int]] | None = None
) -> tuple[dict[str, array[int]], list[Entry]]:
    """The postings of pages numbered from ``first`` (added ``into`` those of the pages
    before them, when given), and their entries without their words (a worker sends back
    only what the index needs)."""
    entries = _entries(jobs)
    postings = postings_of(first, (e.words.weights for e in entries), into)
    return postings, [Entry(e.sha, PageWords(e.words.summary, {})) for e in entries]


def chunked(pages: Sequence[Located]) -> Iterator[tuple[int, list[Job]]]:
    for start in range(0, len(pages), CHUNK):
        yield start, [job_of(p) for p in pages[start : start + CHUNK]]


def _chunk(
    first: int, jobs: Sequence[Job], warmed: Warmed, into: dict[str, array[int]] | None = None
) -> Chunk:
    """The chunk's postings (added ``into`` those of the pages before it, when given) and its
    entries: the ones made ahead, else made now."""
    ahead = warmed.take(first, jobs)
    if ahead is None:
        return index_chunk(first, jobs, into)
    if into is None:
        return ahead
    add_postings(into, ahead[0])
    return into, ahead[1]


def whole(
    pages: Sequence[Located], cache_dir: Path | None, workers: int, warmed: Warmed
) -> tuple[dict[str, array[int]], list[Entry]]:
    """Every page's postings and entry, on ``workers`` processes (chunks ``warmed`` taken
    from there)."""
    postings: dict[str, array[int]] = {}
    entries: list[Entry] = []
    if workers > 1 and forkable():
        # a forked worker reads the pages (and the HTML they hold) from the memory it shares
        # with this process (a pickled copy of every page's HTML would cost 300 MB at 10,000);
        # it and this process each take the next chunk when done with one
        starts = range(0, len(pages), CHUNK)
        try:
            shared = share_forked(
                len(starts),
                lambda n: _chunk(
                    starts[n], [job_of(p) for p in pages[starts[n] : starts[n] + CHUNK]], warmed
                ),
                lambda: init_worker(cache_dir),
            )
        finally:
            WORKER.close()
        for part, chunk_entries in shared:  # in page order
            add_postings(postings, part)
            entries.extend(chunk_entries)
        return postings, entries
    if workers > 1:
        with process_pool(workers, initializer=init_worker, initargs=(cache_dir,)) as pool:
            firsts, chunks = zip(*chunked(pages), strict=True)
            for part, done in pool.map(index_chunk, firsts, chunks):
                add_postings(postings, part)
                entries.extend(done)
        return postings, entries
    init_worker(cache_dir)
    try:
        for first, jobs in chunked(pages):
            entries.extend(_chunk(first, jobs, warmed, into=postings)[1])
    finally:
        WORKER.close()
    return postings, entries


def analysed(pages: Sequence[Located], cache_dir: Path | None) -> dict[str, Entry]:
    """The entries of a few pages (an edit), by key."""
    init_worker(cache_dir)
    try:
        entries = _entries([job_of(p) for p in pages])
    finally:
        WORKER.close()
    return {p.key: e for p, e in zip(pages, entries, strict=True)}
