"""Reading a document named by a path or an http(s) URL, bounded in size and time.

Used for anyone's feeds (``lint-feed``, ``import``): a hostile server may drip bytes forever
or send a gzip bomb, so the body is read as it arrives, with a deadline over the whole
download (the socket timeout is per read) and a cap on the decompressed size.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import EXIT_CONTENT, PublishError

if TYPE_CHECKING:  # requests is imported by the caller that makes the session
    import requests

TIMEOUT = 20.0
"""Seconds to wait for each read."""
DEADLINE = 120.0
"""Seconds a whole download may take."""
MAX_BYTES = 200_000_000
"""Largest document read (decompressed): a 10,000-episode feed with full notes is under 100 MB."""


class UnreadableSource(PublishError):
    """The document could not be had: a bad path or URL is the input's fault (exit 2)."""

    exit_code = EXIT_CONTENT


def is_web(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def read_source(
    source: str,
    session: requests.Session,
    *,
    max_bytes: int = MAX_BYTES,
    deadline: float = DEADLINE,
    timeout: float = TIMEOUT,
) -> bytes:
    """The bytes of ``source``: a file path, or an http(s) URL fetched with ``session``."""
    if is_web(source):
        return fetch_bounded(
            source, session, max_bytes=max_bytes, deadline=deadline, timeout=timeout
        )
    try:
        path = Path(source)
        if path.is_file() and path.stat().st_size > max_bytes:
            raise UnreadableSource(f"cannot read {source}: more than {max_bytes} bytes")
        return path.read_bytes()
    except OSError as exc:
        raise UnreadableSource(f"cannot read {source}: {exc.strerror or exc}") from None


def fetch_bounded(
    url: str,
    session: requests.Session,
    *,
    max_bytes: int = MAX_BYTES,
    deadline: float = DEADLINE,
    timeout: float = TIMEOUT,
) -> bytes:
    """The body of ``url``, bounded in size (a gzip bomb is cut as it inflates) and time."""
    import requests

    started = time.monotonic()
    try:
        with session.get(url, timeout=timeout, stream=True) as resp:
            if resp.status_code >= 400:
                raise UnreadableSource(f"cannot fetch {url}: HTTP {resp.status_code}")
            chunks, size = [], 0
            for chunk in resp.iter_content(None):  # as it arrives: the deadline is checked
                size += len(chunk)
                if size > max_bytes:
                    raise UnreadableSource(f"cannot fetch {url}: more than {max_bytes} bytes")
                if time.monotonic() - started > deadline:
                    raise UnreadableSource(f"cannot fetch {url}: not done after {deadline:g} s")
                chunks.append(chunk)
    except (requests.RequestException, ValueError) as exc:
        raise UnreadableSource(f"cannot fetch {url}: {failure_reason(exc)}") from None
    return b"".join(chunks)


def failure_reason(exc: Exception) -> str:
    """What went wrong with a fetch, in words (``requests`` names only its exception; a
    redirect to ``http://[::1`` raises a bare ValueError from the URL parser)."""
    import requests

    reasons: list[tuple[type[Exception], str]] = [
        (requests.TooManyRedirects, "too many redirects"),
        (requests.exceptions.InvalidSchema, "not an http(s) URL (or a redirect to one)"),
        (requests.Timeout, "timed out"),
        (requests.ConnectionError, "connection failed, or the answer was not HTTP"),
        (ValueError, "not a valid URL (or a redirect to one)"),
    ]
    return next((why for kind, why in reasons if isinstance(exc, kind)), type(exc).__name__)


def download_to(
    url: str,
    path: Path,
    session: requests.Session,
    *,
    max_bytes: int,
    deadline: float,
    timeout: float = TIMEOUT,
) -> int:
    """Stream ``url`` into ``path`` (a temporary file renamed when complete, so a cut download
    leaves nothing behind), bounded in size and time; the number of bytes written."""
    import os

    import requests

    from pipeline.support.output import temp_path

    started = time.monotonic()
    tmp = temp_path(str(path))
    size = 0
    try:
        with session.get(url, timeout=timeout, stream=True) as resp, open(tmp, "wb") as fh:
            if resp.status_code >= 400:
                raise UnreadableSource(f"cannot fetch {url}: HTTP {resp.status_code}")
            for chunk in resp.iter_content(1 << 16):
                size += len(chunk)
                if size > max_bytes:
                    raise UnreadableSource(f"cannot fetch {url}: more than {max_bytes} bytes")
                if time.monotonic() - started > deadline:
                    raise UnreadableSource(f"cannot fetch {url}: not done after {deadline:g} s")
                fh.write(chunk)
        os.replace(tmp, path)
    except (requests.RequestException, ValueError) as exc:
        raise UnreadableSource(f"cannot fetch {url}: {failure_reason(exc)}") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return size
