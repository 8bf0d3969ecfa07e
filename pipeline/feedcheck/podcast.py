"""The podcast rules: Apple's and Spotify's ``itunes:`` tags and Podcasting 2.0 ``podcast:`` tags.

Called by the RSS rules for the channel and for each item. Their failures are hard only with
``podcast=True`` (``--podcast``), presence rules (artwork, category, explicit ...) and value rules
alike; otherwise :class:`~pipeline.feedcheck.rules.Report` records them as soft: apps read a feed
whatever these tags hold. ``HARD`` below is the severity for a podcast feed.
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET

from pipeline.feedcheck.rules import (
    HARD,
    ITUNES,
    NAMESPACE_ALIASES,
    PODCAST,
    SOFT,
    ImageLoader,
    Report,
    image_checks,
    is_absolute,
    qname,
    text_of,
)
from pipeline.support.podcast_categories import category_problem
from pipeline.support.podcast_values import EMAIL, MEDIUMS, TXT_MAX

_DURATION = re.compile(r"^(?:\d+|\d+:[0-5]\d|\d+:[0-5]\d:[0-5]\d)(?:\.\d+)?$")
"""Seconds, MM:SS (minutes past 59 too, as Apple reads them) or H:MM:SS."""


def lint_itunes_channel(r: Report, ch: ET.Element, images: ImageLoader | None) -> None:
    where = "channel"
    _lint_channel_image(r, ch, images)
    categories = ch.findall(qname(ITUNES, "category"))
    if not categories:
        r.need("apple.channel.category", "no itunes:category", where)
    for cat in categories:
        subs = cat.findall(qname(ITUNES, "category"))
        sub = subs[0].get("text", "") if subs else ""
        problem = category_problem(cat.get("text", ""), sub)
        if problem:
            r.add("apple.channel.category", HARD, problem, where)
    explicit = ch.find(qname(ITUNES, "explicit"))
    if explicit is None:
        r.need("apple.channel.explicit", "no itunes:explicit (true or false)", where)
    elif text_of(explicit).lower() not in ("true", "false"):
        r.add(
            "apple.channel.explicit",
            HARD,
            f"itunes:explicit is {text_of(explicit)!r}; Apple accepts only true or false",
            where,
        )
    if r.podcast and not text_of(ch.find(qname(ITUNES, "author"))):
        r.add("apple.channel.author", SOFT, "no itunes:author", where)
    _lint_owner(r, ch)
    _lint_show_type(r, ch)
    new_url = ch.find(qname(ITUNES, "new-feed-url"))
    if new_url is not None and not is_absolute(text_of(new_url)):
        r.add(
            "apple.channel.new-feed-url",
            HARD,
            f"itunes:new-feed-url {text_of(new_url)!r} is not an absolute URL",
            where,
        )
    for tag, rule in (("block", "apple.block-value"), ("complete", "apple.complete-value")):
        el = ch.find(qname(ITUNES, tag))
        if el is not None and text_of(el) != "Yes":
            r.add(rule, SOFT, f'itunes:{tag} is {text_of(el)!r}; only "Yes" has an effect', where)


def _lint_channel_image(r: Report, ch: ET.Element, images: ImageLoader | None) -> None:
    """The show's cover: one itunes:image, present, an image Apple takes."""
    where = "channel"
    found = ch.findall(qname(ITUNES, "image"))
    if len(found) > 1:  # the W3C validator's DuplicateElement: apps pick either
        r.add(
            "apple.channel.itunes-image",
            HARD,
            f"itunes:image appears {len(found)} times in the channel; keep one",
            where,
        )
    image = found[0] if found else None
    if image is None or not image.get("href"):
        r.need("apple.channel.itunes-image", "no itunes:image (cover art)", where)
    else:
        severity = HARD if r.podcast else SOFT
        image_checks(
            r, "apple.channel.itunes-image", severity, image.get("href", ""), where, images
        )


def _lint_owner(r: Report, ch: ET.Element) -> None:
    """itunes:owner's email, where Spotify sends its ownership code."""
    where = "channel"
    owner = ch.find(qname(ITUNES, "owner"))
    email = text_of(owner.find(qname(ITUNES, "email"))) if owner is not None else ""
    if not email:
        if r.podcast:
            r.add(
                "spotify.owner-email",
                SOFT,
                "no itunes:owner/itunes:email; Spotify sends its ownership code to this address",
                where,
            )
    elif not EMAIL.match(email):
        r.add("spotify.owner-email", SOFT, f"itunes:email {email!r} is not an email address", where)


