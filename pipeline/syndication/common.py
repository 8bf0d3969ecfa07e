"""What every feed format shares: the feed plan, text hygiene, summaries and dates."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pipeline.config import Config
from pipeline.model import Item
from pipeline.render.slugs import github_slug
from pipeline.support.paths import url_scheme
from pipeline.support.text import clean, parting_tag_end, plain

SUMMARY_CHARS = 300
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def truncate(text: str, limit: int) -> str:
    """Cut at a word boundary within ``limit`` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.") + "…"


def summary(item: Item, limit: int = SUMMARY_CHARS) -> str:
    """The item's summary as plain text: its description, or the start of its text. Where a
    reader decodes the field as HTML (RSS and podcast ``<description>``, the digest's HTML),
    it is written with :func:`summary_html`."""
    if item.description:
        return clean(" ".join(item.description.split()))
    if item.text_start and limit <= SUMMARY_CHARS:
        return clean(truncate(item.text_start, limit))  # rendering read it once
    return clean(truncate(plain_start(item.html, limit), limit))


def plain_start(html_text: str, limit: int) -> str:
    """:func:`plain` of as much of the start of ``html_text`` as gives more than ``limit``
    characters (all of it when it is shorter): the same first ``limit`` characters, read from
    a few hundred bytes of a post instead of all of it (each feed format and each page asks for
    each item's summary: the whole text of 10,000 posts, several times, cost 30 s of a build).

    The start is cut right after a tag that parts the text (a paragraph's end, a line break):
    each tag and each entity before the cut is whole, and nothing after it can join the text
    before it, so the text of the start is the start of the text."""
    size = 4 * limit + 64
    while size < len(html_text):
        cut = parting_tag_end(html_text, size)
        if cut < 0:
            break
        text = plain(html_text[:cut])
        if len(text) > limit:
            return text
        size = 2 * cut
    return plain(html_text)


def lead(item: Item, limit: int = SUMMARY_CHARS) -> str:
    """A digest's teaser as plain text: the description, or the item's first paragraph (the
    rest of the essay is what the reader clicks through for)."""
    if item.description:
        return summary(item, limit)
    start = item.html.find("<p>")
    end = item.html.find("</p>", start) if start >= 0 else -1
    if end < 0:
        return summary(item, limit)
    return clean(truncate(plain(item.html[start : end + 4]), limit))


def summary_html(item: Item, max_bytes: int | None = None) -> str:
    """:func:`summary` as HTML that shows exactly its text: a code sample
    ``<img src=x onerror=...>`` or markup in a ``description:`` stays text in a reader.
    With ``max_bytes``, the HTML is cut to fit, never inside a character or an escape."""
    text = summary(item, max_bytes or SUMMARY_CHARS)
    out = html.escape(text, quote=False)
    if max_bytes is None or len(out.encode("utf-8")) <= max_bytes:
        return out
    # the first bytes that leave room for the ellipsis, less a character or an escape cut
    # in two (every ``&`` of the escaped text starts an escape)
    cut = out.encode("utf-8")[: max_bytes - 3].decode("utf-8", "ignore")
    amp = cut.rfind("&")
    if amp >= 0 and cut.find(";", amp) < 0:
        cut = cut[:amp]
    return cut.rstrip() + "…"


def newest(items: Sequence[Item]) -> dt.datetime:
    """The date a feed was last updated: its newest item's, never the clock's."""
    dates = [d for i in items for d in (i.updated, i.date) if d is not None]
    return max(dates) if dates else EPOCH


def modified(item: Item) -> dt.datetime | None:
    """When the item last changed, as Atom's ``updated`` and JSON Feed's ``date_modified``
    say it: its ``updated``, never before its ``date`` (an edit made before a scheduled date
    is part of what was published; an entry updated before it was published sorts, in
    readers that go by the update, below items older than itself)."""
    if item.updated is None:
        return None
    return max(item.updated, item.date) if item.date is not None else item.updated


def feed_scheme(item: Item) -> str:
    """The scheme a protocol-relative URL (an ``image:`` value) takes in a feed: the item's
    own URL's, which is under the site's ``base_url`` (https, normally). (The HTML's URLs have
    it from the renderer: :meth:`pipeline.render.links.PageContext.resolve`.)"""
    try:
        return url_scheme(item.url) or "https"
    except ValueError:
        return "https"


_EMAIL = re.compile(r"[^<>@\s]+@[^<>@\s]+")


