"""Reading an HTTP ``Retry-After`` header (and the ``X-RateLimit-*`` headers Discord and
Mastodon send), shared by the link checker, the newsletter APIs and the announce channels."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from pipeline.support.dates import rfc822_datetime


def retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait: ``Retry-After`` is delta-seconds or an HTTP date (relative to ``now``,
    a POSIX timestamp); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # "²" and "١" are digits to isdigit, not to float
        return float(value)
    when = rfc822_datetime(value)
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


def rate_limit_wait(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds until a rate limit resets: ``Retry-After``, else Discord's
    ``X-RateLimit-Reset-After`` (seconds, fractional), else ``X-RateLimit-Reset`` (Discord: a
    POSIX time; Mastodon: an ISO 8601 time) or Bluesky's ``RateLimit-Reset`` (a POSIX time),
    a moment waited past by its last digit's worth (see :func:`_unit`); None when none is
    readable."""
    wait = retry_after(headers.get("Retry-After"), now)
    if wait is not None:
        return wait
    after = headers.get("X-RateLimit-Reset-After", "").strip()
    reset = (headers.get("X-RateLimit-Reset") or headers.get("RateLimit-Reset") or "").strip()
    try:
        if after:
            return max(0.0, float(after))
        if reset:
            try:
                at = float(reset)
            except ValueError:
                when = datetime.fromisoformat(reset.replace("Z", "+00:00"))
                if when.tzinfo is None:
                    when = when.replace(tzinfo=UTC)
                at = when.timestamp()
            return max(0.0, at + _unit(reset) - now)
    except (ValueError, OverflowError):
        return None
    return None


def _unit(moment: str) -> float:
    """The last digit's worth of a reset moment (``…:05.123Z``: 0.001 s; ``1700000007``: 1 s).
    A server writes the moment cut to that precision, so the bucket refills up to that much
    later: a call made at the written moment itself could still be refused (HTTP 429)."""
    seconds = moment.rstrip("Z").split("+")[0]
    if "T" in seconds:
        seconds = seconds.split("T", 1)[1]
        seconds = seconds.split("-")[0]  # a negative offset
    _, dot, fraction = seconds.partition(".")
    digits = len(fraction) if dot else 0
    return 10.0**-digits


def exhausted_wait(headers: Mapping[str, str], now: float) -> float | None:
    """After a successful answer: seconds to wait before the next call when the bucket is
    empty (``X-RateLimit-Remaining: 0``), else None."""
    remaining = headers.get("X-RateLimit-Remaining") or headers.get("RateLimit-Remaining") or ""
    if remaining.strip() != "0":
        return None
    return rate_limit_wait({k: v for k, v in headers.items() if k != "Retry-After"}, now)
