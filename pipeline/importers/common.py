"""What the podcast and feed readers share: dates, show notes as a body, slugs, old links,
source text cleaned as every output needs it, and file names that are one safe segment."""

from __future__ import annotations

import html
import posixpath
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from pipeline.render.slugs import github_slug
from pipeline.support.dates import read_date
from pipeline.support.text import clean, replace_surrogates

_BLANK_LINE_END = re.compile(r"(?<=\n)([ \t\f\v]*)\n")
"""The line end of a blank line (the line start before it kept): the newline that ends it."""
_DASHES = re.compile(r"--+")
_COUNT = re.compile(r"[0-9]{1,15}")
_CLEAN_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_PAGE_SUFFIX = re.compile(r"\.(?:html?|php|aspx?)$")
_BLOCK_START = re.compile(
    r"<(?:address|article|aside|blockquote|center|details|dialog|div|dl|fieldset|figure|"
    r"footer|h[1-6]|header|hr|main|menu|nav|ol|p|section|table|ul)(?:[\s/>]|$)",
    re.I,
)
"""Tags that open a CommonMark HTML block (kind 6) which only a blank line ends."""
_TAG = re.compile(r"<[A-Za-z!/]")
_MARKUP_OPENER = re.compile(r"\{(?=[{%])|\$(?=\$)")
"""What opens a tag or a formula the renderer's pre-pass reads in a body (``{%`` GitBook's
and Jekyll's, ``{{<`` Hugo's, ``{{ site.baseurl }}``, ``$$`` maths): show notes that hold one
mean the characters themselves."""
_BACKSLASH_CLOSING = re.compile(r"\\(?=</(?:p|li|h[1-6]|td|th)>)", re.I)
"""A backslash that ends a paragraph, list item, heading or cell, which the renderer drops
as GitBook's line break (``C:\\Temp\\</p>``, a ``// \\`` line): written ``&#92;``."""
_NOT_IN_NAME = re.compile(
    r'[\x00-\x1f\x7f-\x9f/\\<>:"|?*\s\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]+'
)
"""What a file name may not hold on any system a content repository is checked out on:
separators, controls, blanks, the characters Windows reserves, and the invisible format
characters that make a name read as another (a right-to-left override)."""
_DOTS_ALONE = re.compile(r"(?<![^-])\.+(?![^-])")
"""A part of a name that is only dots (``..`` between separators): dropped."""
_RESERVED_STEMS = frozenset(
    ["con", "prn", "aux", "nul", "conin$", "conout$", "readme", "index", "_index"]
    + [f"{dev}{n}" for dev in ("com", "lpt") for n in "0123456789\u00b9\u00b2\u00b3"]
)
"""Names Windows reserves for devices (with any extension), and the ones that make a file
its folder's page rather than an item (``index.md``, Hugo's ``_index.md``)."""
MAX_NAME_BYTES = 120
"""Longest stem in UTF-8 bytes: with a ``-NNNN`` suffix and ``.md`` it stays far below the
255 bytes file systems allow (80 CJK characters are 240 bytes, four-byte ones 320)."""


def parse_date(raw: str) -> datetime | None:
    """An aware datetime from an RFC 822 (RSS) or ISO 8601 (Atom, JSON Feed) date, keeping
    its offset; None when absent or unreadable (see :func:`read_date`)."""
    return read_date(raw)[0]


