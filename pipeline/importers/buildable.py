"""What the build would refuse of an imported podcast, found with the build's own checks
before anything is written.

A value the build would refuse (a soundbite past the audio's end, a duration over its
limit, a tag too long for a file name) is left out; an episode it would refuse to publish
(its audio also another episode's) is written as a draft; a ``serial`` show with unnumbered
full episodes is written as episodic. Each is named in the report at the item's line, with
what was done: nothing is dropped or changed without a word.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from pipeline.errors import Problem
from pipeline.importers.aliases import XML_BASE, based, resolved
from pipeline.importers.common import count, shown
from pipeline.importers.records import FrontMatter, note
from pipeline.load.item import MAX_TAGS
from pipeline.load.namelimits import name_problems
from pipeline.model import Item
from pipeline.podcast.chapters import parse_duration
from pipeline.podcast.episode import MAX_HOURS, MAX_NUMBER, in_seconds, soundbite
from pipeline.podcast.transcript import TRANSCRIPT_TYPES, TYPE_NAMES
from pipeline.support.paths import iri_to_uri, is_url, url_error
from pipeline.support.text import clean


def web_url(value: str) -> bool:
    """An absolute http(s) URL a parser reads (``http://[x``, an unclosed IPv6 bracket, is
    no URL at all: never an error that refuses the whole feed)."""
    return url_error(value) is None and is_url(value)


def readable(value: str) -> bool:
    """Whether ``value`` is a URL a parser reads, absolute or relative (not ``http://[x``)."""
    return url_error(value) is None


def joined(base: str, value: str) -> str:
    """``value`` made absolute against ``base`` (a readable URL, or ''); as it is when no
    parser reads it (then :func:`web_url` refuses it)."""
    return resolved(value, base) if readable(value) else value


def linked(base: str, value: str, name: str, say: Callable[[str], None], gone: str) -> str:
    """``value`` (the URL ``name`` holds) as the absolute http(s) URL the build takes: made
    absolute against ``base`` (``xml:base``, else the feed's URL) as an enclosure is, noted
    through ``say``; '' when none comes of it (relative with no base, ``javascript:``, no URL
    at all), noted with what was done (``gone``)."""
    absolute = joined(base, value)
    if web_url(absolute):
        if absolute != value:
            say(f"relative {name} {shown(value)} written as {shown(absolute)}")
        return absolute
    relative = readable(value) and not urlsplit(value).scheme and not base
    why = "is relative and the feed gives no URL to resolve it against" if relative else ""
    say(f"{name} {shown(value)} {why or 'is no absolute http(s) URL'}: {gone}")
    return ""


def encoded_note(url: str) -> str:
    """What the report says of an enclosure ``url`` holding what no URI may (a space, an
    ``é``): the build's feed writes it percent-encoded, as apps and Apple's validator need
    it; '' for one written as it is."""
    uri = iri_to_uri(url)
    if uri == url:
        return ""
    return (
        f"URL {shown(url)} holds characters a URL may not: the feed built writes it as "
        f"{shown(uri)} (the same file, at the address apps request)"
    )


def transcript_problem(url: str, mime: str) -> str | None:
    """Why the build publishes no transcript at the absolute ``url`` (of the type ``mime``
    the feed gives): its path ends in ``.vtt`` or ``.srt``, or the feed's type is one of
    those (Podlove's ``?podlove_transcript=webvtt``); None when it publishes it."""
    if posixpath.splitext(urlsplit(url).path)[1].lower() in TRANSCRIPT_TYPES:
        return None
    if mime.strip().lower() in TYPE_NAMES:
        return None
    return "one .vtt or .srt transcript is published"


def transcript_value(url: str, mime: str) -> str | dict[str, str]:
    """The front matter ``transcript`` of a kept one: its URL when the path's ending tells
    its kind, else ``{url, type}``."""
    if posixpath.splitext(urlsplit(url).path)[1].lower() in TRANSCRIPT_TYPES:
        return url
    return {"url": url, "type": TYPE_NAMES[mime.strip().lower()]}


def base_of(elem: ET.Element, base: str, say: Any) -> str:
    """The base URL inside ``elem``: its ``xml:base`` resolved against ``base`` (as the
    ``feed`` importer reads it), else ``base``; an ``xml:base`` no parser reads is ignored,
    ``say(field, message)`` noting it."""
    own = (elem.get(XML_BASE) or "").strip()
    if own and not readable(own):
        say("xml:base", f"{shown(own)} is not a URL: ignored")
        return base
    return based(elem, base)


_LOOSE_CLOCK = re.compile(r"(?:(\d{1,4}):)?(\d{1,4}):(\d{1,2})(?:[.,]\d{1,9})?")
"""A clock time apps read though the build does not: ``00:60:05``, ``1:2:3``, ``12:3``,
``01:02:03,500``."""


def duration(raw: str) -> tuple[int | str | None, str]:
    """``itunes:duration`` as the front matter keeps it (whole seconds, or the text given),
    read by the build's own reader and limit; else None and why it is left out. A clock
    time the build does not read but apps do (minutes past 59, one-digit fields) is written
    in whole seconds, and said."""
    whole = count(raw)
    value: int | str = whole if whole is not None else raw
    seconds = in_seconds(value, parse_duration)
    if seconds is not None and seconds > 0:
        return value, ""
    loose = _LOOSE_CLOCK.fullmatch(raw.strip()) if seconds is None else None
    if loose is not None:
        hours, minutes, secs = (int(g or 0) for g in loose.groups())
        total = hours * 3600 + minutes * 60 + secs
        if 0 < total <= MAX_HOURS * 3600:
            return total, f"itunes:duration {shown(raw)} written as {total} seconds"
    if seconds == 0:  # a host's "not known yet"
        why = "is no time at all (0 seconds)"
    elif whole is None and len(raw) > 32:
        why = "is longer than the 32 characters the build reads"
    elif (float(whole) if whole is not None else parse_duration(raw) or 0) > MAX_HOURS * 3600:
        why = f"is more than {MAX_HOURS} hours (the build's limit)"
    else:
        why = "is not seconds or HH:MM:SS"
    return None, f"itunes:duration {shown(raw)} {why}: left out, the duration is unknown"


def checked_soundbite(
    bite: dict[str, Any], written: dict[str, str], front: dict[str, Any]
) -> str | None:
    """Why the build would refuse ``bite`` (``start``, ``duration``, ``title``) in an
    episode of ``front``'s duration, said of the attributes ``written``; None when it takes it."""
    stated = front.get("duration")
    end = in_seconds(stated, parse_duration) if stated is not None else None
    name = ", ".join(f"{k} {shown(v)}" for k, v in written.items())
    found = soundbite(bite, end, name)
    return found if isinstance(found, str) else None


def fitting_tags(tags: Sequence[str]) -> tuple[list[str], list[str], list[str]]:
    """``tags`` (each once) as the build takes them: the first :data:`MAX_TAGS` that make a
    file name (checked as the build checks an item's names), the ones too long for one, and
    the ones past the limit."""
    kept: list[str] = []
    long: list[str] = []
    over: list[str] = []
    seen: set[str] = set()
    for tag in tags:
        if clean(tag) in seen:
            continue
        seen.add(clean(tag))
        if len(kept) >= MAX_TAGS:
            over.append(tag)
            continue
        item = Item("", "episode", "", "", "", "", "", None, tags=(clean(tag),))
        (long if name_problems(item, {}, {}) else kept).append(tag)
    return kept, long, over


def tags_notes(long: Sequence[str], over: Sequence[str]) -> list[str]:
    """What the report says of the tags :func:`fitting_tags` left out of an item."""
    out = []
    if long:
        named = ", ".join(shown(t, 40) for t in long[:3]) + (", …" if len(long) > 3 else "")
        s = "s" if len(long) > 1 else ""
        out.append(
            f"{len(long)} tag{s} too long for the file name the build makes of each tag "
            f"(at most 255 bytes): not kept, {named}"
        )
    if over:
        s = "s" if len(over) > 1 else ""
        what = f"{len(over)} tag{s} past the first {MAX_TAGS} (the build's limit)"
        out.append(f"{what}: not kept, from {shown(over[0], 40)}")
    return out


def shared_audio(pending: Sequence[tuple[int, dict[str, Any]]], source: str) -> list[Problem]:
    """Each episode whose audio (enclosure URL) another one has, that one dated earlier (or
    earlier in the feed at the same date), becomes a draft, noted naming both: the build's
    feed refuses a reused enclosure URL (apps ignore it). An undated one counts as later."""

    def key(n: int) -> tuple[int, float, int]:
        date = pending[n][1].get("date")
        return (0, date.timestamp(), n) if isinstance(date, datetime) else (1, 0.0, n)

    owner: dict[str, int] = {}
    for n, (_, front) in enumerate(pending):
        audio = str(front["audio"])
        if audio not in owner or key(n) < key(owner[audio]):
            owner[audio] = n
    out = []
    for n, (line, front) in enumerate(pending):
        first = owner[str(front["audio"])]
        if first == n:
            continue
        front["draft"] = True
        other = pending[first]
        message = (
            f"URL {shown(front['audio'])} is also the audio of the item at line {other[0]} "
            f"({shown(other[1]['title'], 40)}), dated earlier: written as a draft (the build "
            "refuses a reused enclosure URL; apps ignore it); give it its own audio to publish it"
        )
        out.append(note(source, line, "enclosure", message))
    return out


def serial_show(
    settings: FrontMatter, fronts: Sequence[tuple[int, dict[str, Any]]], source: str, line: int
) -> tuple[FrontMatter, list[Problem]]:
    """``settings`` with ``type = "episodic"`` instead of ``serial`` when a full episode of
    ``fronts`` has no number (the build refuses a serial show then), and the note saying so
    at ``line`` (the channel's ``itunes:type``)."""
    if dict(settings).get("type") != "serial":
        return settings, []
    missing = [str(at) for at, f in fronts if "episode" not in f and f.get("episode_type") is None]
    if not missing:
        return settings, []
    s = "s" if len(missing) > 1 else ""
    message = (
        f"'serial', but {len(missing)} full episode{s} {'have' if s else 'has'} no "
        f"itunes:episode number (the item{s} at line{s} {', '.join(missing)}), which a serial "
        'show needs on every full episode: written as type = "episodic"; set type = "serial" '
        "in [podcast] once they are numbered"
    )
    episodic = tuple((k, "episodic" if k == "type" else v) for k, v in settings)
    return episodic, [note(source, line, "itunes:type", message)]


def numbered(itunes: str, podcast: str, field: str) -> tuple[int | None, list[str]]:
    """An episode's or season's number from ``itunes:{field}``, else ``podcast:{field}``, as
    the build takes it (a positive whole number up to :data:`MAX_NUMBER`), and what the
    report says: a number left out, or the two tags giving two numbers (the build writes
    both from the one kept)."""
    value = itunes or podcast
    if not value:
        return None, []
    number = count(value)
    if not number:
        return None, [f"{shown(value)} is not a positive whole number: left out"]
    if number > MAX_NUMBER:
        why = f"{number} is past {MAX_NUMBER:,}, the largest number podcast apps keep: left out"
        return None, [why]
    if itunes and podcast and podcast != itunes and count(podcast) != number:
        why = f"itunes:{field} {number} and podcast:{field} {shown(podcast)} differ: {number} "
        return number, [why + "written (the built feed gives it in both)"]
    return number, []
