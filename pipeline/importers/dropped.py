"""What a source holds that no front-matter key or setting keeps, said once per kind of
element with a count and every place it was (never lost without a word)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from pipeline.errors import Problem
from pipeline.importers.records import note
from pipeline.importers.xmlsource import ITUNES, PODCAST, q

NOT_KEPT = {
    q(PODCAST, "value"): (
        "podcast:value",
        "publish has no value-for-value (Lightning) settings: set payments up again by hand",
    ),
    q(PODCAST, "alternateEnclosure"): (
        "podcast:alternateEnclosure",
        "only the <enclosure> is published",
    ),
    q(PODCAST, "liveItem"): ("podcast:liveItem", "publish has no live items"),
    q(PODCAST, "trailer"): (
        "podcast:trailer",
        "a trailer here is an episode with episode_type: trailer",
    ),
    q(PODCAST, "socialInteract"): (
        "podcast:socialInteract",
        "an episode here names no comment thread",
    ),
    q(PODCAST, "block"): (
        "podcast:block",
        "publish writes no podcast:block; a 'yes' for every platform or for Apple is kept as "
        "[podcast] block, which writes itunes:block: tell other platforms by hand",
    ),
    q(PODCAST, "image"): ("podcast:image", "only itunes:image, the cover art, is published"),
    q(PODCAST, "images"): ("podcast:images", "only itunes:image, the cover art, is published"),
    q(PODCAST, "chat"): ("podcast:chat", "publish names no chat room"),
    q(PODCAST, "publisher"): ("podcast:publisher", "publish names no publisher feed"),
    q(PODCAST, "podping"): ("podcast:podping", "publish does not say how it is pinged"),
}
"""Elements of a podcast's channel or items that are not kept: (name shown, why)."""
ATTRIBUTES = {
    (q(PODCAST, "season"), "name"): ("podcast:season name", "an episode keeps its number only"),
    (q(PODCAST, "episode"), "display"): (
        "podcast:episode display",
        "an episode keeps its number only",
    ),
    (q(PODCAST, "location"), "geo"): ("podcast:location geo", "a location is its name only"),
    (q(PODCAST, "location"), "osm"): ("podcast:location osm", "a location is its name only"),
    (q(PODCAST, "location"), "rel"): ("podcast:location rel", "a location is its name only"),
    (q(PODCAST, "location"), "country"): (
        "podcast:location country",
        "a location is its name only",
    ),
    (q(PODCAST, "transcript"), "language"): (
        "podcast:transcript language",
        "the feed gives a transcript the show's language",
    ),
}
"""Attributes of elements that are kept, which are not: (name shown, why)."""
CHANNEL_NOT_KEPT = {
    q(PODCAST, "location"): (
        "podcast:location",
        "an episode keeps its location; [podcast] has none for the show",
    ),
}
"""Elements an item's are kept of, a channel's not: (name shown, why)."""
REPEATED = {
    "enclosure": ("enclosure", "only an item's first <enclosure> is published: RSS has one"),
    q(ITUNES, "category"): (
        "itunes:category",
        "only the first is kept: [podcast] has one category and its subcategory",
    ),
    q(PODCAST, "funding"): ("podcast:funding", "only the first is kept: [podcast] has one"),
    q(PODCAST, "chapters"): ("podcast:chapters", "only an item's first is published"),
    q(PODCAST, "location"): ("podcast:location", "only an item's first is published"),
}
"""Elements of which only the first of a channel or item is kept: (name shown, why)."""


def not_kept(source: str, places: Sequence[tuple[str, int, ET.Element]]) -> list[Problem]:
    """One note per element of :data:`NOT_KEPT` found as a child of one of ``places``
    (``("channel" or "item", line, element)``), of :data:`CHANNEL_NOT_KEPT` of a channel,
    of :data:`REPEATED` found again in one, and
    per attribute of :data:`ATTRIBUTES` a child holds, counting them and naming every place."""
    found: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for kind, line, elem in places:
        firsts: set[str] = set()
        for child in elem:
            tag = child.tag if isinstance(child.tag, str) else ""
            if kind == "channel" and tag in CHANNEL_NOT_KEPT:
                found.setdefault(CHANNEL_NOT_KEPT[tag], []).append((kind, line))
                continue  # nor any of its attributes
            if tag in NOT_KEPT or (tag in REPEATED and tag in firsts):
                found.setdefault(NOT_KEPT.get(tag) or REPEATED[tag], []).append((kind, line))
            firsts.add(tag)
            for (owner, attribute), said in ATTRIBUTES.items():
                if tag == owner and (child.get(attribute) or "").strip():
                    found.setdefault(said, []).append((kind, line))
    return [merged(source, name, where, why) for (name, why), where in found.items()]


def merged(source: str, field: str, where: Sequence[tuple[str, int | str]], why: str) -> Problem:
    """One note for ``len(where)`` ``field`` elements not kept, at the first one's line,
    naming each place: ``("item", 12)`` or ``("channel", 3)`` by line, ``("item", "items[4]")``
    (a JSON Feed's) by its label."""
    return counted(source, field, where, f"not kept ({why})")


def counted(source: str, field: str, where: Sequence[tuple[str, int | str]], what: str) -> Problem:
    """One note for ``len(where)`` ``field`` elements of which ``what`` is said
    (``not kept (…)``), at the first one's line, naming each place as :func:`merged` does."""
    first = next((at for _, at in where if isinstance(at, int)), 1)
    groups: dict[str, list[int | str]] = {}
    for kind, at in where:
        if at not in groups.setdefault(kind, []):
            groups[kind].append(at)
    parts: list[str] = []
    for kind, ats in groups.items():
        lines = [str(at) for at in ats if isinstance(at, int)]
        if lines:
            s = "s" if len(lines) > 1 else ""
            parts.append(f"the {kind}{s} at line{s} {', '.join(lines)}")
        labels = [at for at in ats if isinstance(at, str)]
        if labels:
            parts.append(", ".join(labels))
    return note(source, first, field, f"{len(where)} {what}, in {'; '.join(parts)}")
