"""What every template is given: relative URLs (the site works from any sub-path and
offline), localized dates (Babel, for ``[site] language``), and the site-wide values."""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_interval, format_time

from pipeline.config import Config
from pipeline.render.embeds import inline_embeds
from pipeline.support.paths import with_scheme
from pipeline.syndication.theme.i18n import Words
from pipeline.syndication.theme.navigation import Navigation, site_url


def site_base(cfg: Config) -> str:
    base = cfg.site.base_url
    return base if base.endswith("/") else base + "/"


def up_from(here: str) -> str:
    """The way up from the page at output path ``here`` (``essays/x/index.html``) to the
    site's root: ``../../``."""
    return "../" * here.count("/")


def relative_to(here: str, base: str) -> Callable[[str], str]:
    """A function making a URL of the site relative to the page at output path ``here``
    (``essays/x/index.html``); other URLs are returned as they are."""
    up = up_from(here)

    def rel(url: str) -> str:
        if not url.startswith(base):
            return url
        return up + url[len(base) :] or "./"

    return rel


def rooted(base: str) -> Callable[[str], str]:
    """URLs of the site as absolute paths (``/essays/x/``), for pages served at any URL
    (the 404 page)."""
    path = urlsplit(base).path or "/"

    def rel(url: str) -> str:
        return path + url[len(base) :] if url.startswith(base) else url

    return rel


def relative_body(html: str, base: str, up: str, embeds: str = "cards") -> str:
    """The links and images of a rendered body (absolute URLs) made relative to the page;
    embeds as cards without a thumbnail, or (``embeds = "inline"``) as the provider's player."""
    prefix = up or "./"
    html = inline_embeds(html) if embeds == "inline" else private_embeds(html)
    return html.replace(f'href="{base}', f'href="{prefix}').replace(
        f'src="{base}', f'src="{prefix}'
    )


_VIDEO_CARD = '<figure class="embed embed-video"'


def private_embeds(html: str) -> str:
    """Video cards without the provider's thumbnail: a page loads nothing from YouTube until
    the reader follows the link (feeds keep the thumbnail: readers fetch it, not our page)."""
    if _VIDEO_CARD not in html:
        return html
    parts: list[str] = []
    pos = 0
    while (at := html.find(_VIDEO_CARD, pos)) >= 0:
        start = html.find(">", at) + 1
        if start == 0:
            break
        close = html.find("</a>", start)
        if not _thumbnail_link(html, start, close):
            parts.append(html[pos:start])
            pos = start
            continue
        parts.append(html[pos:start])
        pos = close + len("</a>")
    parts.append(html[pos:])
    return "".join(parts)


def _thumbnail_link(html: str, start: int, close: int) -> bool:
    """Whether ``html[start:close]`` is the thumbnail link a video card opens with, as the
    renderer writes it: ``<a href=…>`` and one ``<img>``. A card an author wrote may hold
    more, up to an inner link's ``</a>``: cut there, the outer elements' end tags were left
    behind (a stray ``</div>`` closed the page's layout around the post)."""
    if close < 0 or not html.startswith("<a href=", start) or html.count("<", start, close) != 2:
        return False
    return html.startswith("<img ", html.find(">", start) + 1)


@functools.lru_cache(maxsize=8)
def words(language: str, overrides: tuple[tuple[str, str], ...]) -> Words:
    return Words(language, dict(overrides))


@functools.lru_cache(maxsize=8)
def _locale(language: str) -> Locale:
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def date_text(language: str, value: dt.datetime | dt.date | None) -> str:
    """``14 March 2025`` in the site's language (the day as it is where ``value`` is: Babel
    reads a time's date so; kept by day, as 10,000 posts have about 3,000 days)."""
    if value is None:
        return ""
    return _long_date(language, value.date() if isinstance(value, dt.datetime) else value)


@functools.lru_cache(maxsize=1 << 14)
def _long_date(language: str, day: dt.date) -> str:
    return format_date(day, format="long", locale=_locale(language))


@functools.lru_cache(maxsize=1 << 12)
def when_text(
    language: str, value: dt.datetime, all_day: bool, ends: dt.datetime | None = None
) -> str:
    """An event's start in the site's language, with its zone unless all day, and its end
    when it has one (a conference of three days showed its first only): the last day of an
    all-day event, the time of a timed one ending the same day, else its date and time."""
    loc = _locale(language)
    if all_day:
        if ends is None or ends.date() <= value.date():
            return format_date(value, format="full", locale=loc)
        return format_interval(value.date(), ends.date(), "yMMMMEEEEd", locale=loc)
    start = format_datetime(value, format="full", tzinfo=value.tzinfo, locale=loc)
    if ends is None or ends <= value:
        return start
    ends = ends.astimezone(value.tzinfo)
    if ends.date() == value.date():
        return f"{start} – {format_time(ends, format='short', tzinfo=value.tzinfo, locale=loc)}"
    return f"{start} – {format_datetime(ends, format='full', tzinfo=value.tzinfo, locale=loc)}"


def duration_text(seconds: float | None) -> str:
    """``1:02:03``, ``4:05``; empty when unknown (or not a finite number: the load refuses
    such a duration, a page never says ``inf``)."""
    if not seconds or not math.isfinite(seconds):
        return ""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def common(
    cfg: Config,
    nav: Navigation,
    feeds: list[tuple[str, str, str]],
    rel: Callable[[str], str],
    canonical: str,
    source: str = "",
) -> dict[str, Any]:
    """The values every template has: ``site``, ``theme``, ``nav``, ``feeds`` (type, title,
    URL for autodiscovery), ``rel()`` (site URL -> relative), ``date()``, ``canonical``,
    ``static`` (the theme's folder, relative), ``source`` (the page's file, for the menu),
    ``absolute()`` (a protocol-relative ``//host/x`` given the site's scheme: Open Graph and
    Twitter cards take a full URL) and ``_()`` (the site's own words in its language, see
    :mod:`.i18n`)."""
    base = site_base(cfg)
    language = cfg.site.language
    return {
        "site": cfg.site,
        "theme": cfg.theme,
        "nav": nav,
        "feeds": feeds,
        "rel": rel,
        "home": rel(base),
        "static": rel(base + "static/"),
        "canonical": canonical,
        "site_base": base,
        "feeds_ics": rel(cfg.feeds_base + "events.ics"),
        "feeds_opml": cfg.feeds_base + "feeds.opml",
        "source": source,
        "date": functools.partial(date_text, language),
        "when": functools.partial(when_text, language),
        "duration": duration_text,
        "link": lambda url: rel(site_url(base, url)),
        "absolute": functools.partial(with_scheme, scheme=urlsplit(base).scheme or "https"),
        "_": words(language, tuple(sorted(cfg.theme.words.items()))).__call__,
    }
