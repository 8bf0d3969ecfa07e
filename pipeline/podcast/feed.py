"""Writing ``podcast.xml``: RSS 2.0 with the iTunes, Podcasting 2.0, Atom and content namespaces.

The XML is written here rather than with feedgen, whose podcast extension cannot write
``itunes:explicit`` true/false, knows only the pre-2019 categories and has no ``podcast:``
namespace. The same items and configuration always give the same bytes: nothing reads the
clock, ``lastBuildDate`` is the newest episode's date, and element and attribute order is fixed.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from pipeline.config import Config
from pipeline.model import Item, Media
from pipeline.podcast.chapters import chapters_document, chapters_from_body
from pipeline.podcast.episode import generated_chapters_path
from pipeline.podcast.show import cover_url, feed_url, show_guid
from pipeline.support.dates import rfc822
from pipeline.support.paths import OutsideRoot, resolve_inside, with_scheme
from pipeline.support.podcast_values import DESCRIPTION_MAX_BYTES, txt_parts
from pipeline.support.text import clean
from pipeline.syndication.common import feed_scheme, summary_html

NAMESPACES = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
}


def _esc(text: str) -> str:
    return html.escape(clean(text), quote=False)


def _attr(text: str) -> str:
    value = html.escape(clean(text), quote=True).replace("&#x27;", "'")
    return value.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")


def _cdata(text: str) -> str:
    return "<![CDATA[" + clean(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def summary(item: Item) -> str:
    """The episode's ``<description>``: its summary as HTML (apps decode it as HTML), at most
    4000 bytes."""
    return summary_html(item, DESCRIPTION_MAX_BYTES)


class _Writer:
    """Appends indented XML lines; every value passes through the escaping helpers."""

    def __init__(self, head: str = "") -> None:
        self.lines: list[str] = []
        self.parts: list[bytes] = [head.encode()]
        self.depth = 0

    def flush(self) -> None:
        """Encode the lines so far, each ending in a newline, and let them go: 5,000 episodes'
        show notes are then held once, as bytes, not also as lines and as their joined text
        (350 MB at once for an 87 MB feed)."""
        if self.lines:
            self.lines.append("")
            self.parts.append("\n".join(self.lines).encode())
            self.lines.clear()

    def data(self) -> bytes:
        self.flush()
        return b"".join(self.parts)

    def _attrs(self, attrs: Iterable[tuple[str, str | None]]) -> str:
        return "".join(f' {k}="{_attr(v)}"' for k, v in attrs if v is not None and v != "")

    def leaf(self, tag: str, text: str | None = None, **attrs: str | None) -> None:
        self.leaf_attrs(tag, text, list(attrs.items()))

    def leaf_attrs(
        self, tag: str, text: str | None, attrs: Sequence[tuple[str, str | None]]
    ) -> None:
        pad = "  " * self.depth
        a = self._attrs(attrs)
        if text is None:
            self.lines.append(f"{pad}<{tag}{a}/>")
        else:
            self.lines.append(f"{pad}<{tag}{a}>{_esc(text)}</{tag}>")

    def raw_attrs(self, tag: str, markup: str, **attrs: str | None) -> None:
        """A leaf whose text is already escaped markup (a GUID kept as written)."""
        self.lines.append(
            f"{'  ' * self.depth}<{tag}{self._attrs(list(attrs.items()))}>{markup}</{tag}>"
        )

    def raw(self, tag: str, markup: str) -> None:
        self.lines.append(f"{'  ' * self.depth}<{tag}>{markup}</{tag}>")

    def open(self, tag: str, attrs: Sequence[tuple[str, str | None]] = ()) -> None:
        self.lines.append(f"{'  ' * self.depth}<{tag}{self._attrs(attrs)}>")
        self.depth += 1

    def close(self, tag: str) -> None:
        self.depth -= 1
        self.lines.append(f"{'  ' * self.depth}</{tag}>")


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.3f}".rstrip("0")


def _person(
    w: _Writer, name: str, role: str, group: str, href: str | None, img: str | None
) -> None:
    attrs = [("role", role), ("group", group), ("img", img), ("href", href)]
    w.leaf_attrs("podcast:person", name, attrs)


def _channel(w: _Writer, items: Sequence[Item], config: Config) -> None:
    p, site = config.podcast, config.site
    title = p.title or site.title
    link = site.base_url
    w.leaf("title", title)
    w.leaf("link", link)
    w.leaf("description", p.description or site.description)
    w.leaf("language", p.language or site.language)
    if p.copyright:
        w.leaf("copyright", p.copyright)
    dates = [i.date for i in items if i.date is not None]
    if dates:
        newest = rfc822(max(dates), gmt=True)
        w.leaf("pubDate", newest)
        w.leaf("lastBuildDate", newest)
    w.leaf("generator", "publish")
    w.leaf("atom:link", href=feed_url(config), rel="self", type="application/rss+xml")
    if site.websub_hub:
        w.leaf("atom:link", href=site.websub_hub, rel="hub")
    image = cover_url(config)
    if image:
        w.open("image")
        w.leaf("url", image)
        w.leaf("title", title)
        w.leaf("link", link)
        w.close("image")
        w.leaf("itunes:image", href=image)
    _itunes_channel(w, config)
    _podcasting20_channel(w, config)


def _itunes_channel(w: _Writer, config: Config) -> None:
    """The channel's itunes: elements (Apple's, read by every podcast app)."""
    p, site = config.podcast, config.site
    if p.author or site.author:
        w.leaf("itunes:author", p.author or site.author)
    if p.owner_name or p.owner_email:
        w.open("itunes:owner")
        w.leaf("itunes:name", p.owner_name or p.author or site.author)
        w.leaf("itunes:email", p.owner_email)
        w.close("itunes:owner")
    if p.category:
        if p.subcategory:
            w.open("itunes:category", [("text", p.category)])
            w.leaf_attrs("itunes:category", None, [("text", p.subcategory)])
            w.close("itunes:category")
        else:
            w.leaf_attrs("itunes:category", None, [("text", p.category)])
    w.leaf("itunes:explicit", "true" if p.explicit else "false")
    w.leaf("itunes:type", p.type)
    if p.new_feed_url:
        w.leaf("itunes:new-feed-url", p.new_feed_url)
    if p.block:
        w.leaf("itunes:block", "Yes")
    if p.complete:
        w.leaf("itunes:complete", "Yes")


def _podcasting20_channel(w: _Writer, config: Config) -> None:
    """The channel's podcast: elements (the Podcasting 2.0 namespace)."""
    p = config.podcast
    w.leaf("podcast:guid", show_guid(config))
    w.leaf_attrs("podcast:locked", "yes" if p.locked else "no", [("owner", p.owner_email)])
    if p.funding_url:
        w.leaf("podcast:funding", (p.funding_text or "Support the show")[:128], url=p.funding_url)
    for person in p.persons:
        _person(w, person.name, person.role, person.group, person.href or None, person.img or None)
    if p.license:
        w.leaf("podcast:license", p.license, url=p.license_url or None)
    if p.medium:
        w.leaf("podcast:medium", p.medium)
    if p.podroll:
        w.open("podcast:podroll")
        for guid in p.podroll:
            w.leaf("podcast:remoteItem", feedGuid=guid)
        w.close("podcast:podroll")
    for txt in p.txt:
        purpose, value = txt_parts(txt)
        w.leaf_attrs("podcast:txt", value, [("purpose", purpose)])
    if p.update_frequency:
        words = p.update_frequency_text or _frequency_words(p.update_frequency)
        w.leaf("podcast:updateFrequency", words, rrule=p.update_frequency)


