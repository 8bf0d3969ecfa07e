"""GitBook tags the line-by-line pre-pass cannot see, read or removed on the Markdown text.

:func:`pipeline.render.gitbook_text.preprocess` reads one line at a time, so a tag whose
``%}`` is on a later line of its paragraph (``{% hint style="info"`` / ``%}``) is left in
the text. One standing on lines of its own is joined onto one line here, for the pre-pass to
read; any other is removed (with a warning when GitBook reads its kind). Both happen on the
author's Markdown, before anything is rendered: the renderer and then the sanitizer see the
text without the split tag, and nothing edits their HTML after them. (Removing leftovers
from the serialised HTML once cut through tags, attribute values and quotes:
``title="{% x"> ... %}`` turned escaped text into live attributes.)

Every scan here is linear in the text: each ``{%`` looks for its ``%}`` once, and a code
span's closing backticks are found by bisection, not by a regex that backtracks.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from pipeline.render.gitbook import CONTAINERS, TAG

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


def _gitbook_reads(name: str) -> bool:
    """Whether GitBook reads a tag of this name (a block, its end, an include, an
    integration): one written over lines and dropped is warned of."""
    return name in CONTAINERS or name[3:] in CONTAINERS or name == "include" or name[:1] == "@"


def _in_paragraph(par: str, first: int, problems: list[tuple[int, str]]) -> str:
    """The paragraph (its first line ``first`` of the text) with its tags that run over a
    line end and touch no code span read or dropped (see :func:`drop_split_tags`), each
    dropped one GitBook reads added to ``problems``."""
    if "%}" not in par:
        return par
    spans = _code_spans(par) if "`" in par else []
    starts = [s for s, _ in spans]
    pieces: list[str] = []
    pos = counted = 0
    line = first
    for start, end in tag_spans(par):
        breaks = par.count("\n", start, end)
        if not breaks:
            continue  # on one line: the pre-pass replaced it, or it is code
        k = bisect.bisect_left(starts, end)  # spans starting before the tag ends
        if k and spans[k - 1][1] > start:
            continue  # overlaps a code span (spans do not overlap, so the last decides)
        pieces.append(par[pos:start])
        pos = end
        tag = TAG.match(par, start, end)
        name = tag.group(1) if tag is not None else ""
        line_start = par.rfind("\n", 0, start) + 1
        line_end = par.find("\n", end)
        line_end = len(par) if line_end < 0 else line_end
        alone = not par[line_start:start].strip(" ") and not par[end:line_end].strip(" \t")
        if alone and start - line_start < 4 and name != "include":
            # joined onto its first line, its line breaks after it: every line keeps its number
            pieces.append(" ".join(par[start:end].split("\n")) + "\n" * breaks)
            pos = line_end
        elif _gitbook_reads(name):
            if name == "include":
                why = "is not read (an include is read on one line): the block is left out"
            elif alone:
                why = "is indented four spaces or more: dropped (write the tag on one line)"
            else:
                why = "shares them with text: dropped (write the tag on one line)"
            line += par.count("\n", counted, start)  # counted on from the last one: linear
            counted = start
            problems.append((line, f"{{% {name} %}} is written over {breaks + 1} lines and {why}"))
    pieces.append(par[pos:])
    return "".join(pieces)


def drop_split_tags(text: str) -> str:
    """``text`` with the tags whose ``{%`` and ``%}`` stand on different lines of one
    paragraph read or dropped (:func:`read_split_tags`)."""
    return read_split_tags(text)[0]


def read_split_tags(text: str) -> tuple[str, list[tuple[int, str]]]:
    """``text`` with the tags whose ``{%`` and ``%}`` stand on different lines of one
    paragraph read or dropped, and (0-based line, message) of each dropped one GitBook reads.

    A tag standing on lines of its own (``{% embed url="..."`` / ``caption="..." %}``, at
    most three spaces before it, nothing after it) is joined onto its first line, which the
    line pre-pass then reads as a tag written on one line; its other lines are left blank (the
    pre-pass puts blank lines around a block tag anyway, and every later line keeps its
    number). An include is not joined: the include pass, before this one, reads tags on one
    line. A tag with text before or after it on its lines is dropped: joining it would move
    that text or the paragraph's lines. Each tag is looked at once (:func:`tag_spans`):
    linear. Fenced code, indented code and code spans keep their tags; a ``{%`` whose ``%}``
    is only found after a blank line is no tag and stays as text."""
    problems: list[tuple[int, str]] = []
    if "{%" not in text or "%}" not in text or not _splits_a_line(text):
        return text, problems
    out: list[str] = []
    run: list[str] = []
    first = 0
    fence: str | None = None

    def flush() -> None:
        if run:
            par = "\n".join(run)
            indented = run[0].startswith(("    ", "\t"))
            out.append(par if indented or "{%" not in par else _in_paragraph(par, first, problems))
            run.clear()

    for n, line in enumerate(text.split("\n")):
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
            if not run:
                first = n
            run.append(line)
    flush()
    return "\n".join(out), problems
