"""Worker processes that never outlive the process that started them.

A stage with much to do spreads it over a process pool. When the parent is killed (SIGKILL:
a cancelled CI job, the OOM killer), a plain ``ProcessPoolExecutor`` worker waits forever for
work on a pipe whose other end it holds itself, and a writer forked inside the output lock
kept the folder locked for good. Each worker started here asks the kernel to kill it when its
parent dies (Linux ``PR_SET_PDEATHSIG``, through ctypes); where that is not available a thread
watches the parent instead. Either way the worker first checks that the parent is not already
gone (it may die between the fork and the check).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

_PR_SET_PDEATHSIG = 1
"""From ``<linux/prctl.h>``."""
_WATCH_INTERVAL = 0.2
"""Seconds between two looks at the parent where the kernel cannot watch it for us."""


def process_pool(
    workers: int,
    initializer: Callable[..., object] | None = None,
    initargs: tuple[Any, ...] = (),
    *,
    fork: bool = False,
) -> ProcessPoolExecutor:
    """A ``ProcessPoolExecutor`` whose workers die with this process. ``fork`` forces the fork
    start method (workers share the parent's memory copy-on-write, nothing is pickled)."""
    context = multiprocessing.get_context("fork" if fork else None)
    # a forkserver's workers are children of the server, which itself ends with its parent
    parent = None if context.get_start_method() == "forkserver" else os.getpid()
    return ProcessPoolExecutor(
        workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(parent, initializer, initargs),
    )


def _start_worker(
    parent: int | None, initializer: Callable[..., object] | None, initargs: tuple[Any, ...]
) -> None:
    die_with_parent(os.getppid() if parent is None else parent)
    if initializer is not None:
        initializer(*initargs)


def die_with_parent(parent: int) -> None:
    """End this process as soon as ``parent`` (its parent's pid) is gone."""
    if not _kernel_kills_orphans():
        threading.Thread(target=_watch, args=(parent,), name="watch-parent", daemon=True).start()
    if os.getppid() != parent:  # died before the kernel was asked: reparented already
        os._exit(1)


def _kernel_kills_orphans() -> bool:
    """Ask Linux to SIGKILL this process when the thread that forked it ends."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_WATCH_INTERVAL)
    os._exit(1)
