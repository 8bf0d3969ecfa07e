"""What a command that sends (``publish digest``, ``publish announce``) is given from the
edge: the network session, the clock's sleep between retries, how long to wait for the
ledger's lock, and where progress lines go. One record, so the engines take it whole and
tests pass their own session or sleep without a long list of keywords."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import requests

Progress = Callable[[str], None]
"""Where a command's progress lines go (standard error, unless ``--quiet``)."""


def _quiet(_: str) -> None:
    """Progress nobody reads."""


@dataclass(frozen=True)
class Edge:
    """What one run of a sending command is given (defaults: :data:`DEFAULT_EDGE`)."""

    session: requests.Session | None = None
    """None: the engine opens one of its own."""
    sleep: Callable[[float], None] = time.sleep
    lock_timeout: float = 600.0
    """Seconds to wait for another run's lock on the ledger."""
    progress: Progress = _quiet


DEFAULT_EDGE = Edge()
"""Sessions of its own, real sleeps, ten minutes for the lock, no progress lines."""
