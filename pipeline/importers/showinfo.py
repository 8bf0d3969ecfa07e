"""A podcast's show-level settings (the ``[podcast]`` table) from its feed's ``<channel>``.

``podcast:guid`` is kept exactly as the old feed has it: podcast indexes follow a show by it
across moves, so it is never recomputed from the new feed URL. Categories are mapped to
Apple's 2019 list (pre-2019 names and case variants included); any other is a warning.
Google Play's ``googleplay:`` tags stand in where a feed has no ``itunes:`` one.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from pipeline.config import PodcastConfig
from pipeline.config.podcast import podcast_problems
from pipeline.errors import Problem
from pipeline.importers.aliases import self_link
from pipeline.importers.buildable import joined, linked, readable, web_url
from pipeline.importers.common import shown
from pipeline.importers.records import FrontMatter, note
from pipeline.importers.xmlsource import ATOM, GOOGLEPLAY, ITUNES, PODCAST, Document, q, text
from pipeline.podcast import artwork
from pipeline.podcast.episode import PERSON_GROUPS
from pipeline.podcast.show import podcast_guid_for
from pipeline.support.podcast_categories import CATEGORIES
from pipeline.support.secrets import in_urls

LEGACY_CATEGORIES = {
    "Games & Hobbies": ("Leisure", ""),
    "Science & Medicine": ("Science", ""),
    "Tech News": ("Technology", ""),
    "Podcasting": ("Technology", ""),
    "Software How-To": ("Technology", ""),
    "Gadgets": ("Technology", ""),
    "Hobbies": ("Leisure", "Hobbies"),
    "Video Games": ("Leisure", "Video Games"),
    "Automotive": ("Leisure", "Automotive"),
    "Aviation": ("Leisure", "Aviation"),
    "Other Games": ("Leisure", "Games"),
    "Personal Journals": ("Society & Culture", "Personal Journals"),
    "Philosophy": ("Society & Culture", "Philosophy"),
    "Literature": ("Arts", "Books"),
    "Food": ("Arts", "Food"),
    "Design": ("Arts", "Design"),
    "Business News": ("News", "Business News"),
    "Sports & Recreation": ("Sports", ""),
    "Health": ("Health & Fitness", ""),
    "Fitness & Nutrition": ("Health & Fitness", "Fitness"),
    "Self-Help": ("Education", "Self-Improvement"),
    "Training": ("Education", "How To"),
    "Educational Technology": ("Education", ""),
    "Higher Education": ("Education", ""),
    "Language Courses": ("Education", "Language Learning"),
    "Natural Sciences": ("Science", "Natural Sciences"),
    "Social Sciences": ("Science", "Social Sciences"),
    "Medicine": ("Science", "Medicine"),
    "Government & Organizations": ("Government", ""),
    "News & Politics": ("News", "Politics"),
    "Religion & Spirituality": ("Religion & Spirituality", ""),
}
"""Pre-2019 Apple names (top-level or sub) → (category, subcategory) of the 2019 list."""


def map_category(top: str, sub: str) -> tuple[str, str] | None:
    """``(category, subcategory)`` on Apple's 2019 list for a feed's names, or None."""
    lower = {c.lower(): c for c in CATEGORIES}
    category = lower.get(top.lower())
    if category is None and top in LEGACY_CATEGORIES:
        category, implied = LEGACY_CATEGORIES[top]
        sub = sub or implied
    if category not in CATEGORIES:
        return None
    subs = {s.lower(): s for s in CATEGORIES[category]}
    if not sub:
        return category, ""
    if sub.lower() in subs:
        return category, subs[sub.lower()]
    legacy = LEGACY_CATEGORIES.get(sub)
    if legacy and legacy[0] == category:
        return category, legacy[1]
    return category, ""


def _yes(value: str) -> bool | None:
    value = value.strip().lower()
    if value in ("yes", "true", "explicit"):
        return True
    if value in ("no", "false", "clean"):
        return False
    return None


def show_settings(
    doc: Document, channel: ET.Element, source: str, base: str, fetched: str = ""
) -> tuple[FrontMatter, list[Problem]]:
    """``[podcast]`` keys and values read from ``channel``, and notes on what was not kept.
    ``fetched``: the URL the feed was read from (a feed without ``podcast:guid`` has the one
    podcast indexes derived from its URL: :func:`derived_guid`)."""
    notes: list[Problem] = []
    out: dict[str, Any] = {}

    get = functools.partial(_child_text, channel)

    def say(elem: ET.Element | None, field: str, message: str) -> None:
        notes.append(note(source, doc.line(elem if elem is not None else channel), field, message))

    out["title"] = get("", "title")
    out["description"] = (
        get("", "description") or get(ITUNES, "summary") or get(GOOGLEPLAY, "description")
    )
    out["language"] = get("", "language")
    image = channel.find(q(ITUNES, "image"))
    href = (image.get("href") or "").strip() if image is not None else ""
    play = channel.find(q(GOOGLEPLAY, "image"))
    href = href or ((play.get("href") or "").strip() if play is not None else "")
    href = href or text(channel.find("image/url"))
    if href:  # one no parser reads is left out by _buildable, named
        out["image"] = joined(base, href)
    out.update(_category(channel, say))
    explicit = _yes(get(ITUNES, "explicit") or get(GOOGLEPLAY, "explicit"))
    if explicit is not None:
        out["explicit"] = explicit
    out["author"] = get(ITUNES, "author") or get(GOOGLEPLAY, "author")
    owner = channel.find(q(ITUNES, "owner"))
    if owner is not None:
        out["owner_name"] = text(owner.find(q(ITUNES, "name")))
        out["owner_email"] = text(owner.find(q(ITUNES, "email")))
    kind = get(ITUNES, "type").lower()
    if kind in ("episodic", "serial"):
        out["type"] = kind
    out["copyright"] = get("", "copyright")
    out.update(_show_extras(channel, base, say))
    if doc.declared:  # VRT's feed: apps read it, a strict parser refuses it
        names = ", ".join(f"{p}:" for p in doc.declared)
        say(doc.root, "xmlns", f"{names} used without declaring its namespace: read as it")
    if (page := next_page(channel, base)) is not None:
        say(page[0], "atom:link", page[1])
    if not out["guid"] and (derived := derived_guid(channel, fetched)):
        out["guid"], seed = derived
        say(
            channel,
            "podcast:guid",
            f"none in the feed: {out['guid']} written, the GUID podcast "
            f"indexes gave the show from its feed URL {seed} (one that moved before has its "
            "first URL's: check it on podcastindex.org)",
        )
    elif not out["guid"]:
        say(
            channel,
            "podcast:guid",
            "none in the feed, and no URL to make the one podcast indexes gave the show from "
            '(no atom:link rel="self" nor itunes:new-feed-url, and the feed was read from a '
            "file): import it again with --old-url and the feed's address, or set [podcast] "
            "guid to the show's GUID on podcastindex.org before the first build (the build "
            "makes one from the new feed's URL: another show to the indexes)",
        )
    out = {k: v for k, v in out.items() if v != ""}
    _buildable(channel, out, say)
    return tuple(out.items()), notes


_FROM = {
    "image": ("itunes:image", q(ITUNES, "image")),
    "guid": ("podcast:guid", q(PODCAST, "guid")),
    "owner_email": ("itunes:email", f"{q(ITUNES, 'owner')}/{q(ITUNES, 'email')}"),
    "language": ("language", "language"),
    "description": ("description", "description"),
    "medium": ("podcast:medium", q(PODCAST, "medium")),
    "funding_url": ("podcast:funding", q(PODCAST, "funding")),
    "funding_text": ("podcast:funding", q(PODCAST, "funding")),
    "license": ("podcast:license", q(PODCAST, "license")),
    "license_url": ("podcast:license", q(PODCAST, "license")),
    "update_frequency": ("podcast:updateFrequency", q(PODCAST, "updateFrequency")),
    "txt": ("podcast:txt", q(PODCAST, "txt")),
    "podroll": ("podcast:podroll", q(PODCAST, "podroll")),
    "category": ("itunes:category", q(ITUNES, "category")),
    "subcategory": ("itunes:category", q(ITUNES, "category")),
}
"""``[podcast]`` key → the element it is read from: (name shown, path under the channel)."""
_WITH = {"license": ("license_url",), "category": ("subcategory",)}
"""Keys left out with a key that is: a licence URL needs the licence's name."""
_REQUIRED = {
    "category": (
        q(ITUNES, "category"),
        "a category from Apple's list, which the build requires (see docs/podcast.md)",
    ),
    "owner_email": (
        f"{q(ITUNES, 'owner')}/{q(ITUNES, 'email')}",
        "the owner's email address, which the build requires (Spotify sends its "
        "ownership code there)",
    ),
    "image": (q(ITUNES, "image"), "cover art, which the build requires (or [site] image)"),
}
"""Keys the build refuses to go without: the element, and what is expected."""


