"""Reading a podcast's RSS feed (as real hosts write it) into episodes and show settings.

Every episode keeps what podcast apps know it by: the ``<guid>`` string and its
``isPermaLink``, the enclosure URL, length and type, and its date with its offset. Whatever
the source gets wrong is reported per item at ``source:line`` with what was done about it.
Podlove chapters become a chapters file beside the episode (:mod:`.podlove`). Where
FeedBurner rewrote an item's ``<link>`` and enclosure to its proxy, the originals it kept
(``feedburner:origLink``, ``feedburner:origEnclosureLink``) are the item's link and audio.
What the build would refuse is left out or written as a draft, and named (:mod:`.buildable`).
"""

from __future__ import annotations

import functools
import mimetypes
import posixpath
import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from pipeline.errors import Problem
from pipeline.importers.aliases import keep_aliases, on_site, resolved, self_link
from pipeline.importers.blocking import drafted_for_block
from pipeline.importers.buildable import (
    base_of,
    checked_soundbite,
    duration,
    encoded_note,
    fitting_tags,
    joined,
    linked,
    numbered,
    readable,
    serial_show,
    shared_audio,
    tags_notes,
    transcript_problem,
    transcript_value,
    web_url,
)
from pipeline.importers.common import (
    count,
    html_summary,
    notes_body,
    shown,
    slugs_for,
)
from pipeline.importers.dating import place_undated
from pipeline.importers.dropped import counted, not_kept
from pipeline.importers.podlove import SUFFIX, item_chapters
from pipeline.importers.records import BesideFile, ImportedItem, ImportPlan, note
from pipeline.importers.relink import body_base
from pipeline.importers.showinfo import person_of, show_settings
from pipeline.importers.xmlsource import (
    ATOM,
    CONTENT,
    FEEDBURNER,
    ITUNES,
    PODCAST,
    Document,
    q,
    text,
)
from pipeline.podcast import artwork
from pipeline.podcast.episode import APPLE_TITLE_MAX, EPISODE_TYPES
from pipeline.podcast.media import AUDIO_TYPES
from pipeline.support.dates import read_date

AUDIO_ALIASES = {
    "audio/mp3": "audio/mpeg",
    "audio/mpeg3": "audio/mpeg",
    "audio/x-mp3": "audio/mpeg",
    "audio/x-mpeg": "audio/mpeg",
    "audio/x-mpeg-3": "audio/mpeg",
    "audio/mpg": "audio/mpeg",
    "x-audio/mp3": "audio/mpeg",
    "x-audio/mpeg": "audio/mpeg",
    "audio/m4a": "audio/x-m4a",
    "audio/aac": "audio/x-m4a",
    "audio/x-wav": "audio/wav",
}
"""Types hosts write for MP3 and M4A that Apple does not list: apps play them as these."""


class _Item:
    """What one ``<item>`` gives, and the notes about it."""

    def __init__(self, doc: Document, elem: ET.Element, source: str, base: str) -> None:
        self.doc = doc
        self.elem = elem
        self.line = doc.line(elem)
        self.source = source
        self.notes: list[Problem] = []
        self.base = base_of(elem, base, self.note)
        self.proxied = False
        """Its audio is ``feedburner:origEnclosureLink``, not the ``<enclosure>`` URL."""

    def note(self, field: str, message: str) -> None:
        self.notes.append(note(self.source, self.line, field, message))

    def find(self, ns: str, local: str) -> ET.Element | None:
        return self.elem.find(q(ns, local)) if ns else self.elem.find(local)

    def get(self, ns: str, local: str) -> str:
        return text(self.find(ns, local))

    @property
    def link(self) -> str:
        """The item's own link: ``feedburner:origLink`` where FeedBurner rewrote ``<link>``
        (each only when a parser reads it; :func:`_episode` notes the others)."""
        return next((v for v in self.links() if v and readable(v)), "")

    def links(self) -> tuple[str, str]:
        return self.get(FEEDBURNER, "origLink"), self.get("", "link")


