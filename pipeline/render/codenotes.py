"""GitBook's code annotations: a block of code with notes on some of its words is written as
raw HTML, ``<pre><code>… <a data-footnote-ref href="#user-content-fn-1">word</a> …</code></pre>``,
its notes as footnote definitions (``[^1]: the note``) that no ``[^1]`` of the Markdown names.
cmark-gfm leaves a footnote no Markdown names out of the page, so the notes were lost and each
annotation linked a footnote that was not there.

Each such note is named once at the end of the text (:func:`named`), which makes cmark-gfm
write it in the page's footnotes, and the paragraph naming them is taken out of the HTML again
(:func:`unnamed`); the annotation gets the id the note's ``↩`` links back to."""

from __future__ import annotations

import bisect
import re

from pipeline.render.gitbook_text import closes_fence, opens_fence

_ANNOTATION = re.compile(r'<a data-footnote-ref href="#user-content-fn-([\w-]{1,64})">')
"""An annotation as GitBook writes it (its label: a number in GitBook's exports)."""
_NAMING = re.compile(r'<p>(?:<sup class="footnote-ref"><a [^<>]*>\d+</a></sup>)+</p>\n')
"""The paragraph :func:`named` adds, as cmark-gfm writes it: the page's last paragraph."""
_REF = re.compile(r"\[\^([^\]\s]{1,64})\](:)?")
"""A footnote's name in the Markdown, ``[^1]``, or the start of its definition, ``[^1]:``."""
_SECTION = '<section class="footnotes" data-footnotes>'


def notes(text: str) -> list[str]:
    """The labels of the annotations of ``text`` whose note is defined at a line's start and
    named by no ``[^label]`` of the Markdown, each once, in order (one pass over each)."""
    if "data-footnote-ref" not in text:
        return []
    defined: set[str] = set()
    named: set[str] = set()
    for m in _REF.finditer(text):
        at_margin = m.start() == 0 or text[m.start() - 1] == "\n"
        (defined if m.group(2) and at_margin else named).add(m.group(1))
    found: dict[str, str] = {}  # by the label case-folded, as cmark-gfm matches them
    for m in _outside_code(text):
        if m.group(1) in defined and m.group(1) not in named:
            found.setdefault(m.group(1).casefold(), m.group(1))
    return list(found.values())


def _outside_code(text: str) -> list[re.Match[str]]:
    """The annotations of ``text`` outside fenced code (an HTML sample in a ``` block that
    shows one is code, not an annotation): one pass over the lines, one over the matches."""
    fenced: list[int] = []  # [start, end, start, end, …] of each fenced block
    fence, pos = "", 0
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        stripped = text[pos:end].lstrip(" ")
        if fence and closes_fence(stripped, fence):
            fence = ""
            fenced.append(end)
        elif not fence and (fence := opens_fence(stripped, end - pos - len(stripped))):
            fenced.append(pos)
        pos = end + 1
    if len(fenced) % 2:
        fenced.append(len(text))
    return [m for m in _ANNOTATION.finditer(text) if bisect.bisect(fenced, m.start()) % 2 == 0]


def named(text: str, labels: list[str]) -> str:
    """``text`` with each of ``labels``' first annotation given the id its note's ``↩``
    links (``fnref-1``), and a last paragraph naming each note."""
    if not labels:
        return text
    wanted = set(labels)
    parts: list[str] = []
    at = 0
    for m in _outside_code(text):
        if m.group(1) in wanted:
            wanted.discard(m.group(1))
            parts += (text[at : m.end() - 1], f' id="fnref-{m.group(1)}">')
            at = m.end()
    return "".join(parts) + text[at:] + "\n\n" + "".join(f"[^{x}]" for x in labels) + "\n"


def unnamed(out: str) -> str | None:
    """cmark-gfm's HTML of a text :func:`named` made, without the paragraph that names the
    notes (the last one before the footnotes); None when it is not there as one paragraph
    of references (a note defined only inside code, a text that ends inside a block: the
    caller renders the text as it is, the notes left out, no ``[^1]`` shown)."""
    section = out.rfind(_SECTION)
    start = out.rfind('<p><sup class="footnote-ref">', 0, section)
    if section < 0 or start < 0:
        return None
    found = _NAMING.match(out, start)
    if found is None or found.end() != section:
        return None
    return out[:start] + out[section:]
