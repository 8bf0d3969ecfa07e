"""Work that follows a rebuild but need not hold up the reload: the search index.

The search index is updated incrementally (tens of milliseconds for an edit), but adding or
removing a page remakes it (seconds at 10,000 posts). The preview reloads the open pages first
and updates the index in a thread of its own; saves made meanwhile make one more run, never
two at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable


class Later:
    """Runs ``work`` with the paths written since its last run, after each :meth:`due`."""

    def __init__(self, work: Callable[[tuple[str, ...]], None]) -> None:
        self._work = work
        self._lock = threading.Condition()
        self._pending: set[str] = set()
        self._due = False
        self._running = False
        self._closed = False
        self._thread = threading.Thread(target=self._loop, name="publish-serve-later")
        self._thread.start()

    def due(self, written: Iterable[str]) -> None:
        """Ask for a run (the paths are what the rebuild wrote or removed)."""
        with self._lock:
            self._pending.update(written)
            self._due = True
            self._lock.notify_all()

    @property
    def busy(self) -> bool:
        """A run is going on or waiting to start."""
        with self._lock:
            return self._due or self._running

    def wait(self) -> None:
        """Until no run is going on or waiting."""
        with self._lock:
            self._lock.wait_for(lambda: not (self._due or self._running) or self._closed)

    def _loop(self) -> None:
        while True:
            with self._lock:
                self._lock.wait_for(lambda: self._due or self._closed)
                if self._closed:
                    return
                paths, self._pending, self._due = tuple(sorted(self._pending)), set(), False
                self._running = True
            try:
                self._work(paths)
            finally:
                with self._lock:
                    self._running = False
                    self._lock.notify_all()

    def close(self) -> None:
        """Stop after the run going on, if any (the temporary folder is removed after)."""
        with self._lock:
            self._closed = True
            self._lock.notify_all()
        self._thread.join()
