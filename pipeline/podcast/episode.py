"""Validating an episode's front matter into an :class:`~pipeline.model.Episode`.

The loader calls :func:`parse_episode` for every item of kind ``episode``. Every problem names
the file, the line of the key and what was expected; all problems are returned at once. Media
facts (size, type, duration) come from the media, and a value stated in the front matter that
disagrees with the real file is an error.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from pipeline.config import Config
from pipeline.errors import Problem
from pipeline.model import Episode, Media, Person, Soundbite
from pipeline.podcast import artwork
from pipeline.podcast.chapters import (
    CHAPTERS_TYPE,
    chapter_problems,
    chapters_document,
    chapters_from_body,
    document_problems,
    parse_duration,
    parse_timestamp,
)
from pipeline.podcast.media import (
    AUDIO_TYPES,
    MediaError,
    MediaFacts,
    MediaProber,
    ask_server,
    probe_file,
)
from pipeline.podcast.transcript import transcript_of
from pipeline.support.dates import shown_value
from pipeline.support.paths import (
    OutsideRoot,
    asset_url,
    iri_to_uri,
    is_url,
    resolve_inside,
    url_error,
)
from pipeline.support.text import nfc

EPISODE_KEYS = frozenset(
    {
        "audio",
        "episode",
        "season",
        "episode_type",
        "apple_title",
        "explicit",
        "image",
        "transcript",
        "chapters",
        "persons",
        "location",
        "soundbites",
        "length",
        "type",
        "duration",
    }
)
"""Front-matter keys this module reads (``image`` is also read by the loader for every item)."""
APPLE_TITLE_MAX = 1000
"""Characters of an ``apple_title`` at most (the importer keeps no longer one)."""

EPISODE_TYPES = ("full", "trailer", "bonus")
PERSON_GROUPS = (
    "creative direction",
    "cast",
    "writing",
    "audio production",
    "audio post-production",
    "administration",
    "visuals",
    "community",
    "misc.",
    "video production",
    "video post-production",
)
"""Groups of the Podcast Taxonomy Project that ``podcast:person group=`` may name."""
DURATION_TOLERANCE = 1.0
"""Seconds a stated duration may differ from the measured one."""
MAX_HOURS = 1000
"""The longest duration (or soundbite start) stated; past it (``.inf``, 400 digits), a mistake."""
_DURATION = f"a duration in seconds or HH:MM:SS (at most {MAX_HOURS} hours)"


def needs_probe(meta: Mapping[str, Any]) -> bool:
    """The front matter names remote audio without both ``length`` and ``type``: validating it
    asks the server (through the prober the loading process holds)."""
    value = meta.get("audio")
    if not isinstance(value, str) or not is_url(value.strip()) or url_error(value.strip()):
        return False  # no URL a server could be asked about: refused without a request
    return _stated_facts(meta) is None


def _stated_facts(meta: Mapping[str, Any]) -> tuple[int, str] | None:
    """``length`` (a whole number of bytes) and ``type`` when the front matter states both."""
    length, mime = meta.get("length"), meta.get("type")
    if isinstance(length, int) and not isinstance(length, bool) and isinstance(mime, str):
        return length, mime
    return None


def generated_chapters_path(source: str) -> str:
    """Where the chapters file made from ``source``'s headings is written, under the feeds."""
    stem = posixpath.splitext(source)[0]
    return f"chapters/{stem}.json"


MAX_LENGTH = 10**15
"""An enclosure's length past any file's (a petabyte): the feed's linter refuses longer."""


@dataclass
class _Context:
    """What every check of one file needs, and the problems found so far."""

    meta: Mapping[str, Any]
    lines: Mapping[str, int]
    source: str
    content_root: Path
    item_url: str
    asset_base: str | None = None
    """URL prefix of copied media when pages are off; None: next to the episode's page."""
    problems: list[Problem] = field(default_factory=list)

    def media_url(self, rel: str) -> str:
        """Where a local media file is published (the build copies it there)."""
        if self.asset_base is not None:
            return self.asset_base + quote(rel)
        return asset_url(self.item_url, rel)

    def bad(self, key: str, message: str, line: int | None = None) -> None:
        where = line if line is not None else self.lines.get(key, 1)
        self.problems.append(Problem(self.source, where, f"front matter '{key}'", message))

    def local(self, key: str, target: str) -> tuple[str, Path] | None:
        """Resolve a local file named by ``key``; report and return None when it is missing."""
        try:
            rel, path = resolve_inside(self.content_root, self.source, target)
        except OutsideRoot as exc:
            self.bad(key, str(exc))
            return None
        if not path.is_file():
            self.bad(key, f"file not found: {target}")
            return None
        return rel, path


