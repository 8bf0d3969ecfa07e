"""A build killed with SIGKILL (a cancelled CI job, the OOM killer) leaves no worker behind and
no lock held: the next build succeeds and writes every output. Real processes, real signals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pipeline.build.outfolder import WRITING_MARKER
from pipeline.build.state import MANIFEST
from tests.hostile.sites import essay, make_site

pytestmark = [
    pytest.mark.skipif(sys.platform != "linux", reason="reads processes from /proc"),
    pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: the build forks no worker"),
]

ITEMS = 600
"""Enough for every stage to fork its workers (``PARALLEL_THRESHOLD`` is 400)."""
DEADLINE = 30.0
"""Seconds any wait here may take before the test fails (each takes well under one)."""

Process = tuple[int, int]
"""(pid, start time in clock ticks): a pid the kernel reused is not the same process."""


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("big")
    make_site(
        root,
        {
            f"essays/e{n:04}.md": essay(
                f"Essay {n}",
                f"Paragraph {n}, with *some* words to render.\n\n" * 20,
                tags=f"[t{n % 7}]",
                id=f"00000000-0000-4000-8000-{n:012}",
            )
            for n in range(ITEMS)
        },
    )
    return root


def _publish(site: Path, out: Path, cache: Path) -> list[str]:
    config, args = site / "publish.toml", ["--out", str(out), "--cache-dir", str(cache)]
    return [sys.executable, "-m", "pipeline", "build", "--config", str(config), *args]


@pytest.fixture(scope="module")
def reference(big_site: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """What an uninterrupted cold build writes."""
    out = tmp_path_factory.mktemp("reference") / "out"
    cache = out.parent / "cache"
    done = subprocess.run(_publish(big_site, out, cache), capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    return _files(out)


def _files(out: Path) -> dict[str, bytes]:
    """Every output's bytes, without the lock and the manifest (which records mtimes)."""
    skip = {".publish.lock", MANIFEST}
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.relative_to(out).as_posix() not in skip
    }


def _stat(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat after the command name: [state, ppid, ...], or None."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()


def _descendants(root: int) -> set[Process]:
    """Children, their children and so on (a forkserver's workers are grandchildren)."""
    children: dict[int, list[Process]] = {}
    for entry in os.listdir("/proc"):
        fields = _stat(int(entry)) if entry.isdigit() else None
        if fields is not None:
            children.setdefault(int(fields[1]), []).append((int(entry), int(fields[19])))
    found: set[Process] = set()
    todo = [root]
    while todo:
        for process in children.get(todo.pop(), []):
            found.add(process)
            todo.append(process[0])
    return found


def _alive(processes: set[Process]) -> set[Process]:
    """Those still running (a zombie has ended; whoever adopted it may not reap it at once)."""
    alive = set()
    for pid, started in processes:
        fields = _stat(pid)
        if fields is not None and int(fields[19]) == started and fields[0] != "Z":
            alive.add((pid, started))
    return alive


def _wait_for(what: str, ready: Callable[[], bool], build: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + DEADLINE
    while not ready():
        if build.poll() is not None:
            pytest.fail(f"the build ended (exit {build.returncode}) before {what}")
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.002)


def _wait_for_workers(
    build: subprocess.Popen[bytes], stage: str, out: Path, survivors: set[Process]
) -> None:
    """Until ``build`` is at ``stage`` with its workers forked (all of them in ``survivors``):
    loading forks a pool of two; writing one worker beside the build (share_forked), inside
    the output lock."""
    workers = 2 if stage == "loading" else 1

    def forked() -> bool:
        survivors.update(_descendants(build.pid))
        return len(survivors) >= workers

    if stage == "writing":
        _wait_for("it is writing", (out / WRITING_MARKER).exists, build)
    _wait_for("it has forked its workers", forked, build)
    survivors.update(_descendants(build.pid))


def _assert_gone_and_rebuilt(
    survivors: set[Process],
    how: str,
    site: Path,
    out: Path,
    cache: Path,
    reference: dict[str, bytes],
) -> None:
    """No worker outlives the stopped build, and the next build completes its output (no
    temp file of the stopped one left)."""
    deadline = time.monotonic() + 5
    while _alive(survivors) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not _alive(survivors), f"workers outlived the {how} build"
    again = subprocess.run(_publish(site, out, cache), capture_output=True, timeout=120)
    assert again.returncode == 0, again.stderr.decode()
    assert _files(out) == reference


@pytest.fixture
def survivors() -> Iterator[set[Process]]:
    """Workers seen in a test; any still running at the end are killed (on the old code they
    lived on forever)."""
    seen: set[Process] = set()
    yield seen
    for pid, _ in _alive(seen):
        os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("stage", ["loading", "writing"])
def test_a_killed_build_leaves_no_worker_and_no_lock(
    big_site: Path,
    reference: dict[str, bytes],
    tmp_path: Path,
    stage: str,
    survivors: set[Process],
) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    build = subprocess.Popen(
        _publish(big_site, out, cache), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_for_workers(build, stage, out, survivors)
    finally:
        survivors.update(_descendants(build.pid))
        build.kill()  # SIGKILL: no handler, no cleanup, no atexit
        build.wait()

    _assert_gone_and_rebuilt(survivors, "killed", big_site, out, cache, reference)


def test_a_pools_pipes_hold_a_chunk_of_results() -> None:
    """The pipes that carry tasks and results are 1 MiB (a chunk of loaded items is several
    hundred KB: with 64 KiB a worker waits for this process to read before it goes on)."""
    import fcntl

    from pipeline.support.workers import process_pool

    f_getpipe_sz = 1032  # Linux
    pool = process_pool(2)
    try:
        sizes = [
            fcntl.fcntl(q._writer.fileno(), f_getpipe_sz)  # type: ignore[attr-defined]
            for q in (pool._result_queue, pool._call_queue)  # type: ignore[attr-defined]
        ]
    finally:
        pool.shutdown()
    assert sizes == [1 << 20, 1 << 20]


def _interrupted_and_alive() -> str:
    """A worker's task: Ctrl-C reaches it (the terminal signals the whole group)."""
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.05)  # a Python handler runs at the next instruction; a default one at once
    return "alive"


def test_ctrl_c_is_the_parents_alone() -> None:
    """A worker interrupted while it held its pool's result-queue lock left the others, and
    the build, waiting for good (Ctrl-C hung the build; a second one did nothing): workers
    ignore SIGINT from the fork on, and the parent stops them."""
    from pipeline.support.workers import process_pool

    with process_pool(1, fork=True) as pool:
        try:
            said = pool.submit(_interrupted_and_alive).result(timeout=DEADLINE)
        except KeyboardInterrupt:  # raised in the worker and sent back: it was interrupted
            said = "interrupted"
    assert said == "alive"


@pytest.mark.parametrize("stage", ["loading", "writing"])
def test_ctrl_c_stops_the_build_and_its_workers(
    big_site: Path,
    reference: dict[str, bytes],
    tmp_path: Path,
    stage: str,
    survivors: set[Process],
) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    build = subprocess.Popen(
        _publish(big_site, out, cache),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own group, signalled as a terminal signals it
    )
    try:
        _wait_for_workers(build, stage, out, survivors)
        os.killpg(build.pid, signal.SIGINT)
        _, err = build.communicate(timeout=DEADLINE)  # it hung here, for good
    finally:
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)
            build.wait()
    said = err.decode()
    assert build.returncode in (130, 0), said  # 0: it finished before the signal came
    assert "Traceback" not in said and "Exception ignored" not in said, said
    _assert_gone_and_rebuilt(survivors, "interrupted", big_site, out, cache, reference)
