"""The typed records that flow between stages.

Every stage takes and returns these frozen dataclasses: no shared mutable context.
Dates are always timezone-aware; URLs in rendered HTML are always absolute.
"""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

FEED_KINDS = ("essay", "episode", "update", "event")
"""Kinds of content that appear in feeds; anything else is a page."""

SECTION_OF_KIND = {"essay": "essays", "episode": "episodes", "update": "updates", "event": "events"}
KIND_OF_SECTION = {v: k for k, v in SECTION_OF_KIND.items()}

NO_INDEX = "noIndex"
"""The :attr:`Item.extra` key set (True) on a page that is not to be indexed: its own front
matter says ``noIndex: true`` or ``noRobotsIndex: true`` (GitBook's keys), or, in a GitBook
space, a page it is nested under in ``SUMMARY.md`` does (see :attr:`Item.indexed`)."""

BUILD = "build"
"""The :attr:`Item.extra` key of Hugo's build options as the load checked them (front matter
``build``, or the older ``_build``; :mod:`pipeline.load.hugobuild`): ``list`` (``always``,
``local``, ``never``) and ``render`` (``always``, ``link``; ``never`` makes a draft), each
only when given. See :attr:`Item.listed` and :attr:`Item.rendered`."""

_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_GUID_NAMESPACE = uuid.UUID("4b0f3a64-5d0e-5a44-9c57-7075626c6973")


@functools.lru_cache(maxsize=1 << 16)
def guid_for(item_id: str) -> str:
    """The feed GUID/Atom id of an item: a ``urn:uuid:`` IRI valid in RSS, Atom and JSON Feed.

    A UUID id is used as it is; any other id string is mapped through UUIDv5, so the GUID
    depends on the id alone and never on the title, date, body or file name.
    """
    if _CANONICAL_UUID.fullmatch(item_id):
        return f"urn:uuid:{item_id}"  # what uuid.UUID would print, without parsing it
    try:
        value = uuid.UUID(item_id)
    except ValueError:
        value = uuid.uuid5(_GUID_NAMESPACE, item_id)
    return f"urn:uuid:{value}"


@dataclass(frozen=True)
class Media:
    """A file an item points at: podcast audio, a transcript, chapters, an image."""

    url: str
    """Absolute URL where subscribers fetch it."""
    mime_type: str
    length: int = 0
    """Size in bytes (0 when unknown)."""
    duration: float | None = None
    """Seconds, for audio and video."""
    source: str | None = None
    """Path relative to the content root when the file is local, else None."""


@dataclass(frozen=True)
class Person:
    """A Podcasting 2.0 ``podcast:person``."""

    name: str
    role: str = "host"
    group: str = "cast"
    href: str | None = None
    img: str | None = None


@dataclass(frozen=True)
class Soundbite:
    """A Podcasting 2.0 ``podcast:soundbite``: a quotable moment of an episode."""

    start: float
    duration: float
    title: str = ""


@dataclass(frozen=True)
class Episode:
    """The podcast part of an item of kind ``episode``."""

    audio: Media
    number: int | None = None
    season: int | None = None
    episode_type: str = "full"
    explicit: bool | None = None
    apple_title: str = ""
    """``apple_title``: the title Apple Podcasts shows (``itunes:title``), "" for the item's."""
    transcript: Media | None = None
    chapters: Media | None = None
    persons: tuple[Person, ...] = ()
    location: str | None = None
    soundbites: tuple[Soundbite, ...] = ()


@dataclass(frozen=True)
class Moved:
    """One occurrence of a recurring event held at another time or place (``overrides``)."""

    original: datetime
    """When the rule puts it: the iCalendar RECURRENCE-ID, in the event's zone."""
    starts: datetime
    ends: datetime | None
    location: str | None = None


@dataclass(frozen=True)
class Recurrence:
    """How an event repeats (``repeat``, ``until``, ``count``, ``except``, ``overrides``)."""

    rule: str
    """RFC 5545 RRULE value without UNTIL and COUNT, normalised (``FREQ=MONTHLY;BYDAY=1TH``)."""
    until: datetime | None = None
    """Last moment an occurrence may start, in the event's zone (inclusive)."""
    count: int | None = None
    skipped: tuple[datetime, ...] = ()
    """Occurrences that do not take place (``except`` dates and cancelled overrides)."""
    moved: tuple[Moved, ...] = ()


