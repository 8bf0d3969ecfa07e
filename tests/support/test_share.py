"""``share_forked``: this process and one forked worker take tasks as they finish them, so a
slow task never holds back the rest; results come back in task order; a failure stops both."""

from __future__ import annotations

import os
import resource
import signal
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from pipeline.support.workers import Pending, forked_bytes, forked_call, share_forked

pytestmark = [
    pytest.mark.skipif(not hasattr(os, "fork"), reason="needs the fork start method"),
    pytest.mark.usefixtures("two_cores"),
]

_SET_UP: list[int] = []


def _set_up() -> None:
    _SET_UP.append(os.getpid())


def _square(n: int) -> tuple[int, int, list[int]]:
    time.sleep(0.005)  # long enough that neither process can take every task alone
    return n * n, os.getpid(), list(_SET_UP)


def test_results_come_back_in_task_order_each_process_set_up_after_the_fork() -> None:
    results = share_forked(200, _square, _set_up)
    assert [square for square, _, _ in results] == [n * n for n in range(200)]
    # each process ran the initializer once, after the fork, before its tasks
    assert all(set_up[-1:] == [pid] for _, pid, set_up in results)
    assert os.getpid() in {pid for _, pid, _ in results}


def test_a_slow_task_does_not_hold_back_the_others(tmp_path: Path) -> None:
    """Task 0 waits until the last task has run: dealt out in advance, half the tasks would
    wait behind it (and the wait would time out); shared, the other process runs them all."""
    last_done = tmp_path / "last"
    count = 40

    def work(n: int) -> tuple[int, bool]:
        if n == 0:
            deadline = time.monotonic() + 20
            while not last_done.exists() and time.monotonic() < deadline:
                time.sleep(0.01)
            return os.getpid(), last_done.exists()
        if n == count - 1:
            last_done.touch()
        return os.getpid(), True

    results = share_forked(count, work)
    slow_pid, saw_last = results[0]
    assert saw_last
    assert {pid for pid, _ in results[1:]} == {pid for pid, _ in results} - {slow_pid}


class _Boom(Exception):
    pass


def test_a_failing_task_fails_the_call_and_stops_the_other_process(tmp_path: Path) -> None:
    ran = tmp_path / "ran"
    ran.mkdir()

    def work(n: int) -> int:
        (ran / str(n)).touch()
        if n == 3:
            raise _Boom(n)
        time.sleep(0.005)
        return n

    with pytest.raises(_Boom):
        share_forked(10_000, work)
    assert len(list(ran.iterdir())) < 10_000


def test_a_forked_call_runs_while_the_caller_goes_on(tmp_path: Path) -> None:
    """The call waits for a file the caller makes only after starting it: run in advance in
    another process, it sees the file; run when asked for, it would wait out its deadline."""
    made = tmp_path / "made"

    def fn() -> tuple[int, bool]:
        deadline = time.monotonic() + 20
        while not made.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        return os.getpid(), made.exists()

    with forked_call(fn) as result:
        made.touch()
        pid, saw = result()
        assert result() == (pid, saw)  # asked again: the same result
    assert saw and pid != os.getpid()


Forked = Callable[..., AbstractContextManager[Pending[bytes]]]
"""forked_call or forked_bytes (the latter's result comes back through a file)."""


@pytest.mark.parametrize("fork", [forked_call, forked_bytes])
def test_a_forked_call_raises_its_exception_when_asked(fork: Forked) -> None:
    def fn() -> bytes:
        raise _Boom("refused")

    with fork(fn) as result, pytest.raises(_Boom):
        result()


@pytest.mark.parametrize("fork", [forked_call, forked_bytes])
def test_a_call_not_worth_a_fork_runs_here_once_when_asked(fork: Forked) -> None:
    ran: list[int] = []

    def fn() -> bytes:
        ran.append(os.getpid())
        return str(len(ran)).encode()

    with fork(fn, worth_it=False) as result:
        assert ran == [] and not result.running()  # not before it is asked for
        assert result() == b"1" and result() == b"1"
    assert ran == [os.getpid()]


