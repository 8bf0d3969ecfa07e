"""Jekyll's Liquid in a page written for Jekyll, read before the Markdown is: line for line.

A blog moved from Jekyll keeps ``{% highlight ruby %}`` around its code, ``{% post_url
2010-07-21-name %}`` and ``{% link about.md %}`` in its links, and ``{{ site.baseurl }}`` in
front of its own paths. Left to the GitBook pre-pass (which drops tags it does not know), the
code became a paragraph and the links pointed at the page itself. Here ``highlight`` becomes
a fenced block, ``post_url`` and ``link`` the file's path from this page (the link resolver
makes it the page's URL, or warns that it points at nothing), ``{{ site.baseurl }}`` and
``{{ site.url }}`` nothing (the path after them is then the site's own), and ``raw`` its
content. Any other Liquid is left as written.

Every line keeps its number; fenced code and code spans stay as written. One ``str.find``
pass per line: linear.
"""

from __future__ import annotations

import posixpath

from pipeline.render.gitbook_text import closes_fence, opens_fence, outside_code_spans
from pipeline.support.text import find

_SITE_VARIABLES = ("{{ site.baseurl }}", "{{site.baseurl}}", "{{ site.url }}", "{{site.url}}")


_TAGS = ("endhighlight", "post_url", "link", "endraw")
"""The names of the tags above that a page holds when it uses one (a ``highlight`` is read
when it is closed): a page with none (a GitBook page's hints, say) is not read line by
line."""
_VARIABLES = ("site.baseurl", "site.url")


def has_liquid(body: str) -> bool:
    """Whether a tag above, or ``{{ site.baseurl }}``/``{{ site.url }}``, is in ``body``: the
    name after each ``{%`` and ``{{`` is looked at (a few a page), not the whole text once
    for each name."""
    return _opens(body, "{%", _TAGS) or _opens(body, "{{", _VARIABLES)


def _opens(body: str, mark: str, names: tuple[str, ...]) -> bool:
    at = find(body, mark)
    while at >= 0:
        if body[at + 2 : at + 40].lstrip("-").lstrip(" \t").startswith(names):
            return True
        at = find(body, mark, at + 2)
    return False


def liquid(body: str, source: str) -> str:
    """``body`` (the page at ``source``, relative to the content root) with Jekyll's tags
    above replaced."""
    if not has_liquid(body):
        return body
    out: list[str] = []
    fence = ""
    for line in body.split("\n"):
        stripped = line.lstrip(" ")
        if fence == _HIGHLIGHT:  # code up to the tag that closes it
            if _tag_name(stripped) == "endhighlight":
                fence, line = "", "```"
            out.append(line)
            continue
        if fence:
            if closes_fence(stripped, fence):
                fence = ""
            out.append(line)
            continue
        if opened := opens_fence(stripped, len(line) - len(stripped)):
            fence = opened
            out.append(line)
            continue
        if _tag_name(stripped) == "highlight":
            words = stripped.strip()[2:-2].split()
            out.append("```" + (words[1] if len(words) > 1 else ""))
            fence = _HIGHLIGHT
            continue
        out.append(_line(line, source) if "{%" in line or "{{" in line else line)
    return "\n".join(out)


_HIGHLIGHT = "highlight"
"""The fence state of a ``{% highlight %}`` block (closed by its end tag, not by ```)."""


def _tag_name(stripped: str) -> str:
    """The name of the tag that is the whole line (``{% highlight ruby %}``), else ''."""
    text = stripped.strip()
    if not (text.startswith("{%") and text.endswith("%}")):
        return ""
    words = text[2:-2].strip("- ").split()
    return words[0] if words else ""


def _line(line: str, source: str) -> str:
    return outside_code_spans(line, lambda text: _replace(text, source))


def _replace(text: str, source: str) -> str:
    for variable in _SITE_VARIABLES:
        text = text.replace(variable, "")
    if "{%" not in text:
        return text
    out, pos = [], 0
    while (start := text.find("{%", pos)) >= 0:
        end = text.find("%}", start + 2)
        if end < 0:
            break
        words = text[start + 2 : end].strip("- \t").split()
        name = words[0] if words else ""
        if name in ("post_url", "link") and len(words) > 1:
            out.append(text[pos:start])
            out.append(_path(name, words[1], source))
        elif name in ("raw", "endraw"):
            out.append(text[pos:start])
        else:
            out.append(text[pos : end + 2])  # another tag: the GitBook pre-pass decides
        pos = end + 2
    out.append(text[pos:])
    return "".join(out)


def _path(name: str, target: str, source: str) -> str:
    """The file ``post_url``/``link`` names, as a path from the page's folder."""
    target = target.strip("\"'").lstrip("/")
    if name == "post_url":
        folder, _, post = target.rpartition("/")
        target = posixpath.join(folder, "_posts", f"{post}.md")
    return posixpath.relpath(target, posixpath.dirname(source) or ".")
