"""An HTML tokenizer that reads each character of its input a bounded number of times.

The sanitizer used :mod:`html.parser`, which is quadratic on markup it cannot complete: at the
end of the input it retries every ``<`` of an unclosed tag, comment or declaration against
the whole rest of the text (90 KB of ``<a `` took minutes). No library made for the job is a
dependency here (html5lib is unmaintained; an extension module is a build step), and the
sanitizer needs only the tokens, so they are read here the way the HTML standard's tokenizer
reads them, simplified where the sanitizer re-serialises anyway:

- a start tag is ``<`` and a letter, a name, attributes (quoted, unquoted or bare) and ``>``
  or ``/>``; an end tag ``</`` and a letter (its attributes ignored); names are lower-cased,
  character references in attribute values and text are decoded (:func:`html.unescape`);
- a tag the input ends inside is text (escaped by the sanitizer); ``<`` before anything else
  is text;
- comments (``<!-- -->``, also ``<!-->``, ``--!>``, and ``</`` or ``<?`` before anything but a
  letter), declarations (``<!DOCTYPE>``, ``<![CDATA[ ]]>``) are skipped, to the end of the
  input when unclosed;
- the content of ``<script>`` and ``<style>`` is raw text up to their end tag (as
  html.parser and browsers read it).

Each search starts where the last one ended, so the time is linear in the input.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from typing import NamedTuple

RAW_TEXT = frozenset({"script", "style"})
"""Elements whose content is text up to their own end tag."""

_NAME = re.compile(r"[^\t\n\r\f />]*")
_BEFORE_ATTR = re.compile(r"(?:[\t\n\r\f ]|/(?!>))*")
_ATTR_NAME = re.compile(r"[^\t\n\r\f />][^\t\n\r\f />=]*")
_BLANKS = re.compile(r"[\t\n\r\f ]*")
_UNQUOTED = re.compile(r"[^\t\n\r\f >]*")
_COMMENT_END = re.compile(r"--!?>")


class Token(NamedTuple):
    """One token: ``kind`` is "start", "end" or "text" (skipped markup yields nothing)."""

    kind: str
    name: str = ""
    """Tag name, lower-cased."""
    attrs: tuple[tuple[str, str | None], ...] = ()
    """Attributes in source order, names lower-cased, values decoded; None for a bare one."""
    closed: bool = False
    """A start tag written ``<x/>``."""
    text: str = ""
    """Text (decoded, but for raw text) or the tag as written."""
    line: int = 1
    """1-based line of the token's first character in the input."""
    spans: tuple[Span | None, ...] = ()
    """Where each attribute's value sits in the input (as ``attrs``; None for a bare one):
    for a caller that rewrites a value and keeps every other byte."""


class Span(NamedTuple):
    """An attribute value as written: ``input[start:end]``, inside ``quote`` (``"``, ``'``,
    or '' when unquoted)."""

    start: int
    end: int
    quote: str


_Tag = tuple[str, list[tuple[str, str | None]], list[Span | None], bool, int]


def _tag(text: str, i: int) -> _Tag | None:
    """(name, attributes, their values' spans, self-closed, end) of the tag whose name starts
    at ``i``; None when the input ends inside it."""
    n = len(text)
    k = _NAME.match(text, i).end()  # type: ignore[union-attr]  # a star: always matches
    name = text[i:k].lower()
    attrs: list[tuple[str, str | None]] = []
    spans: list[Span | None] = []
    while True:
        k = _BEFORE_ATTR.match(text, k).end()  # type: ignore[union-attr]
        if k >= n:
            return None
        if text[k] == ">":
            return name, attrs, spans, False, k + 1
        if text.startswith("/>", k):
            return name, attrs, spans, True, k + 2
        m = _ATTR_NAME.match(text, k)
        assert m is not None  # text[k] is neither a blank nor "/" nor ">"
        key, k = m.group().lower(), m.end()
        k = _BLANKS.match(text, k).end()  # type: ignore[union-attr]
        if not text.startswith("=", k):
            attrs.append((key, None))
            spans.append(None)
            continue
        k = _BLANKS.match(text, k + 1).end()  # type: ignore[union-attr]
        if k >= n:
            return None
        if text[k] in "\"'":
            close = text.find(text[k], k + 1)
            if close < 0:
                return None
            span, k = Span(k + 1, close, text[k]), close + 1
        else:
            end = _UNQUOTED.match(text, k).end()  # type: ignore[union-attr]
            span, k = Span(k, end, ""), end
        attrs.append((key, unescape(text[span.start : span.end])))
        spans.append(span)


def tokens(text: str) -> Iterator[Token]:
    """The tokens of ``text``, in order."""
    n = len(text)
    pos = 0
    line, counted = 1, 0

    def line_at(at: int) -> int:
        nonlocal line, counted
        line += text.count("\n", counted, at)
        counted = at
        return line

    while pos < n:
        lt = text.find("<", pos)
        if lt < 0:
            lt = n
        if lt > pos:
            yield Token("text", text=unescape(text[pos:lt]), line=line_at(pos))
        if lt >= n:
            return
        pos = lt
        after = text[pos + 1 : pos + 2]
        if _letter(text, pos + 1) or (after == "/" and _letter(text, pos + 2)):
            end_tag = after == "/"
            tag = _tag(text, pos + (2 if end_tag else 1))
            if tag is None:  # the input ends inside the tag: the rest is text
                yield Token("text", text=text[pos:], line=line_at(pos))
                return
            name, attrs, spans, closed, stop = tag
            here = line_at(pos)
            if end_tag:
                yield Token("end", name, text=text[pos:stop], line=here)
                pos = stop
                continue
            yield Token("start", name, tuple(attrs), closed, text[pos:stop], here, tuple(spans))
            pos = stop
            if name in RAW_TEXT and not closed:
                close = re.compile(rf"</{name}[\t\n\r\f />]", re.I).search(text, pos)
                stop = n if close is None else close.start()
                if stop > pos:
                    yield Token("text", text=text[pos:stop], line=line_at(pos))
                pos = stop
        elif text.startswith("<!--", pos):
            if text.startswith(("<!-->", "<!--->"), pos):
                pos = text.index(">", pos) + 1
                continue
            m = _COMMENT_END.search(text, pos + 4)
            pos = n if m is None else m.end()
        elif text.startswith("<![CDATA[", pos):
            stop = text.find("]]>", pos + 9)
            pos = n if stop < 0 else stop + 3
        elif after in ("!", "?", "/"):  # a declaration, or a bogus comment: to the next ">"
            stop = text.find(">", pos + 2)
            pos = n if stop < 0 else stop + 1
        else:
            yield Token("text", text="<", line=line_at(pos))
            pos += 1


def _letter(text: str, at: int) -> bool:
    c = text[at : at + 1]
    return c.isascii() and c.isalpha()