def notes_body(notes: str, *, plain: bool | None = None) -> str:
    """Show notes or a post's HTML as a Markdown body that renders to the same HTML.

    HTML is kept as one CommonMark HTML block with no blank line (read raw, so no ``*`` or
    ``_`` in it becomes emphasis): as it is when it starts with a block tag such as ``<p>``,
    else inside a ``<div>``; the newline that ends a blank line becomes ``&#10;``
    (whitespace to a reader; inside ``<pre>`` the same line break, so its lines are kept
    exactly: the blank line is now a line holding a character reference). Plain text
    becomes escaped paragraphs with its line breaks. The ``{`` or ``$`` that opens what the
    renderer reads as a tag or a formula (``{% raw %}``, ``{{< x >}}``, ``$$x$$``) is written
    as a character reference, and so is a backslash before ``</p>`` (the renderer drops it as
    GitBook's line break): the reader sees the text the source had. ``plain`` says which
    it is (default: HTML when the text holds a tag). Text taken for plain by default is
    still HTML without tags (an RSS description, which apps show as HTML): its character
    references are read first, so ``the&nbsp; end`` or a twice-escaped ``Q&amp;A`` shows
    as apps showed it, not as the reference written out."""
    notes = notes.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not notes:
        return ""
    if plain is None and not _TAG.search(notes):
        notes, plain = html.unescape(notes).replace("\r\n", "\n").replace("\r", "\n"), True
    if plain:
        paragraphs = [p.strip() for p in re.split(r"\n[ \t]*\n", notes) if p.strip()]
        notes = "\n".join(
            "<p>" + html.escape(p, quote=False).replace("\n", "<br>\n") + "</p>" for p in paragraphs
        )
    kept = _BLANK_LINE_END.sub(r"\1&#10;", notes)
    kept = _MARKUP_OPENER.sub(lambda m: "&#123;" if m.group() == "{" else "&#36;", kept)
    kept = _BACKSLASH_CLOSING.sub("&#92;", kept)
    if _BLOCK_START.match(kept):  # already one raw HTML block: kept byte for byte
        return kept + "\n"
    return f"<div>\n{kept}\n</div>\n"


def _link_slug(link: str) -> str:
    """The last segment of ``link``'s path when it is already a slug, else ''."""
    segment = posixpath.basename(urlsplit(link).path.rstrip("/")) if link else ""
    segment = _PAGE_SUFFIX.sub("", segment)
    return segment if _CLEAN_SLUG.fullmatch(segment) and len(segment) <= 80 else ""


def slug_for(title: str, fallback: str, link: str = "") -> str:
    """A file name stem: the last segment of the item's old link when it is already a slug
    (the page keeps its name, ``/2024/06/09/slugs/`` → ``slugs``), else GitHub's heading slug
    of the title (cut to 80 characters; its HTML entities read, as hosts that escape a title
    twice write ``Q&amp;amp;A``: ``qa``, not ``qampa``), else of ``fallback``; always a
    :func:`safe_name`."""
    segment = _link_slug(link)
    if segment and safe_name(segment) == segment:  # not ``index`` (``/post/index.html``)
        return segment
    for text in (title, fallback):
        # any space parts words ("Café\u00a0Talk" was "cafétalk"); a slug of marks alone
        # (an emoji's variation selector, U+FE0F) names nothing anyone can see
        spaced = " ".join(html.unescape(text).split())
        slug = _DASHES.sub("-", _unmarked(github_slug(spaced)))[:80].strip("-")
        if any(ch.isalnum() for ch in slug):
            return safe_name(slug)
    return "item"


def _unmarked(slug: str) -> str:
    """``slug`` without the marks that belong to no letter (an emoji dropped leaves its
    variation selector, ``🎙️ Live`` → ``\ufe0f-live``): one that starts it or a word."""
    kept: list[str] = []
    for ch in slug:
        if unicodedata.category(ch)[0] == "M" and (not kept or kept[-1] == "-"):
            continue
        kept.append(ch)
    return "".join(kept)


def safe_name(text: str, fallback: str = "item") -> str:
    """``text`` as one file name stem that is safe everywhere: a separator, control, blank
    or Windows-reserved character becomes ``-``, leading and trailing dots and dashes go
    (no ``..``, no hidden file), a reserved stem (``con``, ``index``) gets a ``_``, and it is
    cut to :data:`MAX_NAME_BYTES` of UTF-8. ``../../tmp/evil`` → ``tmp-evil``; ``fallback``
    when nothing is left."""
    name = _NOT_IN_NAME.sub("-", source_text(text))
    name = _DASHES.sub("-", _DOTS_ALONE.sub("", name)).strip(".- ")
    if len(name.encode()) > MAX_NAME_BYTES:
        name = name.encode()[:MAX_NAME_BYTES].decode(errors="ignore").rstrip(".- ")
    if not name:
        return fallback
    head, dot, rest = name.partition(".")
    return f"{head}_{dot}{rest}" if head.lower() in _RESERVED_STEMS else name


