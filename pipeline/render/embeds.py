"""GitBook's embeds (``{% embed url="..." %}``): a card naming the provider, and, for a site
that opts in (``[theme] embeds = "inline"``), the provider's own player.

The renderer writes a card (feeds and pages alike): the provider's name and a link, and for
YouTube a thumbnail built from the video id (feed readers fetch it; the site's pages drop it,
see :mod:`pipeline.syndication.theme.context`). A known provider's card carries the URL as
``data-embed-url``; :func:`inline_embeds` turns such cards into an ``<iframe>`` whose address
is built here from that URL alone, for the providers below and no other host. The sanitizer
drops every ``<iframe>`` an author writes, so these are the only frames a page can hold, and a
card an author forges gets at most the player its URL names.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlsplit

_ID = re.compile(r"[\w-]{1,128}", re.ASCII)


@dataclass(frozen=True)
class Provider:
    key: str
    name: str
    frame: str
    """The player's shape: ``video`` (16:9), ``audio`` (a strip) or ``page`` (a tall box)."""
    player: Callable[[str, list[str], str], str | None]
    """(host, path segments, query) -> the player's URL, or None when the URL names none."""


def _host(url: str) -> str:
    """The host, without ``www.`` or ``m.``; "" when there is none, or none Python can read
    (``https://[zz]/``: urlsplit raises on a bracketed host that is no IP address)."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    return host.removeprefix("www.").removeprefix("m.")


def youtube_id(url: str) -> str | None:
    """The video id of a YouTube URL, from the URL alone (no network at build time)."""
    parts = urlsplit(url)
    host = _host(url)
    segments = [s for s in parts.path.split("/") if s]
    if host == "youtu.be":
        vid = segments[0] if segments else ""
    elif host in ("youtube.com", "youtube-nocookie.com", "music.youtube.com"):
        if parts.path == "/watch":
            vid = parse_qs(parts.query).get("v", [""])[0]
        elif len(segments) >= 2 and segments[0] in ("embed", "shorts", "live", "v"):
            vid = segments[1]
        else:
            return None
    else:
        return None
    return vid if _ID.fullmatch(vid) else None


def _youtube(host: str, segments: list[str], query: str) -> str | None:
    path = "/" + "/".join(segments)
    vid = youtube_id(f"https://{host}{path}?{query}")
    return f"https://www.youtube-nocookie.com/embed/{vid}" if vid else None


def _vimeo(host: str, segments: list[str], query: str) -> str | None:
    numbers = [s for s in segments if s.isdigit() and s.isascii()]
    return f"https://player.vimeo.com/video/{numbers[-1]}?dnt=1" if numbers else None


def _google_forms(host: str, segments: list[str], query: str) -> str | None:
    if host != "docs.google.com" or segments[:2] != ["forms", "d"] or len(segments) < 3:
        return None
    form = segments[2:4] if segments[2] == "e" and len(segments) > 3 else segments[2:3]
    if not all(_ID.fullmatch(s) for s in form):
        return None
    return f"https://docs.google.com/forms/d/{'/'.join(form)}/viewform?embedded=true"


def _figma(host: str, segments: list[str], query: str) -> str | None:
    if not segments or segments[0] not in ("file", "design", "proto", "board"):
        return None
    if len(segments) < 2 or not _ID.fullmatch(segments[1]):
        return None
    page = f"https://www.figma.com/{segments[0]}/{segments[1]}"
    return f"https://www.figma.com/embed?embed_host=share&url={quote(page, safe='')}"


_SPOTIFY_KINDS = ("episode", "show", "track", "album", "playlist", "artist")


def _spotify(host: str, segments: list[str], query: str) -> str | None:
    if segments and segments[0].startswith("intl-"):
        segments = segments[1:]
    if len(segments) < 2 or segments[0] not in _SPOTIFY_KINDS or not _ID.fullmatch(segments[1]):
        return None
    return f"https://open.spotify.com/embed/{segments[0]}/{segments[1]}"


def _anchor(host: str, segments: list[str], query: str) -> str | None:
    if host == "podcasters.spotify.com":
        if segments[:2] != ["pod", "show"]:
            return None
        segments = segments[2:]
        base = "https://podcasters.spotify.com/pod/show"
    else:
        base = "https://anchor.fm"
    if len(segments) != 3 or segments[1] != "episodes":
        return None
    if not (_ID.fullmatch(segments[0]) and _ID.fullmatch(segments[2])):
        return None
    return f"{base}/{segments[0]}/embed/episodes/{segments[2]}"


def _soundcloud(host: str, segments: list[str], query: str) -> str | None:
    if not segments or not all(_ID.fullmatch(s) for s in segments):
        return None
    track = quote("https://soundcloud.com/" + "/".join(segments), safe="")
    return f"https://w.soundcloud.com/player/?url={track}"


PROVIDERS: dict[str, Provider] = {
    "youtube.com": Provider("youtube", "YouTube", "video", _youtube),
    "youtu.be": Provider("youtube", "YouTube", "video", _youtube),
    "youtube-nocookie.com": Provider("youtube", "YouTube", "video", _youtube),
    "music.youtube.com": Provider("youtube", "YouTube", "video", _youtube),
    "vimeo.com": Provider("vimeo", "Vimeo", "video", _vimeo),
    "player.vimeo.com": Provider("vimeo", "Vimeo", "video", _vimeo),
    "docs.google.com": Provider("google-forms", "Google Forms", "page", _google_forms),
    "figma.com": Provider("figma", "Figma", "page", _figma),
    "open.spotify.com": Provider("spotify", "Spotify", "audio", _spotify),
    "anchor.fm": Provider("anchor", "Anchor", "audio", _anchor),
    "podcasters.spotify.com": Provider("anchor", "Spotify for Podcasters", "audio", _anchor),
    "soundcloud.com": Provider("soundcloud", "SoundCloud", "audio", _soundcloud),
}
"""Host (without ``www.``) -> provider."""

PLAYER_HOSTS = frozenset(
    {
        "www.youtube-nocookie.com",
        "player.vimeo.com",
        "docs.google.com",
        "www.figma.com",
        "open.spotify.com",
        "anchor.fm",
        "podcasters.spotify.com",
        "w.soundcloud.com",
    }
)
"""Every host an ``<iframe>`` of ours may load (a test holds the players to it)."""


def player(url: str) -> tuple[Provider, str] | None:
    """The provider of ``url`` and its player's URL, or None (an unknown host, or a URL of a
    known one that names nothing to play: a channel, a form's short link)."""
    try:
        parts = urlsplit(url.strip())
        host = _host(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https"):
        return None
    provider = PROVIDERS.get(host)
    if provider is None:
        return None
    src = provider.player(host, [s for s in parts.path.split("/") if s], parts.query)
    return (provider, src) if src else None


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def embed_html(url: str, caption: str = "") -> str:
    """A card: the provider's name and a link; YouTube's with a thumbnail from the video id.
    A card of a known provider carries its URL for :func:`inline_embeds`."""
    host = _host(url) or url
    label = caption or host
    known = player(url)
    if known is None:
        return (
            f'<figure class="embed"><figcaption><a href="{_esc(url)}">{_esc(label)}</a>'
            f" <small>({_esc(url)})</small></figcaption></figure>\n"
        )
    provider, _ = known
    mark = f'data-embed-url="{_esc(url)}"'
    vid = youtube_id(url)
    if vid:
        thumb = f"https://img.youtube.com/vi/{vid}/hqdefault.jpg"
        return (
            f'<figure class="embed embed-video" {mark}><a href="{_esc(url)}">'
            f'<img src="{thumb}" alt="{_esc(caption or "Video on YouTube")}" width="480" '
            f'height="360"></a><figcaption><a href="{_esc(url)}">▶ {_esc(label)}</a>'
            f" <small>{provider.name}</small></figcaption></figure>\n"
        )
    return (
        f'<figure class="embed embed-{provider.key}" {mark}><figcaption>'
        f'<a href="{_esc(url)}">{_esc(label)}</a> <small>{provider.name}</small>'
        "</figcaption></figure>\n"
    )


_CARD = '<figure class="embed'


def _whole_card(page: str, tag_end: int, close: int, caption: str) -> bool:
    """Whether the card whose start tag ends at ``tag_end`` ends at ``close``, and its caption
    (from its first ``<figcaption>``) is its last child: then what is replaced is whole
    elements. A card an author wrote may hold another figure, whose end tag ``close`` is, or a
    caption inside another element: replaced up to there, the outer elements' end tags were
    left behind, and a stray ``</div>`` closed the page's layout around the post."""
    if page.find("<figure", tag_end, close) >= 0:
        return False
    return not caption or (caption.endswith("</figcaption>") and caption.count("<figcaption") == 1)


_MARK = ' data-embed-url="'


def inline_embeds(page: str) -> str:
    """Each card of a known provider replaced by the provider's player (its caption kept
    under it); other cards, and cards whose URL names nothing to play, stay cards. One pass
    over the page."""
    if _MARK not in page:
        return page
    out: list[str] = []
    pos = 0
    close = -1  # the first "</figure>" after the card looked at (kept: nested cards share it)
    while (at := page.find(_CARD, pos)) >= 0:
        tag_end = page.find(">", at)
        if tag_end < 0:
            break
        mark = page.find(_MARK, at, tag_end)
        url_end = page.find('"', mark + len(_MARK)) if mark >= 0 else -1
        known = player(html.unescape(page[mark + len(_MARK) : url_end])) if url_end > 0 else None
        if close < tag_end:
            close = page.find("</figure>", tag_end)
            if close < 0:
                break
        caption_at = page.find("<figcaption>", tag_end, close) if known else -1
        caption = page[caption_at:close] if caption_at >= 0 else ""
        if known is None or not _whole_card(page, tag_end, close, caption):
            out.append(page[pos : tag_end + 1])
            pos = tag_end + 1
            continue
        provider, src = known
        title = f"{provider.name} player"
        out.append(
            f'{page[pos:at]}<figure class="embed embed-inline embed-{provider.key}">'
            f'<div class="embed-frame embed-frame-{provider.frame}"><iframe src="{_esc(src)}" '
            f'title="{_esc(title)}" loading="lazy" '
            'referrerpolicy="strict-origin-when-cross-origin" '
            'allow="autoplay; clipboard-write; encrypted-media; fullscreen; picture-in-picture">'
            f"</iframe></div>{caption}</figure>"
        )
        pos = close + len("</figure>")
    out.append(page[pos:])
    return "".join(out)
