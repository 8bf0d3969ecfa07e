"""The podcast rules: Apple's and Spotify's ``itunes:`` tags and Podcasting 2.0 ``podcast:`` tags.

Called by the RSS rules for the channel and for each item; ``podcast=True`` makes the presence
rules (artwork, category, explicit ...) hard.
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET

from pipeline.feedlint.rules import (
    HARD,
    ITUNES,
    PODCAST,
    SOFT,
    ImageLoader,
    _image_checks,
    _q,
    _Report,
    _text,
    is_absolute,
)
from pipeline.podcast.categories import category_problem
from pipeline.podcast.show import MEDIUMS

_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_DURATION = re.compile(r"^(?:\d+|(?:\d+:)?[0-5]?\d:[0-5]\d)(?:\.\d+)?$")


def _lint_itunes_channel(r: _Report, ch: ET.Element, images: ImageLoader | None) -> None:
    where = "channel"
    image = ch.find(_q(ITUNES, "image"))
    if image is None or not image.get("href"):
        r.need("apple.channel.itunes-image", "no itunes:image (cover art)", where)
    else:
        severity = HARD if r.podcast else SOFT
        _image_checks(
            r, "apple.channel.itunes-image", severity, image.get("href", ""), where, images
        )
    categories = ch.findall(_q(ITUNES, "category"))
    if not categories:
        r.need("apple.channel.category", "no itunes:category", where)
    for cat in categories:
        subs = cat.findall(_q(ITUNES, "category"))
        sub = subs[0].get("text", "") if subs else ""
        problem = category_problem(cat.get("text", ""), sub)
        if problem:
            r.add("apple.channel.category", HARD, problem, where)
    explicit = ch.find(_q(ITUNES, "explicit"))
    if explicit is None:
        r.need("apple.channel.explicit", "no itunes:explicit (true or false)", where)
    elif _text(explicit) not in ("true", "false"):
        r.add(
            "apple.channel.explicit",
            HARD,
            f"itunes:explicit is {_text(explicit)!r}; Apple accepts only true or false",
            where,
        )
    if r.podcast and not _text(ch.find(_q(ITUNES, "author"))):
        r.add("apple.channel.author", SOFT, "no itunes:author", where)
    owner = ch.find(_q(ITUNES, "owner"))
    email = _text(owner.find(_q(ITUNES, "email"))) if owner is not None else ""
    if not email:
        if r.podcast:
            r.add(
                "spotify.owner-email",
                SOFT,
                "no itunes:owner/itunes:email; Spotify sends its ownership code to this address",
                where,
            )
    elif not _EMAIL.match(email):
        r.add("spotify.owner-email", SOFT, f"itunes:email {email!r} is not an email address", where)
    show_type = ch.find(_q(ITUNES, "type"))
    if show_type is not None and _text(show_type) not in ("episodic", "serial"):
        r.add(
            "apple.channel.type",
            HARD,
            f"itunes:type is {_text(show_type)!r}; expected episodic or serial",
            where,
        )
    if _text(show_type) == "serial":
        missing = [
            str(n)
            for n, item in enumerate(ch.findall("item"), 1)
            if not _text(item.find(_q(ITUNES, "episode")))
        ]
        if missing:
            r.add(
                "apple.channel.type",
                HARD,
                f"a serial show needs itunes:episode on every item; missing on item "
                f"{', '.join(missing)}",
                where,
            )
    new_url = ch.find(_q(ITUNES, "new-feed-url"))
    if new_url is not None and not is_absolute(_text(new_url)):
        r.add(
            "apple.channel.new-feed-url",
            HARD,
            f"itunes:new-feed-url {_text(new_url)!r} is not an absolute URL",
            where,
        )
    for tag, rule in (("block", "apple.block-value"), ("complete", "apple.complete-value")):
        el = ch.find(_q(ITUNES, tag))
        if el is not None and _text(el) != "Yes":
            r.add(rule, SOFT, f'itunes:{tag} is {_text(el)!r}; only "Yes" has an effect', where)


def _lint_p20_channel(r: _Report, ch: ET.Element, raw: bytes) -> None:
    where = "channel"
    m = re.search(rb"""xmlns:podcast\s*=\s*["']([^"']*)["']""", raw[:4096])
    if m and m.group(1).decode("utf-8", "replace") != PODCAST:
        r.add(
            "p20.namespace",
            HARD,
            f"the podcast prefix is bound to {m.group(1).decode('utf-8', 'replace')!r}, "
            f"not {PODCAST}",
            where,
        )
    for tag in ("guid", "locked", "medium", "funding", "license", "podroll", "updateFrequency"):
        if len(ch.findall(_q(PODCAST, tag))) > 1:
            r.add("p20.single-count", HARD, f"podcast:{tag} appears more than once", where)
    guid = ch.find(_q(PODCAST, "guid"))
    if guid is None:
        if r.podcast:
            r.add("p20.guid-present", SOFT, "no podcast:guid (the show's Podcast Index id)", where)
    else:
        try:
            uuid.UUID(_text(guid))
        except ValueError:
            r.add(
                "p20.guid",
                HARD,
                f"podcast:guid {_text(guid)!r} is not a UUID (expected UUIDv5 of the feed URL)",
                where,
            )
    locked = ch.find(_q(PODCAST, "locked"))
    if locked is None:
        if r.podcast:
            r.add("p20.locked-present", SOFT, "no podcast:locked (stops hosts importing it)", where)
    elif _text(locked) not in ("yes", "no"):
        r.add("p20.locked", HARD, f"podcast:locked is {_text(locked)!r}; expected yes or no", where)
    medium = ch.find(_q(PODCAST, "medium"))
    if medium is not None and _text(medium).removesuffix("L") not in MEDIUMS:
        r.add("p20.medium", HARD, f"podcast:medium {_text(medium)!r} is not a known medium", where)
    _p20_common(r, ch, where)
    for funding in ch.findall(_q(PODCAST, "funding")):
        if not is_absolute(funding.get("url", "")):
            r.add("p20.tags", HARD, "podcast:funding needs an absolute url", where)
        if len(_text(funding)) > 128:
            r.add("p20.tags", HARD, "podcast:funding text is over 128 characters", where)
    for item in ch.iter(_q(PODCAST, "remoteItem")):
        if not item.get("feedGuid"):
            r.add("p20.tags", HARD, "podcast:remoteItem needs a feedGuid", where)
    for txt in ch.findall(_q(PODCAST, "txt")):
        if not _text(txt) or len(_text(txt)) > 4000:
            r.add("p20.tags", HARD, "podcast:txt needs 1–4000 characters", where)
    for freq in ch.findall(_q(PODCAST, "updateFrequency")):
        if not _text(freq):
            r.add("p20.tags", HARD, "podcast:updateFrequency needs a text value", where)
    for lic in ch.findall(_q(PODCAST, "license")):
        if not _text(lic):
            r.add("p20.tags", HARD, "podcast:license needs a licence identifier", where)


def _p20_common(r: _Report, el: ET.Element, where: str) -> None:
    """podcast: tags allowed at channel and item level."""
    for person in el.findall(_q(PODCAST, "person")):
        if not _text(person):
            r.add("p20.tags", HARD, "podcast:person needs a name", where)
        for attr in ("href", "img"):
            if person.get(attr) and not is_absolute(person.get(attr, "")):
                r.add("p20.tags", HARD, f"podcast:person {attr} must be an absolute URL", where)
    for loc in el.findall(_q(PODCAST, "location")):
        if not _text(loc) or len(_text(loc)) > 128:
            r.add("p20.tags", HARD, "podcast:location needs 1–128 characters", where)


def _lint_itunes_item(r: _Report, item: ET.Element, where: str, images: ImageLoader | None) -> None:
    duration = item.find(_q(ITUNES, "duration"))
    if duration is None:
        if r.podcast:
            r.add("apple.item.duration-present", SOFT, "no itunes:duration", where)
    elif not _DURATION.match(_text(duration)):
        r.add(
            "apple.item.duration-format",
            HARD,
            f"itunes:duration {_text(duration)!r} is not seconds or [[H:]M]M:SS",
            where,
        )
    for tag in ("episode", "season"):
        el = item.find(_q(ITUNES, tag))
        if el is not None and not re.fullmatch(r"[1-9]\d*", _text(el)):
            r.add(
                "apple.item.numbering",
                HARD,
                f"itunes:{tag} is {_text(el)!r}; expected a positive integer",
                where,
            )
    kind = item.find(_q(ITUNES, "episodeType"))
    if kind is not None and _text(kind) not in ("full", "trailer", "bonus"):
        r.add(
            "apple.item.numbering",
            HARD,
            f"itunes:episodeType is {_text(kind)!r}; expected full, trailer or bonus",
            where,
        )
    explicit = item.find(_q(ITUNES, "explicit"))
    if explicit is not None and _text(explicit) not in ("true", "false"):
        r.add(
            "apple.item.explicit",
            HARD,
            f"itunes:explicit is {_text(explicit)!r}; Apple accepts only true or false",
            where,
        )
    image = item.find(_q(ITUNES, "image"))
    if image is not None:
        _image_checks(r, "apple.item.itunes-image", SOFT, image.get("href", ""), where, images)


def _lint_p20_item(r: _Report, item: ET.Element, where: str) -> None:
    for tag in ("chapters", "season", "episode", "location"):
        if len(item.findall(_q(PODCAST, tag))) > 1:
            r.add("p20.single-count", HARD, f"podcast:{tag} appears more than once", where)
    for t in item.findall(_q(PODCAST, "transcript")):
        if not is_absolute(t.get("url", "")) or not t.get("type"):
            r.add("p20.tags", HARD, "podcast:transcript needs an absolute url and a type", where)
    for c in item.findall(_q(PODCAST, "chapters")):
        if not is_absolute(c.get("url", "")) or not c.get("type"):
            r.add("p20.tags", HARD, "podcast:chapters needs an absolute url and a type", where)
    season = item.find(_q(PODCAST, "season"))
    if season is not None and not re.fullmatch(r"\d+", _text(season)):
        r.add("p20.tags", HARD, f"podcast:season {_text(season)!r} is not an integer", where)
    episode = item.find(_q(PODCAST, "episode"))
    if episode is not None and not re.fullmatch(r"\d+(\.\d+)?", _text(episode)):
        r.add("p20.tags", HARD, f"podcast:episode {_text(episode)!r} is not a number", where)
    for bite in item.findall(_q(PODCAST, "soundbite")):
        start, length = bite.get("startTime", ""), bite.get("duration", "")
        if not re.fullmatch(r"\d+(\.\d+)?", start) or not re.fullmatch(r"\d+(\.\d+)?", length):
            r.add(
                "p20.tags",
                HARD,
                "podcast:soundbite needs startTime and duration in seconds",
                where,
            )
    _p20_common(r, item, where)