def _lint_show_type(r: Report, ch: ET.Element) -> None:
    """itunes:type: episodic or serial; a serial show numbers every full episode."""
    where = "channel"
    show_type = ch.find(qname(ITUNES, "type"))
    if show_type is not None and text_of(show_type) not in ("episodic", "serial"):
        r.add(
            "apple.channel.type",
            HARD,
            f"itunes:type is {text_of(show_type)!r}; expected episodic or serial",
            where,
        )
    if text_of(show_type) == "serial":
        missing = [
            str(n)
            for n, item in enumerate(ch.findall("item"), 1)
            if not text_of(item.find(qname(ITUNES, "episode"))) and _is_full(item)
        ]
        if missing:
            r.add(
                "apple.channel.type",
                HARD,
                f"a serial show needs itunes:episode on every full episode; missing on item "
                f"{', '.join(missing)}",
                where,
            )


def _is_full(item: ET.Element) -> bool:
    """A full episode (the default): Apple lets trailers and bonus episodes go unnumbered."""
    return text_of(item.find(qname(ITUNES, "episodeType"))) not in ("trailer", "bonus")


def lint_p20_channel(r: Report, ch: ET.Element, raw: bytes) -> None:
    where = "channel"
    _lint_p20_namespace(r, raw)
    # funding, location and person may appear more than once (the Podcasting 2.0 spec)
    for tag in ("guid", "locked", "medium", "license", "podroll", "updateFrequency"):
        if len(ch.findall(qname(PODCAST, tag))) > 1:
            r.add("p20.single-count", HARD, f"podcast:{tag} appears more than once", where)
    _lint_p20_ids(r, ch)
    medium = ch.find(qname(PODCAST, "medium"))
    if medium is not None and text_of(medium).removesuffix("L") not in MEDIUMS:
        r.add(
            "p20.medium", HARD, f"podcast:medium {text_of(medium)!r} is not a known medium", where
        )
    p20_common(r, ch, where)
    _lint_p20_tags(r, ch)


def _lint_p20_namespace(r: Report, raw: bytes) -> None:
    """The podcast prefix bound to the Podcasting 2.0 namespace (or its legacy URI)."""
    where = "channel"
    m = re.search(rb"""xmlns:podcast\s*=\s*["']([^"']*)["']""", raw[:4096])
    bound = m.group(1).decode("utf-8", "replace") if m else PODCAST
    if NAMESPACE_ALIASES.get(bound.lower()) == PODCAST:
        if bound != PODCAST:  # the spec's own earlier URI: clients must read it the same
            r.add(
                "p20.namespace", SOFT, f"the podcast prefix is bound to the legacy {bound!r}", where
            )
    elif m:
        r.add(
            "p20.namespace",
            HARD,
            f"the podcast prefix is bound to {m.group(1).decode('utf-8', 'replace')!r}, "
            f"not {PODCAST}",
            where,
        )


def _lint_p20_ids(r: Report, ch: ET.Element) -> None:
    """podcast:guid (a UUID) and podcast:locked (yes or no)."""
    where = "channel"
    guid = ch.find(qname(PODCAST, "guid"))
    if guid is None:
        if r.podcast:
            r.add("p20.guid-present", SOFT, "no podcast:guid (the show's Podcast Index id)", where)
    else:
        try:
            uuid.UUID(text_of(guid))
        except ValueError:
            r.add(
                "p20.guid",
                HARD,
                f"podcast:guid {text_of(guid)!r} is not a UUID (expected UUIDv5 of the feed URL)",
                where,
            )
    locked = ch.find(qname(PODCAST, "locked"))
    if locked is None:
        if r.podcast:
            r.add("p20.locked-present", SOFT, "no podcast:locked (stops hosts importing it)", where)
    elif text_of(locked).lower() not in ("yes", "no"):
        r.add(
            "p20.locked", HARD, f"podcast:locked is {text_of(locked)!r}; expected yes or no", where
        )


def _lint_p20_tags(r: Report, ch: ET.Element) -> None:
    """The channel's other podcast: tags, each with the value the spec asks for."""
    where = "channel"
    for funding in ch.findall(qname(PODCAST, "funding")):
        if not is_absolute(funding.get("url", "")):
            r.add("p20.tags", HARD, "podcast:funding needs an absolute url", where)
        if len(text_of(funding)) > 128:
            r.add("p20.tags", HARD, "podcast:funding text is over 128 characters", where)
    for item in ch.iter(qname(PODCAST, "remoteItem")):
        if not item.get("feedGuid"):
            r.add("p20.tags", HARD, "podcast:remoteItem needs a feedGuid", where)
    for txt in ch.findall(qname(PODCAST, "txt")):
        if not text_of(txt) or len(text_of(txt)) > TXT_MAX:
            r.add("p20.tags", HARD, f"podcast:txt needs 1–{TXT_MAX} characters", where)
    for freq in ch.findall(qname(PODCAST, "updateFrequency")):
        if not text_of(freq):
            r.add("p20.tags", HARD, "podcast:updateFrequency needs a text value", where)
    for lic in ch.findall(qname(PODCAST, "license")):
        if not text_of(lic):
            r.add("p20.tags", HARD, "podcast:license needs a licence identifier", where)


