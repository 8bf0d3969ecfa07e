"""Giving freed memory back to the operating system.

glibc's allocator keeps the heap a process has freed for its next allocations; a writer that
has made 5,000 pages of 50 KB each holds on to what they cost long after they were written. On
glibc, ``malloc_trim`` returns it; elsewhere this does nothing.
"""

from __future__ import annotations

import ctypes
import functools
import sys
from collections.abc import Callable


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return None
    return trim


def give_back() -> None:
    """Return the free part of the heap to the system, where the C library can."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