def _buildable(
    channel: ET.Element, out: dict[str, Any], say: Callable[[ET.Element | None, str, str], None]
) -> None:
    """Leave out of ``out`` each value ``publish.toml`` would refuse (the next build would
    exit 3 on it: a ``podcast:guid`` that is no UUID, an owner email that is no address…),
    and say which key the build requires that the feed gives no value for."""
    known = {f.name for f in dataclasses.fields(PodcastConfig)}
    values = {k: v for k, v in out.items() if k in known and k != "persons"}
    refused = podcast_problems(PodcastConfig(**values))
    unread = ("image", "funding_url", "license_url")  # URLs the build parses (not ``http://[x``)
    refused += [
        (k, f"{shown(out[k])} is not a URL") for k in unread if not readable(out.get(k, ""))
    ]
    if "image" in out and readable(out["image"]) and not web_url(out["image"]):  # the build: a file
        why = "is no absolute http(s) URL"
        if not urlsplit(out["image"]).scheme:
            why = "is relative and the feed gives no URL to resolve it against"
        refused.append(("image", f"{shown(out['image'])} {why}"))
    elif "image" in out and web_url(out["image"]) and (cover := artwork.url_problem(out["image"])):
        refused.append(("image", cover))  # the build's own check of the cover's URL
    for key, message in refused:
        name, path = _FROM.get(key, (key, key))
        what = f"{message}: not written to [podcast] {key}"
        if key == "guid":
            what += (
                " (the build pins one made from the new feed URL; podcast indexes follow "
                "a show by its podcast:guid: set guid to the show's real one if it has one)"
            )
        else:
            what += ": set it in publish.toml"
        say(channel.find(path), name, what)
        for gone in (key, *_WITH.get(key, ())):
            out.pop(gone, None)
    for key, (path, expected) in _REQUIRED.items():
        unlisted = key == "category" and channel.find(path) is not None
        if key in out or key in dict(refused) or unlisted:
            continue  # said above, or (a category not on Apple's list) where it is read
        elem = channel.find(path)
        found = "empty" if elem is not None else "missing"
        if key == "owner_email" and elem is None:
            elem = channel.find(q(ITUNES, "owner"))
        name = path.rsplit("}", 1)[-1]
        say(elem, f"itunes:{name}", f"{found}: set [podcast] {key} in publish.toml to {expected}")


