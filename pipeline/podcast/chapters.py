"""Podcasting 2.0 chapters: from timestamped show-notes headings, or a JSON chapters file.

A heading is a chapter when its text starts or ends with a timestamp::

    ## 00:03:10 Topic          ## 3:10 – Topic          ## Topic (12:30)

The result is a ``application/json+chapters`` document (version 1.2.0), always the same bytes
for the same headings.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.support import jsontext
from pipeline.support.text import atx_heading

CHAPTERS_TYPE = "application/json+chapters"
CHAPTERS_VERSION = "1.2.0"

_TS = r"\(?(?P<ts>(?:\d{1,2}:)?\d{1,2}:\d{2})\)?"
_LEADING = re.compile(_TS + r"\s*(?:[-–—:|.]\s*)?(?P<title>.+)")
_TRAILING = re.compile(_TS + r"$")
_TRAILING_MAX = 10
"""The longest text :data:`_TRAILING` matches: "(", "hh:mm:ss", ")"."""
_DASHES = "-–—"
_FENCE = re.compile(r"^ {0,3}(```|~~~)")


@dataclass(frozen=True)
class Chapter:
    """One chapter: where it starts (seconds), its title and the body line it came from."""

    start: float
    title: str
    line: int = 0
    """1-based line within the body (0 when unknown)."""


def parse_timestamp(text: str) -> float | None:
    """Seconds of ``SS``, ``MM:SS`` or ``HH:MM:SS`` (minutes/seconds below 60), else None."""
    text = text.strip()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    m = re.fullmatch(r"(?:(\d+):)?(\d{1,2}):(\d{2})(\.\d+)?", text)
    if not m:
        return None
    hours, minutes, seconds = int(m.group(1) or 0), int(m.group(2)), int(m.group(3))
    if minutes >= 60 or seconds >= 60:
        return None
    return hours * 3600 + minutes * 60 + seconds + float(m.group(4) or 0)


def parse_duration(text: str) -> float | None:
    """Seconds of an episode's length: what :func:`parse_timestamp` reads, and MM:SS past an
    hour (``75:00``), which Apple's ``itunes:duration`` also takes."""
    seconds = parse_timestamp(text)
    if seconds is None:
        m = re.fullmatch(r"(\d+):([0-5]\d)", text.strip())
        seconds = int(m.group(1)) * 60 + int(m.group(2)) if m else None
    return seconds


def chapters_from_body(body: str) -> list[Chapter]:
    """Chapters from timestamped headings, in body order (code blocks are skipped)."""
    out: list[Chapter] = []
    fenced = False
    for n, line in enumerate(body.splitlines(), 1):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        heading = None if fenced else atx_heading(line)
        found = None if heading is None else _timestamped(heading[1])
        if found is None:
            continue
        stamp, title = found
        seconds = parse_timestamp(stamp)
        if seconds is not None:
            out.append(Chapter(seconds, title, n))
    return out


def _timestamped(text: str) -> tuple[str, str] | None:
    """(timestamp, title) of a heading's text that starts or ends with a timestamp."""
    m = _LEADING.fullmatch(text)
    if m is not None:
        return m.group("ts"), m.group("title").strip()
    # the timestamp ending the text starts in its last few characters: matched there only
    m = _TRAILING.search(text, max(0, len(text) - _TRAILING_MAX))
    if m is None:
        return None
    title = text[: m.start()].rstrip()
    if title[-1:] and title[-1] in _DASHES:
        title = title[:-1].rstrip()
    return (m.group("ts"), title.strip()) if title else None


def chapter_problems(
    chapters: Sequence[Chapter], duration: float | None
) -> list[tuple[Chapter, str]]:
    """Chapters out of order or starting after the audio ends, each with its message."""
    out: list[tuple[Chapter, str]] = []
    previous = -1.0
    for ch in chapters:
        if ch.start <= previous:
            msg = f"chapter {ch.title!r} starts at {ch.start:g} s, not after the one before"
            out.append((ch, msg))
        elif duration is not None and ch.start >= duration:
            msg = (
                f"chapter {ch.title!r} starts at {ch.start:g} s, after the audio ends "
                f"({duration:.0f} s)"
            )
            out.append((ch, msg))
        previous = max(previous, ch.start)
    return out


def chapters_document(chapters: Sequence[Chapter]) -> bytes:
    """The chapters JSON file for ``chapters`` (deterministic bytes)."""
    doc = {
        "version": CHAPTERS_VERSION,
        "chapters": [
            {"startTime": int(c.start) if c.start == int(c.start) else c.start, "title": c.title}
            for c in chapters
        ],
    }
    return document_bytes(doc)


def document_bytes(doc: Mapping[str, Any]) -> bytes:
    """A chapters document as its file holds it: JSON indented by two, in key order, UTF-8,
    one newline at the end (what the build writes and the importer writes beside an
    episode)."""
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def document_problems(data: bytes) -> list[str]:
    """Why a JSON chapters file is refused: not JSON, no ``version``, bad ``chapters``."""
    try:
        doc = jsontext.loads(data.decode("utf-8"), strict_numbers=True)
    except (UnicodeDecodeError, ValueError) as exc:
        return [f"chapters file is not valid JSON: {exc}"]
    if not isinstance(doc, dict):
        return ["chapters file must hold a JSON object"]
    out = []
    if not isinstance(doc.get("version"), str):
        out.append('chapters file needs a "version" string (e.g. "1.2.0")')
    items = doc.get("chapters")
    if not isinstance(items, list):
        return [*out, 'chapters file needs a "chapters" array']
    for i, ch in enumerate(items):
        start = ch.get("startTime") if isinstance(ch, dict) else None
        if (
            not isinstance(start, int | float)
            or isinstance(start, bool)
            or not 0 <= start < math.inf  # 1e999 reads as infinity
        ):
            out.append(f'chapter {i + 1} needs a non-negative number "startTime"')
    return out