@dataclass(frozen=True)
class Event:
    """The calendar part of an item of kind ``event``."""

    starts: datetime
    ends: datetime | None
    timezone: str
    """IANA zone name the times were written in (for VTIMEZONE/TZID)."""
    all_day: bool = False
    location: str | None = None
    url: str | None = None
    sequence: int = 0
    repeat: Recurrence | None = None
    """None for a one-off event."""


Include = tuple[str, str, int]
"""A file a page includes (GitBook's reusable content): its path relative to the content
root, its Markdown body, and the line of the file where that body starts."""


@dataclass(frozen=True)
class Item:
    """One Markdown file of the content tree, validated (and, after rendering, with HTML).

    Content only: the keys the build's caches and output plan compare live beside the items,
    by :attr:`source` (:class:`pipeline.build.keys.ItemKeys`)."""

    id: str
    """Stable identifier; the GUID derives from it alone (see :func:`guid_for`)."""
    kind: str
    """``essay``, ``episode``, ``update``, ``event`` or ``page``."""
    section: str
    """Folder-derived section (``essays`` ...); GitBook sections come from SUMMARY.md."""
    source: str
    """Path relative to the content root, POSIX separators."""
    title: str
    slug: str
    url: str
    """Absolute permalink."""
    date: datetime | None
    updated: datetime | None = None
    description: str | None = None
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    draft: bool = False
    image: str | None = None
    """Absolute URL of the item's image."""
    body: str = ""
    """Markdown body (front matter removed)."""
    title_id: str = ""
    """The id of the page's title when it was the body's opening H1, cut from ``body``: the
    page writes it on its ``<h1>`` and the renderer reserves it, as the link checker reads
    the whole body (``#hello-world`` lands on ``# Hello World``; a later heading of that
    name is ``#hello-world-1``)."""
    title_in_body: bool = False
    """The title is the body's first H1, which does not open it (a badge or a picture above
    it) and so stays in the body: the page shows that heading as its title, not the title
    again above it (as MkDocs' Material theme leaves out its own when the page has an H1)."""
    html: str = ""
    """Rendered body with absolute URLs; empty until the render stage has run."""
    text_start: str = ""
    """The start of the visible text of ``html`` (more than ``SUMMARY_CHARS`` characters of
    it, or all of it), set with it by rendering: feeds' summaries read it, not the HTML (which
    a build may not even hold). Whoever changes ``html`` sets this too, or empties it."""
    episode: Episode | None = None
    event: Event | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Front-matter keys the model does not know, kept for templates."""
    order: int = 0
    """Position in a table of contents (GitBook SUMMARY.md), 0 when none."""
    assets: tuple[str, ...] = ()
    """Local files (relative to the content root) the item uses; copied beside its page."""
    body_line: int = 1
    """Line of the file where ``body`` starts (after the front matter)."""
    local_links: tuple[tuple[str, str], ...] = ()
    """(kind, target as written) of each link and image that stays inside the content tree,
    recorded while rendering: every build checks them against the files (see
    :mod:`pipeline.linkcheck.dangling`); kind ``card``: the source of a page whose title this
    one shows (not checked)."""
    aliases: tuple[str, ...] = ()
    """Old URLs (site paths) of this item, from ``aliases``: the link checker maps them."""
    source_guid: str = ""
    """The feed GUID an imported item had where it was published before (front matter
    ``guid``): emitted exactly as it is, so readers and podcast apps see the same item."""
    guid_permalink: bool = False
    """``guid_permalink: true``: the kept GUID is the item's old permalink (RSS
    ``isPermaLink="true"``)."""
    includes: tuple[Include, ...] = ()
    """The files the body includes (``{% include "…" %}``), each once, as loaded: the
    renderer puts their HTML where their tags stand (see :mod:`pipeline.load.includes`)."""

    def evolve(self, **changes: Any) -> Item:
        """``dataclasses.replace`` without re-running ``__init__``: the build calls this for
        every item, and at 10,000 items replace's field checks cost a tenth of a second."""
        new = object.__new__(Item)
        new.__dict__.update(self.__dict__)
        new.__dict__.update(changes)
        return new

    @property
    def guid(self) -> str:
        """The GUID feeds emit: a kept ``guid`` as it is, else the one of the id."""
        return self.source_guid or guid_for(self.id)

    @property
    def guid_is_permalink(self) -> str:
        """The RSS ``isPermaLink`` value of :attr:`guid`."""
        return "true" if self.source_guid and self.guid_permalink else "false"

    @property
    def is_feed_item(self) -> bool:
        return self.kind in FEED_KINDS

    @property
    def indexed(self) -> bool:
        """Whether the page is offered to search engines and the site's search: not when
        marked :data:`NO_INDEX` (its page then says ``noindex, nofollow``, and it is left out
        of ``sitemap.xml`` and the search index, as GitBook does). ``hidden`` is not this."""
        return self.extra.get(NO_INDEX) is not True

    @property
    def listed(self) -> bool:
        """Whether lists have it: not when Hugo's ``build: {list: never}`` says so (its page
        is built, but no list, feed, tag page, menu, newsletter, sitemap or search index
        has it; :data:`BUILD`). :meth:`Site.published` leaves such feed items out."""
        build = self.extra.get(BUILD)  # None for nearly every item: asked of each, often
        return build is None or not (isinstance(build, Mapping) and build.get("list") == "never")

    @property
    def rendered(self) -> bool:
        """Whether its page file is written: not when Hugo's ``build: {render: link}`` says
        so (lists and feeds still have it, linking to :attr:`url`; :data:`BUILD`)."""
        build = self.extra.get(BUILD)
        return build is None or not (isinstance(build, Mapping) and build.get("render") == "link")


