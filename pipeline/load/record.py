"""What loading one file produced, as the load cache stores it, and how a caller's cache is
asked for it (:class:`LoadStore`: the loader only reads and offers records; the store itself,
its file and its key, belong to the build).

Records are pickled (an item as the tuple of its field values), because decoding 10,000
items from JSON costs several times as long. A cache folder may be restored in CI from a
shared cache, so unpickling is restricted: only the model's nested record types, the error
record and the ``datetime`` types can be built (time zones through :func:`_zone`), and
nothing can be called that runs other code.
"""

from __future__ import annotations

import dataclasses
import importlib
import io
import os
import pickle
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol
from zoneinfo import ZoneInfo

from pipeline import errors, model

_ALLOWED = {
    ("pipeline.model", name)
    for name in ("Episode", "Event", "Media", "Person", "Soundbite", "Recurrence", "Moved")
} | {
    ("pipeline.errors", "Problem"),
    ("datetime", "datetime"),
    ("datetime", "date"),
    ("datetime", "time"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
    ("pipeline.load.record", "_zone"),
}


@dataclass(frozen=True)
class Record:
    """What loading one file produced."""

    item: model.Item
    """Without its body (kept for episodes: their chapters come from it)."""
    warnings: tuple[errors.Problem, ...]
    lines: dict[str, int]
    """Line of each front-matter key, for problems found across files (duplicate ids)."""
    ledger: bool
    """The id came from the id ledger (no ``id`` key): the ledger must still agree."""
    deps: tuple[tuple[str, str], ...] = ()
    """Other files the item was made from (an episode's local audio), with their stat."""


def _zone(key: str) -> ZoneInfo:
    return ZoneInfo(key)


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, ZoneInfo):
            if obj.key is None:
                raise pickle.PicklingError("a time zone without a name")
            return _zone, (obj.key,)
        return NotImplemented


class _Unpickler(pickle.Unpickler):
    """Builds only what ``allowed`` names; any other global in the data is refused."""

    def __init__(self, data: bytes, allowed: Mapping[tuple[str, str], Any]) -> None:
        super().__init__(io.BytesIO(data))
        self.allowed = allowed

    def find_class(self, module: str, name: str) -> Any:
        found = self.allowed.get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in this cache")
        return found


def stat_key(path: Path | str) -> str | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return stat_text(st)


def stat_text(st: os.stat_result) -> str:
    """What :func:`stat_key` records of a stat: any edit, copy or replacement changes it."""
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"


class LoadStore(Protocol):
    """Where the loader finds what it loaded before (see ``pipeline.build.loadcache``).

    The store also says how it keys a file's text (:attr:`text_key`: the loader never
    computes a cache key itself); it is called in the loader's worker processes, so it is a
    module-level function."""

    @staticmethod
    def text_key(text: str) -> str:
        """The key of a file's text, as :meth:`known_text`, :meth:`get_by_text` and
        :meth:`put` take it."""

    @staticmethod
    def item_key(item: model.Item, path: Path | str) -> object:
        """What :meth:`put` keeps of an item beside its record, made where the item was
        validated (a worker, often: 25 µs an item the loading process would spend in turn)."""

    def get(self, source: str, path: Path | str) -> Record | None:
        """The record of ``source`` when the file and its dependencies are unchanged."""

    def known_text(self, source: str) -> str | None:
        """The key (:attr:`text_key`) of the text the record of ``source`` was made from."""

    def get_by_text(self, source: str, path: Path | str, digest: str) -> Record | None:
        """The record of ``source`` when its text is the one read now (its stat changed)."""

    def put(
        self,
        source: str,
        path: Path | str,
        digest: str,
        record: bytes | None,
        item: model.Item,
        key: object = None,
    ) -> None:
        """Keep what loading ``source`` produced (a record made by :func:`pack`); ``item`` is
        the item as loaded, its body included (the record has none: the store keeps what it
        needs to know that body again); ``key`` is :meth:`item_key` of it (None: made here)."""

    def save(self, sources: Iterable[str]) -> None:
        """Keep the new records; forget files that are gone."""

    def close(self) -> None: ...