def test_tasks_not_worth_a_worker_all_run_here() -> None:
    set_up_before = len(_SET_UP)
    results = share_forked(50, lambda n: (n, os.getpid()), _set_up, worth_it=False)
    assert results == [(n, os.getpid()) for n in range(50)]
    assert _SET_UP[set_up_before:] == [os.getpid()]


def test_a_forked_call_is_running_until_its_result_is_there(tmp_path: Path) -> None:
    go = tmp_path / "go"

    def fn() -> int:
        deadline = time.monotonic() + 20
        while not go.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        return os.getpid()

    with forked_call(fn) as result:
        assert result.running()  # waits for the file this process has not made yet
        go.touch()
        pid = result()
        assert not result.running()
    assert pid != os.getpid()


def _payload(size: int) -> bytes:
    head = f"{os.getpid()}:".encode()
    return head + bytes(range(256)) * ((size - len(head)) // 256)


def _whole_from_elsewhere(data: bytes, size: int) -> None:
    pid, _, rest = data.partition(b":")
    assert int(pid) != os.getpid()
    assert rest == bytes(range(256)) * ((size - len(pid) - 1) // 256)


def test_large_bytes_come_back_from_a_forked_process_whole() -> None:
    """Bytes of a forked call through the file it inherits: every byte, in order, from the
    other process (it writes its pid into them), once however often asked for."""
    with forked_bytes(lambda: _payload(20_000_000)) as result:
        data = result()
        assert result() is data
    _whole_from_elsewhere(data, 20_000_000)
    assert not result.running()


def test_bytes_come_through_the_pipe_when_no_temporary_file_can_be_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-such-folder"))
    with forked_bytes(lambda: _payload(3_000_000)) as result:
        _whole_from_elsewhere(result(), 3_000_000)


def test_bytes_come_through_the_pipe_when_the_temporary_file_cannot_be_written() -> None:
    """The forked process may write files of 1 KB only (as on a full disk, the write fails):
    its bytes still come back whole."""

    def fn() -> bytes:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (1024, resource.RLIM_INFINITY))
        return _payload(3_000_000)

    with forked_bytes(fn) as result:
        _whole_from_elsewhere(result(), 3_000_000)


def _wait_for(path: Path) -> bool:
    deadline = time.monotonic() + 20
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    return path.exists()


@pytest.mark.parametrize("fork", [forked_call, forked_bytes])
def test_then_runs_in_the_same_process_after_the_result_is_sent(
    tmp_path: Path, fork: Forked
) -> None:
    """The result is there while ``then`` still waits for a file the caller makes only after
    getting it; leaving the block waits for ``then``, which ran in the process that made the
    result, not here."""
    go, done = tmp_path / "go", tmp_path / "done"

    def then() -> None:
        saw = _wait_for(go)
        done.write_text(f"{os.getpid()} {saw}")

    with fork(lambda: str(os.getpid()).encode(), then=then) as result:
        assert result.forked
        pid = int(result())
        assert not done.exists()  # then is still waiting: the result did not wait for it
        go.touch()
    assert done.read_text() == f"{pid} True"
    assert pid != os.getpid()


@pytest.mark.parametrize("fork", [forked_call, forked_bytes])
def test_then_fails_nothing_and_runs_nowhere_without_a_fork(tmp_path: Path, fork: Forked) -> None:
    ran = tmp_path / "ran"

    def boom() -> None:
        ran.touch()
        raise _Boom("ahead of time")

    with fork(lambda: b"made", then=boom) as result:
        assert result() == b"made"
    assert ran.exists()  # it ran (in the forked process), and its failure is nobody's
    ran.unlink()
    with fork(lambda: b"made", worth_it=False, then=boom) as result:
        assert not result.forked and result() == b"made"
    assert not ran.exists()