_LAST: list[tuple[tuple[Item, ...], dict[tuple[object, ...], tuple[Item, ...]]]] = [((), {})]
"""The last tuple of items asked about, and its answers (:func:`_remembered`)."""


def _remembered(
    items: tuple[Item, ...], question: tuple[object, ...], answer: Callable[[], tuple[Item, ...]]
) -> tuple[Item, ...]:
    """``answer()``, asked once per tuple of items: a build asks a site of 10,000 items which
    are published several times (its feeds, pages, podcast, search and manifest), 15 ms each.
    Only the last tuple's answers are kept (a new tuple, a new site: the others are dropped);
    a thread asking of another tuple meanwhile keeps its own answers apart."""
    last, found = _LAST[0]
    if last is not items:
        found = {}
        _LAST[0] = (items, found)
    hit = found.get(question)
    if hit is None:
        hit = found[question] = answer()
    return hit


@dataclass(frozen=True)
class Site:
    """The loaded content tree: every item (drafts included) and non-fatal warnings."""

    items: tuple[Item, ...]
    warnings: tuple[Any, ...] = ()

    def published(self, now: datetime) -> tuple[Item, ...]:
        """Feed items that are neither drafts nor scheduled after ``now``, newest first: what
        feeds and lists have, so not those left out of lists (:attr:`Item.listed`)."""
        return _remembered(self.items, ("published", now), lambda: self._published(now))

    def _published(self, now: datetime) -> tuple[Item, ...]:
        return tuple(sorted(self._live(now), key=lambda i: (i.date, i.guid), reverse=True))

    def count_published(self, now: datetime) -> int:
        return len(self._live(now))

    def _live(self, now: datetime, listed: bool = True) -> tuple[Item, ...]:
        """Feed items neither drafts nor scheduled after ``now`` whose :attr:`Item.listed` is
        ``listed``, in the order of :attr:`items`."""

        def live() -> tuple[Item, ...]:
            return tuple(
                i
                for i in self.items
                if i.is_feed_item and not i.draft and i.date is not None and i.date <= now
                if i.listed is listed
            )

        return _remembered(self.items, ("live", now, listed), live)

    def unlisted(self, now: datetime) -> tuple[Item, ...]:
        """Feed items published at ``now`` that no list has (:attr:`Item.listed`): their pages
        are built all the same, in the order of :attr:`items`."""
        return tuple(self._live(now, listed=False))

    def pages(self) -> tuple[Item, ...]:
        """The pages that are not feed items, drafts left out (those no list has are here:
        their pages are built; whatever lists pages asks :attr:`Item.listed`)."""
        return tuple(i for i in self.items if not i.is_feed_item and not i.draft)


@dataclass(frozen=True)
class LinkRef:
    """A link, image or embed found in a source file, before any checking.

    ``url`` is the target as the author meant it (angle brackets removed, ``\\_`` escapes
    undone, entities decoded), not yet made absolute.
    """

    source: str
    """Path of the file relative to the content root."""
    line: int
    """1-based line in the file (front matter included)."""
    url: str
    text: str
    kind: str = "link"
    """``link``, ``image``, ``html`` (href/src in raw HTML), ``embed`` or ``toc``."""


@dataclass(frozen=True)
class SourceDoc:
    """What the link checker needs of a Markdown file: its links and its anchor ids."""

    source: str
    links: tuple[LinkRef, ...]
    anchors: frozenset[str]
    headings: tuple[str, ...] = ()
    """Heading texts in order, for suggestions."""