def _frequency_words(rrule: str) -> str:
    m = re.search(r"FREQ=([A-Z]+)", rrule)
    return m.group(1).capitalize() if m else rrule


def _item(w: _Writer, item: Item, config: Config) -> None:
    ep = item.episode
    assert ep is not None, "render_podcast_feed takes episodes only"
    w.open("item")
    w.leaf("title", item.title)
    w.leaf("link", item.url)
    w.raw_attrs(
        "guid",
        html.escape(clean(item.guid, compose=False), quote=False),
        isPermaLink=item.guid_is_permalink,
    )
    if item.date is not None:
        w.leaf("pubDate", rfc822(item.date, gmt=True))
    w.leaf("description", summary(item))
    if item.html:
        w.raw("content:encoded", _cdata(item.html))
    audio = ep.audio
    w.leaf("enclosure", url=audio.url, length=str(audio.length), type=audio.mime_type)
    if item.authors:
        w.leaf("itunes:author", ", ".join(item.authors))
    if ep.apple_title:
        w.leaf("itunes:title", ep.apple_title)
    if audio.duration is not None:
        w.leaf("itunes:duration", str(round(audio.duration)))
    if ep.number is not None:
        w.leaf("itunes:episode", str(ep.number))
    if ep.season is not None:
        w.leaf("itunes:season", str(ep.season))
    w.leaf("itunes:episodeType", ep.episode_type)
    explicit = ep.explicit if ep.explicit is not None else config.podcast.explicit
    w.leaf("itunes:explicit", "true" if explicit else "false")
    if item.image:
        w.leaf("itunes:image", href=with_scheme(item.image, feed_scheme(item)))
    if ep.season is not None:
        w.leaf("podcast:season", str(ep.season))
    if ep.number is not None:
        w.leaf("podcast:episode", str(ep.number))
    if ep.transcript is not None:
        t = ep.transcript
        language = config.podcast.language or config.site.language
        rel = "captions" if t.mime_type in ("text/vtt", "application/x-subrip") else None
        w.leaf("podcast:transcript", url=t.url, type=t.mime_type, language=language, rel=rel)
    if ep.chapters is not None:
        w.leaf("podcast:chapters", url=ep.chapters.url, type=ep.chapters.mime_type)
    for person in ep.persons:
        _person(w, person.name, person.role, person.group, person.href, person.img)
    if ep.location:
        w.leaf("podcast:location", ep.location)
    for bite in ep.soundbites:
        attrs = [("startTime", _number(bite.start)), ("duration", _number(bite.duration))]
        w.leaf_attrs("podcast:soundbite", bite.title or None, attrs)
    w.close("item")


