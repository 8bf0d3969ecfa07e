"""A revision of a page in words: sections added, removed and edited, and a short word-level
excerpt of the first change.

Work is bounded: sections are compared by heading, and the word diff runs over at most
:data:`MAX_WORDS` words of the first edited section, so a huge page costs no more than a
small one.
"""

from __future__ import annotations

import difflib
import html
from dataclasses import dataclass

from pipeline.support.text import atx_heading

MAX_WORDS = 1500
CONTEXT = 6
"""Words of context either side of the excerpt's change."""
EXCERPT_WORDS = 40


@dataclass(frozen=True)
class Change:
    added: tuple[str, ...]
    removed: tuple[str, ...]
    edited: tuple[str, ...]
    before: str
    """Excerpt: the words that went (with context), ``""`` when none did."""
    after: str
    """Excerpt: the words that came (with context), ``""`` when none did."""
    excerpt_html: str
    """The excerpt with ``<del>``/``<ins>``, escaped."""

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.edited or self.excerpt_html)


def _heading(line: str) -> str | None:
    """An ATX heading's text (``## Join us`` → ``Join us``), else None."""
    heading = atx_heading(line)
    return heading[1] or None if heading else None


def sections(text: str) -> dict[str, str]:
    """Heading → the section's text (whitespace folded); the part before any heading is ``""``.
    A heading that repeats gets `` (2)``, `` (3)`` … so each section keeps its own text."""
    out: dict[str, list[str]] = {"": []}
    current = ""
    fence = ""
    for line in text.splitlines():
        marker = line.lstrip()[:3]
        if marker in ("```", "~~~"):
            fence = "" if fence == marker else fence or marker
        title = None if fence else _heading(line)
        if title is not None:
            current, n = title, 2
            while current in out:
                current, n = f"{title} ({n})", n + 1
            out[current] = []
        else:
            out[current].append(line)
    return {k: " ".join(" ".join(v).split()) for k, v in out.items()}


def _words(text: str) -> list[str]:
    return text.split()[:MAX_WORDS]


def _excerpt(old: str, new: str) -> tuple[str, str, str]:
    """(before, after, HTML) around the first differing run of words."""
    a, b = _words(old), _words(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        lead = a[max(0, i1 - CONTEXT) : i1]
        gone, came = a[i1:i2][:EXCERPT_WORDS], b[j1:j2][:EXCERPT_WORDS]
        tail = a[i2 : i2 + CONTEXT]
        pre = ("… " if i1 > CONTEXT else "") + " ".join(lead)
        post = " ".join(tail) + (" …" if i2 + CONTEXT < len(a) else "")
        before = " ".join(w for w in (pre, " ".join(gone), post) if w) if gone else ""
        after = " ".join(w for w in (pre, " ".join(came), post) if w) if came else ""
        e = html.escape
        parts = [e(pre)] if pre else []
        if gone:
            parts.append(f"<del>{e(' '.join(gone))}</del>")
        if came:
            parts.append(f"<ins>{e(' '.join(came))}</ins>")
        if post:
            parts.append(e(post))
        return before, after, " ".join(parts)
    return "", "", ""


def describe(old: str, new: str) -> Change:
    """What changed between two versions of a page's Markdown (the caller has checked they
    differ in more than whitespace)."""
    was, now = sections(old), sections(new)
    added = tuple(h for h in now if h and h not in was)
    removed = tuple(h for h in was if h and h not in now)
    edited = tuple(h for h in now if h in was and was[h] != now[h])
    first = next(iter(edited), None)
    if first is not None:
        before, after, excerpt = _excerpt(was[first], now[first])
    elif added:
        before, after, excerpt = _excerpt("", now[added[0]])
    else:
        before, after, excerpt = _excerpt(was[removed[0]] if removed else "", "")
    edited = tuple(h or "(introduction)" for h in edited)
    return Change(added, removed, edited, before, after, excerpt)


def _names(headings: tuple[str, ...]) -> str:
    return ", ".join(f"“{h}”" for h in headings)


def summary_text(change: Change, message: str) -> str:
    """One paragraph: the sections, the excerpt, the commit message."""
    parts = []
    if change.added:
        parts.append(f"Added {_names(change.added)}.")
    if change.removed:
        parts.append(f"Removed {_names(change.removed)}.")
    if change.edited:
        parts.append(f"Edited {_names(change.edited)}.")
    if change.before and change.after:
        parts.append(f"“{change.before}” → “{change.after}”")
    elif change.after:
        parts.append(f"New: “{change.after}”")
    elif change.before:
        parts.append(f"Gone: “{change.before}”")
    if message:
        parts.append(f"({message})")
    return " ".join(parts)


def summary_html(change: Change, message: str, url: str) -> str:
    e = html.escape
    out = []
    lists = (("Added", change.added), ("Removed", change.removed), ("Edited", change.edited))
    for label, names in lists:
        if names:
            out.append(f"<p>{label}: {e(', '.join(names))}</p>")
    if change.excerpt_html:
        out.append(f"<blockquote>{change.excerpt_html}</blockquote>")
    if message:
        out.append(f"<p><em>{e(message)}</em></p>")
    out.append(f'<p><a href="{e(url)}">Read the page</a></p>')
    return "\n".join(out)
