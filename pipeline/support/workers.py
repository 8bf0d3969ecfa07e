"""Worker processes that never outlive the process that started them.

A stage with much to do spreads it over a process pool. When the parent is killed (SIGKILL:
a cancelled CI job, the OOM killer), a plain ``ProcessPoolExecutor`` worker waits forever for
work on a pipe whose other end it holds itself, and a writer forked inside the output lock
kept the folder locked for good. Each worker started here asks the kernel to kill it when its
parent dies (Linux ``PR_SET_PDEATHSIG``, through ctypes); where that is not available a thread
watches the parent instead. Either way the worker first checks that the parent is not already
gone (it may die between the fork and the check).

Ctrl-C is the parent's alone. A terminal sends SIGINT to the whole process group, and a worker
interrupted while it held its pool's result queue lock left the others waiting for it, and the
parent waiting for them, for good (the build hung; a second Ctrl-C did nothing). So every
process forked from this one ignores SIGINT, from its first instruction: the signal is blocked
around each fork and the child sets it aside before letting it through. The parent stops, its
pools let their workers finish the task in hand, and nothing is half-written.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import functools
import multiprocessing
import os
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import IO, Any, Generic, TypeVar, cast

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
    pool = ProcessPoolExecutor(
        workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(parent, initializer, initargs),
    )
    _widen_pipes(pool)
    return pool


_F_SETPIPE_SZ = 1031
"""Linux's fcntl command that sets a pipe's buffer size (not in the fcntl module of 3.11)."""
_PIPE_BYTES = 1 << 20
"""What an unprivileged process may ask for (``/proc/sys/fs/pipe-max-size``, 1 MiB)."""


def _widen_pipes(pool: ProcessPoolExecutor) -> None:
    """The pipes that carry a pool's tasks and results, 1 MiB instead of 64 KiB: a chunk of
    results (64 items loaded, with their bodies) is several hundred KB, and a worker with a
    full pipe waits for this process to read, which it does between its own work (the load of
    10,000 posts: 0.15 s less, its cores busy 1.6 of 2 before). Where the platform or the
    executor's insides differ, the pipes stay as they are."""
    for queue in (getattr(pool, "_result_queue", None), getattr(pool, "_call_queue", None)):
        writer = getattr(queue, "_writer", None)
        with contextlib.suppress(AttributeError, OSError, ValueError):
            fcntl.fcntl(writer.fileno(), _F_SETPIPE_SZ, _PIPE_BYTES)  # type: ignore[union-attr]


