"""GitBook tags the line-by-line pre-pass cannot see, removed from the Markdown text.

:func:`pipeline.render.gitbook_text.preprocess` reads one line at a time, so a tag whose
``%}`` is on a later line of its paragraph (``{% hint style="info"`` / ``%}``) is left in
the text. It is removed here, from the author's Markdown, before anything is rendered: the
renderer and then the sanitizer see the text without it, and nothing edits their HTML after
them. (Removing leftovers from the serialised HTML once cut through tags, attribute values
and quotes: ``title="{% x"> ... %}`` turned escaped text into live attributes.)

Every scan here is linear in the text: each ``{%`` looks for its ``%}`` once, and a code
span's closing backticks are found by bisection, not by a regex that backtracks.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from pipeline.render.gitbook import TAG

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_BACKTICKS = re.compile(r"`+")


def _openings(text: str) -> Iterator[tuple[int, int]]:
    """Each ``{%`` of ``text`` and the first ``%}`` after it, in order, until no ``%}`` is
    left. Linear: a ``{%`` before the ``%}`` already found shares it."""
    start = text.find("{%")
    close = -1
    while start >= 0:
        if close < start + 2:
            close = text.find("%}", start + 2)
            if close < 0:
                return
        yield start, close
        start = text.find("{%", start + 2)  # (a "{%" cannot start inside another)


def tag_spans(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each match of :data:`~pipeline.render.gitbook.TAG` in ``text``, as
    ``TAG.finditer`` finds them, in time linear in the text: a tag ends at the first ``%}``
    after its ``{%``, so the regex is tried only up to that ``%}`` and only once per
    ``{%``; with no ``%}`` left, the scan stops."""
    end = 0
    for start, close in _openings(text):
        if start < end:
            continue  # inside the tag just found
        m = TAG.match(text, start, close + 2)
        if m is not None:
            end = m.end()
            yield start, end


def without_tags(text: str) -> str:
    """``text`` with every tag span removed (code or not): where the pre-pass and
    :func:`drop_split_tags` may join the text around a tag, this joins it too, so a caller
    can see what markup the joined text spells (``<{% x %}img ...>`` is an ``<img>``)."""
    pieces: list[str] = []
    pos = 0
    for start, end in tag_spans(text):
        pieces.append(text[pos:start])
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


def _code_spans(par: str) -> list[tuple[int, int]]:
    """(start, end) of each code span of a paragraph, as CommonMark pairs backtick runs: an
    opening run ends at the next run of the same length; a run with none is text."""
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(par)]
    by_length: dict[int, list[int]] = {}
    for i, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(i)
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(runs):
        start, end = runs[i]
        same = by_length[end - start]
        k = bisect.bisect_right(same, i)
        if k < len(same):
            spans.append((start, runs[same[k]][1]))
            i = same[k] + 1
        else:
            i += 1
    return spans


def _splits_a_line(text: str) -> bool:
    """Whether some ``{%`` has a line end before the first ``%}`` after it: else no tag
    span holds one and :func:`drop_split_tags` has nothing to drop (most bodies). A ``{%``
    sharing the ``%}`` of the one before it lies in the stretch already looked at."""
    looked = -1
    for start, close in _openings(text):
        if close != looked:
            if text.find("\n", start, close) >= 0:
                return True
            looked = close
    return False


def _drop_in_paragraph(par: str) -> str:
    """The paragraph without its tags that run over a line end and touch no code span."""
    if "%}" not in par:
        return par
    spans = _code_spans(par) if "`" in par else []
    starts = [s for s, _ in spans]
    pieces: list[str] = []
    pos = 0
    for start, end in tag_spans(par):
        if "\n" not in par[start:end]:
            continue  # on one line: the pre-pass replaced it, or it is code
        k = bisect.bisect_left(starts, end)  # spans starting before the tag ends
        if k and spans[k - 1][1] > start:
            continue  # overlaps a code span (spans do not overlap, so the last decides)
        pieces.append(par[pos:start])
        pos = end
    pieces.append(par[pos:])
    return "".join(pieces)


def drop_split_tags(text: str) -> str:
    """``text`` without the tags whose ``{%`` and ``%}`` stand on different lines of one
    paragraph. Fenced code, indented code and code spans keep theirs; a ``{%`` whose ``%}``
    is only found after a blank line is no tag and stays as text."""
    if "{%" not in text or "%}" not in text or not _splits_a_line(text):
        return text
    out: list[str] = []
    run: list[str] = []
    fence: str | None = None

    def flush() -> None:
        if run:
            par = "\n".join(run)
            indented = run[0].startswith(("    ", "\t"))
            out.append(par if indented or "{%" not in par else _drop_in_paragraph(par))
            run.clear()

    for line in text.split("\n"):
        stripped = line.lstrip(" ")
        if fence is not None:
            if stripped.startswith(fence) and not stripped[len(fence) :].strip(fence[0] + " "):
                fence = None
            out.append(line)
            continue
        m = _FENCE.match(line)
        if m:
            flush()
            fence = m.group(1)
            out.append(line)
        elif not line.strip():
            flush()
            out.append(line)
        else:
            run.append(line)
    flush()
    return "\n".join(out)
