"""Keeping the site's search index (``search/``, see :mod:`pipeline.syndication.search.index`)
up to date after a build, reading as little as it can.

Each page's words and weights are kept in ``search.sqlite3`` of the cache folder, under a key
of everything they are made from (the item's output key, which covers its HTML, and the code);
the cache also records, for the index last written, every page's URL, key and a digest of
what it holds. Then:

- nothing changed: nothing is read or written;
- pages changed but the set of URLs did not (an edit): only the word files of words whose
  weight changed are read, updated and written, with the page table files of those pages and
  the manifest (a few files, not the index);
- pages were added or removed (page numbers shift), the index on disk is not the one the
  cache recorded, or there is no cache folder: the whole index is made again, from the cache
  where a page is unchanged, and only files whose bytes differ are written; files no longer
  part of it are removed.

Either way the files are the same bytes a build from nothing writes. Each file is replaced
atomically, the manifest last. A failure leaves the pages standing and is returned as a
warning.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import shutil
from array import array
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.build.keys import KeyedSite
from pipeline.build.searchstore import (
    Entry,
    SearchCache,
    encode_words,
)
from pipeline.build.site import RenderCache
from pipeline.build.state import code_digest
from pipeline.config import Config
from pipeline.model import Item, Site
from pipeline.support.output import write_if_changed
from pipeline.support.parallel import pool_size
from pipeline.support.workers import forkable, process_pool, share_forked
from pipeline.syndication.pages import page_path
from pipeline.syndication.search import wanted
from pipeline.syndication.search.index import (
    FOLDER,
    MANIFEST,
    PER_FILE,
    BadIndexFile,
    Doc,
    PageWords,
    SearchPage,
    add_postings,
    analyse,
    changed_words,
    docs_bytes,
    docs_path,
    manifest_bytes,
    parse_docs,
    parse_manifest,
    parse_shard,
    postings_of,
    shard_bytes,
    shard_key,
    shard_path,
    table_files,
    update_postings,
    word_files,
)

_CHUNK = 256
"""Pages read (and analysed) at a time: memory holds one chunk's HTML."""


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


def indexed_pages(cfg: Config, site: Site, now: dt.datetime) -> list[tuple[str, Item]]:
    """Every page of the site with an item behind it (the pages the site plan writes for
    published items and pages), by URL relative to the site's root, sorted."""
    found: dict[str, Item] = {}
    for item in (*site.published(now), *site.pages()):
        rel = page_path(cfg, item.url)
        if rel is None:
            continue
        url = rel.removesuffix("index.html") if rel.rsplit("/", 1)[-1] == "index.html" else rel
        found.setdefault(url, item)
    return sorted(found.items())


def _key(url: str, item: Item, output: str) -> str:
    parts = (code_digest(), output, url, item.title, item.description or "", item.section)
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def refresh_search(
    cfg: Config,
    out_dir: Path,
    cache_dir: Path | None,
    keyed: KeyedSite,
    now: dt.datetime,
    *,
    alone: bool = False,
) -> list[str]:
    """Bring ``out_dir/search/`` up to date with the site's pages (or remove it when search
    is off); returns warnings. ``keyed``: the site with its items' keys (a page's words are
    kept by its item's output key; HTML left in the render cache is read from there).
    ``alone``: in this process only (it runs beside other work), else on both cores when
    there are many pages."""
    folder = out_dir / FOLDER
    _remove_pagefind(out_dir)
    if not wanted(cfg):
        _remove_index(folder)  # search was turned off
        return []
    pages = []
    for url, item in indexed_pages(cfg, keyed.site, now):
        keys = keyed.keys[item.source]
        html_key = "" if item.html else keys.html
        pages.append(Located(url, item, _key(url, item, keys.output), html_key))
    cache = SearchCache(cache_dir)
    try:
        if not _update(folder, pages, cache, cache_dir):
            _rewrite(folder, pages, cache, cache_dir, 1 if alone else pool_size(len(pages)))
    except (OSError, RuntimeError) as exc:  # _NoHtml, or a worker that died
        return [f"warning: search index not updated: {exc}"]
    finally:
        cache.close()
    return []


def _remove_index(folder: Path) -> None:
    """The index's files and folders (a page of the site may live under ``search/`` too)."""
    for sub in ("words", "docs"):
        shutil.rmtree(folder / sub, ignore_errors=True)
    (folder / MANIFEST).unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        folder.rmdir()  # only when empty


def _remove_pagefind(out_dir: Path) -> None:
    """The Pagefind index earlier versions wrote (see the README: replaced by our own)."""
    old = out_dir / "pagefind"
    if (old / "pagefind.js").is_file():
        shutil.rmtree(old)


class _NoHtml(RuntimeError):
    """The render cache no longer has a page's HTML."""


_Job = tuple[str, str, str, str | None, str, str, str]
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


_WORKER = _Worker()


def _job(page: Located) -> _Job:
    item = page.item
    source = ("key:" + page.html_key) if page.html_key else ("html:" + item.html)
    return (page.key, page.url, item.title, item.description, item.section, source, item.source)


