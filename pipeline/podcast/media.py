"""Facts about media files, taken from the media: byte size, MIME type, duration.

Local files are measured directly (size from the file system, type from the first bytes,
duration with mutagen). Remote URLs are asked with ``HEAD`` (falling back to a ranged ``GET``
when a server refuses HEAD or hides the length) through a session the caller passes in; the
build keeps the answers (:mod:`pipeline.build.mediacache`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.support.fetch import failure_reason

if TYPE_CHECKING:  # imported where used: a build that probes no media never loads them
    import requests

MediaProber = Callable[[str], "MediaFacts"]
"""Length and type of a remote media URL (raises :class:`MediaError`): made at the edge, with
the caller's network session and cache, and called only in the loading process (never in a
worker)."""

AUDIO_TYPES = frozenset(
    {
        "audio/mpeg",
        "audio/x-m4a",
        "audio/mp4",
        "audio/ogg",
        "audio/opus",
        "audio/wav",
        "audio/flac",
        "video/mp4",
        "video/x-m4v",
        "video/quicktime",
    }
)
"""Types an enclosure may have."""


class MediaError(Exception):
    """A media file that cannot be read, recognised or reached."""


@dataclass(frozen=True)
class MediaFacts:
    """What the media itself says."""

    mime_type: str
    length: int
    """Bytes."""
    duration: float | None = None
    """Seconds; None when it cannot be measured (remote files)."""


_MP3_FRAME = re.compile(rb"\xff[\xe2-\xe3\xf2-\xf3\xfa-\xfb]")


def sniff_mime(head: bytes) -> str | None:
    """The MIME type the first bytes of a file announce (at least 64 bytes), or None."""
    if head.startswith(b"ID3") or _MP3_FRAME.match(head[:2]):
        return "audio/mpeg"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"M4A ", b"M4B ", b"M4P "):
            return "audio/x-m4a"
        if brand == b"M4V ":
            return "video/x-m4v"
        if brand == b"qt  ":
            return "video/quicktime"
        return "video/mp4"
    if head.startswith(b"OggS"):
        return "audio/opus" if b"OpusHead" in head[:64] else "audio/ogg"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"fLaC"):
        return "audio/flac"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"WEBVTT"):
        return "text/vtt"
    if re.match(rb"\d+\r?\n\d\d:\d\d:\d\d,\d\d\d --> ", text):
        return "application/x-subrip"
    if text.startswith(b"{"):
        return "application/json"
    return None


def probe_file(path: Path) -> MediaFacts:
    """Measure a local file: real size, type from its bytes, duration for audio/video."""
    try:
        length = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(64)
    except OSError as exc:
        raise MediaError(f"cannot read {path.name}: {exc.strerror or exc}") from None
    mime = sniff_mime(head)
    if mime is None:
        raise MediaError(f"{path.name}: not a recognised media file (unknown leading bytes)")
    duration = None
    if mime in AUDIO_TYPES:
        import mutagen

        try:
            info = mutagen.File(str(path))
        except Exception as exc:  # mutagen raises many kinds of errors for broken files
            why = str(exc) or "the file is damaged"  # some of mutagen's errors say nothing
            raise MediaError(f"{path.name}: cannot read the audio: {why}") from None
        if info is None or not getattr(info.info, "length", 0):
            raise MediaError(f"{path.name}: cannot measure the duration of this {mime} file")
        duration = float(info.info.length)
    return MediaFacts(mime, length, duration)


def _content_type(resp: requests.Response) -> str:
    return resp.headers.get("Content-Type", "").split(";")[0].strip().lower()


def fetch_remote(url: str, session: requests.Session, timeout: float = 20.0) -> MediaFacts:
    """Ask the server for the length and type of ``url`` (HEAD, then ``Range: bytes=0-63``)."""
    import requests
    import urllib3

    length: int | None = None
    mime = ""
    try:
        resp = session.head(url, allow_redirects=True, timeout=timeout)
        if resp.status_code < 400:
            raw = resp.headers.get("Content-Length", "")
            length = int(raw) if raw.isdigit() and int(raw) > 0 else None
            mime = _content_type(resp)
        if length is None or mime in ("", "application/octet-stream"):
            with session.get(
                url,
                headers={"Range": "bytes=0-63"},
                timeout=timeout,
                allow_redirects=True,
                stream=True,  # a server that ignores Range sends the whole file: 64 bytes read
            ) as resp:
                if resp.status_code >= 400:
                    raise MediaError(f"{url}: the server answered {resp.status_code}")
                # one read of what has come (a server dripping a byte a second would hold
                # a read for 64 bytes for a minute an episode)
                body = resp.raw.read1(64, decode_content=True)
            m = re.match(r"bytes \d+-\d+/(\d+)", resp.headers.get("Content-Range", ""))
            if m:
                length = int(m.group(1))
            elif resp.status_code == 200 and resp.headers.get("Content-Length", "").isdigit():
                length = int(resp.headers["Content-Length"])
            sniffed = sniff_mime(body)
            mime = sniffed or (mime if mime else _content_type(resp))
    except (requests.RequestException, urllib3.exceptions.HTTPError, ValueError) as exc:
        # ValueError: a redirect's URL
        raise MediaError(f"{url}: cannot fetch it: {failure_reason(exc)}") from None
    if not length:
        raise MediaError(f"{url}: the server does not say how many bytes the file has")
    if not mime or mime == "application/octet-stream":
        raise MediaError(f"{url}: the server does not say what type the file is")
    return MediaFacts(mime, length)


def ask_server(url: str) -> MediaFacts:
    """The prober used when the caller passes none: asks the server with a session of its own
    and keeps nothing (the build passes a caching one: :class:`pipeline.build.mediacache.
    RemoteMedia`)."""
    import requests

    with requests.Session() as session:
        return fetch_remote(url, session)
