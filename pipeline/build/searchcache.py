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
import multiprocessing
import os
import shutil
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.build.keys import KeyedSite
from pipeline.build.searchpages import (
    CHUNK,
    WORKER,
    Located,
    NoHtml,
    Warmed,
    analyse_ahead,
    analysed,
    chunked,
    index_chunk,
    init_worker,
    whole,
)
from pipeline.build.searchstore import SearchCache
from pipeline.build.state import code_digest
from pipeline.config import Config
from pipeline.model import Item, Site
from pipeline.support.output import write_if_changed
from pipeline.support.parallel import PARALLEL_THRESHOLD, pool_size
from pipeline.support.workers import forkable, forked_call, share_forked
from pipeline.syndication.pages import page_path
from pipeline.syndication.search import wanted
from pipeline.syndication.search.index import (
    FOLDER,
    MANIFEST,
    PER_FILE,
    BadIndexFile,
    Doc,
    PageWords,
    changed_words,
    docs_bytes,
    docs_path,
    manifest_bytes,
    parse_docs,
    parse_manifest,
    parse_shard,
    shard_bytes,
    shard_key,
    shard_path,
    table_files,
    update_postings,
    word_files,
)


def indexed_pages(cfg: Config, site: Site, now: dt.datetime) -> list[tuple[str, Item]]:
    """Every page of the site with an item behind it (the pages the site plan writes for
    published items and pages) but those not to be indexed (:attr:`Item.indexed`), by URL
    relative to the site's root, sorted."""
    found: dict[str, Item] = {}
    for item in (*site.published(now), *site.pages()):
        rel = page_path(cfg, item.url)
        if rel is None:
            continue
        url = rel.removesuffix("index.html") if rel.rsplit("/", 1)[-1] == "index.html" else rel
        found.setdefault(url, item)  # the page's own item: the first, as the site plan's
    return sorted((url, item) for url, item in found.items() if item.indexed and item.listed)


def _key(url: str, item: Item, output: str) -> str:
    parts = (code_digest(), output, url, item.title, item.description or "", item.section)
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _pages(cfg: Config, keyed: KeyedSite, now: dt.datetime, warmed: Warmed) -> list[Located]:
    """The indexed pages: those ``warmed`` found of the same items, else looked up (and kept
    there)."""
    items, keys = keyed.site.items, keyed.keys
    found = warmed.pages_of(items, keys, now)
    if found is None:
        found = _located(cfg, keyed, now)
        warmed.found(found, items, keys, now)
    return found


def _located(cfg: Config, keyed: KeyedSite, now: dt.datetime) -> list[Located]:
    pages = []
    for url, item in indexed_pages(cfg, keyed.site, now):
        keys = keyed.keys[item.source]
        html_key = "" if item.html else keys.html
        pages.append(Located(url, item, _key(url, item, keys.output), html_key))
    return pages


def warm_search(
    cfg: Config,
    out_dir: Path,
    cache_dir: Path | None,
    keyed: KeyedSite,
    now: dt.datetime,
    busy: Callable[[], bool],
    into: Warmed,
) -> None:
    """While ``busy()`` (another process makes what this one waits for), analyse pages for
    the whole index the write phase will make, a chunk at a time from the first, ``into``
    what :func:`refresh_search` takes: only when the index will be made whole (not when the
    one on disk can be updated in place)."""
    if not busy() or not wanted(cfg):
        return
    pages = _pages(cfg, keyed, now, into)
    cache = init_worker(cache_dir)
    try:
        if _changed_pages(out_dir / FOLDER, pages, cache) is not None:
            return
        for first, jobs in chunked(pages):
            if not busy():
                break
            into.chunks[first] = (tuple(job[0] for job in jobs), index_chunk(first, jobs))
    except NoHtml:
        pass  # the write phase says so
    finally:
        WORKER.close()


@dataclass(frozen=True)
class Ahead:
    """The pages of the index the write phase will make whole, to analyse into the search
    cache in a forked process while this one plans the rest of the build (:func:`ahead`)."""

    pages: Sequence[Located]
    cache_dir: Path
    flag: Any
    """A ``multiprocessing.RawValue`` shared with the forked process: 1 tells it to stop."""

    def run(self) -> None:
        """In the forked process: analyse until done or told to stop."""
        analyse_ahead(self.pages, self.cache_dir, self.stopped)

    def stopped(self) -> bool:
        return bool(self.flag.value)

    def stop(self) -> None:
        """Stop the analysis after the pages at hand (call it before waiting for it)."""
        self.flag.value = 1


def ahead(
    cfg: Config,
    out_dir: Path,
    cache_dir: Path | None,
    keyed: KeyedSite,
    now: dt.datetime,
    into: Warmed | None = None,
) -> Ahead | None:
    """The analysis worth doing ahead of the write phase, to run in a forked process (before
    the fork); None for an index updated in place, a small site, no cache folder or no fork.
    The pages looked up are kept ``into`` what :func:`refresh_search` takes."""
    wanting = cache_dir is not None and wanted(cfg)
    pages = _pages(cfg, keyed, now, into or Warmed()) if wanting else []
    if cache_dir is None or len(pages) < PARALLEL_THRESHOLD or not forkable():
        return None
    cache = SearchCache(cache_dir)
    try:
        if _changed_pages(out_dir / FOLDER, pages, cache) is not None:
            return None
    finally:
        cache.close()
    return Ahead(pages, cache_dir, multiprocessing.get_context("fork").RawValue("b", 0))


@contextlib.contextmanager
def analysing(work: Ahead | None) -> Iterator[bool]:
    """While the block runs (this process plans the rest of the build, a core's work), a
    forked process analyses the pages of the index the write phase will make whole into the
    search cache (``work``: :func:`ahead`'s); leaving the block stops it (after the pages at
    hand) and waits for it. The write phase then reads those pages' words from the cache.
    Yields whether a process analyses pages."""
    if work is None:
        yield False
        return
    with forked_call(work.run):
        try:
            yield True
        finally:
            work.stop()


def refresh_search(
    cfg: Config,
    out_dir: Path,
    cache_dir: Path | None,
    keyed: KeyedSite,
    now: dt.datetime,
    *,
    alone: bool = False,
    warmed: Warmed | None = None,
) -> list[str]:
    """Bring ``out_dir/search/`` up to date with the site's pages (or remove it when search
    is off); returns warnings. ``keyed``: the site with its items' keys (a page's words are
    kept by its item's output key; HTML left in the render cache is read from there).
    ``alone``: in this process only (it runs beside other work), else on both cores when
    there are many pages. ``warmed``: what :func:`warm_search` made of the same site."""
    folder = out_dir / FOLDER
    _remove_pagefind(out_dir)
    if not wanted(cfg):
        _remove_index(folder)  # search was turned off
        return []
    warmed = warmed or Warmed()
    pages = _pages(cfg, keyed, now, warmed)
    cache = SearchCache(cache_dir)
    try:
        if not _update(folder, pages, cache, cache_dir):
            workers = 1 if alone else pool_size(len(pages))
            _rewrite(folder, pages, cache, cache_dir, workers, warmed)
    except (OSError, RuntimeError) as exc:  # NoHtml, or a worker that died
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
    warmed: Warmed,
) -> None:
    """Make the whole index again on ``workers`` processes (cached pages too count: reading
    them is half the work); write only the files whose bytes differ."""
    postings, entries = whole(pages, cache_dir, workers, warmed)
    warmed.chunks.clear()  # (those left here were taken by the forked worker)
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
    new = analysed([pages[n] for n in changed], cache_dir)
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
    if len(changed) > max(CHUNK, len(pages) // 20):
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