def is_safe_name(name: str) -> bool:
    """True when the file name ``name`` is one segment :func:`safe_name` could have given
    (its stem, perhaps with a ``-N`` suffix, and a plain extension): the writers' last check
    before a write."""
    stem, dot, ext = name.rpartition(".")
    return (
        bool(dot and stem)
        and ext.isascii()
        and ext.isalnum()
        and len(name.encode()) <= MAX_NAME_BYTES + 20
        and stem == stem.strip(".- ")
        and not _NOT_IN_NAME.search(stem)
        and source_text(stem) == stem
        and stem.split(".", 1)[0].lower() not in _RESERVED_STEMS
    )


def source_text(text: str) -> str:
    """Text read from a source as every output can carry it: a lone surrogate (which JSON's
    ``\\ud800`` escapes give) becomes U+FFFD, as browsers and Go's JSON reader show it, and
    what :func:`~pipeline.support.text.clean` refuses (controls, U+FFFE) goes. Not
    normalised: a GUID keeps its exact characters."""
    if text.isascii() and text.isprintable():
        return text
    return clean(replace_surrogates(text), compose=False)


def source_values(value: Any) -> Any:
    """``value`` (a JSON document, a front-matter value) with :func:`source_text` of every
    string in it, keys included."""
    if isinstance(value, str):
        return source_text(value)
    if isinstance(value, list):
        return [source_values(v) for v in value]
    if isinstance(value, dict):
        return {source_values(k): source_values(v) for k, v in value.items()}
    return value


def slugs_for(items: Sequence[tuple[str, str, str]]) -> list[str]:
    """:func:`slug_for` of each ``(title, fallback, link)``, except that a link segment
    several items end in names none of them: each is named by its title instead (every
    Giant Bomb episode's link ends in ``/free-podcast``, PRX's in ``/listen``, a show's own
    page in its name), not ``free-podcast-417``. Items whose segments differ keep them."""
    shared = Counter(_link_slug(link) for _, _, link in items)
    return [
        slug_for(title, fallback, "" if shared[_link_slug(link)] > 1 else link)
        for title, fallback, link in items
    ]


def plain_summary(summary: str, content: str) -> str | None:
    """A feed's short description kept as the item's ``description`` when it is text (no
    markup) and not the content itself; None otherwise (the build then summarises the body)."""
    summary = " ".join(summary.split())
    if not summary or _TAG.search(summary) or summary == " ".join(content.split()):
        return None
    return summary


def html_summary(summary: str, content: str) -> str | None:
    """:func:`plain_summary` of an RSS description, which is HTML without tags: its
    character references read (WordPress writes its excerpt in CDATA, ``I&#8217;m [&#8230;]``),
    so it shows as apps showed it."""
    kept = plain_summary(summary, content)
    return " ".join(html.unescape(kept).split()) if kept else None


def count(text: str) -> int | None:
    """A whole number written in ASCII digits (at most 15: a byte count, seconds, an episode
    number), else None; ``"²"`` or a 5,000-digit run is not one."""
    return int(text) if _COUNT.fullmatch(text) else None


def shown(value: object, limit: int = 60) -> str:
    """``value`` as a report line shows it (quoted, like ``repr``), cut to ``limit``."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


class FreeNames:
    """File names not yet taken: ``stem.ext``, else ``stem-2.ext``, ``stem-3.ext``, … the
    first free one, as a name-by-name probe from 1 would pick, in time linear in the names
    picked. Names only ever become taken, so the first free suffix of a stem never goes
    down: each stem's probe resumes where it last stopped, and each taken name is stepped
    over at most twice (as ``stem-N`` and as a stem of its own). Names are compared as a Mac
    or Windows file system and the site's URLs compare them: ``Hello-World.md`` takes
    ``hello-world.md`` (both were written, and the build refused their one permalink)."""

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self.taken = {_same(name) for name in taken}
        self._next: dict[tuple[str, str], int] = {}

    def pick(self, stem: str, ext: str) -> str:
        key = (_same(stem), _same(ext))
        n = self._next.get(key, 1)
        name = f"{stem}{ext}" if n == 1 else f"{stem}-{n}{ext}"
        while _same(name) in self.taken:
            n += 1
            name = f"{stem}-{n}{ext}"
        self.taken.add(_same(name))
        self._next[key] = n + 1
        return name


def _same(name: str) -> str:
    """What two names that name one file (or one URL) have in common."""
    return unicodedata.normalize("NFC", name).casefold()
