"""Hugo's shortcodes in a page written for Hugo, read before the Markdown is: line for line.

A site moved from Hugo keeps ``{{< ref "guide/install" >}}`` in its links, ``{{< figure >}}``
and ``{{< youtube >}}`` in its pages. Hugo's own shortcodes become what Hugo makes of them:
``ref``/``relref`` the page's path (the link resolver makes it the page's URL), ``figure`` a
figure, ``youtube``/``vimeo``/``x``/``gist``/``instagram`` the embed card GitBook's
``{% embed %}`` makes, ``highlight`` a fenced code block, ``details`` a disclosure, and
``{{</* x */>}}`` (written to show a shortcode) the shortcode as text. A shortcode of the
site's own (``layouts/shortcodes/``) has no meaning here: its tags are left out, what they
wrap is kept, and the load warns (:func:`shortcode_problems`).

Every line keeps its number (the link checker's lines are the file's); tags inside fenced code
and code spans stay as written. One pass of ``str.find`` per line: linear.
"""

from __future__ import annotations

import html
from collections.abc import Iterator

from pipeline.render.gitbook_text import closes_fence, opens_fence, outside_code_spans
from pipeline.support.text import find

_OPENERS = ("{{<", "{{%")
_CLOSERS = {"{{<": ">}}", "{{%": "%}}"}

EMBEDS = {
    "youtube": "https://www.youtube.com/watch?v={id}",
    "vimeo": "https://vimeo.com/{id}",
    "instagram": "https://www.instagram.com/p/{id}/",
    "gist": "https://gist.github.com/{user}/{id}",
    "x": "https://x.com/{user}/status/{id}",
    "twitter": "https://x.com/{user}/status/{id}",
    "tweet": "https://x.com/{user}/status/{id}",
}
"""Hugo's embedding shortcodes and the page each shows (positional arguments in this order)."""
_KEYS = {"youtube": ("id",), "vimeo": ("id",), "instagram": ("id",)}
BUILT_IN = {"ref", "relref", "figure", "highlight", "details", *EMBEDS}


def has_shortcodes(body: str) -> bool:
    return find(body, "{{<") >= 0 or find(body, "{{%") >= 0


def shortcodes(body: str) -> str:
    """``body`` with every shortcode outside code replaced (see the module's docstring)."""
    if not has_shortcodes(body):
        return body
    return "\n".join(text for _, text, _ in _lines(body))


def shortcode_problems(body: str) -> list[tuple[int, str]]:
    """(0-based line, message) for each shortcode of the site's own, once per name and line."""
    if not has_shortcodes(body):
        return []
    return [(n, message) for n, _, found in _lines(body) for message in found]


def _lines(body: str) -> Iterator[tuple[int, str, list[str]]]:
    fence = ""
    lines = body.split("\n")
    n = 0
    while n < len(lines):
        line = lines[n]
        stripped = line.lstrip(" ")
        if fence == _HIGHLIGHT:  # code up to the shortcode that closes it
            if _closes_highlight(stripped):
                fence = ""
                yield n, "```", []
            else:
                yield n, line, []
            n += 1
            continue
        if fence:
            if closes_fence(stripped, fence):
                fence = ""
            yield n, line, []
            n += 1
            continue
        if opened := opens_fence(stripped, len(line) - len(stripped)):
            fence = opened
            yield n, line, []
            n += 1
            continue
        if not has_shortcodes(line):
            yield n, line, []
            n += 1
            continue
        joined = _spanning(lines, n)  # a shortcode whose arguments run over lines
        found: list[str] = []
        text = _line(" ".join(lines[n : n + joined]), found)
        if text.startswith("```"):  # a highlight shortcode opened a fence: its lines are code
            fence = _HIGHLIGHT
        yield n, text, found
        for k in range(n + 1, n + joined):
            yield k, "", []  # the lines it took: kept, empty, so every line keeps its number
        n += joined


SPAN = 20
"""The most lines a shortcode's arguments may run over (Hugo's docs write ``figure`` on 7)."""


def _spanning(lines: list[str], n: int) -> int:
    """How many lines, from ``n``, the last shortcode opened on line ``n`` takes (1 when it
    closes there, or when no closer follows within :data:`SPAN` lines)."""
    line = lines[n]
    opened = max((line.rfind(o), o) for o in _OPENERS)
    at, opener = opened
    if at < 0 or line.find(_CLOSERS[opener], at + 3) >= 0:
        return 1
    for k in range(n + 1, min(len(lines), n + SPAN)):
        if _CLOSERS[opener] in lines[k]:
            return k - n + 1
        if any(o in lines[k] for o in _OPENERS) or not lines[k].strip():
            return 1
    return 1


