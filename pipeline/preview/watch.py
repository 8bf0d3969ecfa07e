"""Watching the files a preview is built from (watchfiles: OS notifications, debounced), so
each save starts one rebuild."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import watchfiles

DEBOUNCE_MS = 50
"""Changes arriving this close together (an editor's save-as-rename) make one rebuild."""
READY_MS = 100
"""How long the watcher waits for a change before it says it is watching (and again)."""


def watched_paths(config_path: Path, content_dir: Path, extra: Iterable[Path] = ()) -> list[Path]:
    """The config file, the content folder and the existing ones of ``extra`` (templates,
    static files), without duplicates or paths inside another watched folder."""
    found: list[Path] = []
    for path in [content_dir, config_path, *extra]:
        if not path.exists():
            continue
        path = path.resolve()
        if any(path == p or (p.is_dir() and path.is_relative_to(p)) for p in found):
            continue
        found = [p for p in found if not (path.is_dir() and p.is_relative_to(path))]
        found.append(path)
    return found


def watch(
    paths: list[Path],
    on_change: Callable[[set[str]], None],
    stop: threading.Event,
    ignore: Iterable[Path] = (),
    ready: threading.Event | None = None,
) -> None:
    """Call ``on_change`` with the changed paths after each burst of changes, until ``stop``
    is set. Paths under ``ignore`` (the output and cache folders) are not reported. ``ready``
    is set once the watches are in place: a save from then on is seen."""
    skip = [p.resolve() for p in ignore]
    editor_files = watchfiles.DefaultFilter()  # swap files, .git, __pycache__ ...

    def keep(change: watchfiles.Change, path: str) -> bool:
        if not editor_files(change, path):
            return False
        here = Path(path)
        return not any(here.is_relative_to(p) for p in skip)

    for changes in watchfiles.watch(
        *paths,
        watch_filter=keep,
        debounce=DEBOUNCE_MS,
        step=20,
        stop_event=stop,
        rust_timeout=READY_MS,
        yield_on_timeout=True,  # the first yield says the watches are in place
        raise_interrupt=False,
    ):
        if ready is not None:
            ready.set()
        if changes:
            on_change({path for _, path in changes})
