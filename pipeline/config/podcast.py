"""The ``[podcast]`` values a podcast app would refuse, checked when the configuration loads."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from pipeline.support.podcast_categories import category_problem
from pipeline.support.podcast_values import (
    DESCRIPTION_MAX_BYTES,
    EMAIL,
    HTTP_URL,
    LANGUAGE,
    MEDIUMS,
    RRULE,
    TXT_MAX,
    txt_parts,
)

if TYPE_CHECKING:
    from pipeline.config import PodcastConfig


def podcast_problems(podcast: PodcastConfig) -> list[tuple[str, str]]:
    """``(key, message)`` for ``[podcast]`` values that are set but wrong (load-time checks)."""
    out: list[tuple[str, str]] = []
    if podcast.category or podcast.subcategory:
        top = category_problem(podcast.category)
        sub = None if top else category_problem(podcast.category, podcast.subcategory)
        if top or sub:
            out.append(("category" if top else "subcategory", top or sub or ""))
    if podcast.owner_email and not EMAIL.match(podcast.owner_email):
        out.append(("owner_email", f"expected an email address, got {podcast.owner_email!r}"))
    if podcast.language and not LANGUAGE.match(podcast.language):
        out.append(
            ("language", f"expected an ISO 639 code like en or en-us, got {podcast.language!r}")
        )
    if podcast.guid:
        try:
            uuid.UUID(podcast.guid)
        except ValueError:
            out.append(("guid", f"expected a UUID, got {podcast.guid!r}"))
    if podcast.medium and podcast.medium.removesuffix("L") not in MEDIUMS:
        out.append(("medium", f"expected one of {', '.join(MEDIUMS)}, got {podcast.medium!r}"))
    if len(podcast.description.encode("utf-8")) > DESCRIPTION_MAX_BYTES:
        out.append(
            (
                "description",
                f"at most {DESCRIPTION_MAX_BYTES} bytes, got "
                f"{len(podcast.description.encode('utf-8'))}",
            )
        )
    if len(podcast.funding_text) > 128:
        out.append(("funding_text", "at most 128 characters"))
    for key in ("new_feed_url", "funding_url", "license_url"):
        value = getattr(podcast, key)
        if value and not HTTP_URL.match(value):
            out.append((key, f"expected an absolute http(s) URL, got {value!r}"))
    if podcast.license_url and not podcast.license:
        out.append(("license", "license_url needs a license name"))
    if podcast.update_frequency and not RRULE.match(podcast.update_frequency):
        out.append(("update_frequency", "expected an RFC 5545 RRULE such as FREQ=MONTHLY"))
    for txt in podcast.txt:
        size = len(txt_parts(txt)[1])
        if not 1 <= size <= TXT_MAX:
            out.append(("txt", f"expected 1–{TXT_MAX} characters after the purpose, got {size}"))
    for feed_guid in podcast.podroll:
        try:
            uuid.UUID(feed_guid)
        except ValueError:
            out.append(("podroll", f"expected podcast:guid UUIDs, got {feed_guid!r}"))
    return out