def author_parts(author: str) -> tuple[str, str]:
    """(name, email) of an author written ``Ada Quill <ada@example.org>``, for the formats
    with a field for each: written whole in Atom's name, readers (feedparser's) moved the
    address to another author of the entry. (author, "") for any other spelling."""
    text = author.strip()
    at = text.rfind("<")
    if at < 0 or not text.endswith(">") or "<" in text[:at] or ">" in text[:at]:
        return author, ""
    email, name = text[at + 1 : -1], text[:at].strip()
    if _EMAIL.fullmatch(email) is None:
        return author, ""
    return name or email, email


def rfc3339(value: dt.datetime) -> str:
    return value.isoformat(timespec="seconds")


@dataclass(frozen=True)
class FeedSpec:
    """One feed to write in every format: a name, a title and its items (newest first)."""

    key: str
    """Folder under the output ("" for the site feed, ``essays``, ``tags/x``)."""
    title: str
    purpose: str
    items: tuple[Item, ...]

    def path(self, filename: str) -> str:
        return f"{self.key}/{filename}" if self.key else filename


def plan_feeds(cfg: Config, items: Sequence[Item]) -> list[FeedSpec]:
    """The site feed, one per configured section, one per configured tag."""
    site = cfg.site.title
    specs = [FeedSpec("", site, "Everything: essays, episodes, updates and events", tuple(items))]
    for section in cfg.feeds.sections:
        chosen = tuple(i for i in items if i.section == section)
        specs.append(FeedSpec(section, f"{site}: {section.title()}", f"Only {section}", chosen))
    wanted = cfg.feeds.tags
    all_tags = sorted({t for i in items for t in i.tags})
    tags = all_tags if "*" in wanted else [t for t in wanted if t in all_tags]
    for tag, slug in tag_slugs(tags).items():
        chosen = tuple(i for i in items if tag in i.tags)
        specs.append(FeedSpec(f"tags/{slug}", f"{site}: #{tag}", f"Items tagged “{tag}”", chosen))
    return specs


def tag_slugs(tags: list[str]) -> dict[str, str]:
    """A folder name per tag; tags whose slugs collide ("a!", "a?") get a short hash each,
    but for a tag spelt as its slug: "go" keeps ``tags/go/`` when a post tagged "Go" comes,
    as a tag with no slug at all ("!!!", "😀") keeps its own (``tag-`` and a hash) and
    takes no other tag's. A feed's subscribers keep their URL as other tags come and go."""
    by_slug: dict[str, list[str]] = {}
    for tag in tags:
        by_slug.setdefault(github_slug(tag), []).append(tag)
    out: dict[str, str] = {}
    for slug, same in by_slug.items():
        for tag in same:
            if slug and (len(same) == 1 or tag == slug):
                out[tag] = slug
            else:
                out[tag] = f"{slug or 'tag'}-{hashlib.sha256(tag.encode()).hexdigest()[:6]}"
    return out


@dataclass(frozen=True)
class FeedPage:
    """Where one feed document sits among its RFC 5005 archive pages (URLs are absolute)."""

    self_url: str
    prev_archive: str | None = None
    """The next older archive page (JSON Feed's ``next_url``)."""
    next_archive: str | None = None
    current: str | None = None
    """The subscription document, when this feed has archives."""
    is_archive: bool = False


@dataclass(frozen=True)
class FeedFormat:
    """A feed format as every writer shares it: a head made from the feed's facts, one entry
    per item (the same bytes in every feed of that format), a separator between entries and a
    fixed tail. That shape is what lets a build copy unchanged entries from its last file."""

    head: Callable[[Config, str, str, Sequence[Item], FeedPage], str]
    entry: Callable[[Item], bytes]
    """UTF-8, as the file holds it."""
    separator: str
    tail: str


def pages_of(items: Sequence[Item], limit: int) -> list[tuple[Item, ...]]:
    """RFC 5005 archiving: the current document (newest ``limit``) then older pages.

    Archive pages are cut from the oldest item up, so a page's items stay put as new items
    arrive. Returns [current, archive-1 (oldest), archive-2, ...].
    """
    if limit <= 0 or len(items) <= limit:
        return [tuple(items)]
    current, older = tuple(items[:limit]), list(reversed(items[limit:]))
    archives = [tuple(reversed(older[i : i + limit])) for i in range(0, len(older), limit)]
    return [current, *archives]


def render_feed(
    fmt: FeedFormat, cfg: Config, path: str, title: str, subtitle: str, items: Sequence[Item]
) -> bytes:
    """One whole feed document of ``items`` in ``fmt`` at ``path`` (under the feeds' base URL),
    for the feeds written in one piece (changes, upcoming)."""
    head = fmt.head(cfg, title, subtitle, items, FeedPage(f"{cfg.feeds_base}{path}"))
    body = fmt.separator.encode().join(fmt.entry(i) for i in items)
    return head.encode() + body + fmt.tail.encode()
