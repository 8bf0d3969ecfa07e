"""GitBook's maths (``$$…$$``), left as readable TeX: no renderer, no script, nothing fetched.

GitBook writes both kinds with double dollars: a formula alone in its paragraph is a block
(``$$`` lines around it, or ``$$f(x)$$`` alone on its line), one inside a sentence is inline.
The pre-pass turns them into HTML the CommonMark engine passes through: a block becomes
``<pre class="math math-display">`` (one line, its newlines written ``&#10;``, so it stays one
HTML block inside a list item too), an inline formula ``<span class="math math-inline">``.
Every character Markdown or HTML gives a meaning to is written as a character reference, so
``*``, ``_``, ``<``, ``|`` (a table cell) or ``{%`` inside TeX stay TeX. Fenced and indented
code and code spans are left alone.

GitBook's Markdown export escapes ``_`` and ``*`` inside maths (``x\\_i``); those two escapes
are undone, every other backslash is TeX's own. One pass over the lines: each ``$$`` line is
paired with the next one, and a block never closed leaves the text as written.
"""

from __future__ import annotations

from pipeline.render.gitbook_text import (
    _continues_list,
    closes_fence,
    opens_fence,
    outside_code_spans,
)

_REFERENCE = {ord(c): f"&#{ord(c)};" for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\n"}
"""ASCII punctuation (each may mean something to Markdown or HTML) and the newline."""


def tex(raw: str) -> str:
    """The TeX an author meant: GitBook's export escapes ``_`` and ``*``."""
    return raw.replace("\\_", "_").replace("\\*", "*")


def _html(text: str) -> str:
    return text.strip().translate(_REFERENCE)


def display_html(formula: str) -> str:
    return f'<pre class="math math-display">{_html(tex(formula))}</pre>'


def inline_html(formula: str) -> str:
    return f'<span class="math math-inline">{_html(tex(formula))}</span>'


def _inline(line: str) -> str:
    """``$$…$$`` pairs of one line outside its code spans."""
    return outside_code_spans(line, _pairs)


def _pairs(text: str) -> str:
    if "$$" not in text:
        return text
    out: list[str] = []
    pos = 0
    while True:
        opening = text.find("$$", pos)
        closing = text.find("$$", opening + 2) if opening >= 0 else -1
        if closing < 0:
            out.append(text[pos:])
            return "".join(out)
        formula = text[opening + 2 : closing]
        if formula.strip():
            out.append(text[pos:opening] + inline_html(formula))
        else:
            out.append(text[pos : closing + 2])
        pos = closing + 2


def maths(body: str) -> str:
    """``body`` with GitBook's maths turned into HTML (see the module's notes)."""
    if "$$" not in body:
        return body
    lines = body.split("\n")
    out: list[str] = []
    fence = ""
    deciders: list[int] = []
    n = 0
    closers = [i for i, line in enumerate(lines) if line.strip() == "$$"]
    later = 0  # index in ``closers`` of the first one after the current line
    while n < len(lines):
        line = lines[n]
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if fence:
            if closes_fence(stripped, fence):
                fence = ""
            out.append(line)
            n += 1
            continue
        if opened := opens_fence(stripped, indent):
            fence = opened
            out.append(line)
            n += 1
            continue
        code = (indent >= 4 or line.startswith("\t")) and not _continues_list(lines, n, deciders)
        if code or "$$" not in line:
            out.append(line)
            n += 1
            continue
        alone = (n == 0 or not lines[n - 1].strip()) and (
            n + 1 == len(lines) or not lines[n + 1].strip()
        )
        while later < len(closers) and closers[later] <= n:
            later += 1
        if stripped.strip() == "$$" and later < len(closers):
            close = closers[later]
            out.append(" " * indent + display_html("\n".join(lines[n + 1 : close])))
            n = close + 1
            continue
        body_of = stripped.strip()
        single = body_of[2:-2] if len(body_of) > 4 else ""
        if alone and body_of.startswith("$$") and body_of.endswith("$$") and "$$" not in single:
            out.append(" " * indent + display_html(single))
        else:
            out.append(_inline(line))
        n += 1
    return "\n".join(out)