def _init_worker(cache_dir: Path | None) -> None:
    if cache_dir is not None:
        _WORKER.render = RenderCache(cache_dir)
    _WORKER.cache = SearchCache(cache_dir)


def _analyse_jobs(jobs: Sequence[_Job]) -> tuple[list[_Row], list[Entry]]:
    """Analyse pages (their HTML read from the render cache a chunk at a time): the rows to
    cache and the entries."""
    render = _WORKER.render
    lazy = [src[4:] for *_, src, _ in jobs if src.startswith("key:")]
    stored = render.get_html(lazy) if render is not None and lazy else {}
    rows: list[_Row] = []
    entries: list[Entry] = []
    for key, url, title, description, section, src, source in jobs:
        html = stored.get(src[4:]) if src.startswith("key:") else src[5:]
        if html is None:
            raise _NoHtml(f"the render cache lost the HTML of {source}")
        words = analyse(SearchPage(url, title, description, section, html))
        encoded = encode_words(words.weights)
        sha = _sha((url, title, words.summary, section), encoded)
        rows.append((key, sha, words.summary, encoded))
        entries.append(Entry(sha, words))
    return rows, entries


def _entries(jobs: Sequence[_Job]) -> list[Entry]:
    """Each page's words: from the cache, else analysed (and cached)."""
    cache = _WORKER.cache or SearchCache(None)
    known = cache.get([job[0] for job in jobs])
    rows, entries = _analyse_jobs([job for job in jobs if job[0] not in known])
    cache.put(rows)
    for row, entry in zip(rows, entries, strict=True):
        known[row[0]] = entry
    return [known[job[0]] for job in jobs]


def _index_chunk(first: int, jobs: Sequence[_Job]) -> tuple[dict[str, array[int]], list[Entry]]:
    """The postings of pages numbered from ``first``, and their entries without their words
    (a worker sends back only what the index needs)."""
    entries = _entries(jobs)
    postings = postings_of(first, (e.words.weights for e in entries))
    return postings, [Entry(e.sha, PageWords(e.words.summary, {})) for e in entries]


def _chunked(pages: Sequence[Located]) -> Iterator[tuple[int, list[_Job]]]:
    for start in range(0, len(pages), _CHUNK):
        yield start, [_job(p) for p in pages[start : start + _CHUNK]]


def _whole(
    pages: Sequence[Located], cache_dir: Path | None, workers: int
) -> tuple[dict[str, array[int]], list[Entry]]:
    """Every page's postings and entry, on ``workers`` processes."""
    postings: dict[str, array[int]] = {}
    entries: list[Entry] = []
    if workers > 1 and forkable():
        # a forked worker reads the pages (and the HTML they hold) from the memory it shares
        # with this process (a pickled copy of every page's HTML would cost 300 MB at 10,000);
        # it and this process each take the next chunk when done with one
        starts = range(0, len(pages), _CHUNK)
        try:
            shared = share_forked(
                len(starts),
                lambda n: _index_chunk(
                    starts[n], [_job(p) for p in pages[starts[n] : starts[n] + _CHUNK]]
                ),
                lambda: _init_worker(cache_dir),
            )
        finally:
            _WORKER.close()
        for part, chunk_entries in shared:  # in page order
            add_postings(postings, part)
            entries.extend(chunk_entries)
        return postings, entries
    if workers > 1:
        with process_pool(workers, initializer=_init_worker, initargs=(cache_dir,)) as pool:
            firsts, chunks = zip(*_chunked(pages), strict=True)
            for part, done in pool.map(_index_chunk, firsts, chunks):
                add_postings(postings, part)
                entries.extend(done)
        return postings, entries
    _init_worker(cache_dir)
    try:
        for first, jobs in _chunked(pages):
            part, done = _index_chunk(first, jobs)
            add_postings(postings, part)
            entries.extend(done)
    finally:
        _WORKER.close()
    return postings, entries


def _analysed(pages: Sequence[Located], cache_dir: Path | None) -> dict[str, Entry]:
    """The entries of a few pages (an edit), by key."""
    _init_worker(cache_dir)
    try:
        entries = _entries([_job(p) for p in pages])
    finally:
        _WORKER.close()
    return {p.key: e for p, e in zip(pages, entries, strict=True)}


def _row(page: Located, words: PageWords) -> Doc:
    return (page.url, page.item.title, words.summary, page.item.section)


def _state(shas: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(shas).encode()).hexdigest()[:20]


