"""``SUMMARY.md`` read into its links: :class:`TocEntry` per list item, in document order.

markdown-it (CommonMark) is the reference reading. It costs 0.7 s at 10,000 entries, so a table
of contents written the way GitBook writes one, line for line (``## Group`` headings, ``*``
items indented two spaces a level, each ``[title](target)``), is read by :func:`_by_lines`
without it: a line it is not sure of sends the whole text to markdown-it, and an item whose
link text or target holds anything Markdown could read otherwise (emphasis, escapes, entities,
code, HTML, brackets) has that one line's inline Markdown parsed by markdown-it.
``tests/load/test_toc.py`` checks that both readings agree on generated tables of contents.
"""

from __future__ import annotations

import dataclasses
import string
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

from markdown_it import MarkdownIt
from markdown_it.common.utils import mdTrim

from pipeline.render.markdown import MAX_NESTING, inline_text
from pipeline.render.slugs import gitbook_page_slug
from pipeline.support.paths import is_external, readable_link


@dataclass(frozen=True)
class TocEntry:
    """One link of ``SUMMARY.md``."""

    title: str
    """The link text."""
    target: str
    """The link target as written: angle brackets, backslash escapes and %-escapes undone,
    but for those of ``#``, ``?`` and ``%`` (``c%23sharp.md``: see
    :func:`pipeline.support.paths.readable_link`)."""
    line: int
    """1-based line in SUMMARY.md."""
    depth: int
    """0 for a top-level list item, 1 for its children, 2 below."""
    group: str
    """Text of the ``## Group`` heading above it, or ``""``."""
    parent: str
    """Link text of its top-level ancestor (its own title at depth 0)."""
    has_children: bool = False

    @cached_property
    def external(self) -> bool:  # asked of each entry by three readers of one parse
        return is_external(self.target)

    @property
    def section(self) -> str:
        """Slug of the group, else of the top-level parent: the item's section."""
        return gitbook_page_slug(self.group or self.parent) or "pages"


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    """CommonMark, nested as deep as a page's Markdown is read (:data:`MAX_NESTING`: 18
    levels; GitBook sets no limit, "theoretically, there is no limit to page nesting", and
    advises three)."""
    return MarkdownIt("commonmark", {"maxNesting": MAX_NESTING})


def parse_summary(text: str) -> list[TocEntry]:
    """Every link of a SUMMARY.md in document order, with depth, group and top-level parent.

    Only the first link of each list item counts (GitBook writes one per item); links outside
    lists are ignored. A build reads the table of contents three times (loading, navigation,
    the space's old URLs): the last text's answer is kept.
    """
    return list(_parse_summary(text))


@lru_cache(maxsize=1)
def _parse_summary(text: str) -> tuple[TocEntry, ...]:
    by_lines = _by_lines(text)
    return by_lines if by_lines is not None else _by_markdown_it(text)


def _by_markdown_it(text: str) -> tuple[TocEntry, ...]:
    """The reference reading: markdown-it's tokens of the whole text."""
    tokens = _parser().parse(text)
    entries: list[TocEntry] = []
    group = ""
    depth = -1
    parents: list[str] = []
    # index in ``entries`` of the open list item at each depth, to mark items with children
    open_items: list[int | None] = []
    pending_heading = False
    label = _Label()
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            pending_heading = tok.tag != "h1"
        elif tok.type == "inline" and pending_heading:
            group = inline_text(tok.content)  # GitBook writes <a id="..."></a> into some
            pending_heading = False
            parents = []
            label = _Label(group)
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif tok.type == "list_item_open":
            open_items.append(None)
            if depth > 0 and len(open_items) >= 2:
                _mark_parent(entries, open_items)
        elif tok.type == "list_item_close":
            open_items.pop()
        elif tok.type == "inline" and depth >= 0 and open_items and open_items[-1] is None:
            link = _first_link(tok.children or [])
            group = label.read(depth, link, tok.content, group)
            if link is None:
                continue
            line = (tok.map[0] if tok.map else (tokens[i - 1].map or [0])[0]) + 1
            shown = depth - label.shift(depth)
            if shown == 0:
                parents = [link[0]]
            entries.append(_entry(link, line, shown, group, parents))
            open_items[-1] = len(entries) - 1
    return tuple(entries)


class _Label:
    """A top-level item without a link (``- Overview`` above its pages), read as GitBook's
    editor shows it: the title of a group of the items below it, which are top-level items
    of that group (their pages went under the linked item above, with nothing said). The
    next top-level item with a link ends it; the heading's group comes back."""

    def __init__(self, heading: str = "") -> None:
        self.heading = heading
        self.active = False

    def read(self, depth: int, link: tuple[str, str] | None, text: str, group: str) -> str:
        """The group of an item at ``depth`` (``link`` None: it has none)."""
        if depth != 0:
            return group
        if link is None:
            self.active = True
            return inline_text(text) or group
        if self.active:
            self.active = False
            return self.heading
        return group

    def shift(self, depth: int) -> int:
        """How much shallower the item at ``depth`` is shown: one below a label."""
        return 1 if self.active and depth > 0 else 0