MAX_NUMBER = 2**31 - 1
"""The largest episode or season number: podcast apps and directories keep it in 32 bits
(Apple's ``itunes:episode``), as calendars keep ``SEQUENCE``."""


def _positive_int(ctx: _Context, key: str) -> int | None:
    value = ctx.meta.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_NUMBER:
        expected = f"a positive integer up to {MAX_NUMBER:,} (what podcast apps keep)"
        ctx.bad(key, f"expected {expected}, got {shown_value(value)}")
        return None
    return value


def in_seconds(value: Any, parse: Callable[[str], float | None] = parse_timestamp) -> float | None:
    """Seconds of a number or a timestamp (``parse`` reads it), 0 to :data:`MAX_HOURS` hours."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    seconds = (parse(value) if len(value) <= 32 else None) if isinstance(value, str) else value
    return float(seconds) if seconds is not None and 0 <= seconds <= MAX_HOURS * 3600 else None


def _stated_duration(ctx: _Context) -> float | None:
    if "duration" not in ctx.meta:
        return None
    value = ctx.meta["duration"]
    if value is None:  # `duration: null`: unknown, said on purpose (an import from a feed without)
        return None
    seconds = in_seconds(value, parse_duration)
    if seconds is None:
        shown = repr(value) if len(repr(value)) <= 40 else f"{repr(value)[:30]}... (too long)"
        ctx.bad("duration", f"expected {_DURATION}, got {shown}")
    elif seconds <= 0:
        ctx.bad("duration", "expected a duration longer than 0 seconds")
        return None
    return seconds


def _audio(ctx: _Context, media: MediaProber) -> Media | None:
    value = ctx.meta.get("audio")
    if value is None:
        ctx.bad("audio", "an episode needs an audio file (a path under content/ or a URL)")
        return None
    if not isinstance(value, str) or not value.strip():
        ctx.bad("audio", f"expected a file path or an absolute URL, got {value!r}")
        return None
    value = value.strip()
    if (problem := url_error(value)) is not None:  # a port past 65535, a broken [IPv6] host
        # said here, at its line: the feed's linter would name podcast.xml instead
        ctx.bad("audio", f"expected an http(s) URL or a file path, got {value!r}: {problem}")
        return None
    stated = _stated_duration(ctx)
    source: str | None = None
    if is_url(value):
        url = iri_to_uri(value)
        length = ctx.meta.get("length")
        if length is not None and (
            isinstance(length, bool) or not isinstance(length, int) or not 0 < length < MAX_LENGTH
        ):
            # said before any request: "12.5MB" once sent the build to the network instead;
            # and before the podcast feed's linter, which would name podcast.xml, not this file
            ctx.bad("length", f"expected a number of bytes like 48213447, got {length!r}")
            return None
        if (given := _stated_facts(ctx.meta)) is not None:
            # stated facts of a remote file are trusted at build time (no network needed);
            # `publish links` checks them against the server's Content-Length/Content-Type
            facts = MediaFacts(given[1], given[0], stated)
        else:
            try:
                facts = media(url)
            except MediaError as exc:
                ctx.bad("audio", str(exc))
                return None
        if stated is None and "duration" not in ctx.meta:
            ctx.bad(
                "audio",
                "remote audio: state 'duration' (seconds or HH:MM:SS, or null when unknown); "
                "it cannot be measured without downloading the file",
            )
        facts = MediaFacts(facts.mime_type, facts.length, stated)
    elif urlsplit(value).scheme:
        ctx.bad("audio", f"expected an http(s) URL or a file path, got {value!r}")
        return None
    else:
        found = ctx.local("audio", value)
        if found is None:
            return None
        source, path = found
        try:
            facts = probe_file(path)
        except MediaError as exc:
            ctx.bad("audio", str(exc))
            return None
        url = ctx.media_url(source)
        real = facts.duration
        if stated is not None and real is not None and abs(stated - real) > DURATION_TOLERANCE:
            ctx.bad("duration", f"front matter says {stated:g} s but {value} lasts {real:.1f} s")
    if facts.mime_type not in AUDIO_TYPES:
        ctx.bad("audio", f"{value} is {facts.mime_type}, not audio or video")
        return None
    _check_stated(ctx, value, facts)
    return Media(url, facts.mime_type, facts.length, facts.duration, source)


def _check_stated(ctx: _Context, name: str, facts: MediaFacts) -> None:
    """``length``/``type`` written in the front matter must match the real file."""
    length = ctx.meta.get("length")
    if length is not None:
        if isinstance(length, bool) or not isinstance(length, int):
            ctx.bad("length", f"expected a number of bytes, got {length!r}")
        elif length != facts.length:
            ctx.bad("length", f"front matter says {length} bytes but {name} has {facts.length}")
    mime = ctx.meta.get("type")
    if mime is not None and mime != facts.mime_type:
        ctx.bad("type", f"front matter says {mime!r} but {name} is {facts.mime_type!r}")


def _body_line_offset(ctx: _Context, body: str) -> int:
    """Lines before the body in the file, so body line n is file line offset + n."""
    try:
        text = (ctx.content_root / ctx.source).read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return 0
    index = text.find(body) if body.strip() else -1
    return text[:index].count("\n") if index >= 0 else 0


def _chapters(ctx: _Context, config: Config, body: str, audio: Media | None) -> Media | None:
    value = ctx.meta.get("chapters")
    duration = audio.duration if audio else None
    if value is None:
        found = chapters_from_body(body)
        if not found:
            return None
        offset = _body_line_offset(ctx, body)
        for chapter, message in chapter_problems(found, duration):
            ctx.problems.append(Problem(ctx.source, offset + chapter.line, "chapters", message))
        data = chapters_document(found)
        url = config.feeds_base + generated_chapters_path(ctx.source)
        return Media(url, CHAPTERS_TYPE, len(data))
    if not isinstance(value, str) or not value.strip():
        ctx.bad("chapters", f"expected a JSON chapters file or URL, got {value!r}")
        return None
    value = value.strip()
    if is_url(value):
        return Media(iri_to_uri(value), CHAPTERS_TYPE)
    if not value.lower().endswith(".json"):
        ctx.bad("chapters", f"expected a .json chapters file, got {value!r}")
        return None
    found_file = ctx.local("chapters", value)
    if found_file is None:
        return None
    rel, path = found_file
    data = path.read_bytes()
    for message in document_problems(data):
        ctx.bad("chapters", f"{value}: {message}")
    return Media(ctx.media_url(rel), CHAPTERS_TYPE, len(data), None, rel)


def _persons(ctx: _Context) -> tuple[Person, ...]:
    value = ctx.meta.get("persons")
    if value is None:
        return ()
    if not isinstance(value, list):
        ctx.bad("persons", "expected a list of names or of {name, role, group, href, img}")
        return ()
    out: list[Person] = []
    for i, entry in enumerate(value, 1):
        if isinstance(entry, str) and entry.strip():
            out.append(Person(nfc(entry.strip())))
            continue
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            ctx.bad("persons", f"person {i}: expected a name or a mapping with a 'name'")
            continue
        unknown = sorted(set(entry) - {"name", "role", "group", "href", "img"})
        if unknown:
            ctx.bad(
                "persons",
                f"person {i}: unknown key {unknown[0]!r} (expected name, role, group, href, img)",
            )
        role = str(entry.get("role", "host")).strip().lower()
        group = str(entry.get("group", "cast")).strip().lower()
        if group not in PERSON_GROUPS:
            ctx.bad(
                "persons",
                f"person {i}: unknown group {group!r} "
                f"(Podcast Taxonomy groups: {', '.join(PERSON_GROUPS)})",
            )
        links: dict[str, str | None] = {}
        for key in ("href", "img"):
            link = entry.get(key)
            if link is not None and not (isinstance(link, str) and is_url(link)):
                ctx.bad("persons", f"person {i}: '{key}' must be an absolute http(s) URL")
                link = None
            links[key] = iri_to_uri(link) if link is not None else None
        out.append(Person(nfc(entry["name"].strip()), role, group, links["href"], links["img"]))
    return tuple(out)


def _location(ctx: _Context) -> str | None:
    value = ctx.meta.get("location")
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        ctx.bad("location", f"expected a place name, got {value!r}")
        return None
    if len(value) > 128:
        ctx.bad("location", f"at most 128 characters, got {len(value)}")
    return nfc(value.strip())


def soundbite(entry: object, end: float | None, name: str) -> Soundbite | str:
    """A ``soundbites`` entry as a soundbite of audio lasting ``end`` s (None: not known),
    else what is wrong with it, said of ``name`` (the importer checks with it too)."""
    if not isinstance(entry, dict):
        return f"{name}: expected a mapping {{start, duration, title}}"
    start, length = in_seconds(entry.get("start")), in_seconds(entry.get("duration"))
    title = entry.get("title", "")
    if start is None or length is None or length <= 0:
        return (
            f"{name}: 'start' and 'duration' must be seconds "
            f"(or MM:SS), at most {MAX_HOURS} hours, and the duration above 0"
        )
    if not isinstance(title, str) or len(title) > 128:
        return f"{name}: 'title' must be text of at most 128 characters"
    if end is not None and start + length > end + DURATION_TOLERANCE:
        return f"{name} ends at {start + length:g} s, after the audio ({end:.0f} s)"
    return Soundbite(start, length, nfc(title.strip()))


def _soundbites(ctx: _Context, audio: Media | None) -> tuple[Soundbite, ...]:
    value = ctx.meta.get("soundbites")
    if value is not None and not isinstance(value, list):
        ctx.bad("soundbites", "expected a list of {start, duration, title}")
    found = [
        soundbite(e, audio.duration if audio else None, f"soundbite {i}")
        for i, e in enumerate(value if isinstance(value, list) else [], 1)
    ]
    for problem in (f for f in found if isinstance(f, str)):
        ctx.bad("soundbites", problem)
    return tuple(f for f in found if not isinstance(f, str))


def _image(ctx: _Context) -> None:
    value = ctx.meta.get("image")
    if value is None:
        return
    if not isinstance(value, str) or not value.strip():
        ctx.bad("image", f"expected a .jpg/.jpeg/.png file or URL, got {value!r}")
        return
    value = value.strip()
    if is_url(value):
        problem = artwork.url_problem(value)
        if problem:
            ctx.bad("image", problem)
        return
    if not value.lower().endswith(artwork.IMAGE_SUFFIXES):
        ctx.bad("image", f"episode artwork must be a .jpg, .jpeg or .png file, got {value!r}")
        return
    found = ctx.local("image", value)
    if found is not None:
        for message in artwork.file_problems(found[1]):
            ctx.bad("image", message)


def parse_episode(
    meta: Mapping[str, Any],
    lines: Mapping[str, int],
    *,
    source: str,
    content_root: Path,
    item_url: str,
    body: str,
    config: Config,
    media: MediaProber | None = None,
) -> tuple[Episode | None, list[Problem]]:
    """Validate the podcast keys of one episode's front matter.

    ``meta`` is the front matter, ``lines`` the 1-based line of each top-level key, ``source``
    the file's path relative to ``content_root``, ``item_url`` the episode's absolute permalink
    (local media are served next to it). ``media`` gives the length and type of a remote
    audio file that does not state them (default: ask the server, keep nothing).
    Returns the episode, or None and every problem found.
    """
    asset_base = None if config.site.pages else config.feeds_base + "assets/"
    ctx = _Context(meta, lines, source, content_root, item_url, asset_base)
    audio = _audio(ctx, media or ask_server)
    number = _positive_int(ctx, "episode")
    season = _positive_int(ctx, "season")
    episode_type = meta.get("episode_type", "full")
    serial_full = config.podcast.type == "serial" and episode_type == "full"
    if number is None and "episode" not in meta and serial_full:  # Apple: trailers, bonus may not
        ctx.bad("episode", "a serial show needs an episode number on every full episode")
    if episode_type not in EPISODE_TYPES:
        ctx.bad("episode_type", f"expected full, trailer or bonus, got {episode_type!r}")
    explicit = meta.get("explicit")
    if explicit is not None and not isinstance(explicit, bool):
        ctx.bad("explicit", f"expected true or false, got {explicit!r}")
        explicit = None
    _image(ctx)
    transcript = transcript_of(ctx, audio)
    chapters = _chapters(ctx, config, body, audio)
    persons = _persons(ctx)
    location = _location(ctx)
    apple_title = ctx.meta.get("apple_title") or ""
    if not isinstance(apple_title, str) or len(apple_title) > APPLE_TITLE_MAX:
        ctx.bad("apple_title", f"expected the title Apple shows, got {str(apple_title)[:80]!r}")
    soundbites = _soundbites(ctx, audio)
    if ctx.problems or audio is None:
        return None, ctx.problems
    return (
        Episode(
            audio=audio,
            number=number,
            season=season,
            episode_type=str(episode_type),
            explicit=explicit,
            apple_title=nfc(" ".join(str(apple_title).split())),
            transcript=transcript,
            chapters=chapters,
            persons=persons,
            location=location,
            soundbites=soundbites,
        ),
        [],
    )
