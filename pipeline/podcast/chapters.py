"""Podcasting 2.0 chapters: from timestamped show-notes headings, or a JSON chapters file.

A heading is a chapter when its text starts or ends with a timestamp::

    ## 00:03:10 Topic          ## 3:10 – Topic          ## Topic (12:30)

The result is a ``application/json+chapters`` document (version 1.2.0), always the same bytes
for the same headings.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.support import jsontext

CHAPTERS_TYPE = "application/json+chapters"
CHAPTERS_VERSION = "1.2.0"

_TS = r"\(?(?P<ts{n}>(?:\d{{1,2}}:)?\d{{1,2}}:\d{{2}})\)?"
_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
_LEADING = re.compile(r"^" + _TS.format(n=1) + r"\s*(?:[-–—:|.]\s*)?(?P<title>.+)$")
_TRAILING = re.compile(r"^(?P<title>.+?)\s*[-–—]?\s*" + _TS.format(n=2) + r"$")
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
        heading = None if fenced else _HEADING.match(line)
        if heading is None:
            continue
        text = heading.group("text")
        m = _LEADING.match(text)
        stamp = m.group("ts1") if m else None
        if m is None:
            m = _TRAILING.match(text)
            stamp = m.group("ts2") if m else None
        if m is None or stamp is None:
            continue
        seconds = parse_timestamp(stamp)
        if seconds is not None:
            out.append(Chapter(seconds, m.group("title").strip(), n))
    return out


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
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def document_problems(data: bytes) -> list[str]:
    """Why a JSON chapters file is refused: not JSON, no ``version``, bad ``chapters``."""
    try:
        doc = jsontext.loads(data.decode("utf-8"))
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
        if not isinstance(start, int | float) or isinstance(start, bool) or start < 0:
            out.append(f'chapter {i + 1} needs a non-negative number "startTime"')
    return out
