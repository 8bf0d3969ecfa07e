"""GitBook's reusable content in a page's HTML (see :mod:`pipeline.load.includes`, which
reads the files): each include tag on a line of its own becomes a placeholder paragraph
before the page is rendered, and the HTML of the file it names, rendered on its own (links
from its own folder, problems at its own lines, ids unique with the page's), takes the
placeholder's place after. A tag whose file was not read is left out, as before.

:func:`expanded` decides which tags are expanded, the same way for the load (which warns of
the others) and the renderer: at most :data:`MAX_PER_PAGE` tags, and at most
:data:`MAX_INCLUDED` characters of included text a page (a tag repeated counts each time), so
a page's HTML is bounded by its own size plus that, whatever its tags ask for.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping

from pipeline.render.gitbook_text import closes_fence, opens_fence
from pipeline.support.paths import joined_inside

TAG = re.compile(
    r"""[ \t]*\{%-?[ \t]*include[ \t]+(?:"([^"\n]{1,1000})"|'([^'\n]{1,1000})')[ \t]*-?%\}[ \t]*"""
)
"""A tag on a line of its own, its path in double or single quotes (``fullmatch`` of a line:
linear, each part a different character class or a bounded run)."""

MAX_PER_PAGE = 100
"""Include tags one page may hold; the rest are left out (the load warns of them)."""
MAX_INCLUDED = 2_000_000
"""Characters of included text one page may draw in (each tag counted); the rest is left out."""

_MARK = "publishinclude9c41e7"
"""Starts each placeholder: a word no page has (and if one had it, only that word is lost)."""
_PLACED = re.compile(f"<p>{_MARK}x(\\d{{1,3}})x</p>|{_MARK}x(\\d{{1,3}})x")


def tags(body: str) -> Iterator[tuple[int, str]]:
    """(0-based line of the body, target as written) of each include tag outside code."""
    fence = ""
    for n, line in enumerate(body.split("\n")):
        stripped = line.lstrip(" ")
        if fence:
            if closes_fence(stripped, fence):
                fence = ""
            continue
        fence = opens_fence(stripped, len(line) - len(stripped))
        if fence or "include" not in line:
            continue
        m = TAG.fullmatch(line)
        if m:
            yield n, m.group(1) or m.group(2)


def target_path(source: str, target: str) -> str | None:
    """The content-relative path ``target`` names from ``source``; None outside the content."""
    if "://" in target or target.startswith(("/", "#")) or "\\" in target:
        return None
    return joined_inside(source, target.split("#")[0]) or None  # "": the root, not a file


def expanded(
    text: str, source: str, size_of: Callable[[str], int | None]
) -> Iterator[tuple[int, str, str | None, str]]:
    """(0-based line, target as written, content path or None, why it is left out or "") of
    each include tag of ``text`` (of ``source``) outside code; ``size_of(path)``: the length
    of the file's text, None when there is none to include."""
    left = MAX_INCLUDED
    for count, (n, target) in enumerate(tags(text), 1):
        path = target_path(source, target)
        why = ""
        if count > MAX_PER_PAGE:
            why = f"is over the {MAX_PER_PAGE} includes a page may have"
        elif path is None and "://" in target:  # another space's reusable content, on GitBook
            why = "is reusable content kept in GitBook, not a file of this repository"
        elif path is None:
            why = "is not a file of the content folder"
        else:
            size = size_of(path)
            if size is not None and size > left:
                why = f"is over the {MAX_INCLUDED:,} characters a page may include"
            elif size is not None:
                left -= size
        yield n, target, path, why


def with_placeholders(
    text: str, source: str, known: Mapping[str, tuple[str, int]]
) -> tuple[str, list[str]]:
    """``text`` with each include tag whose file is ``known`` (path -> its body and line) as
    a placeholder paragraph (its indentation kept), and the path behind each placeholder, in
    order: the tags :func:`expanded` expands."""
    lines: list[str] | None = None
    paths: list[str] = []

    def size_of(path: str) -> int | None:
        found = known.get(path)
        return None if found is None else len(found[0])

    for n, _, path, why in expanded(text, source, size_of):
        if why or path is None or path not in known:
            continue
        lines = lines if lines is not None else text.split("\n")
        indent = lines[n][: len(lines[n]) - len(lines[n].lstrip(" \t"))]
        lines[n] = f"{indent}{_MARK}x{len(paths)}x"
        paths.append(path)
    return ("\n".join(lines) if lines is not None else text), paths


def spliced(html: str, paths: list[str], render: Callable[[str], str]) -> str:
    """``html`` with each placeholder replaced by ``render(path)`` of the path behind it (one
    pass; each placeholder once: the same word written again stays a word). A placeholder
    inside a tag (a tag's line in a link's title or an attribute value, which may run over
    lines) stays a word: HTML put there would close the value with its first quote and make
    attributes of the rest (``onerror=...``). The HTML here is the sanitizer's or cmark's,
    which write ``<`` and ``>`` escaped everywhere but in tags, so the last of them before a
    placeholder tells."""
    if not paths:
        return html
    used: set[int] = set()
    in_tag = False
    seen = 0  # where the text read for ``in_tag`` ends

    def place(m: re.Match[str]) -> str:
        nonlocal in_tag, seen
        opened, closed = html.rfind("<", seen, m.start()), html.rfind(">", seen, m.start())
        if opened != closed:  # both -1: no tag mark since the last placeholder
            in_tag = opened > closed
        seen = m.end()
        n = int(m.group(1) or m.group(2))
        if in_tag or n >= len(paths) or n in used:
            return m.group(0)
        used.add(n)
        return render(paths[n])

    return _PLACED.sub(place, html)
