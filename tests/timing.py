"""The timing of the tests that guard against quadratic work: CPU seconds, not the wall clock.

Each such test runs its work at ``n`` and at ``2n`` and asserts that the larger size takes at
most about twice as long (``ratio`` times, plus a little ``slack``). The wall clock does not
say that on a busy machine: another process (a CI job beside this one, on two cores) takes the
core for a while, and a run that was descheduled looks slow though its code is linear (a
warning that took 0.24 s and 0.49 s of CPU at n and 2n took 0.26 s and 0.97 s of wall time).
The CPU a run takes is its own, whatever else the machine is doing, so it is what is measured
here: this process's user and system seconds, plus those of the children it has waited for
(the CLI under test may run worker processes, which are reaped when their pools shut down; a
command run with ``subprocess.run`` counts once it has exited).

A quadratic stage still shows: its CPU time at 2n is about four times that at n, every time,
far past the ratio of 2.5.
"""

from __future__ import annotations

import resource
from collections.abc import Callable


def cpu_seconds() -> float:
    """User and system CPU seconds of this process and of the children it has waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def best_seconds(run: Callable[[], object], repeats: int = 3) -> float:
    """The least CPU seconds of ``repeats`` calls of ``run`` (noise only ever adds)."""
    best = float("inf")
    for _ in range(repeats):
        started = cpu_seconds()
        run()
        best = min(best, cpu_seconds() - started)
    return best


def times_at(
    work: Callable[[int], object],
    n: int,
    *,
    ratio: float = 2.5,
    slack: float = 0.05,
    repeats: int = 3,
    retries: int = 8,
) -> tuple[float, float]:
    """(The best CPU seconds of ``work(n)``, the best of ``work(2n)``), measured again as a
    pair while ``large <= ratio * small + slack`` does not hold, up to ``retries`` times; the
    last pair measured is kept."""
    small = best_seconds(lambda: work(n), repeats)
    large = best_seconds(lambda: work(2 * n), repeats)
    for _ in range(retries):  # stop at the first pair within the bound
        if large <= ratio * small + slack:
            break
        # measured again as a pair, back to back: a slow spell of the machine slows both
        # sizes alike, a quadratic stage only the larger one, every time
        small = best_seconds(lambda: work(n), 1)
        large = best_seconds(lambda: work(2 * n), 1)
    return small, large


def assert_linear(
    work: Callable[[int], object],
    n: int,
    *,
    ratio: float = 2.5,
    slack: float = 0.05,
    label: str = "",
) -> None:
    """Assert that ``work(2n)`` takes at most ``ratio`` times the CPU seconds of ``work(n)``,
    plus ``slack`` seconds (see :func:`times_at`)."""
    small, large = times_at(work, n, ratio=ratio, slack=slack)
    assert large <= ratio * small + slack, f"{label}{small:.3f} s at n, {large:.3f} s at 2n"
