"""Reading a document named by a path or an http(s) URL, bounded in size and time.

Used for anyone's feeds (``lint-feed``, ``import``, ``feed-diff``): a hostile server may drip
bytes forever or send a gzip bomb, so the body is read as it arrives, with a deadline over the
whole download (the socket timeout is per read) and a cap on the decompressed size. A path must
name a regular file (a named pipe would block the read for ever, ``/dev/zero`` never ends), read
up to the same cap: :func:`read_file`.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import EXIT_CONTENT, PublishError
from pipeline.support.xmlbytes import served_as

if TYPE_CHECKING:  # requests is imported by the caller that makes the session
    import requests

TIMEOUT = 20.0
"""Seconds to wait for each read."""
DEADLINE = 120.0
"""Seconds a whole download may take."""
MAX_BYTES = 200_000_000
"""Largest document read (decompressed): a 10,000-episode feed with full notes is under 100 MB."""
_NOT_REGULAR = "not a regular file (a named pipe, a device or a socket); refused"
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
"""Non-blocking: a file swapped for a named pipe after ``stat`` opens at once (and is refused)."""


class UnreadableSource(PublishError):
    """The document could not be had: a bad path or URL is the input's fault (exit 2)."""

    exit_code = EXIT_CONTENT


class UnreadableFile(UnreadableSource):
    """A path that names no regular file, a file over the size cap, or one the file system
    refuses; ``reason`` says which without the path (for a ``path:line`` problem)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"cannot read {path}: {reason}")
        self.path = path
        self.reason = reason

    def __reduce__(self) -> tuple[type[UnreadableFile], tuple[str, str]]:
        return type(self), (self.path, self.reason)


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
    return read_file(Path(source), max_bytes=max_bytes)


def read_file(path: Path, *, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of the regular file ``path`` (a symlink is followed), at most ``max_bytes``.

    A named pipe, a device or a socket is refused before it is opened (``stat``), and the file
    is opened non-blocking and checked again (``fstat``) in case it was swapped since; the read
    stops one byte past the cap, so a file that grows is cut too. :class:`UnreadableFile`
    (exit 2) says why a file cannot be read."""
    name = str(path)
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            raise UnreadableFile(
                name, "a folder, not a file" if stat.S_ISDIR(mode) else _NOT_REGULAR
            )
        fd = os.open(path, _OPEN_FLAGS)
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise UnreadableFile(name, _NOT_REGULAR)
            if st.st_size > max_bytes:
                raise UnreadableFile(name, f"more than {max_bytes} bytes")
            data = fh.read(st.st_size + 1)
            if len(data) > st.st_size:  # it grew since: read on, to one byte past the cap
                data += fh.read(max_bytes + 1 - len(data))
    except OSError as exc:
        raise UnreadableFile(name, str(exc.strerror or exc)) from None
    if len(data) > max_bytes:
        raise UnreadableFile(name, f"more than {max_bytes} bytes")
    return data


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
    import urllib3

    started = time.monotonic()
    try:
        with session.get(url, timeout=timeout, stream=True) as resp:
            if resp.status_code >= 400:
                raise UnreadableSource(f"cannot fetch {url}: HTTP {resp.status_code}")
            chunks = list(_body(resp, url, started, deadline=deadline, max_bytes=max_bytes))
            charset = _xml_charset(resp.headers.get("Content-Type", ""))
    except (requests.RequestException, urllib3.exceptions.HTTPError, ValueError) as exc:
        raise UnreadableSource(f"cannot fetch {url}: {failure_reason(exc)}") from None
    data = b"".join(chunks)
    return served_as(data, charset) if charset else data


def _xml_charset(content_type: str) -> str:
    """The charset of an XML media type's ``Content-Type`` (``application/rss+xml;
    charset=iso-8859-1``), which a feed reader reads the document in; "" for none."""
    from email.message import Message

    header = Message()
    header["Content-Type"] = content_type
    charset = header.get_param("charset")
    kind = header.get_content_type()
    xml = kind.endswith(("/xml", "+xml"))
    return charset.strip() if xml and isinstance(charset, str) else ""


_CHUNK = 1 << 16


def _body(
    resp: requests.Response, url: str, started: float, *, deadline: float, max_bytes: int
) -> Iterator[bytes]:
    """The body as it arrives (decompressed), cut at ``max_bytes`` and at ``deadline`` seconds
    after ``started``: each read returns what the socket has (``read1``), so a server that
    drips a byte a second is cut at the deadline. A read for 64 KB waited for all of them (or
    for the declared length, with ``iter_content(None)``), each byte within the socket's
    timeout, and never ended."""
    size = 0
    while chunk := resp.raw.read1(_CHUNK, decode_content=True):
        size += len(chunk)
        if size > max_bytes:
            raise UnreadableSource(f"cannot fetch {url}: more than {max_bytes} bytes")
        if time.monotonic() - started > deadline:
            raise UnreadableSource(f"cannot fetch {url}: not done after {deadline:g} s")
        yield chunk


def failure_reason(exc: Exception) -> str:
    """What went wrong with a fetch, in words (``requests`` names only its exception; a
    redirect to ``http://[::1`` raises a bare ValueError from the URL parser)."""
    import requests
    import urllib3

    reasons: list[tuple[type[Exception], str]] = [
        (requests.TooManyRedirects, "too many redirects"),
        (requests.exceptions.InvalidSchema, "not an http(s) URL (or a redirect to one)"),
        (requests.Timeout, "timed out"),
        (urllib3.exceptions.TimeoutError, "timed out"),
        (urllib3.exceptions.DecodeError, "the body is not what its Content-Encoding says"),
        (requests.ConnectionError, "connection failed, or the answer was not HTTP"),
        (urllib3.exceptions.HTTPError, "connection failed, or the answer was not HTTP"),
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
    import requests
    import urllib3

    from pipeline.support.output import refuse_special, temp_path

    refuse_special(path)
    started = time.monotonic()
    tmp = temp_path(str(path))
    size = 0
    try:
        with session.get(url, timeout=timeout, stream=True) as resp, open(tmp, "wb") as fh:
            if resp.status_code >= 400:
                raise UnreadableSource(f"cannot fetch {url}: HTTP {resp.status_code}")
            for chunk in _body(resp, url, started, deadline=deadline, max_bytes=max_bytes):
                size += len(chunk)
                fh.write(chunk)
        os.replace(tmp, path)
    except (requests.RequestException, urllib3.exceptions.HTTPError, ValueError) as exc:
        raise UnreadableSource(f"cannot fetch {url}: {failure_reason(exc)}") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return size
