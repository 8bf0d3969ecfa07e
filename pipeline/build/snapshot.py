"""The site as the last build loaded and rendered it, so an edit loads and renders only the
files it changed.

With every file found in the load and render caches, loading and rendering 10,000 posts
still costs half a second: per post, a record unpickled, a cache row read and its links
checked again. The snapshot is the rendered site in one file of the cache folder (items
without their HTML, which stays in the render cache), with the stat of each Markdown file
taken before the file was read.

A build that finds the same Markdown files (none added, removed or renamed), the same id
ledger, and the same code, configuration, ``--strict`` and working folder, loads and renders
only the files whose stat differs (or whose episode media changed) and keeps every other
item. Each changed item must keep its id, URL and draft state, which other items' links and
the uniqueness checks depend on; when one does not, the build takes the full path, still
incremental through the load and render caches. In a GitBook space, SUMMARY.md and the dates
file place every page: when either changed, the build takes the full path; else a changed
page is placed among all the pages the snapshot knows, as a full load places it.

It is two files: the base, written after a full load, and a delta with the items changed
since, which each partial build rewrites (a few items, not the base's 18 MB at 10,000 posts).
The delta is folded into a new base once it holds :data:`DELTA_LIMIT` items. Both are
unpickled with the load cache's restrictions (:func:`pipeline.load.record.restricted_loads`).
Each entry keeps its item's keys (:class:`pipeline.build.keys.ItemKeys`) beside the item, and
:func:`rendered_site` returns them with the site.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.build.keys import ItemKeys, KeyedSite, reload_body
from pipeline.build.loadcache import load_cached
from pipeline.build.site import ReloadBody, render_items, render_keys
from pipeline.build.snapshotfile import (
    FORMAT,
    Entry,
    Shared,
    State,
    discard,
    read,
    row,
    save_base,
    save_delta,
)
from pipeline.build.state import RACY_NS, build_salt
from pipeline.build.timings import Timings
from pipeline.config import Config
from pipeline.errors import Problem
from pipeline.linkcheck.dangling import CARD
from pipeline.load.includes import SharedIncludes
from pipeline.load.loader import shown
from pipeline.load.mode import gitbook_mode
from pipeline.load.record import (
    dependency_stats,
    stat_key,
    stat_text,
)
from pipeline.load.walk import markdown_among, own_folders, walk_markdown
from pipeline.model import Item, Site
from pipeline.render.links import link_targets
from pipeline.support.parallel import PARALLEL_THRESHOLD
from pipeline.support.workers import forked_and_gone


@dataclass(frozen=True)
class _Run:
    """What one call of :func:`rendered_site` works with."""

    cfg: Config
    root: Path
    cache_dir: Path | None
    strict: bool
    timings: Timings
    since: int
    """The start of the build less :data:`~pipeline.build.state.RACY_NS`: a file modified
    later may change again within the same clock tick as its read, unseen, so its stat is
    not trusted (git's "racily clean" files)."""
    gitbook: bool
    """A GitBook space: SUMMARY.md places each page among all of them."""

    def body_of(self) -> ReloadBody:
        return functools.partial(reload_body, self.cfg, self.root)

    def trusted(self, stat: str | None) -> str:
        """``stat`` (as :func:`stat_key` spells it, taken before the file was read) if it
        can prove the file unchanged next time, else "" (which matches no file)."""
        return "" if stat is None or int(stat.split(":")[1]) > self.since else stat

    def stats(
        self, walked: Sequence[tuple[str, str]], known: Mapping[str, os.stat_result]
    ) -> list[tuple[str, str]]:
        """Each file's trusted stat, taken before anything is read (10,000 in a loop); from
        ``known`` (full path -> stat, taken earlier still) where it has the file."""
        found = []
        for source, full in walked:
            st = known.get(full)
            if st is None:
                try:
                    st = os.stat(full)
                except OSError:
                    found.append((source, ""))
                    continue
            found.append((source, "" if st.st_mtime_ns > self.since else stat_text(st)))
        return found

    def deps(self, item: Item) -> tuple[tuple[str, str], ...]:
        """The files an item was loaded from besides its own (an episode's media, the files
        it includes) with their stat, taken after the load read them: so a file changed
        (even given an old mtime) since the build started is not trusted."""
        found = []
        for rel, stat in dependency_stats(item, self.root):
            fields = stat.split(":")
            fresh = not stat or max(int(fields[1]), int(fields[2])) > self.since
            found.append((rel, "" if fresh else stat))
        return tuple(found)


def rendered_site(
    cfg: Config,
    content_dir: Path,
    cache_dir: Path | None,
    *,
    strict: bool = False,
    use_snapshot: bool = True,
    timings: Timings | None = None,
    stats: Mapping[str, os.stat_result] | None = None,
    background: contextlib.ExitStack | None = None,
) -> tuple[KeyedSite, bool]:
    """The site loaded (the id ledger written) and rendered with lazy HTML, bodies dropped
    but for episodes (their chapters come from them), with its items' keys; and whether the
    snapshot served it.

    Raises ContentError, as :func:`pipeline.load.loader.load_site` does, for bad content.
    ``timings`` gets the stages "load" and "render"; ``stats`` are files' stats taken
    before this call (by :func:`pipeline.build.state.fingerprint`), used instead of new ones.
    With ``background``, a new base is written by a forked process while the caller plans
    (0.3 s of pickling at 10,000 posts, with the other core idle), waited for when
    ``background`` closes.
    """
    run = _Run(
        cfg,
        content_dir,
        cache_dir,
        strict,
        timings or Timings(),
        time.time_ns() - RACY_NS,
        gitbook_mode(cfg, content_dir),
    )
    if cache_dir is None:
        whole = _full(run)[0]
        run.timings.mark("render")
        return whole, False
    key = _key(cfg, content_dir, strict)
    files = [content_dir / cfg.content.id_ledger]
    if run.gitbook:  # SUMMARY.md and the dates file place every page
        files += [content_dir / cfg.content.summary, content_dir / cfg.content.dates_file]
    shared = _stat_of(files)
    skip = own_folders(cfg, content_dir)
    # the fingerprint's walk, when the caller made one, is the only walk of the content folder
    walked = (
        markdown_among(content_dir, stats, skip)
        if stats
        else list(walk_markdown(content_dir, skip))
    )
    found = run.stats(walked, stats or {})
    state = read(cache_dir, key) if use_snapshot else None
    if state is not None:
        served = _partial(run, state, walked, found, shared)
        if served is not None:
            site, changed = served
            if _stat_of(files) != shared:  # the load wrote the ledger: start again
                discard(cache_dir)
            elif changed:
                save_delta(cache_dir, key, state, changed, _trusted(run, shared))
            run.timings.mark("render")
            return site, True
    site, keys = _full(run)
    if _stat_of(files) == shared:
        rows = _base_rows(run, site, keys, dict(found))
        if rows is None:
            discard(cache_dir)
        else:  # pickled by a forked process that touches no object it did not make
            save = functools.partial(save_base, cache_dir, key, _trusted(run, shared), rows)
            worth_it = background is not None and len(rows) >= PARALLEL_THRESHOLD  # 10-20 ms
            wait = forked_and_gone(save, worth_it=worth_it)  # without one: saved here, now
            if background is not None:
                background.callback(wait)
    else:
        discard(cache_dir)
    run.timings.mark("render")
    return site, False


def _key(cfg: Config, root: Path, strict: bool) -> str:
    text = f"{FORMAT}\0{build_salt(cfg, root)}\0{strict}"
    return hashlib.sha256(text.encode()).hexdigest()


def _stat_of(files: Sequence[Path]) -> Shared:
    """The stat of the files every page depends on (the id ledger; in a GitBook space also
    SUMMARY.md and the dates file), None for a file that is not there."""
    return tuple(stat_key(path) for path in files)


def _trusted(run: _Run, stat: Shared) -> Shared:
    """``stat`` (see :func:`_stat_of`) as the snapshot keeps it: a file that is not there is
    trusted to stay so; a fresh file's stat is not."""
    return tuple(None if line is None else run.trusted(line) for line in stat)


def _full(run: _Run) -> tuple[KeyedSite, list[str]]:
    """Load and render everything; the render key of each item, in order."""
    cfg, cache_dir = run.cfg, run.cache_dir
    loaded = load_cached(cfg, run.root, cache_dir, strict=run.strict, write_ledger=True)
    run.timings.mark("load")
    items = loaded.site.items
    keys = render_keys(cfg, items, loaded.keys)
    rendered, made = render_items(
        cfg,
        items,
        cache_dir,
        lazy=cache_dir is not None,
        body_of=run.body_of(),
        loaded=loaded.keys,
        keys=keys,
        clamp=gitbook_mode(cfg, run.root),
    )
    return KeyedSite(Site(tuple(_lean(i) for i in rendered), loaded.site.warnings), made), keys


def _lean(item: Item) -> Item:
    """The Markdown source is not needed past rendering (episodes keep it for chapters)."""
    return item if item.episode else item.evolve(body="")


def _partial(
    run: _Run,
    state: State,
    walked: Sequence[tuple[str, str]],
    stats: list[tuple[str, str]],
    shared: Shared,
) -> tuple[KeyedSite, dict[str, Entry]] | None:
    """The site from the snapshot and the files changed since, with their new entries;
    None when the snapshot cannot serve."""
    entries = state.entries
    changed = _changed(run, state, stats, shared)
    if changed is None:
        return None
    if not changed:
        run.timings.mark("load")
        return _site(run.root, entries.values()), {}
    loaded = load_cached(
        run.cfg,
        run.root,
        run.cache_dir,
        strict=run.strict,
        write_ledger=True,
        only=set(changed),
        walked=walked,
        pages=[s for s, e in entries.items() if e.item is not None] if run.gitbook else None,
    )
    run.timings.mark("load")
    new = {i.source: i for i in loaded.site.items}
    if not _same_pages(entries, new, changed) or _retitled_and_linked(entries, new, changed):
        return None
    warned = _by_source(run.root, loaded.site.warnings, changed)
    if warned is None:
        return None
    made, served = _rendered(run, entries, loaded, list(new.values()), changed, warned, stats)
    merged = {**entries}
    for source, entry in made.items():  # served with the HTML just rendered, where it was
        item, keys = served.get(source, (None, None))
        merged[source] = entry._replace(item=item, keys=keys)
    return _site(run.root, merged.values()), made


def _changed(
    run: _Run, state: State, stats: list[tuple[str, str]], shared: Shared
) -> list[str] | None:
    """The files changed since the snapshot (their stat, or a file they depend on); None when
    the files every page depends on changed (:func:`_stat_of`) or files came or went."""
    entries = state.entries
    if state.shared != shared or len(stats) != len(entries):
        return None
    if any(source not in entries for source, _ in stats):
        return None
    return [
        source
        for source, stat in stats
        if not stat or stat != entries[source].stat or _deps_changed(run.root, entries[source])
    ]


def _same_pages(entries: Mapping[str, Entry], new: Mapping[str, Item], changed: list[str]) -> bool:
    """Each changed file still makes the page it made (or still none): same id, URL and draft
    state. Any other change reaches other pages (links, lists): the snapshot cannot serve."""
    for source in changed:
        old, now = entries[source].item, new.get(source)
        if old is None or now is None:
            if old is not now:
                return False
        elif (old.id, old.url, old.draft) != (now.id, now.url, now.draft):
            return False
        elif "cascade" in old.extra or "cascade" in now.extra:
            return False  # Hugo's cascade reaches the section's pages: the full path
        elif old.indexed != now.indexed:  # loaded alone, a page knows no noIndex above it
            return False  # and noIndex reaches the pages nested under it: the full path
        elif old.listed != now.listed:  # nor a cascaded list: never (its lists change too)
            return False
    return True


def _rendered(
    run: _Run,
    entries: Mapping[str, Entry],
    loaded: KeyedSite,
    fresh: list[Item],
    changed: list[str],
    warned: Mapping[str, tuple[Problem, ...]],
    stats: list[tuple[str, str]],
) -> tuple[dict[str, Entry], dict[str, tuple[Item, ItemKeys]]]:
    """The changed files rendered: their new entries, and each item as served (with its HTML)
    with its keys."""
    items = (e.item for e in entries.values() if e.item is not None)
    clamp = gitbook_mode(run.cfg, run.root)
    url_of = link_targets(((i.source, i.url, i.title) for i in items), clamp=clamp)
    render_key = render_keys(run.cfg, fresh, loaded.keys)
    rendered, keys = render_items(
        run.cfg,
        fresh,
        run.cache_dir,
        url_of,
        lazy=True,
        body_of=run.body_of(),
        loaded=loaded.keys,
        keys=render_key,
    )
    key_of = dict(zip((i.source for i in fresh), render_key, strict=True))
    stat_of = dict(stats)
    made = {
        source: Entry(source, stat_of[source], (), None, warned.get(source, ()))
        for source in changed
    }
    served: dict[str, tuple[Item, ItemKeys]] = {}
    for item in rendered:
        item = _lean(item)
        served[item.source] = (item, keys[item.source])
        made[item.source] = made[item.source]._replace(
            deps=run.deps(item),
            item=_stored(item),
            keys=_stored_keys(keys[item.source], key_of[item.source]),
        )
    return made, served


def _retitled_and_linked(
    entries: Mapping[str, Entry], new: Mapping[str, Item], changed: list[str]
) -> bool:
    """A changed page has a new title and another page shows it (a GitBook link card names
    it: a ``card`` local link): that page is rendered again, by the full path. Other title
    edits are served."""
    retitled = set()
    for source in changed:
        old, now = entries[source].item, new.get(source)
        if old is not None and now is not None and old.title != now.title:
            retitled.add(source)
    if not retitled:
        return False
    return any(
        kind == CARD and source in retitled
        for entry in entries.values()
        if entry.item is not None
        for kind, source in entry.item.local_links
    )


def _deps_changed(root: Path, entry: Entry) -> bool:
    return any(not stat or stat_key(root / rel) != stat for rel, stat in entry.deps)


def _stored(item: Item) -> Item:
    """As the snapshot keeps it: the HTML left in the render cache (under the render key
    :func:`_stored_keys` gives)."""
    return item.evolve(html="") if item.html else item


def _stored_keys(keys: ItemKeys, render_key: str) -> ItemKeys:
    """The keys of an item as the snapshot keeps it: its HTML named by ``render_key``."""
    return keys if keys.html else ItemKeys(keys.body, render_key, keys.output)


def _site(root: Path, entries: Iterable[Entry]) -> KeyedSite:
    """The site of ``entries``, their warnings naming files under ``root`` as given (entries
    keep them relative to it: the same content may be named another way next time)."""
    items: list[Item] = []
    keys: dict[str, ItemKeys] = {}
    warnings: set[Problem] = set()
    shared = SharedIncludes()
    for entry in entries:
        if entry.item is not None and entry.keys is not None:
            items.append(shared(entry.item))
            keys[entry.source] = entry.keys
        warnings.update(shown(root, w) for w in entry.warnings)
    return KeyedSite(Site(tuple(items), tuple(sorted(warnings))), keys)


def _by_source(
    root: Path, warnings: Sequence[Problem], sources: Iterable[str]
) -> dict[str, tuple[Problem, ...]] | None:
    """Warnings grouped by the file they name, each naming it relative to ``root``; None if
    one names no file of ``sources``.

    Warnings name files as :func:`~pipeline.load.loader.shown` does (under ``root`` as given):
    each is mapped back through the prefix it gives and checked."""
    if not warnings:
        return {}
    known = set(sources)
    base = shown(root, Problem("-", 1, "", "")).path[:-1]
    grouped: dict[str, list[Problem]] = {}
    for w in warnings:
        source = w.path[len(base) :] if w.path.startswith(base) else ""
        if source not in known or shown(root, Problem(source, 1, "", "")).path != w.path:
            return None
        grouped.setdefault(source, []).append(dataclasses.replace(w, path=source))
    return {s: tuple(ws) for s, ws in grouped.items()}


def _base_rows(
    run: _Run, keyed: KeyedSite, keys: list[str], stat_of: Mapping[str, str]
) -> list[tuple[Any, ...]] | None:
    """The rows of a new base (see :func:`pipeline.build.snapshotfile.row`); None when the
    site cannot be kept (a warning whose file is unknown)."""
    root, site = run.root, keyed.site
    warned = _by_source(root, site.warnings, stat_of)
    if warned is None or len(keys) != len(site.items):
        return None
    items = {i.source: i for i in site.items}
    key_of = dict(zip((i.source for i in site.items), keys, strict=True))
    rows = []
    for source, stat in stat_of.items():
        item = items.get(source)
        entry = Entry(source, stat, (), None, warned.get(source, ()))
        if item is not None:
            stored_keys = _stored_keys(keyed.keys[source], key_of[source])
            entry = entry._replace(deps=run.deps(item), item=_stored(item), keys=stored_keys)
        rows.append(row(entry))
    return rows
