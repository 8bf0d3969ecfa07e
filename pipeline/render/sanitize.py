"""Raw HTML inside Markdown, re-serialised from a real tokenizer: URLs made absolute, active
content removed.

Regexes over HTML can be fooled (``<scr<script></script>ipt>``, unquoted ``javascript:``,
``/onerror=``); here every tag and attribute is parsed by :mod:`html.parser` and written back
by us, text is escaped, so nothing the parser did not see as an allowed tag can come out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from html.parser import HTMLParser

DROP_WITH_CONTENT = {
    "script",
    "style",
    "iframe",
    "object",
    "embed",
    "noscript",
    "template",
    "frame",
    "frameset",
    "applet",
    "base",
    "meta",
    "link",
    "form",
}
VOID = {"area", "br", "col", "hr", "img", "input", "source", "track", "wbr", "param"}
URL_ATTRS = {"href", "src", "poster", "cite", "action", "formaction", "background", "data"}
_TAG = re.compile(r"^[a-z][a-z0-9-]*$")
_ATTR = re.compile(r"^[a-z_:][a-z0-9_:.-]*$")
_BAD_SCHEME = re.compile(r"^\s*(javascript|vbscript|data|file)\s*:", re.I)
_BAD_STYLE = re.compile(r"expression\s*\(|javascript:|url\s*\(\s*['\"]?\s*javascript", re.I)

Resolver = Callable[[str, str, int], str]
"""(target, kind, line) -> absolute URL; records the link as a side effect."""


class _Sanitizer(HTMLParser):
    def __init__(self, resolve: Resolver, line: int) -> None:
        super().__init__(convert_charrefs=True)
        self.resolve = resolve
        self.first_line = line
        self.out: list[str] = []
        self.skip: list[str] = []
        self.anchors: list[str] = []

    def _line(self) -> int:
        return self.first_line + self.getpos()[0] - 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=True)

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], closed: bool) -> None:
        if tag in DROP_WITH_CONTENT:
            if not closed and tag not in VOID and tag not in ("base", "meta", "link"):
                self.skip.append(tag)
            return
        if self.skip:
            return
        if not _TAG.match(tag):
            self.out.append(escape(self.get_starttag_text() or ""))
            return
        parts = [tag]
        for name, value in attrs:
            if not _ATTR.match(name) or name.startswith("on"):
                continue
            if value is None:
                parts.append(name)
                continue
            if name in ("id", "name"):
                self.anchors.append(value)
            if name in URL_ATTRS:
                kind = "image" if name in ("src", "poster") else "link"
                if _BAD_SCHEME.match(value) and not (
                    kind == "image" and value.strip().lower().startswith("data:image/")
                ):
                    continue
                value = self.resolve(value, kind, self._line())
            elif name == "srcset":
                value = ", ".join(
                    " ".join([self.resolve(c.split()[0], "image", self._line()), *c.split()[1:]])
                    for c in value.split(",")
                    if c.strip()
                )
            elif name == "style" and _BAD_STYLE.search(value):
                continue
            parts.append(f'{name}="{escape(value, quote=True)}"')
        self.out.append("<" + " ".join(parts) + (" />" if closed else ">"))

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            if tag == self.skip[-1]:
                self.skip.pop()
            return
        if tag in DROP_WITH_CONTENT:
            return
        self.out.append(f"</{tag}>" if _TAG.match(tag) else escape(f"</{tag}>"))

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.out.append(escape(data, quote=False))

    def handle_comment(self, data: str) -> None:
        """Comments are dropped (conditional comments can carry markup)."""

    def handle_decl(self, decl: str) -> None:
        """Doctype and other declarations are dropped."""

    def handle_pi(self, data: str) -> None:
        """Processing instructions are dropped."""

    def unknown_decl(self, data: str) -> None:
        """CDATA sections and the like are dropped."""


def sanitize(fragment: str, resolve: Resolver, line: int) -> tuple[str, list[str]]:
    """Safe HTML for ``fragment`` and the ids/names it defines (anchors for the link checker)."""
    parser = _Sanitizer(resolve, line)
    parser.feed(fragment)
    parser.close()
    text = "".join(parser.out)
    if fragment.endswith("\n") and not text.endswith("\n"):
        text += "\n"
    return text, parser.anchors