def next_page(
    channel: ET.Element, base: str, what: str = "episodes"
) -> tuple[ET.Element, str] | None:
    """The ``atom:link rel="next"`` of a feed that is one page of several (SoundCloud's
    newest 500 episodes, a paged Podlove or WordPress feed, Blogger's 25 posts a page), and
    what to say of it: the ``what`` (episodes, posts) of the other pages are in no item here."""
    for link in channel.findall(q(ATOM, "link")):
        href = joined(base, (link.get("href") or "").strip())
        if (link.get("rel") or "").strip().lower() == "next" and href:
            return link, paged(href, what)
    return None


def paged(href: str, what: str) -> str:
    """What to say of a feed whose next page is ``href``."""
    return (
        f"the feed is one page of several: its older {what} are on the next page, "
        f"{shown(href, 200)}, and were not imported; import that URL too (and each page "
        "after it) into this site to bring them"
    )


def derived_guid(channel: ET.Element, fetched: str) -> tuple[str, str] | None:
    """The ``podcast:guid`` of a show whose feed has none, and the URL it is made from: the
    feed's own (its ``atom:link rel="self"``, else the URL it was read from, else its
    ``itunes:new-feed-url``), which the Podcast Index seeded it with. The show keeps it when
    it moves (the build would make one from the new URL: another show to the indexes)."""
    own = (
        self_link(channel, q(ATOM, "link"))
        or (fetched if in_urls(fetched) == fetched else "")  # not a private feed's token
        or _child_text(channel, ITUNES, "new-feed-url")
    )
    return (podcast_guid_for(own), own) if web_url(own) else None


def _child_text(channel: ET.Element, ns: str, local: str) -> str:
    """The text of ``channel``'s child ``local`` in namespace ``ns`` ("" for none)."""
    return text(channel.find(q(ns, local) if ns else local))


def _category(
    channel: ET.Element, say: Callable[[ET.Element | None, str, str], None]
) -> dict[str, Any]:
    """``category`` and ``subcategory`` from the first itunes:category, mapped to Apple's
    list (``say`` notes what is not on it)."""
    out: dict[str, Any] = {}
    first = channel.find(q(ITUNES, "category"))
    if first is not None:
        top = html.unescape((first.get("text") or "").strip())  # ``&amp;amp;``: escaped twice
        child = first.find(q(ITUNES, "category"))
        sub = html.unescape((child.get("text") or "").strip()) if child is not None else ""
        mapped = map_category(top, sub)
        if mapped is None:
            message = f"{shown(top)} is not on Apple's list: set [podcast] category by hand"
            say(first, "itunes:category", message + " (the build requires one)")
        else:
            out["category"], out["subcategory"] = mapped
            if sub and not mapped[1]:
                message = f"subcategory {shown(sub)} of {shown(top)} is not on Apple's list"
                say(first, "itunes:category", message)
    return out


