"""``--download-media DIR``: a copy of an imported podcast's audio and artwork.

Each file is streamed into DIR (a temporary file renamed when complete) within size and time
bounds, and its size is checked against the ``length`` the feed states. A file already there
with that size is not fetched again, so a re-run only fetches what is new. A file is named
by its item's file name (one safe segment) and a plain extension from the URL, never by the
URL's own name; a name that is not one safe segment is refused, not written. The front matter
keeps the old enclosure URLs: podcast apps download from there until the files are moved
(a change ``feed-diff`` reports as MEDIA MOVED).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pipeline.errors import Problem
from pipeline.importers.common import FreeNames, is_safe_name, shown
from pipeline.importers.records import ImportPlan
from pipeline.support.fetch import UnreadableSource, download_to

if TYPE_CHECKING:
    import requests

MAX_MEDIA_BYTES = 4_000_000_000
"""Largest file downloaded: a four-hour episode in high-bitrate AAC is under 1 GB."""
MEDIA_DEADLINE = 3600.0
"""Seconds one file may take."""
_EXT = re.compile(r"\.[a-z0-9]{1,5}")


@dataclass(frozen=True)
class MediaOutcome:
    downloaded: tuple[str, ...]
    present: tuple[str, ...]
    """Files already in the folder with the stated size: not fetched again."""
    problems: tuple[Problem, ...]


def _ext(url: str, default: str) -> str:
    ext = posixpath.splitext(urlsplit(url).path)[1].lower()
    return ext if _EXT.fullmatch(ext) else default


def media_files(plan: ImportPlan) -> list[tuple[str, str, int | None, int]]:
    """(URL, file name, stated length or None, source line) of every file to download."""
    out: list[tuple[str, str, int | None, int]] = []
    names = FreeNames()

    def add(url: str, stem: str, default: str, length: int | None, line: int) -> None:
        out.append((url, names.pick(stem, _ext(url, default)), length, line))

    cover = dict(plan.settings).get("image")
    if isinstance(cover, str) and cover:
        add(cover, "cover", ".jpg", None, 1)
    for item in plan.items:
        front = dict(item.front)
        audio, length = front.get("audio"), front.get("length")
        if isinstance(audio, str):
            add(audio, item.slug, ".mp3", length if isinstance(length, int) else None, item.line)
        image = front.get("image")
        if isinstance(image, str):
            add(image, f"{item.slug}-art", ".jpg", None, item.line)
    return out


def download_media(
    plan: ImportPlan,
    folder: Path,
    session: requests.Session,
    *,
    max_bytes: int = MAX_MEDIA_BYTES,
    deadline: float = MEDIA_DEADLINE,
) -> MediaOutcome:
    """Download every file of ``plan`` into ``folder``; problems at ``source:line``."""
    folder.mkdir(parents=True, exist_ok=True)
    downloaded: list[str] = []
    present: list[str] = []
    problems: list[Problem] = []
    for url, name, length, line in media_files(plan):
        path = folder / name
        if not is_safe_name(name):
            why = f"{shown(name)} is not one safe file name: not downloaded; expected a slug"
            problems.append(Problem(plan.source, line, "media", why))
            continue
        if path.is_file() and (length is None or path.stat().st_size == length):
            present.append(name)
            continue
        try:
            size = download_to(url, path, session, max_bytes=max_bytes, deadline=deadline)
        except UnreadableSource as exc:
            problems.append(Problem(plan.source, line, "media", str(exc)))
            continue
        downloaded.append(name)
        if length is not None and size != length:
            problems.append(
                Problem(
                    plan.source,
                    line,
                    "enclosure length",
                    f"{name}: downloaded {size} bytes but the feed says {length}",
                )
            )
    return MediaOutcome(tuple(downloaded), tuple(present), tuple(problems))
