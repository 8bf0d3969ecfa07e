"""What each channel would post: the items it announces and the text of each post.

Selection is by item id against the channel's ledger lines (never by feed position), like the
digest's. Text comes from the channel's Jinja2 ``template`` (or the default of its kind);
a Mastodon post is fitted to the server's limit by shortening the summary, never the title
or the link.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import jinja2

from pipeline.config import Config
from pipeline.errors import ConfigError, ContentError, Problem
from pipeline.model import Item
from pipeline.support.announce_config import AnnounceConfig
from pipeline.support.text import counted
from pipeline.syndication.common import summary

DEFAULTS = {
    "discord": "",
    "bluesky": "{{ title }}\n\n{{ summary }}\n\n{{ url }}",
    "mastodon": (
        "{{ title }}\n\n{{ summary }}\n\n{{ url }}{% if hashtags %}\n\n{{ hashtags }}{% endif %}"
    ),
}
"""Default templates. Discord's text is empty: the embed carries title, summary and link."""

PREVIEW_LIMIT = 500
"""Mastodon's default limit, used for previews when ``max_characters`` is not set."""
URL_CHARS = 23
"""What Mastodon counts for any link (``characters_reserved_per_url``)."""
_URL = re.compile(r"https?://[^\s<>\"]+")
_HASHTAG_WORD = re.compile(r"[^\w]+")


@dataclass(frozen=True)
class Selection:
    items: tuple[Item, ...]
    """Oldest first: announcements go out in the order they were published."""
    warnings: tuple[str, ...] = ()


def select(
    channel: AnnounceConfig,
    published: Sequence[Item],
    announced: Collection[str],
    oldest: datetime | None = None,
    *,
    config: Config,
) -> Selection:
    """Items this channel has never announced, matching its sections and tags.

    Items dated before ``since`` never go out; without ``since``, items dated before the
    oldest item the channel ever announced are left out (the back catalogue; ``oldest`` is
    that date as the ledger recorded it, for when those items are gone), and a channel's very
    first run announces only the newest item, naming the rest.
    """
    sections = set(channel.sections or config.feeds.sections)
    tags = {t.lower() for t in channel.tags}
    fits = [
        i
        for i in published
        if i.date is not None
        and i.section in sections
        and (not tags or tags & {t.lower() for t in i.tags})
    ]
    fresh = [i for i in fits if i.id not in announced]
    warnings: list[str] = []
    if channel.since:
        floor = datetime.combine(date.fromisoformat(channel.since), datetime.min.time(), UTC)
        fresh = [i for i in fresh if i.date is not None and i.date >= floor]
    else:
        seen = [i.date for i in fits if i.id in announced and i.date is not None]
        seen += [oldest] if oldest is not None else []
        if seen:
            fresh = [i for i in fresh if i.date is not None and i.date >= min(seen)]
        elif not announced and fresh:
            newest = max(fresh, key=_order)
            left = [i for i in fresh if i is not newest]
            if left:
                warnings.append(
                    f"{channel.channel}: first run: announcing only the newest item; "
                    f"{counted(len(left), 'older item')} left out "
                    f'(set since = "YYYY-MM-DD" to announce them): '
                    + ", ".join(i.source for i in sorted(left, key=_order))
                )
            fresh = [newest]
    fresh.sort(key=_order)
    if len(fresh) > channel.max_per_run:
        later = fresh[channel.max_per_run :]
        warnings.append(
            f"{channel.channel}: {len(fresh)} new items, max_per_run = {channel.max_per_run}; "
            f"next run: {', '.join(i.source for i in later)}"
        )
        fresh = fresh[: channel.max_per_run]
    return Selection(tuple(fresh), tuple(warnings))


def _order(item: Item) -> tuple[float, str]:
    return (item.date.timestamp() if item.date else 0.0, item.guid)


def hashtags(tags: Sequence[str]) -> str:
    """``#tag`` words (spaces and punctuation dropped, as Mastodon's hashtags require)."""
    words = []
    for tag in tags:
        word = "".join(p[:1].upper() + p[1:] for p in _HASHTAG_WORD.split(tag) if p)
        if word and not word.isdigit():
            words.append(f"#{word}")
    return " ".join(dict.fromkeys(words))


def context(item: Item, config: Config, text_summary: str | None = None) -> dict[str, Any]:
    return {
        "title": item.title,
        "url": item.url,
        "summary": summary(item) if text_summary is None else text_summary,
        "description": item.description or "",
        "tags": list(item.tags),
        "hashtags": hashtags(item.tags),
        "section": item.section,
        "kind": item.kind,
        "authors": list(item.authors),
        "date": item.date.date().isoformat() if item.date else "",
        "site": config.site.title,
    }


def render(
    channel: AnnounceConfig, item: Item, config: Config, text_summary: str | None = None
) -> str:
    """The channel's text for ``item``; a template mistake is a config error at its entry."""
    source = channel.template or DEFAULTS[channel.kind]
    env = jinja2.Environment(
        undefined=jinja2.StrictUndefined, keep_trailing_newline=False, autoescape=False
    )
    try:
        text = env.from_string(source).render(context(item, config, text_summary))
    except jinja2.TemplateError as exc:
        raise ConfigError(
            [
                Problem(
                    str(config.path or "publish.toml"),
                    getattr(exc, "lineno", None) or 1,
                    f"announce.{channel.channel}.template",
                    str(exc),
                )
            ]
        ) from None
    return text.strip()


def status_length(text: str, url_chars: int | None = URL_CHARS) -> int:
    """Characters as Mastodon counts them: every link counts ``url_chars`` (None: as it is
    written, as Bluesky counts). Code points, never fewer than the services' grapheme count:
    what fits here fits there."""
    if url_chars is None:
        return len(text)
    total = 0
    last = 0
    for m in _URL.finditer(text):
        total += len(text[last : m.start()]) + url_chars
        last = m.end()
    return total + len(text[last:])


def links(text: str) -> list[tuple[int, int, str]]:
    """(start byte, end byte, URL) of each link in ``text``, in UTF-8 bytes (AT Protocol
    facets index bytes, not characters)."""
    out = []
    for m in _URL.finditer(text):
        url = m.group().rstrip(".,;:!?)")
        start = len(text[: m.start()].encode("utf-8"))
        out.append((start, start + len(url.encode("utf-8")), url))
    return out


def fit_status(
    channel: AnnounceConfig,
    item: Item,
    config: Config,
    limit: int,
    url_chars: int | None = URL_CHARS,
) -> str:
    """The post text within ``limit`` (spoiler text included): the summary is shortened at
    a word boundary until it fits; a post that cannot fit even without it is a content error."""
    budget = limit - len(channel.spoiler_text)
    text = render(channel, item, config)
    if status_length(text, url_chars) <= budget:
        return text
    full = summary(item)
    words = full.split(" ")
    lo, hi, best = 0, len(words) - 1, None
    while lo <= hi:  # the longest prefix of words that fits: log(n) renders
        mid = (lo + hi) // 2
        shorter = " ".join(words[:mid]).rstrip(" ,;:.") + "…" if mid else ""
        candidate = render(channel, item, config, shorter)
        if status_length(candidate, url_chars) <= budget:
            best, lo = candidate, mid + 1
        else:
            hi = mid - 1
    if best is None:
        raise ContentError(
            [
                Problem(
                    item.source,
                    1,
                    "title",
                    f"the {channel.channel} post is over {limit} characters even without "
                    "its summary; shorten the title or the channel's template",
                )
            ]
        )
    return best
