"""The snapshot's two files in the cache folder (see :mod:`pipeline.build.snapshot`): the
base, written after a full load, and the delta of the items changed since; how an entry is
kept, written and read back (unpickled with the load cache's restrictions)."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from pipeline.build.keys import ItemKeys
from pipeline.errors import Problem
from pipeline.load.record import (
    item_from_values,
    item_values,
    restricted_loads,
    safe_dump,
    stat_key,
)
from pipeline.model import Item
from pipeline.support.output import atomic_file

FORMAT = "publish-snapshot-5"
BASE = "site.snapshot"
DELTA = "site.snapshot-delta"
DELTA_LIMIT = 256
"""Changed items kept in the delta before the base is written again."""


class Entry(NamedTuple):
    """One Markdown file as the snapshot knows it."""

    source: str
    stat: str
    """Its stat when it was read ("" when that could not be trusted: read it again)."""
    deps: tuple[tuple[str, str], ...]
    """An episode's local media files and their stat."""
    item: Item | None
    """Rendered, without its HTML (its keys' ``html`` names it in the render cache) and, but
    for episodes, without its body."""
    warnings: tuple[Problem, ...]
    keys: ItemKeys | None = None
    """The item's keys (None with no item)."""


Shared = tuple[str | None, ...]
"""The stats (:func:`~pipeline.load.record.stat_key`, None: no such file) of the files every
page depends on."""


class State(NamedTuple):
    """A snapshot as read: its base's token, the stat of the files every page depends on,
    every entry (the delta applied) and the delta's entries."""

    token: str
    """Names the base; a delta made on another base is ignored."""
    shared: Shared
    """The stat of the id ledger and, in a GitBook space, of SUMMARY.md and the dates file
    (see :func:`pipeline.build.snapshot.rendered_site`)."""
    entries: dict[str, Entry]
    delta: dict[str, Entry]


def discard(cache_dir: Path) -> None:
    """Forget the snapshot (the next build loads everything)."""
    for name in (DELTA, BASE):
        with contextlib.suppress(OSError):
            (cache_dir / name).unlink()


def save_base(cache_dir: Path, key: str, shared: Shared, rows: Sequence[tuple[Any, ...]]) -> None:
    """A new base of ``rows`` (see :func:`row`), under a new token; no delta. Pickled into
    the file as it is made (84 MB at 10,000 posts of which 5,000 episodes keep their body),
    without the memo (see :func:`pipeline.load.record.safe_dump`): the build does this in a
    forked process."""
    with contextlib.suppress(OSError):
        (cache_dir / DELTA).unlink()
    _dump(cache_dir, BASE, (FORMAT, key, secrets.token_hex(8), shared, tuple(rows)))


def save_delta(
    cache_dir: Path, key: str, state: State, changed: dict[str, Entry], shared: Shared
) -> None:
    """The entries ``changed`` since the base added to its delta (on ``state``'s token)."""
    delta = {**state.delta, **changed}
    if len(delta) > DELTA_LIMIT:  # fold it in: a new base, and no delta
        entries = {**state.entries, **changed}
        save_base(cache_dir, key, shared, [row(e) for e in entries.values()])
        return
    _dump(
        cache_dir, DELTA, (FORMAT, key, state.token, shared, tuple(row(e) for e in delta.values()))
    )


def row(entry: Entry) -> tuple[Any, ...]:
    values = item_values(entry.item) if entry.item is not None else None
    keys = entry.keys.as_row() if entry.keys is not None else None
    return (entry.source, entry.stat, entry.deps, values, entry.warnings, keys)


def _dump(cache_dir: Path, name: str, value: tuple[Any, ...]) -> None:
    """``value`` pickled into the file ``name`` as it is made, without the memo (see
    :func:`pipeline.load.record.safe_dump`; rows of values hold no cycle); the snapshot
    forgotten when it holds a value the cache cannot carry."""
    try:
        with atomic_file(cache_dir / name) as out:
            if not safe_dump(value, out, shared=False):
                raise _Unpicklable
    except _Unpicklable:
        discard(cache_dir)
    except OSError:
        pass  # a cache that cannot be written: a slower next build


class _Unpicklable(Exception):
    """The value holds something the cache cannot carry: no file is written."""


def read(cache_dir: Path, key: str) -> State | None:
    """The snapshot made under ``key``, its delta applied; None when there is none, or it is
    damaged, or made by other code or settings."""
    base = _load(cache_dir / BASE, key)
    if base is None:
        return None
    token, shared, entries = base
    delta: dict[str, Entry] = {}
    found = _load(cache_dir / DELTA, key)
    if found is not None and found[0] == token:
        _, shared, delta = found
        if any(source not in entries for source in delta):
            return None
        entries.update(delta)
    return State(token, shared, entries, delta)


_Loaded = tuple[str, Shared, dict[str, Entry]]
_KEPT: dict[Path, tuple[str, str, _Loaded]] = {}
"""What a long-running process (``publish serve``) last read of each snapshot file, with the
file's stat: a file unchanged since is not read and unpickled again (18 MB at 10,000 posts).
Every write replaces the file (a new inode), so its stat says when it changed."""
_KEEP = 4


def _load(path: Path, key: str) -> _Loaded | None:
    stat = stat_key(path)
    kept = _KEPT.get(path)
    if stat is not None and kept is not None and kept[:2] == (stat, key):
        token, shared, entries = kept[2]
        return token, shared, dict(entries)  # the caller applies the delta to its copy
    found = _parse(path, key)
    _KEPT.pop(path, None)
    if found is not None and stat is not None and stat_key(path) == stat:
        _KEPT[path] = (stat, key, (found[0], found[1], dict(found[2])))
        while len(_KEPT) > _KEEP:  # the base and delta of one or two cache folders
            del _KEPT[next(iter(_KEPT))]
    return found


def _parse(path: Path, key: str) -> _Loaded | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        fmt, found_key, token, shared, rows = restricted_loads(data)
        if fmt != FORMAT or found_key != key or not isinstance(token, str):
            return None
        entries: dict[str, Entry] = {}
        for source, stat, deps, values, warnings, keys in rows:
            item = item_from_values(values) if values is not None else None
            if not isinstance(source, str) or not isinstance(stat, str):
                return None
            found = ItemKeys.from_row(keys) if item is not None else None
            if item is not None and (item.source != source or found is None):
                return None
            if not all(isinstance(w, Problem) for w in warnings):
                return None
            entries[source] = Entry(source, stat, tuple(deps), item, tuple(warnings), found)
    except Exception:  # a damaged or hostile snapshot is no snapshot, never an error
        return None
    if not isinstance(shared, tuple) or any(s is not None and type(s) is not str for s in shared):
        return None
    return token, shared, entries
