"""Heading ids written into a rendered body: each ``<hN>`` (and, in a GitBook space, each
expandable block's ``<summary>``) gets its slug, or the ``{#id}`` it ends with, as its id, in
the page's order; the ids collected are the anchors the link checker accepts."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from cmarkgfm.cmark import Options

from pipeline.render.cmark import to_html
from pipeline.render.links import PageContext
from pipeline.support.text import sub_tags

_EXPLICIT_ID = re.compile(r"(?<!\s)\s*+\{#([\w\-:.]++)\}\s*+$")
"""``{#id}`` ending a heading; a match starts only where a run of blanks does (searched from
every blank of a long run, the blanks were read once per blank: quadratic)."""
_HEADING_OPEN = re.compile(r'<(h[1-6]|summary)( class="tab-title")?>')
"""A heading as cmark writes it, or a GitBook tab's title (its links name it as a heading), or
an expandable block's summary as GitBook writes it (its editor's links name it so too)."""
_TAGS = re.compile(r"<[^>]*>")


def with_heading_ids(out: str, sub: Callable[[str, str, str], str]) -> str:
    """Each ``<hN>inner</hN>`` (and ``<summary>inner</summary>``) of ``out`` replaced by
    ``sub("hN", inner, attributes)``, as a lazy regex ``<(h[1-6])>(.*?)</\\1>`` would, in one
    pass: each opening looks for its close once, and after a tag with none left no later
    opening of it looks again (the regex read from each to the end: quadratic in a run of
    unclosed ``<h2>``)."""
    parts: list[str] = []
    at = passed = line_end = 0
    unclosed: set[str] = set()
    for m in _HEADING_OPEN.finditer(out):
        level = m.group(1)
        if m.start() < at or level in unclosed:
            continue
        if level == "summary":  # its close on its own line, no heading in it (GitBook's one
            # line): an unclosed one took the headings after it as its text. Each line's end
            # is found once, and a stretch without a close is not read again: linear
            if m.start() < passed:
                continue
            if m.end() > line_end:
                line_end = out.find("\n", m.end())
                line_end = len(out) if line_end < 0 else line_end
            close = out.find("</summary>", m.end(), line_end)
            if close < 0 or "<h" in out[m.end() : close]:
                passed = line_end if close < 0 else close
                continue
        else:
            close = out.find(f"</{level}>", m.end())
        if close < 0:
            unclosed.add(level)
            continue
        parts += (out[at : m.start()], sub(level, out[m.end() : close], m.group(2) or ""))
        at = close + len(level) + 3
    return "".join(parts) + out[at:] if parts else out


def heading_with_id(ctx: PageContext) -> Callable[[str, str, str], str]:
    slugger = ctx.ids()
    summaries = ctx.slug_style == "gitbook"  # GitBook's expandable blocks have ids

    def sub(tag: str, whole: str, attributes: str) -> str:
        if tag == "summary" and not summaries:
            return f"<summary>{whole}</summary>"
        explicit = _EXPLICIT_ID.search(whole)
        inner = whole[: explicit.start()] if explicit else whole
        text = html.unescape(sub_tags(_TAGS, "", inner)).strip()
        if explicit:
            anchor = explicit.group(1)
            slugger.reserve(anchor)
        else:
            anchor = slugger(text)
        ctx.anchors.add(anchor)
        if tag != "summary":
            ctx.headings.append(text)
        return f'<{tag}{attributes} id="{html.escape(anchor, quote=True)}">{inner}</{tag}>'

    return sub


ATX_H1 = re.compile(r"^[ ]{0,3}#[ \t]+(.+)$", re.M)  # closing blanks and # cut after: linear
_BLANK_LINES = re.compile(r"(?:[ \t]*+\n)*")
_H1_AT = re.compile(r'<h1 data-sourcepos="(\d+):')


def first_h1(body: str, *, opening: bool = False) -> re.Match[str] | None:
    """The first H1 of ``body`` written as ``# Title`` at a line's start, as cmark reads the
    body: not a ``# comment`` of a code block (one in a list item's too) nor a line of raw
    HTML. The first line with text is one at once; else cmark says where its first H1 is
    (its source positions), read only for a body that does not open with one."""
    blank = _BLANK_LINES.match(body)  # the blank lines before the first with text
    first = ATX_H1.match(body, blank.end() if blank else 0)
    if first is not None or opening:  # ``opening``: only one that opens the body counts
        return first
    start = done = 0  # the offset of line ``done + 1``
    for found in _H1_AT.finditer(to_html(body, Options.CMARK_OPT_SOURCEPOS, ())):
        for _ in range(int(found.group(1)) - 1 - done):  # lines only forward: linear
            start = body.find("\n", start) + 1
            if start == 0:
                return None
        done = int(found.group(1)) - 1
        end = body.find("\n", start)
        title = ATX_H1.match(body, start, len(body) if end < 0 else end)
        if title is not None:  # (an underlined H1, or one in a quote or list, is no title)
            return title
    return None


def without_explicit_id(heading: str) -> str:
    """A heading's text without the ``{#id}`` that ends it (its id, not its words: a title
    ``Intro {#custom}`` is ``Intro``)."""
    found = _EXPLICIT_ID.search(heading)
    return heading[: found.start()] if found else heading