def _show_extras(
    channel: ET.Element, base: str, say: Callable[[ET.Element | None, str, str], None]
) -> dict[str, Any]:
    """The show's guid, lock, funding, licence, block and complete flags, medium, update
    frequency, podroll, txt records and people (their links made absolute against ``base``,
    ``say`` noting what is left out), as ``[podcast]`` keys."""
    out: dict[str, Any] = {}

    get = functools.partial(_child_text, channel)

    out["guid"] = get(PODCAST, "guid")
    locked = channel.find(q(PODCAST, "locked"))
    if locked is not None and _yes(text(locked)) is not None:
        out["locked"] = bool(_yes(text(locked)))
        if out["locked"]:  # the spec asks a new host to refuse it; the owner may move it
            owner = (locked.get("owner") or "").strip()
            by = f" ({shown(owner)} owns it)" if owner else ""
            say(
                locked,
                "podcast:locked",
                f"yes: the show asks new hosts not to import it{by}: "
                "publish this copy only as its owner, once the old host redirects the feed here",
            )
    funding = channel.find(q(PODCAST, "funding"))
    if funding is not None:
        out["funding_url"] = joined(base, (funding.get("url") or "").strip())
        out["funding_text"] = text(funding)
    license_elem = channel.find(q(PODCAST, "license"))
    if license_elem is not None:
        out["license"] = text(license_elem)
        out["license_url"] = joined(base, (license_elem.get("url") or "").strip())
    for tag, key in (("block", "block"), ("complete", "complete")):
        if _yes(get(ITUNES, tag)):
            out[key] = True
    for block in channel.findall(q(PODCAST, "block")):  # hidden everywhere, or from Apple
        if (block.get("id") or "").strip().lower() in ("", "apple") and _yes(text(block)):
            out["block"] = True
    medium = get(PODCAST, "medium").lower()
    if medium:
        out["medium"] = medium
    frequency = channel.find(q(PODCAST, "updateFrequency"))
    if frequency is not None and (frequency.get("rrule") or "").strip():
        out["update_frequency"] = (frequency.get("rrule") or "").strip()
        out["update_frequency_text"] = text(frequency)
    remote = channel.findall(f"{q(PODCAST, 'podroll')}/{q(PODCAST, 'remoteItem')}")
    podroll = [(r.get("feedGuid") or "").strip() for r in remote]
    if any(podroll):
        out["podroll"] = [g for g in podroll if g]
    txts = []
    for elem in channel.findall(q(PODCAST, "txt")):
        purpose = (elem.get("purpose") or "").strip()
        if text(elem):
            txts.append(f"{purpose}: {text(elem)}" if purpose else text(elem))
    if txts:
        out["txt"] = txts
    people = channel.findall(q(PODCAST, "person"))
    persons = [p for p in (person_of(e, base, _at(say, e)) for e in people) if p]
    if persons:
        out["persons"] = persons
    return out


def _of(name: str, say: Callable[[str], None]) -> Callable[[str], None]:
    """``say`` of the person ``name``."""
    return lambda message: say(f"person {shown(name, 40)}: {message}")


def _at(
    say: Callable[[ET.Element | None, str, str], None], elem: ET.Element
) -> Callable[[str], None]:
    """``say`` of a ``podcast:person`` at its own line."""
    return lambda message: say(elem, "podcast:person", message)


def person_of(elem: ET.Element, base: str, say: Callable[[str], None]) -> dict[str, str] | None:
    """A ``podcast:person`` as front matter / ``[[podcast.persons]]`` keys; None without a
    name. A group outside the Podcast Taxonomy is left out (the default, cast, applies); a
    relative ``href`` or ``img`` is made absolute against ``base``, and one that is no
    http(s) URL then is left out, the person kept; each is said through ``say``."""
    name = text(elem)
    if not name:
        say("no name (the element's text): left out")
        return None
    person = {"name": name}
    role, group = (
        (elem.get("role") or "").strip().lower(),
        (elem.get("group") or "").strip().lower(),
    )
    if role:
        person["role"] = role
    if group in PERSON_GROUPS:
        person["group"] = group
    elif group:
        what = "is not a Podcast Taxonomy group: left out (cast, the default, applies)"
        _of(name, say)(f"group {shown(group)} {what}")
    for key in ("href", "img"):
        link = (elem.get(key) or "").strip()
        kept = "left out (the person is kept)"
        if link and (link := linked(base, link, key, _of(name, say), kept)):
            person[key] = link
    return person