def _mark_parent(entries: list[TocEntry], open_items: list[int | None]) -> None:
    """The nearest open ancestor with a link has children."""
    parent_index = next((x for x in reversed(open_items[:-1]) if x is not None), None)
    if parent_index is not None and not entries[parent_index].has_children:
        entries[parent_index] = dataclasses.replace(entries[parent_index], has_children=True)


def _entry(
    link: tuple[str, str], line: int, depth: int, group: str, parents: list[str]
) -> TocEntry:
    title, href = link
    if not is_external(href):
        href = readable_link(href)
    parent = parents[0] if parents else title
    return TocEntry(title, href, line, depth, group, parent)


def _first_link(children: Sequence[object]) -> tuple[str, str] | None:
    href: str | None = None
    text: list[str] = []
    for child in children:
        kind = getattr(child, "type", "")
        if kind == "link_open" and href is None:
            href = str(getattr(child, "attrs", {}).get("href", ""))
        elif kind == "link_close" and href is not None:
            return " ".join("".join(text).split()), href
        elif href is not None and kind in ("text", "code_inline"):
            text.append(str(getattr(child, "content", "")))
    return None


MAX_DEPTH = 5
"""Deeper items send the text to markdown-it (whose nesting limit is :data:`MAX_NESTING`)."""
_UNSURE = frozenset("\t\v\f\0")
"""Characters whose reading the line reader leaves to markdown-it, anywhere in the text."""
_MARKUP = frozenset("\\`*_[]<>&~()") | frozenset(map(chr, range(0x20))) | {"\x7f"}
"""Characters that may make a link's text or target more than its letters: that line's inline
Markdown goes to markdown-it."""
_PATH = frozenset(string.ascii_letters + string.digits + "._~/-")
"""A target of these alone (no scheme, no %-escape, no query) is a path markdown-it's
``normalizeLink`` returns unchanged and ``validateLink`` accepts."""


def _by_lines(text: str) -> tuple[TocEntry, ...] | None:
    """What :func:`_by_markdown_it` reads from ``text``, line by line; None when a line is not
    a blank line, an ATX heading at the margin, or a list item (one marker character for the
    whole text, one space after it, two spaces of indentation a level, never more than one
    level deeper than the item above) whose text starts with ``[`` or a letter."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # markdown-it's newlines
    if "]:" in text or not _UNSURE.isdisjoint(text):  # a link reference definition, maybe
        return None
    entries: list[TocEntry] = []
    group = ""
    parents: list[str] = []
    open_items: list[int | None] = []  # the open item at each depth, as markdown-it's
    marker = ""
    label = _Label()
    for n, line in enumerate(text.split("\n")):
        stripped = line.lstrip(" ")
        if not stripped.rstrip(" "):
            continue
        indent = len(line) - len(stripped)
        if stripped[0] == "#":
            heading = _heading(stripped) if indent == 0 else None
            if heading is None:
                return None
            level, words = heading
            open_items = []  # a heading at the margin closes every list
            if level > 1:
                group, parents = inline_text(words), []
                label = _Label(group)
            continue
        depth, odd = divmod(indent, 2)
        content = stripped[2:]
        if (
            stripped[0] not in "*-+"
            or stripped[1:2] != " "
            or (marker and stripped[0] != marker)
            or odd
            or depth > min(len(open_items), MAX_DEPTH)
            or not content
            or not (content[0] == "[" or content[0].isalpha())
        ):
            return None
        marker = stripped[0]
        del open_items[depth:]
        open_items.append(None)
        if depth > 0:
            _mark_parent(entries, open_items)
        link = _plain_link(content.rstrip(" "))
        if link is None:
            tokens = _parser().parseInline(mdTrim(content))
            link = _first_link(tokens[0].children or []) if tokens else None
        group = label.read(depth, link, mdTrim(content), group)
        if link is None:
            continue
        shown = depth - label.shift(depth)
        if shown == 0:
            parents = [link[0]]
        entries.append(_entry(link, n + 1, shown, group, parents))
        open_items[-1] = len(entries) - 1
    return tuple(entries)


def _heading(stripped: str) -> tuple[int, str] | None:
    """(level, text) of ``## Text``, when nothing about it is unsure: no ``#`` in the text (a
    closing sequence), no blank around it but the one space after the marks."""
    level = len(stripped) - len(stripped.lstrip("#"))
    words = stripped[level + 1 :]
    if level > 6 or stripped[level : level + 1] != " " or not words or "#" in words:
        return None
    return (level, words) if words == words.strip() else None


def _plain_link(content: str) -> tuple[str, str] | None:
    """(title, href) of an item that is exactly ``[text](target)`` with nothing in either
    that Markdown reads as markup: the href as markdown-it's link rule makes it (its own
    normalisation and validation); None otherwise."""
    end = content.find("](")
    if not content.startswith("[") or end < 2 or not content.endswith(")"):
        return None
    words, target = content[1:end], content[end + 2 : -1]
    if not target or not _MARKUP.isdisjoint(words) or not _MARKUP.isdisjoint(target):
        return None
    spaced = words.replace(" ", "")
    if target.split() != [target] or spaced.split() != [spaced]:  # blanks but " " in the text
        return None
    title = " ".join(words.split())
    if _PATH.issuperset(target) and not target.startswith("//"):
        return title, target  # a path markdown-it's normalisation leaves as it is
    md = _parser()
    href = md.normalizeLink(target)
    if not md.validateLink(href):
        return None
    return title, href
