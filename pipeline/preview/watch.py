"""Watching the files a preview is built from (watchfiles: OS notifications, debounced), so
each save starts one rebuild."""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import watchfiles

DEBOUNCE_MS = 50
"""Changes arriving this close together (an editor's save-as-rename) make one rebuild."""
READY_MS = 100
"""How long the watcher waits for a change before it says it is watching (and again)."""


def watched_paths(config_path: Path, content_dir: Path, extra: Iterable[Path] = ()) -> list[Path]:
    """The config file, the content folder and ``extra`` (templates, static files), without
    duplicates or paths inside another watched folder. One of ``extra`` not there yet is kept:
    :func:`watch` sees it when it is made (a ``templates/`` folder started while serving)."""
    found: list[Path] = []
    for path in [content_dir, config_path, *extra]:
        path = path.resolve()
        if any(path == p or (p.is_dir() and path.is_relative_to(p)) for p in found):
            continue
        found = [p for p in found if not (path.is_dir() and p.is_relative_to(path))]
        found.append(path)
    return found


def _identity(path: Path) -> tuple[int, int] | None:
    """Which file or folder is at ``path`` now (device and inode), None when nothing is."""
    try:
        found = path.stat()
    except OSError:
        return None
    return (found.st_dev, found.st_ino)


def _own_output() -> set[tuple[int, int]]:
    """The files this process's stdout and stderr are written to (device and inode): in the
    content folder (``nohup`` writes ``nohup.out``), each of the preview's own lines was a
    change, and it rebuilt for ever."""
    found = set()
    for fd in (1, 2):
        try:
            st = os.fstat(fd)
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode):
            found.add((st.st_dev, st.st_ino))
    return found


def watch(
    paths: list[Path],
    on_change: Callable[[set[str]], None],
    stop: threading.Event,
    ignore: Iterable[Path] = (),
    ready: threading.Event | None = None,
    paths_now: Callable[[set[str]], list[Path]] | None = None,
) -> None:
    """Call ``on_change`` with the changed paths after each burst of changes, until ``stop``
    is set. Paths under ``ignore`` (the output and cache folders) are not reported. ``ready``
    is set once the watches are in place: a save from then on is seen. ``paths_now`` (given
    each burst's changed paths) gives the paths to watch as the configuration names them now.

    A watch follows a file, not its name: a config file saved by renaming a new file over it
    (``sed -i``, many editors' safe save) or a content folder removed and made again would
    never be seen again. So each watched path is looked at between bursts, and when another
    file or folder is there (or none), it is reported changed and the watches are set again.
    A path removed between that look and the watches' start (watchfiles then raises
    ``FileNotFoundError``) is the same case: it once stopped the watcher, and the preview."""
    skip = [p.resolve() for p in ignore]
    roots = [p.resolve() for p in paths]
    editor_files = watchfiles.DefaultFilter()  # swap files, .git, __pycache__ ...
    own = _own_output()

    def keep(change: watchfiles.Change, path: str) -> bool:
        if not editor_files(change, path) or path.endswith(".log"):
            return False  # a log is no content: `publish serve > content/serve.log` rebuilt
            # on each of its own lines, for ever
        here = Path(path)
        if own and _identity(here) in own:  # `publish serve > preview.out`, whatever its name
            return False
        if any(here.is_relative_to(p) for p in skip):
            return False
        # a folder symlinked out of the content (the build reads nothing through it; watched
        # because the OS's watch follows the link): a busy one rebuilt on each of its writes
        real = here.resolve()
        return any(real == p or real.is_relative_to(p) for p in roots)

    seen = {p: _identity(p) for p in paths}
    pending: set[str] = set()  # folders newly watched: a save there before the watch began
    while True:
        bursts = _bursts([p for p in paths if seen[p] is not None], keep, stop)
        while True:
            try:
                changes = next(bursts)
            except StopIteration:
                return  # stopped
            except FileNotFoundError:  # a watched path went between the look and the watch
                changes, vanished = set(), True  # (a ledger file deleted): look again
            else:
                vanished = False
                if ready is not None:
                    ready.set()
            now = {p: _identity(p) for p in paths}
            replaced = {str(p) for p in paths if now[p] != seen[p]}
            seen = now
            changed = {path for _, path in changes} | replaced
            if changed or pending:
                on_change(changed | pending)
            pending = set()
            moved = paths_now(changed) if paths_now is not None and changed else paths
            if moved != paths:  # the configuration names other folders now: watch them,
                pending = {str(p) for p in moved if p not in paths}  # and build once they are
                paths, roots[:] = moved, [p.resolve() for p in moved]
                seen = {p: _identity(p) for p in paths}
                break
            if replaced or vanished:
                break  # watch what is there now
        if vanished and stop.wait(READY_MS / 1000):
            return


def _bursts(
    paths: list[Path], keep: Callable[[watchfiles.Change, str], bool], stop: threading.Event
) -> Iterator[set[tuple[watchfiles.Change, str]]]:
    """The bursts of changes under ``paths``, and an empty one each ``READY_MS`` without any
    (the first says the watches are in place), until ``stop`` is set."""
    if not paths:  # nothing there to watch: look again soon
        while not stop.wait(READY_MS / 1000):
            yield set()
        return
    yield from watchfiles.watch(
        *paths,
        watch_filter=keep,
        debounce=DEBOUNCE_MS,
        step=20,
        stop_event=stop,
        rust_timeout=READY_MS,
        yield_on_timeout=True,
        raise_interrupt=False,
    )
