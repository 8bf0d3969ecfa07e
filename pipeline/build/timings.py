"""Wall time per stage of a build, for ``publish build --timings`` (what got slow, and where)."""

from __future__ import annotations

import time


class Timings:
    """Stages in the order they ended, each with the seconds since the previous one ended."""

    def __init__(self, started: float | None = None) -> None:
        self.stages: list[tuple[str, float]] = []
        self._last = time.perf_counter() if started is None else started

    def mark(self, stage: str) -> None:
        now = time.perf_counter()
        self.stages.append((stage, now - self._last))
        self._last = now

    def summary(self) -> str:
        return ", ".join(f"{name} {seconds:.2f} s" for name, seconds in self.stages)