class NoStore:
    """A store that remembers nothing: every file is read (``publish validate``, tests)."""

    @staticmethod
    def text_key(text: str) -> str:
        return ""

    @staticmethod
    def item_key(item: model.Item, path: Path | str) -> object:
        return None

    def get(self, source: str, path: Path | str) -> Record | None:
        return None

    def known_text(self, source: str) -> str | None:
        return None

    def get_by_text(self, source: str, path: Path | str, digest: str) -> Record | None:
        return None

    def put(
        self,
        source: str,
        path: Path | str,
        digest: str,
        record: bytes | None,
        item: model.Item,
        key: object = None,
    ) -> None:
        return None

    def save(self, sources: Iterable[str]) -> None:
        return None

    def close(self) -> None:
        return None


def pack(record: Record, content_dir: Path) -> bytes | None:
    """A record as the cache stores it, with the stat of the files it depends on; None for
    a value the cache cannot carry. Made where the item was (a worker process, often)."""
    item = record.item
    deps = dependency_stats(item, content_dir)
    return safe_dumps((item_values(item), record.warnings, record.lines, record.ledger, deps))


def safe_dumps(value: object) -> bytes | None:
    """``value`` pickled for :func:`restricted_loads`; None when it holds something that
    cannot be carried (a time zone without a name, an object of another type)."""
    buf = io.BytesIO()
    try:
        _Pickler(buf, protocol=5).dump(value)
    except (pickle.PicklingError, TypeError, AttributeError):
        return None
    return buf.getvalue()


def safe_dump(value: object, out: IO[bytes], *, shared: bool = True) -> bool:
    """:func:`safe_dumps` into the file ``out`` (a large value is never whole in memory):
    False when ``value`` holds something that cannot be carried (``out`` then holds a part).

    ``shared`` False pickles without the memo: an object met twice is written twice, a cycle
    cannot be carried, and no object is referenced by the pickler (the memo holds a reference
    to each: in a forked process, every page of the parent's objects was copied, 100 MB for a
    snapshot of 10,000 posts, against 15 MB without)."""
    try:
        pickler = _Pickler(out, protocol=5)
        pickler.fast = not shared  # the C pickler's memo switch (documented as deprecated)
        pickler.dump(value)
    except (pickle.PicklingError, TypeError, AttributeError, ValueError, RecursionError):
        return False
    return True


def restricted_loads(data: bytes) -> Any:
    """Unpickle what :func:`safe_dumps` made; any other global in ``data`` is refused."""
    return _Unpickler(data, _RECORD_TYPES).load()


def dependency_stats(item: model.Item, content_dir: Path) -> tuple[tuple[str, str], ...]:
    """The other files an item was loaded from (an episode's local media, the files its body
    includes), each with its stat ("" if gone)."""
    return tuple((rel, stat_key(content_dir / rel) or "") for rel in _dependencies(item))


_ITEM_FIELDS = tuple(f.name for f in dataclasses.fields(model.Item))


def item_values(item: model.Item) -> tuple[Any, ...]:
    """An Item as the tuple of its field values, for :func:`item_from_values`."""
    return tuple(item.__dict__[name] for name in _ITEM_FIELDS)


def item_from_values(values: tuple[Any, ...]) -> model.Item:
    """An Item from its field values in order: stored as a tuple, an item unpickles in a
    third of the time its object form takes (10,000 of them on every build)."""
    if len(values) != len(_ITEM_FIELDS) or not all(isinstance(values[i], str) for i in _TEXT):
        raise ValueError("not an item record")
    item = object.__new__(model.Item)
    item.__dict__.update(zip(_ITEM_FIELDS, values, strict=True))
    return item


_TEXT = tuple(i for i, name in enumerate(_ITEM_FIELDS) if name in ("id", "source", "url"))


def _dependencies(item: model.Item) -> list[str]:
    ep = item.episode
    media = [] if ep is None else (ep.audio, ep.transcript, ep.chapters)
    found = [m.source for m in media if m is not None and m.source]
    return found + [path for path, _, _ in item.includes]


_RECORD_TYPES = {
    (module, name): getattr(importlib.import_module(module), name) for module, name in _ALLOWED
}
