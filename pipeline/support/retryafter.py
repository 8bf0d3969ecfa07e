"""Reading an HTTP ``Retry-After`` header, shared by the link checker and the newsletter APIs."""

from __future__ import annotations

import email.utils
from datetime import UTC


def retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait: ``Retry-After`` is delta-seconds or an HTTP date (relative to ``now``,
    a POSIX timestamp); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)