def p20_common(r: Report, el: ET.Element, where: str) -> None:
    """podcast: tags allowed at channel and item level."""
    for person in el.findall(qname(PODCAST, "person")):
        if not text_of(person):
            r.add("p20.tags", HARD, "podcast:person needs a name", where)
        for attr in ("href", "img"):
            if person.get(attr) and not is_absolute(person.get(attr, "")):
                r.add("p20.tags", HARD, f"podcast:person {attr} must be an absolute URL", where)
    for loc in el.findall(qname(PODCAST, "location")):
        if not text_of(loc) or len(text_of(loc)) > 128:
            r.add("p20.tags", HARD, "podcast:location needs 1–128 characters", where)


def lint_itunes_item(r: Report, item: ET.Element, where: str, images: ImageLoader | None) -> None:
    duration = item.find(qname(ITUNES, "duration"))
    if duration is None:
        if r.podcast:
            r.add("apple.item.duration-present", SOFT, "no itunes:duration", where)
    elif not text_of(duration):
        r.add("apple.item.duration-format", SOFT, "itunes:duration is empty", where)
    elif not _DURATION.match(text_of(duration)):
        r.add(
            "apple.item.duration-format",
            HARD,
            f"itunes:duration {text_of(duration)!r} is not seconds or [[H:]M]M:SS",
            where,
        )
    for tag in ("episode", "season"):
        el = item.find(qname(ITUNES, tag))
        if el is not None and not re.fullmatch(r"[1-9]\d*", text_of(el)):
            r.add(
                "apple.item.numbering",
                HARD,
                f"itunes:{tag} is {text_of(el)!r}; expected a positive integer",
                where,
            )
    kind = item.find(qname(ITUNES, "episodeType"))
    if kind is not None and not text_of(kind):  # Buzzsprout's older episodes: Apple takes full
        r.add("apple.item.numbering", SOFT, "itunes:episodeType is empty (read as full)", where)
    elif kind is not None and text_of(kind) not in ("full", "trailer", "bonus"):
        r.add(
            "apple.item.numbering",
            HARD,
            f"itunes:episodeType is {text_of(kind)!r}; expected full, trailer or bonus",
            where,
        )
    explicit = item.find(qname(ITUNES, "explicit"))
    if explicit is not None and text_of(explicit).lower() not in ("true", "false"):
        r.add(
            "apple.item.explicit",
            HARD,
            f"itunes:explicit is {text_of(explicit)!r}; Apple accepts only true or false",
            where,
        )
    image = item.find(qname(ITUNES, "image"))
    if image is not None:
        image_checks(r, "apple.item.itunes-image", SOFT, image.get("href", ""), where, images)


def lint_p20_item(r: Report, item: ET.Element, where: str) -> None:
    for tag in ("chapters", "season", "episode"):  # location: many are allowed
        if len(item.findall(qname(PODCAST, tag))) > 1:
            r.add("p20.single-count", HARD, f"podcast:{tag} appears more than once", where)
    for t in item.findall(qname(PODCAST, "transcript")):
        if not is_absolute(t.get("url", "")) or not t.get("type"):
            r.add("p20.tags", HARD, "podcast:transcript needs an absolute url and a type", where)
    for c in item.findall(qname(PODCAST, "chapters")):
        if not is_absolute(c.get("url", "")) or not c.get("type"):
            r.add("p20.tags", HARD, "podcast:chapters needs an absolute url and a type", where)
    season = item.find(qname(PODCAST, "season"))
    if season is not None and not re.fullmatch(r"\d+", text_of(season)):
        r.add("p20.tags", HARD, f"podcast:season {text_of(season)!r} is not an integer", where)
    episode = item.find(qname(PODCAST, "episode"))
    if episode is not None and not re.fullmatch(r"\d+(\.\d+)?", text_of(episode)):
        r.add("p20.tags", HARD, f"podcast:episode {text_of(episode)!r} is not a number", where)
    for bite in item.findall(qname(PODCAST, "soundbite")):
        start, length = bite.get("startTime", ""), bite.get("duration", "")
        if not re.fullmatch(r"\d+(\.\d+)?", start) or not re.fullmatch(r"\d+(\.\d+)?", length):
            r.add(
                "p20.tags",
                HARD,
                "podcast:soundbite needs startTime and duration in seconds",
                where,
            )
    p20_common(r, item, where)