def _rewrite(
    folder: Path,
    pages: Sequence[Located],
    cache: SearchCache,
    cache_dir: Path | None,
    workers: int,
) -> None:
    """Make the whole index again on ``workers`` processes (cached pages too count: reading
    them is half the work); write only the files whose bytes differ."""
    postings, entries = _whole(pages, cache_dir, workers)
    docs = [_row(p, e.words) for p, e in zip(pages, entries, strict=True)]
    state = _state([e.sha for e in entries])
    shards = word_files(postings)
    keys = sorted(shards)
    for sub in ("words", "docs"):
        (folder / sub).mkdir(parents=True, exist_ok=True)

    def write_shard(n: int) -> None:
        write_if_changed(folder / shard_path(keys[n]), shard_bytes(shards[keys[n]]))

    # the word files' JSON on both cores
    share_forked(len(keys), write_shard, worth_it=workers > 1)
    kept = {folder / shard_path(key) for key in keys}
    for rel, data in table_files(docs, keys, state):
        write_if_changed(folder / rel, data)
        kept.add(folder / rel)
    for sub in ("words", "docs"):
        for path in sorted((folder / sub).glob("*")):
            if path not in kept and path.is_file():
                path.unlink()
    record = [(p.url, p.key, e.sha) for p, e in zip(pages, entries, strict=True)]
    cache.record(state, record, _stamps(folder))
    cache.keep_only([p.key for p in pages])


def _stamps(folder: Path) -> dict[str, list[int]]:
    """Size and mtime of every file of the index."""
    found: dict[str, list[int]] = {}
    for sub in ("", "words/", "docs/"):
        try:
            entries = list(os.scandir(folder / sub))
        except OSError:
            continue
        for entry in entries:
            if entry.is_file():
                st = entry.stat()
                found[sub + entry.name] = [st.st_size, st.st_mtime_ns]
    return found


def _update(
    folder: Path, pages: Sequence[Located], cache: SearchCache, cache_dir: Path | None
) -> bool:
    """Update the index in place after edits; False when it must be made whole again."""
    found = _changed_pages(folder, pages, cache)
    if found is None:
        return False
    before, keys, changed = found
    if not changed:
        return True
    old = cache.get([before[n][1] for n in changed])
    if len(old) != len(changed):
        return False
    new = _analysed([pages[n] for n in changed], cache_dir)
    changes: dict[int, Mapping[str, int]] = {n: new[pages[n].key].words.weights for n in changed}
    by_shard: dict[str, set[str]] = {}
    for n in changed:
        for word in changed_words(old[before[n][1]].words.weights, changes[n]):
            by_shard.setdefault(shard_key(word), set()).add(word)
    try:
        files = _update_words(folder, set(keys), by_shard, changes)
        for number in sorted({n // PER_FILE for n in changed}):
            path = folder / docs_path(number)
            table = parse_docs(path.read_bytes())
            for n in changed:
                if n // PER_FILE == number:
                    table[n % PER_FILE] = _row(pages[n], new[pages[n].key].words)
            write_if_changed(path, docs_bytes(table))
    except (OSError, BadIndexFile, IndexError):
        return False  # a file is missing or not ours: made whole again
    record = [
        (p.url, p.key, new[p.key].sha if n in changes else before[n][2])
        for n, p in enumerate(pages)
    ]
    state = _state([s for _, _, s in record])
    write_if_changed(folder / MANIFEST, manifest_bytes(len(pages), files, state))
    cache.record(state, record, _stamps(folder))
    current = {p.key for p in pages}
    cache.forget([before[n][1] for n in changed if before[n][1] not in current])
    return True


def _changed_pages(
    folder: Path, pages: Sequence[Located], cache: SearchCache
) -> tuple[Sequence[tuple[str, str, str]], list[str], list[int]] | None:
    """What the cache recorded of the index (url, key, sha of each page), the word files the
    manifest lists, and the numbers of the pages changed since; None when the index on disk
    is not the one the cache knows, pages were added or removed, or too many changed."""
    last = cache.last()
    if last is None:
        return None
    state, before, stamps = last
    if _stamps(folder) != stamps:
        return None  # a file was changed, added or removed since: not what the cache knows
    try:
        docs, keys, written_state = parse_manifest((folder / MANIFEST).read_bytes())
    except (OSError, BadIndexFile):
        return None
    if written_state != state or docs != len(before) or docs != len(pages):
        return None
    if any(p.url != url for p, (url, _, _) in zip(pages, before, strict=True)):
        return None  # pages added or removed: their numbers shift
    changed = [n for n, p in enumerate(pages) if p.key != before[n][1]]
    if len(changed) > max(_CHUNK, len(pages) // 20):
        return None  # most pages changed (a new version of publish): cheaper made whole
    return before, keys, changed


def _update_words(
    folder: Path,
    files: set[str],
    by_shard: Mapping[str, set[str]],
    changes: Mapping[int, Mapping[str, int]],
) -> set[str]:
    """Rewrite the word files holding a word whose weight changed in a page (``changes``:
    page number -> its new weights); returns the word files there are now."""
    for key, words in sorted(by_shard.items()):
        path = folder / shard_path(key)
        postings = parse_shard(path.read_bytes()) if key in files else {}
        update_postings(postings, words, changes)
        if postings:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_if_changed(path, shard_bytes(postings))
            files.add(key)
        else:
            path.unlink(missing_ok=True)
            files.discard(key)
    return files
