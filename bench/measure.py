"""Measuring one step of the benchmark: a child process's time, CPU and memory (of its whole
process tree), and what it did to the output folder (files written, the search index)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _tree_pids(root: int) -> set[int]:
    """``root`` and all its descendants (one /proc scan)."""
    parent: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(b")") + 2 :].split()
        parent[int(entry.name)] = int(fields[1])
    tree, frontier = {root}, [root]
    children: dict[int, list[int]] = {}
    for pid, ppid in parent.items():
        children.setdefault(ppid, []).append(pid)
    while frontier:
        for child in children.get(frontier.pop(), []):
            if child not in tree:
                tree.add(child)
                frontier.append(child)
    return tree


def _proc_kib(pid: int, name: str, field: bytes) -> int:
    """A ``kB`` line of /proc/PID/NAME (0 when the process is gone or the line absent)."""
    try:
        with open(f"/proc/{pid}/{name}", "rb") as f:
            for line in f:
                if line.startswith(field):
                    return int(line.split()[1])
    except (OSError, IndexError, ValueError):
        pass
    return 0


def _tree_memory_kib(root: int) -> tuple[int, int]:
    """(summed PSS of the tree, largest VmHWM in it). PSS shares each copy-on-write page of a
    forked worker among the processes that map it, where summed RSS would count it in each."""
    pss = hwm = 0
    for pid in _tree_pids(root):
        pss += _proc_kib(pid, "smaps_rollup", b"Pss:")
        hwm = max(hwm, _proc_kib(pid, "status", b"VmHWM:"))
    return pss, hwm


class TreeSampler(threading.Thread):
    """Polls a process tree's memory until stopped; keeps the peaks."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_pss_kib = 0
        self.peak_hwm_kib = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            with contextlib.suppress(OSError):
                pss, hwm = _tree_memory_kib(self.pid)
                self.peak_pss_kib = max(self.peak_pss_kib, pss)
                self.peak_hwm_kib = max(self.peak_hwm_kib, hwm)
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


@dataclass
class Run:
    step: str
    round: int
    seconds: float
    exit_code: int
    maxrss_kib: int
    """The largest single process: ru_maxrss from wait4 (the child or a reaped descendant),
    or a larger VmHWM sampled from /proc."""
    tree_peak_kib: int
    """Sampled peak of the summed PSS of the child and all its descendants."""
    files_written: int | None = None
    """Output files created or modified by this run (publish only)."""
    search: str | None = None
    """The search index after this run (publish only): indexed, kept, none or failed."""
    cpu_seconds: float = 0.0
    """User + system CPU time of the child and every descendant it waited for (wait4): less
    sensitive than wall time to other work on the machine, so a shape's cost reads off it."""
    log: str = ""
    timed: bool = True
    """A timed round's run: its memory was not sampled (``tree_peak_kib`` 0). False: the
    memory round's, whose time is not counted (see :func:`measure`)."""


def measure(
    step: str, rnd: int, cmd: list[str], cwd: Path, log: Path, *, sample: bool = False
) -> Run:
    """Run ``cmd`` and time it; with ``sample``, poll the process tree's memory meanwhile
    (for the memory round, untimed). Reading ``smaps_rollup`` walks every page of every
    process in the tree, ten times a second, on the cores the build uses (and holds each
    process's memory map while it does): it slowed a cold build of 10,000 short posts by
    more than it slowed Hugo's one process, so a timed round never samples (as hyperfine
    times without a memory probe). ``ru_maxrss`` from ``wait4`` costs nothing: every run
    has it."""
    log.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.pop("PUBLISH_CACHE_DIR", None)
    # one step's writeback must not land in the next step's time (as hyperfine's --prepare
    # sync): what the step itself leaves to the disk after it exits is not timed, for Hugo
    # or for publish
    os.sync()
    with log.open("wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env)
        sampler = TreeSampler(proc.pid) if sample else None
        if sampler is not None:
            sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
    if sampler is not None:
        sampler.stop()
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    return Run(
        step,
        rnd,
        seconds,
        proc.returncode,
        max(usage.ru_maxrss, sampler.peak_hwm_kib if sampler else 0),
        sampler.peak_pss_kib if sampler else 0,
        log=str(log.relative_to(REPO)),
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        timed=not sample,
    )


def snapshot(folder: Path) -> dict[str, int]:
    stamps: dict[str, int] = {}
    for dirpath, _, files in os.walk(folder):
        for name in files:
            p = os.path.join(dirpath, name)
            with contextlib.suppress(OSError):
                stamps[p] = os.stat(p).st_mtime_ns
    return stamps


def written(before: dict[str, int], after: dict[str, int]) -> int:
    return sum(1 for p, t in after.items() if before.get(p) != t)


SEARCH_FAILED = "search index not updated"
"""The build's warning when the index could not be written (pipeline/build/searchcache.py)."""


def search_state(out: Path, before: dict[str, int], after: dict[str, int], log: Path) -> str:
    """What the step did to the search index: ``indexed`` (a file of ``search/`` written),
    ``kept``, ``none`` (no index in the output) or ``failed`` (the build's warning)."""
    if SEARCH_FAILED in log.read_text(encoding="utf-8", errors="replace"):
        return "failed"
    index = os.path.join(out, "search", "")
    if os.path.join(index, "manifest.json") not in after:
        return "none"
    changed = any(p.startswith(index) and before.get(p) != t for p, t in after.items())
    return "indexed" if changed else "kept"