def render_podcast_feed(items: Sequence[Item], config: Config) -> bytes:
    """The bytes of ``podcast.xml`` for ``items`` (published episodes, newest first).

    Each item needs ``.episode`` and, for show notes, ``.html`` with absolute URLs. Run
    :func:`pipeline.feedcheck.lint_feed` on the result before writing it.
    """
    w = _Writer('<?xml version="1.0" encoding="UTF-8"?>\n')
    ns = [(f"xmlns:{prefix}", uri) for prefix, uri in NAMESPACES.items()]
    w.open("rss", [("version", "2.0"), *ns])
    w.open("channel")
    _channel(w, items, config)
    for item in items:
        _item(w, item, config)
        w.flush()
    w.close("channel")
    w.close("rss")
    return w.data()


def _is_generated(media: Media | None, item: Item, config: Config) -> bool:
    if media is None or media.source is not None:
        return False
    return media.url == config.feeds_base + generated_chapters_path(item.source)


def podcast_files(items: Sequence[Item], config: Config, content_root: Path) -> dict[str, bytes]:
    """Files the podcast feed points at that the build must write beside ``podcast.xml``.

    Keys are paths relative to the feeds folder (served at ``config.feeds_base``): the
    chapters JSON made from each episode's timestamped headings (``chapters/<source>.json``)
    and a local cover image (at its path under the content root). Local audio, transcripts and
    chapter files named in front matter are not here: they have ``Media.source`` set and are
    copied next to the episode's page like every other local asset.
    """
    out: dict[str, bytes] = {}
    for item in items:
        ep = item.episode
        if ep is not None and _is_generated(ep.chapters, item, config):
            out[generated_chapters_path(item.source)] = chapters_document(
                chapters_from_body(item.body)
            )
    image = config.podcast.image
    if image and "://" not in image:
        try:
            rel, path = resolve_inside(content_root, "", image)
        except OutsideRoot:
            return out
        if path.is_file():
            out[posixpath.normpath(rel)] = path.read_bytes()
    return out
