"""An episode's transcript: a ``.vtt`` or ``.srt`` file (beside the audio, or named by
``transcript``), a URL whose path ends so, or ``{url, type}`` for a URL whose path says
nothing of its kind (Podlove serves ``…?podlove_transcript=webvtt``): the type is then the
one ``podcast:transcript`` carries, ``text/vtt`` or ``application/x-subrip`` (Apple Podcasts
and the Podcasting 2.0 apps read these two)."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from pipeline.model import Media
from pipeline.podcast.media import sniff_mime
from pipeline.support.paths import iri_to_uri, is_url, url_error

TRANSCRIPT_TYPES = {".vtt": "text/vtt", ".srt": "application/x-subrip"}
TYPE_NAMES = {
    "text/vtt": "text/vtt",
    "application/x-subrip": "application/x-subrip",
    "application/srt": "application/x-subrip",
    "text/srt": "application/x-subrip",
}
"""The types a transcript may be given as, and the one the feed says (SubRip has several)."""
EXPECTED = (
    "expected a .vtt or .srt file or URL, or {url, type} with a type of text/vtt or "
    "application/x-subrip"
)


class Checks(Protocol):
    """What the episode's checks give a transcript's (see :mod:`pipeline.podcast.episode`)."""

    meta: Mapping[str, Any]
    content_root: Path

    def media_url(self, rel: str) -> str: ...

    def bad(self, key: str, message: str, line: int | None = None) -> None: ...

    def local(self, key: str, target: str) -> tuple[str, Path] | None: ...


def transcript_of(ctx: Checks, audio: Media | None) -> Media | None:
    """The episode's transcript, else None (a problem said through ``ctx.bad``)."""
    value = ctx.meta.get("transcript")
    if value is None:
        return _beside(ctx, audio)
    if isinstance(value, Mapping):
        return _typed(value, ctx.bad)
    if not isinstance(value, str) or not value.strip():
        ctx.bad("transcript", f"{EXPECTED}, got {value!r}")
        return None
    value = value.strip()
    if (problem := url_error(value)) is not None:  # a port past 65535: no app opens it
        ctx.bad("transcript", f"{EXPECTED}, got {value!r}: {problem}")
        return None
    suffix = posixpath.splitext(urlsplit(value).path)[1].lower()
    mime = TRANSCRIPT_TYPES.get(suffix)
    if mime is None:
        ctx.bad("transcript", f"{EXPECTED}, got {value!r}")
        return None
    if is_url(value):
        return Media(iri_to_uri(value), mime)
    found = ctx.local("transcript", value)
    if found is None:
        return None
    rel, path = found
    head = path.read_bytes()[:64]
    if sniff_mime(head) != mime:
        what = "WEBVTT" if mime == "text/vtt" else "a cue number and a timestamp line"
        ctx.bad("transcript", f"{value} does not look like {suffix} (it should start with {what})")
        return None
    return Media(ctx.media_url(rel), mime, path.stat().st_size, None, rel)


def _beside(ctx: Checks, audio: Media | None) -> Media | None:
    """A ``.vtt`` or ``.srt`` of the audio file's name beside it."""
    if audio is None or audio.source is None:
        return None
    stem = posixpath.splitext(audio.source)[0]
    for ext, ext_mime in TRANSCRIPT_TYPES.items():
        path = ctx.content_root / (stem + ext)
        if path.is_file():
            rel = stem + ext
            return Media(ctx.media_url(rel), ext_mime, path.stat().st_size, None, rel)
    return None


def _typed(value: Mapping[str, Any], bad: Callable[..., None]) -> Media | None:
    """``{url, type}``: a web URL and one of :data:`TYPE_NAMES` (nothing else in it)."""
    url, kind = value.get("url"), value.get("type")
    extra = sorted(str(k) for k in value if k not in ("url", "type"))
    if extra or not isinstance(url, str) or not isinstance(kind, str):
        bad("transcript", f"{EXPECTED}, got {dict(value)!r}")
        return None
    mime = TYPE_NAMES.get(kind.strip().lower())
    if not is_url(url.strip()) or mime is None:
        bad("transcript", f"{EXPECTED}, got {dict(value)!r}")
        return None
    if (problem := url_error(url.strip())) is not None:
        bad("transcript", f"{EXPECTED}, got {dict(value)!r}: {problem}")
        return None
    return Media(iri_to_uri(url.strip()), mime)