_HIGHLIGHT = "highlight"
"""The fence state of a ``{{< highlight >}}`` block (closed by its shortcode, not by ```)."""


def _closes_highlight(stripped: str) -> bool:
    for opener in _OPENERS:
        closer = _CLOSERS[opener]
        if stripped.startswith(opener) and stripped.rstrip().endswith(closer):
            inner = stripped.rstrip()[3:-3].strip()
            if inner.startswith("/") and inner[1:].strip() == "highlight":
                return True
    return False


def _line(line: str, found: list[str]) -> str:
    """One line: its code spans kept, the shortcodes in the rest replaced (the line stripped
    once: for each of 60,000 tags on one line it was stripped again, quadratic)."""
    stripped = line.strip()
    return outside_code_spans(line, lambda text: _replace(text, stripped, found))


def _replace(text: str, stripped: str, found: list[str]) -> str:
    """The shortcodes of ``text`` replaced; each opener's next place is looked up again only
    once passed (a line of many ``{{<`` and one late ``{{%`` is read once, not per tag)."""
    out, pos = [], 0
    nxt = {o: text.find(o) for o in _OPENERS}
    while True:
        for o in _OPENERS:
            if 0 <= nxt[o] < pos:
                nxt[o] = text.find(o, pos)
        live = [(i, o) for o, i in nxt.items() if i >= 0]
        if not live:
            break
        start, opener = min(live)
        end = text.find(_CLOSERS[opener], start + 3)
        if end < 0:
            break
        out.append(text[pos:start])
        out.append(_tag(opener, text[start + 3 : end].strip(), stripped, found))
        pos = end + 3
    out.append(text[pos:])
    return "".join(out)


def _tag(opener: str, inner: str, stripped: str, found: list[str]) -> str:
    """What one shortcode becomes; ``stripped``: its line, stripped (a ``highlight`` opens a
    fence only alone on its line)."""
    if inner.startswith("/*") and inner.endswith("*/"):  # written to show a shortcode
        return f"{opener} {inner[2:-2].strip()} {_CLOSERS[opener]}"
    closing = inner.startswith("/")
    words = _words(inner[1:] if closing else inner)
    if not words:
        return ""
    name, positional, named = words[0][1], [], {}
    for key, value in words[1:]:
        if key:
            named[key] = value
        else:
            positional.append(value)
    alone = stripped.startswith(opener) and stripped.endswith(_CLOSERS[opener])
    if name in ("ref", "relref") and not closing:
        return named.get("path") or (positional[0] if positional else "")
    if name == "highlight":
        if not alone:
            return ""
        return "```" if closing else "```" + (positional[0] if positional else "")
    if name == "details":
        if closing:
            return "</details>"
        summary = html.escape(named.get("summary", "Details"))
        return f"<details><summary>{summary}</summary>"
    if name == "figure" and not closing:
        return _figure(named)
    if name in EMBEDS and not closing:
        keys = _KEYS.get(name, ("user", "id"))
        values = {
            k: named.get(k) or (positional[i] if i < len(positional) else "")
            for i, k in enumerate(keys)
        }
        if all(values.values()):
            url = EMBEDS[name].format(**values)
            return f'{{% embed url="{html.escape(url, quote=True)}" %}}'
        return ""
    if not closing and name not in BUILT_IN:
        message = (
            f"Hugo shortcode {name!r} is the site's own (layouts/shortcodes): its tags are "
            "left out, what it wraps is kept"
        )
        if message not in found:
            found.append(message)
    return ""


def _figure(named: dict[str, str]) -> str:
    src = named.get("src", "")
    if not src:
        return ""
    alt = html.escape(named.get("alt", ""), quote=True)
    img = f'<img src="{html.escape(src, quote=True)}" alt="{alt}">'
    if named.get("link"):
        img = f'<a href="{html.escape(named["link"], quote=True)}">{img}</a>'
    caption = named.get("caption") or named.get("title") or ""
    shown = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return f"<figure>{img}{shown}</figure>"


def _words(text: str) -> list[tuple[str, str]]:
    """(name or "", value) of each argument: ``name="v"``, ``name=v``, ``"v"``, ```v```, ``v``.
    One pass over the characters."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            break
        key = ""
        j = i
        while j < n and (text[j].isalnum() or text[j] in "_-"):
            j += 1
        if j < n and text[j] == "=" and j > i:
            key, i = text[i:j], j + 1
        if i < n and text[i] in "\"`'":
            quote = text[i]
            close = text.find(quote, i + 1)
            close = n if close < 0 else close
            out.append((key, text[i + 1 : close]))
            i = close + 1
        else:
            j = i
            while j < n and not text[j].isspace():
                j += 1
            out.append((key, text[i:j]))
            i = j
    return out