def read_podcast(
    doc: Document, source: str, *, since: datetime | None = None, base: str = ""
) -> ImportPlan:
    """The episodes and ``[podcast]`` settings of a podcast RSS document.

    ``base`` resolves relative URLs (the feed's own URL when it was fetched; else the one
    its ``atom:link rel="self"`` names, else its ``<link>``); ``since`` leaves out episodes
    published before it.
    """
    channel = doc.root.find("channel") if doc.root.tag == "rss" else None
    if channel is None:
        raise ValueError("not an RSS 2.0 feed (podcast feeds are <rss><channel>)")
    notes: list[Problem] = []
    own_link = text(channel.find("link"))
    if own_link and not readable(own_link):
        why = "is not a URL: ignored (the show's site and the base of relative URLs)"
        notes.append(
            note(source, doc.line(channel.find("link")), "link", f"{shown(own_link)} {why}")
        )
        own_link = ""

    def say(field: str, message: str) -> None:
        notes.append(note(source, doc.line(channel), field, message))

    fetched = base  # the URL the feed was read from, if any: its podcast:guid's seed
    base = base_of(channel, base or self_link(channel, q(ATOM, "link")) or own_link, say)
    settings, show_notes = show_settings(doc, channel, source, base, fetched)
    notes.extend(show_notes)
    pending: list[tuple[_Item, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    skipped = 0
    for elem in channel.findall("item"):
        it = _Item(doc, elem, source, base)
        front = _episode(it, seen, dict(settings).get("block") is True)
        notes.extend(it.notes)
        if front is None:
            skipped += 1
        elif not (since and isinstance(front.get("date"), datetime) and front["date"] < since):
            pending.append((it, front))
    lines = [(it.line, front) for it, front in pending]
    notes.extend(shared_audio(lines, source))
    place_undated(lines, source, notes, "pubDate")
    skipped += sum(1 for _, front in lines if front.get("draft") is True)  # each one reported
    kind_line = doc.line(channel.find(q(ITUNES, "type")))
    settings, serial_notes = serial_show(settings, lines, source, kind_line)
    notes.extend(serial_notes)
    site = resolved(own_link, base)  # the site, as each item's link is
    olds = [(it.line, str(f["title"]), resolved(it.link, base)) for it, f in pending]
    aliases, alias_notes = keep_aliases(source, site, olds)
    notes.extend(alias_notes)
    for (_, front), alias in zip(pending, aliases, strict=True):
        if alias:
            front["aliases"] = [alias]
    names = [(str(f.get("title", "")), str(f["guid"]), it.link) for it, f in pending]
    links = [link if on_site(link, site) else "" for _, _, link in olds]
    items = [
        _record(it, front, slug, link)
        for (it, front), slug, link in zip(pending, slugs_for(names), links, strict=True)
    ]
    notes.extend(_not_kept(doc, channel, source, [it for it, _ in pending]))
    proxied = [("item", it.line) for it, _ in pending if it.proxied]
    if proxied:
        what = (
            "written as the audio instead of FeedBurner's <enclosure> URL (its proxy, which "
            "apps downloaded through)"
        )
        notes.append(counted(source, "feedburner:origEnclosureLink", proxied, what))
    return ImportPlan(source, "podcast", tuple(items), settings, tuple(notes), skipped)


def _not_kept(doc: Document, channel: ET.Element, source: str, items: list[_Item]) -> list[Problem]:
    """What the channel and the imported items hold that is not kept, counted per element."""
    places = [("channel", doc.line(channel), channel)]
    places += [("item", it.line, it.elem) for it in items]
    out = not_kept(source, places)
    return out


def _apple_title(it: _Item) -> bool:
    """Whether the item has an ``itunes:title`` other than its ``<title>``."""
    apple, own = (" ".join(it.get(ns, "title").split()) for ns in (ITUNES, ""))
    return bool(apple and own and apple != own)


def _record(it: _Item, front: dict[str, Any], slug: str, link: str) -> ImportedItem:
    """The episode; ``link`` its old link on the show's site, made absolute (its show notes'
    relative URLs are relative to it, else to the feed's base)."""
    body = str(front.pop("_body", ""))
    document = front.pop("_chapters", None)
    files: tuple[BesideFile, ...] = ()
    if document is not None:  # the writer names the file it picks
        front["chapters"] = slug + SUFFIX
        files = (BesideFile("chapters", SUFFIX, document),)
    ordered = tuple((k, front[k]) for k in _ORDER if k in front)
    guid = str(front["guid"])
    base = body_base(link, it.base)
    return ImportedItem(guid, "episodes", slug, ordered, body, it.line, files, link, base)


_ORDER = (
    "title",
    "apple_title",
    "date",
    "draft",
    "id",
    "guid",
    "guid_permalink",
    "description",
    "authors",
    "tags",
    "audio",
    "length",
    "type",
    "duration",
    "season",
    "episode",
    "episode_type",
    "explicit",
    "image",
    "transcript",
    "chapters",
    "persons",
    "location",
    "soundbites",
    "aliases",
)


def _episode(it: _Item, seen: dict[str, int], show_blocked: bool) -> dict[str, Any] | None:
    """The front matter of one item, or None when it is not imported (noted why)."""
    front: dict[str, Any] = {"title": it.get("", "title") or it.get(ITUNES, "title")}
    enclosure = it.find("", "enclosure")
    seen_url = (enclosure.get("url") or "").strip() if enclosure is not None else ""
    url = _audio_url(it, seen_url)
    if not url:
        it.note("enclosure", "no enclosure URL: not an episode, not imported")
        return None
    if not web_url(url):
        it.note("enclosure", f"URL {shown(url)} is not an absolute http(s) URL: not imported")
        return None
    guid_elem = it.find("", "guid")
    guid = text(guid_elem)
    if not guid:
        what = "an empty <guid>" if guid_elem is not None else "no <guid>"
        it.note("guid", f"{what}: the enclosure URL is kept as its GUID (what apps key it by)")
        guid = seen_url
    if guid in seen:
        it.note("guid", f"duplicate of the item at line {seen[guid]}: apps show one, not imported")
        return None
    seen[guid] = it.line
    if not front["title"]:
        it.note("title", "missing: the GUID is used as its title")
        front["title"] = guid
    front["id"] = guid
    front["guid"] = guid
    if _apple_title(it):  # the title Apple shows, kept beside the item's own
        apple = " ".join(it.get(ITUNES, "title").split())
        if len(apple) <= APPLE_TITLE_MAX:
            front["apple_title"] = apple
        else:
            it.note("itunes:title", f"over {APPLE_TITLE_MAX} characters: not kept")
    permalink = ((guid_elem.get("isPermaLink") if guid_elem is not None else None) or "").strip()
    if permalink.lower() == "true" or (not permalink and text(guid_elem)):
        if web_url(guid):
            front["guid_permalink"] = True
        elif permalink:  # the build's feed would say the GUID is a link it is not
            what = f'isPermaLink="{permalink}" but {shown(guid)} is no absolute http(s) URL'
            it.note("guid", f"{what}: written without guid_permalink (the GUID is kept)")
    if drafted_for_block(it.get(ITUNES, "block"), show_blocked, it.note):
        front["draft"] = True
    for field, value in zip(("feedburner:origLink", "link"), it.links(), strict=True):
        if value and not readable(value):
            it.note(field, f"{shown(value)} is not a URL: left out")
    raw_date = it.get("", "pubDate")
    date, zone = read_date(raw_date)
    if date is not None:
        front["date"] = date
    if zone is not None:
        it.note("pubDate", zone)
    _enclosure(it, front, enclosure, url)
    _itunes(it, front)
    _podcasting20(it, front)
    url_used = front.get("chapters")
    chapters, psc_notes = item_chapters(it.elem, it.doc.line, it.source, it.base, url_used)
    it.notes.extend(psc_notes)
    if chapters is not None:
        front["_chapters"] = chapters
    author = it.get(ITUNES, "author")
    if author:
        front["authors"] = [author]
    tags, long, over = fitting_tags(
        [t for t in (text(c) for c in it.elem.findall("category")) if t]
    )
    if tags:
        front["tags"] = tags
    for message in tags_notes(long, over):
        it.note("category", message)
    notes, description = _show_notes(it)
    summary = html_summary(description, notes) if notes != description else None
    if summary:
        front["description"] = summary
    front["_body"] = notes_body(notes)
    return front


def _audio_url(it: _Item, seen: str) -> str:
    """The episode's audio: ``feedburner:origEnclosureLink`` when the item has one (the
    file FeedBurner's proxy ``<enclosure>`` URL led to), else the ``<enclosure>`` URL."""
    absolute = joined(it.base, seen)
    if absolute != seen and web_url(absolute):
        it.note("enclosure", f"relative URL {shown(seen)} written as {shown(absolute)}")
    seen, original = absolute, joined(it.base, it.get(FEEDBURNER, "origEnclosureLink"))
    if not (seen and original) or original == seen:
        return seen
    if not web_url(original):
        it.note(
            "feedburner:origEnclosureLink",
            f"{shown(original)} is not an absolute http(s) URL: the <enclosure> URL is kept",
        )
        return seen
    it.proxied = True
    return original


def _show_notes(it: _Item) -> tuple[str, str]:
    """The fullest show notes of an item, and its ``<description>``: ``content:encoded``
    when there is one, else the longer of ``<description>`` and ``itunes:summary`` (the
    description when they are as long). WordPress and FeedBurner write an excerpt ending in
    ``[…]`` as the description and the full notes as ``itunes:summary``; the excerpt is then
    kept as the item's ``description`` when it is plain text."""
    encoded, description = it.get(CONTENT, "encoded"), it.get("", "description")
    if encoded:
        return encoded, description
    summary = it.get(ITUNES, "summary")
    return (summary if len(summary) > len(description) else description), description


def _enclosure(it: _Item, front: dict[str, Any], enclosure: ET.Element | None, url: str) -> None:
    assert enclosure is not None
    front["audio"] = url
    if said := encoded_note(url):
        it.note("enclosure", said)
    raw_length = (enclosure.get("length") or "").strip()
    length = count(raw_length)
    if length:
        front["length"] = length
    else:  # apps need the size: the build asks the server (HEAD) and caches the answer
        if length == 0:
            what = "length unknown (0)"
        elif raw_length:
            what = f"length {shown(raw_length)} is not a number of bytes"
        else:
            what = "no length"
        it.note("enclosure", f"{what}: left out, the build asks the server for the file's size")
    front["type"] = _audio_type(it, front, (enclosure.get("type") or "").strip().lower(), url)
    raw = it.get(ITUNES, "duration")
    front["duration"], why = duration(raw) if raw else (None, "")
    if why:
        it.note("duration", why)


def _audio_type(it: _Item, front: dict[str, Any], mime: str, url: str) -> str:
    """The enclosure's type as the build takes it: Apple's spelling of an MP3 or M4A type;
    for none, or one that is no audio or video, the type its file name says. When that says
    none either, ``audio/mpeg``: the episode is a draft then if the feed gave another type."""
    if mime in AUDIO_ALIASES:
        it.note("enclosure", f"type {shown(mime)} written as {AUDIO_ALIASES[mime]!r} (Apple's)")
        return AUDIO_ALIASES[mime]
    if mime in AUDIO_TYPES:
        return mime
    guessed = mimetypes.guess_type(posixpath.basename(urlsplit(url).path))[0] or ""
    guessed = AUDIO_ALIASES.get(guessed, guessed)
    what = f"type {shown(mime)} is not audio or video podcast apps play" if mime else "no type"
    if guessed in AUDIO_TYPES:
        it.note("enclosure", f"{what}: {guessed} written (from the file name)")
        return guessed
    if not mime:  # as apps play an untyped enclosure
        it.note("enclosure", "no type, nor one in the file name: audio/mpeg written")
        return "audio/mpeg"
    front["draft"] = True
    it.note(
        "enclosure",
        f"{what}, nor does its file name say one: written as a draft with type audio/mpeg "
        "(the build refuses any other); check the file, set its type and remove 'draft'",
    )
    return "audio/mpeg"


def _positive(it: _Item, field: str) -> int | None:
    number, notes = numbered(it.get(ITUNES, field), it.get(PODCAST, field), field)
    for why in notes:
        it.note(field, why)
    return number


def _itunes(it: _Item, front: dict[str, Any]) -> None:
    season, number = _positive(it, "season"), _positive(it, "episode")
    if season is not None:
        front["season"] = season
    if number is not None:
        front["episode"] = number
    kind = it.get(ITUNES, "episodeType").lower()
    if kind and kind != "full":
        if kind in EPISODE_TYPES:
            front["episode_type"] = kind
        else:
            it.note("episodeType", f"{shown(kind)} is not full, trailer or bonus: full written")
    explicit = it.get(ITUNES, "explicit").lower()
    if explicit in ("yes", "true", "explicit"):
        front["explicit"] = True
    elif explicit in ("no", "false", "clean"):
        front["explicit"] = False
    image = it.find(ITUNES, "image")
    href = (image.get("href") or text(image)).strip() if image is not None else ""
    if href:
        absolute = joined(it.base, href)
        if absolute != href:
            it.note("image", f"relative itunes:image {shown(href)} written as {shown(absolute)}")
        problem = (
            artwork.url_problem(absolute) if readable(absolute) else f"{shown(href)} is not a URL"
        )
        if problem:
            it.note("image", f"{problem}: left out (the show's artwork is used)")
        else:
            front["image"] = absolute


def _podcasting20(it: _Item, front: dict[str, Any]) -> None:
    for elem in it.elem.findall(q(PODCAST, "transcript")):
        url = (elem.get("url") or "").strip()
        absolute = joined(it.base, url)
        if not web_url(absolute):
            _linked(it, elem, "transcript")  # says why
        elif (why := transcript_problem(absolute, elem.get("type") or "")) or "transcript" in front:
            why = why or "one .vtt or .srt transcript is published"
            it.note("transcript", f"{shown(url)} not kept: {why}")
        elif kept := _linked(it, elem, "transcript"):
            front["transcript"] = transcript_value(kept, elem.get("type") or "")
    chapters = it.find(PODCAST, "chapters")
    if chapters is not None and (url := _linked(it, chapters, "chapters")):
        front["chapters"] = url
    say = functools.partial(it.note, "podcast:person")
    people = it.elem.findall(q(PODCAST, "person"))
    persons = [p for p in (person_of(e, it.base, say) for e in people) if p]
    if persons:
        front["persons"] = persons
    location = it.get(PODCAST, "location")
    if location:
        front["location"] = _cut(it, "podcast:location", location)
    bites = []
    for elem in it.elem.findall(q(PODCAST, "soundbite")):
        start, length = elem.get("startTime") or "", elem.get("duration") or ""
        try:
            bite: dict[str, Any] = {"start": float(start), "duration": float(length)}
        except ValueError:
            it.note("soundbite", f"startTime {shown(start)} / duration {shown(length)}: left out")
            continue
        if text(elem):
            bite["title"] = _cut(it, "soundbite", text(elem))
        problem = checked_soundbite(bite, {"startTime": start, "duration": length}, front)
        if problem:  # the build's own check: past the audio's end, negative, not a number
            it.note("soundbite", f"{problem}: left out")
            continue
        bites.append(bite)
    if bites:
        front["soundbites"] = bites


def _linked(it: _Item, elem: ET.Element, field: str) -> str:
    """The ``url`` of ``podcast:<field>`` made absolute as an enclosure is; '' (noted) when
    it is no http(s) URL then."""
    say = functools.partial(it.note, field)
    return linked(it.base, (elem.get("url") or "").strip(), f"podcast:{field}", say, "not kept")


def _cut(it: _Item, field: str, value: str) -> str:
    """``value`` cut to the 128 characters the build takes (noted when it was longer)."""
    if len(value) > 128:
        it.note(field, f"{shown(value, 40)} cut to 128 characters (the build's limit)")
    return value[:128]
