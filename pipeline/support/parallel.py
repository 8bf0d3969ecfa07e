"""When a stage spreads its work over a process pool: only when there is enough to pay for
starting one (on 2 cores a pool costs about as much as 400 small jobs)."""

from __future__ import annotations

import os

PARALLEL_THRESHOLD = 400
"""Jobs above which a stage uses a process pool."""


def pool_size(jobs: int) -> int:
    """Worker processes for ``jobs`` jobs: 1 means do them in this process."""
    return min(2, os.cpu_count() or 1) if jobs >= PARALLEL_THRESHOLD else 1
