"""The words of a page, folded the way the search box folds a query (``static/search.js``
does the same steps in the same order, so a word typed either way meets its page):

1. lower case (``str.lower``, JavaScript's ``toLowerCase``: the same Unicode mapping);
2. NFKD, every nonspacing mark (category Mn) removed, lower case again: ``é`` is ``e``,
   ``ﬁ`` is ``fi``;
3. ``ß`` is ``ss`` and ``ς`` is ``σ`` (what ``str.casefold`` adds to lower case);
4. words are runs of letters, digits, marks and ``_`` (``[\\p{L}\\p{N}\\p{M}_]`` in
   JavaScript); words of one character, or longer than :data:`MAX_LEN`, are left out.

So "Grüße" is indexed as ``grusse`` and found by "grüße", "Grüsse" and "grusse".

Every step is linear in the text, and the costly ones run once per distinct word, not per
character: tags are removed by a regex that can never backtrack (:data:`_TAG`), the text is
cut into runs of ASCII word characters and non-ASCII characters by one character class (a
single test a character), counted, and only the distinct runs that are not ASCII go through
steps 2–4.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections import Counter
from itertools import filterfalse

from pipeline.support.text import INLINE_ELEMENTS

MIN_LEN = 2
MAX_LEN = 40
"""Longer runs are hashes, encoded data or run-together text, not words anyone types."""

_TAG = re.compile(r"<[^<>]*>")
"""A tag. ``[^<>]*`` stops at the next ``<``: an attempt from an unclosed ``<`` reads only up
to the next one, so the attempts read disjoint stretches and the whole pass is linear."""

_RUN_BYTES = bytes(c if (c >= 0x80 or chr(c).isalnum() or c == 0x5F) else 0x20 for c in range(256))
"""A table for ``bytes.translate``: every byte of a run kept (ASCII letters, digits and ``_``,
and every byte of UTF-8 beyond ASCII: a character beyond ASCII is bytes 0x80-0xff only), every
other byte a space. The runs are then ``bytes.split()``'s parts: one copy and one split in C,
where a regex's ``findall`` matched run by run."""

_SPECIAL = str.maketrans({"ß": "ss", "ς": "σ"})


@functools.cache
def _classes() -> tuple[str, str]:
    """Regex character class bodies of the nonspacing marks and of every mark beyond ASCII,
    from one pass over the code points that have marks (on first use: only text that is not
    ASCII needs them)."""
    category = unicodedata.category
    marks = [
        (cp, category(c) == "Mn")
        for cp in (*range(0x300, 0x20000), *range(0xE0000, 0xE1000))
        if category(c := chr(cp))[0] == "M"
    ]
    return _class([cp for cp, mn in marks if mn]), _class([cp for cp, _ in marks])


def _class(points: list[int]) -> str:
    out: list[str] = []
    start = prev = -2
    for cp in points:
        if cp != prev + 1:
            if start >= 0:
                out.append(_range(start, prev))
            start = cp
        prev = cp
    out.append(_range(start, prev))
    return "".join(out)


def _range(start: int, end: int) -> str:
    return re.escape(chr(start)) + ("-" + re.escape(chr(end)) if end > start else "")


@functools.cache
def _nonspacing() -> re.Pattern[str]:
    return re.compile("[" + _classes()[0] + "]+")


@functools.cache
def _word() -> re.Pattern[str]:
    """A word: letters and digits (``\\w``) with the marks that belong to them."""
    return re.compile("[\\w" + _classes()[1] + "]+")


def fold(text: str) -> str:
    """``text`` lower-cased, without accents, ``ß`` as ``ss`` (steps 1–3 above)."""
    text = text.lower()
    if text.isascii():
        return text
    text = _nonspacing().sub("", unicodedata.normalize("NFKD", text))
    return text.lower().translate(_SPECIAL)


def words(text: str) -> list[str]:
    """The indexed words of plain text (a query's, in tests), in order."""
    return [w for w in _word().findall(fold(text)) if MIN_LEN <= len(w) <= MAX_LEN]


_COMMONEST = ("span", "em", "strong", "a", "code")
"""The inline elements of rendered pages, most frequent first (highlighted code is spans)."""
_INLINE_NAMES = (*_COMMONEST, *sorted(INLINE_ELEMENTS.difference(_COMMONEST)))
_INLINE_TAG = re.compile(rf"</?(?:{'|'.join(_INLINE_NAMES)})(?=[\s/>])[^<>]*>")
"""A tag of an inline element: it parts no words (``**Hash**tag`` is one word, as a reader
reads it). ``[^<>]*`` stops at the next ``<``, as :data:`_TAG`'s: linear. The names are tried
in turn (each fails at its first letters unless it is the one), the commonest first: 12 % less
time on the pages of a 10,000-page GitBook space than in alphabetical order."""


def html_text(markup: str) -> str:
    """The text of an HTML fragment as a reader reads it: an inline element's tags go (they
    part no words: ``<strong>Hash</strong>tag``, ``H<sub>2</sub>O``), every other tag is a
    space, character references are characters."""
    return html.unescape(_TAG.sub(" ", _INLINE_TAG.sub("", markup)))


def counts(text: str) -> Counter[str]:
    """How often each indexed word occurs in plain text: the ASCII words in the order they
    first occur, then those of the runs beyond ASCII (each run counted as text at once, in C;
    then those beyond ASCII are taken out, and their folded words go in after the rest)."""
    data = text.lower().encode("utf-8", "surrogatepass")
    found = Counter(data.translate(_RUN_BYTES).decode("utf-8", "surrogatepass").split())
    beyond = [] if data.isascii() else list(filterfalse(str.isascii, found))
    wide = [(run, found.pop(run)) for run in beyond]
    for run in [run for run in found if not MIN_LEN <= len(run) <= MAX_LEN]:
        del found[run]
    for run, n in wide:
        for word in words(run):
            found[word] += n
    return found


def summary_of(text: str, limit: int = 200) -> str:
    """The start of plain text, whole words, at most ``limit`` characters (``…`` when cut)."""
    flat = _flat_start(text, limit)
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0] if " " in flat[:limit] else flat[:limit]
    return cut.rstrip(" ,;:.-–—") + "…"


def _flat_start(text: str, limit: int) -> str:
    """``" ".join(text.split())``, or a prefix of it longer than ``limit`` characters: the
    white space of a start collapses to a prefix of the whole text's (a page's 20 KB split
    for its first 200 characters cost a second of a 10,000-page index)."""
    size = 2 * limit + 64
    while size < len(text):
        flat = " ".join(text[:size].split())
        if len(flat) > limit:
            return flat
        size *= 4
    return " ".join(text.split())
