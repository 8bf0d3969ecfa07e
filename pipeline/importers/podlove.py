"""Podlove Simple Chapters (``psc:chapters`` inside an item, podlove.org/simple-chapters,
version 1.2) as the Podcasting 2.0 JSON chapters document of the episode's ``chapters`` file.

Each ``psc:chapter`` has a start in Normal Play Time and a title, perhaps a link (``href``,
the JSON's ``url``) and an image (``image``, its ``img``). A chapter without a readable start
or without a title is named at its line and left out; the others are kept, in time order (the
spec asks clients to sort them). Only the first ``psc:chapters`` of an item counts, as the
spec says; an item with a ``podcast:chapters`` URL keeps that URL, and the report says so.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

from pipeline.errors import Problem
from pipeline.importers.buildable import joined, web_url
from pipeline.importers.common import shown
from pipeline.importers.records import note
from pipeline.importers.xmlsource import PSC, q
from pipeline.podcast.chapters import CHAPTERS_VERSION
from pipeline.podcast.episode import MAX_HOURS

SUFFIX = ".chapters.json"
"""End of the name of the chapters file written beside an episode."""

_SECONDS = re.compile(r"[0-9]{1,10}")
_BELOW_60 = re.compile(r"[0-5]?[0-9]")
_TWO_BELOW_60 = re.compile(r"[0-5][0-9]")
_FRACTION = re.compile(r"[0-9]{0,9}")
_TIME = "a time (HH:MM:SS.mmm, MM:SS or seconds)"


def npt_seconds(text: str) -> int | float | None:
    """Seconds from the start of a Normal Play Time, as the spec takes it from Media
    Fragments: ``HH:MM:SS`` (any hours, minutes of two digits), ``MM:SS`` (``7:48``), or
    seconds (``37``), each with an optional fraction (``.250``); minutes and seconds below
    60, seconds of two digits after a colon. An int when whole; None for anything else or
    past :data:`~pipeline.podcast.episode.MAX_HOURS` hours."""
    head, dot, fraction = text.strip().partition(".")
    parts = head.split(":")
    if (dot and not _FRACTION.fullmatch(fraction)) or len(parts) > 3:
        return None
    *before, last = parts
    seconds_ok = (_TWO_BELOW_60 if before else _SECONDS).fullmatch(last)
    minutes_ok = not before or (_TWO_BELOW_60 if len(before) == 2 else _BELOW_60).fullmatch(
        before[-1]
    )
    hours_ok = len(before) < 2 or _SECONDS.fullmatch(before[0])
    if not (seconds_ok and minutes_ok and hours_ok):
        return None
    whole = 0
    for part in parts:
        whole = whole * 60 + int(part)
    if whole > MAX_HOURS * 3600:
        return None
    return float(f"{whole}.{fraction}") if fraction.strip("0") else whole


def item_chapters(
    item: ET.Element,
    line_of: Callable[[ET.Element], int],
    source: str,
    base: str,
    url: str | None,
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The chapters document of the first ``psc:chapters`` of ``item`` and the notes at
    ``source:line``; None when it has none, keeps none, or when the item's
    ``podcast:chapters`` ``url`` is given (that one is used). ``base`` resolves a relative
    ``href`` or ``image``."""
    found = item.findall(q(PSC, "chapters"))
    if not found:
        return None, []
    first, *others = found
    notes: list[Problem] = []
    document = None
    if url:
        why = f"not converted: the item's podcast:chapters URL {shown(url)} is used"
        notes.append(note(source, line_of(first), "psc:chapters", why))
    else:
        document = _document(first, line_of, source, base, notes)
    for other in others:
        what = "not converted" if url else "converted"
        why = f"another one in the item: ignored, as the spec says (the first is {what})"
        notes.append(note(source, line_of(other), "psc:chapters", why))
    return document, notes


def _document(
    chapters: ET.Element,
    line_of: Callable[[ET.Element], int],
    source: str,
    base: str,
    notes: list[Problem],
) -> dict[str, Any] | None:
    """The JSON chapters document of one ``psc:chapters``, its chapters in time order; None,
    noted, when none has a start and a title."""
    kept: list[tuple[int | float, dict[str, Any]]] = []
    for chapter in chapters.findall(q(PSC, "chapter")):
        entry = _chapter(chapter, line_of(chapter), source, base, notes)
        if entry is not None:
            kept.append((entry["startTime"], entry))
    if not kept:
        why = "no chapter in it has a start and a title: no chapters file written"
        notes.append(note(source, line_of(chapters), "psc:chapters", why))
        return None
    kept.sort(key=lambda pair: pair[0])
    return {"version": CHAPTERS_VERSION, "chapters": [entry for _, entry in kept]}


def _chapter(
    chapter: ET.Element, line: int, source: str, base: str, notes: list[Problem]
) -> dict[str, Any] | None:
    """One ``psc:chapter`` as a JSON chapter (``startTime``, ``title``, ``url``, ``img``);
    None, noted, when its start or title is missing or wrong."""

    def say(field: str, message: str) -> None:
        notes.append(note(source, line, f"psc:chapter {field}", message))

    title = " ".join((chapter.get("title") or "").split())
    raw = (chapter.get("start") or "").strip()
    named = f"chapter {shown(title)}" if title else "the untitled chapter"
    start = npt_seconds(raw) if len(raw) <= 64 else None
    if not raw:
        say("start", f"missing: {named} left out")
        return None
    if start is None:
        say("start", f"{shown(raw)} is not {_TIME}: {named} left out")
        return None
    if not title:
        say("title", f"missing: the chapter at {shown(raw)} left out")
        return None
    entry: dict[str, Any] = {"startTime": start, "title": title}
    for attribute, key in (("href", "url"), ("image", "img")):
        written = (chapter.get(attribute) or "").strip()
        absolute = joined(base, written)
        if web_url(absolute):
            entry[key] = absolute
        elif written:
            say(attribute, f"{shown(written)} is not an http(s) URL: left out of {named}")
    return entry
