"""Files asked of the kernel before they are read: a build reads thousands of small files
one at a time, each read waiting for the disk when the file is not in memory (the first build
of the day, or a machine that gives unused page cache back). Asked for ahead, from a thread,
the kernel reads them in the background while the readers parse the ones before them: the load
of 10,000 posts from a cold cache took 3.9 s, 2.4 s when they were in memory.

Only hints: a file that cannot be opened, or a platform without ``posix_fadvise``, costs
nothing but the open; nothing is read into Python.
"""

from __future__ import annotations

import contextlib
import os
import stat
import threading
from collections.abc import Iterator, Sequence


def _advise(paths: Sequence[str], stop: threading.Event) -> None:
    advise = getattr(os, "posix_fadvise", None)
    if advise is None:
        return
    for path in paths:
        if stop.is_set():
            return
        try:  # never a pipe or a device: opening one may wait, or do something
            if not stat.S_ISREG(os.stat(path).st_mode):
                continue
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except (OSError, ValueError):
            continue
        try:
            advise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
        except OSError:
            pass
        finally:
            os.close(fd)


@contextlib.contextmanager
def reading_ahead(paths: Sequence[str]) -> Iterator[None]:
    """While the block runs, the kernel is asked for ``paths`` in order; the thread that
    asks is done (or stopped) when the block ends."""
    stop = threading.Event()
    thread = threading.Thread(target=_advise, args=(paths, stop), daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