def _interrupts_to_parent() -> None:
    """In a forked child: SIGINT ignored (the parent handles it), then let through again."""
    with contextlib.suppress(ValueError, OSError):  # not the main thread: left as it was
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _sigmask_calls() -> tuple[Callable[[], object], Callable[[], object]] | None:
    """C calls that block and unblock SIGINT in this thread, through libc: Python's own
    ``signal.pthread_sigmask`` runs a pending handler as it returns, and a KeyboardInterrupt
    raised in an at-fork hook is printed and dropped (the build then went on). None where
    libc cannot be had (then nothing is blocked: a child may still see a Ctrl-C)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        words = (ctypes.c_ulong * (1024 // (8 * ctypes.sizeof(ctypes.c_ulong))))()
        libc.sigemptyset(ctypes.byref(words))
        libc.sigaddset(ctypes.byref(words), int(signal.SIGINT))
        mask = libc.pthread_sigmask
    except (OSError, AttributeError):
        return None
    # partials of a C function: no Python frame, so no handler runs inside the hook
    block = functools.partial(mask, int(signal.SIG_BLOCK), ctypes.byref(words), None)
    unblock = functools.partial(mask, int(signal.SIG_UNBLOCK), ctypes.byref(words), None)
    return block, unblock


_MASK_CALLS = _sigmask_calls()
if _MASK_CALLS is not None and hasattr(os, "register_at_fork"):
    os.register_at_fork(
        before=_MASK_CALLS[0], after_in_parent=_MASK_CALLS[1], after_in_child=_interrupts_to_parent
    )


def stop_children(timeout: float = 5.0) -> None:
    """End the worker processes still running (an interrupted build: they ignore SIGINT, and
    a pool left mid-task would keep them waiting for work, and the exit waiting for them).
    Their writes are atomic: what they leave is a temporary file the next build sweeps."""
    children = multiprocessing.active_children()
    for child in children:
        child.terminate()
    for child in children:
        child.join(timeout)


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


T = TypeVar("T")


@dataclass(frozen=True)
class _Share:
    count: int
    work: Callable[[int], object]
    claimed: Any
    """A ``multiprocessing.Value``: the number of the next task not yet taken."""

    def take(self) -> int:
        with self.claimed.get_lock():
            n = int(self.claimed.value)
            self.claimed.value = n + 1
        return n

    def give_up(self) -> None:
        with self.claimed.get_lock():
            self.claimed.value = self.count


_SHARES: list[_Share] = []
"""The share a forked worker drains (set before the fork, never pickled)."""


def _drain() -> list[tuple[int, object]]:
    share = _SHARES[-1]
    done: list[tuple[int, object]] = []
    try:
        while (n := share.take()) < share.count:
            done.append((n, share.work(n)))
    except BaseException:
        share.give_up()  # the other process stops after its current task
        raise
    return done


def forkable() -> bool:
    """A worker forked from this process can run at the same time as it: two cores or more,
    and the fork start method (not on Windows)."""
    return (os.cpu_count() or 1) >= 2 and "fork" in multiprocessing.get_all_start_methods()


def share_forked(
    count: int,
    work: Callable[[int], T],
    initializer: Callable[[], object] | None = None,
    *,
    worth_it: bool = True,
) -> list[T]:
    """``[work(n) for n in range(count)]``, done by this process and one forked worker, each
    taking the next task when it finishes one (put the largest first): neither waits for the
    other while work is left, as it would with the tasks dealt out in advance. The worker reads
    what ``work`` needs from memory it shares with this process (nothing is pickled but the
    results). ``initializer`` runs in each process after the fork, before its first task.
    When no worker can be forked (:func:`forkable`), or the caller says it is not
    ``worth_it``, every task runs here."""
    if not worth_it or not forkable():
        if initializer is not None:
            initializer()
        return [work(n) for n in range(count)]
    share = _Share(count, work, multiprocessing.get_context("fork").Value("q", 0))
    _SHARES.append(share)
    try:
        with process_pool(1, initializer, fork=True) as pool:
            theirs = pool.submit(_drain)  # the worker is forked here, before anything below
            if initializer is not None:
                initializer()
            results = dict(_drain())
            results.update(theirs.result())
    finally:
        _SHARES.pop()
    return [cast(T, results[n]) for n in range(count)]


_CALLS: list[tuple[Callable[[], object], Callable[[], object] | None]] = []
"""What a forked :func:`forked_call` process runs, and what it does next (its ``then``): set
before the fork, never pickled."""


def _call_last() -> object:
    return _CALLS[-1][0]()


def _then_last() -> None:
    then = _CALLS[-1][1]
    if then is not None:
        then()


class Pending(Generic[T]):
    """A result to come: called, it waits for it (or raises what its work raised)."""

    def __init__(
        self, result: Callable[[], T], running: Callable[[], bool], *, forked: bool = False
    ) -> None:
        self._result = result
        self.running = running
        """True while another process is still at the work: the caller may do something
        else meanwhile. Never true for work done here when asked for."""
        self.forked = forked
        """The work was given to a forked process (it may be done already)."""

    def __call__(self) -> T:
        return self._result()


def _idle() -> bool:
    return False


def ready(result: Callable[[], T]) -> Pending[T]:
    """A result no other process works at (made when asked for)."""
    return Pending(result, _idle)


@contextlib.contextmanager
def forked_call(
    fn: Callable[[], T],
    *,
    worth_it: bool = True,
    then: Callable[[], object] | None = None,
) -> Iterator[Pending[T]]:
    """Start ``fn()`` in a forked process while the caller goes on; the :class:`Pending`
    yielded waits for its result (or raises its exception). ``fn`` reads what it needs from
    memory it shares with this process; only its result is pickled. With one core, or without
    the fork start method, or when the caller says it is not ``worth_it`` (little work: a fork
    costs 10-20 ms), ``fn`` runs here when its result is first asked for. Leaving the block
    waits for the process to end.

    ``then``: more work for the forked process once ``fn``'s result is sent (the core would
    sit idle otherwise); nothing of it comes back, not even an exception, and leaving the
    block waits for it too (the caller tells it to stop first). It runs only in a forked
    process: the yielded :attr:`Pending.forked` says whether there is one."""
    if not worth_it or not forkable():
        done: list[T] = []

        def here() -> T:
            if not done:
                done.append(fn())
            return done[0]

        yield ready(here)
        return
    _CALLS.append((fn, then))
    try:
        with process_pool(1, fork=True) as pool:
            future = pool.submit(_call_last)  # forked here
            if then is not None:  # its outcome is not asked for: work ahead, never a failure
                pool.submit(_then_last)
            yield Pending(lambda: cast(T, future.result()), lambda: not future.done(), forked=True)
    finally:
        _CALLS.pop()


def forked_and_gone(fn: Callable[[], object], *, worth_it: bool = True) -> Callable[[], None]:
    """``fn()`` in a forked process that ends as soon as it is done, while the caller goes on;
    returns the wait for it (call it before the caller ends). For work whose result is a file
    (nothing comes back: an exception ends the process, unreported). A pool's worker would
    stay alive until its pool closes, and every page this process writes meanwhile would be
    copied for it (a build's plan and writes: 200 MB at 10,000 posts). Without a fork, or
    when not ``worth_it``, ``fn`` runs here, now."""
    if not worth_it or not forkable():
        fn()
        return _nothing
    pid = os.fork()
    if pid == 0:  # the child: fn, then out, with no exit handler of the parent's run
        code = 1
        try:
            fn()
            code = 0
        finally:
            os._exit(code)

    def wait() -> None:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)

    return wait


def _nothing() -> None:
    return None


@contextlib.contextmanager
def forked_bytes(
    fn: Callable[[], bytes],
    *,
    worth_it: bool = True,
    then: Callable[[], object] | None = None,
) -> Iterator[Pending[bytes]]:
    """:func:`forked_call` for a large result: its bytes come back through a temporary file
    the forked process inherits, not pickled through a pipe (read 64 KB at a time by a thread
    that waits for its turn at the GIL each time, 90 MB took this process a second whenever
    it was busy meanwhile). Where no temporary file can be made or written (no temporary
    folder, a full disk), they come through the pipe after all."""
    with contextlib.ExitStack() as stack:
        spool = None
        if worth_it and forkable():
            with contextlib.suppress(OSError):
                spool = stack.enter_context(tempfile.TemporaryFile())
        if spool is None:
            with forked_call(fn, worth_it=worth_it, then=then) as piped:
                yield piped
            return
        with forked_call(functools.partial(_spooled, fn, spool), then=then) as sent:
            got: list[bytes] = []

            def result() -> bytes:
                if not got:
                    found = sent()
                    if isinstance(found, int):
                        spool.seek(0)
                        found = spool.read(found)
                    got.append(found)
                return got[0]

            yield Pending(result, sent.running, forked=sent.forked)


def _spooled(fn: Callable[[], bytes], spool: IO[bytes]) -> int | bytes:
    """In the forked process: ``fn()`` written to ``spool``, and its length; the bytes
    themselves when they cannot be written."""
    data = fn()
    try:
        spool.write(data)
        spool.flush()
    except OSError:
        return data  # through the pipe
    return len(data)
