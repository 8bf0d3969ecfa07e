"""Raw HTML inside Markdown, re-serialised from a real tokenizer: URLs made absolute, active
content removed.

Regexes over HTML can be fooled (``<scr<script></script>ipt>``, unquoted ``javascript:``,
``/onerror=``); here every tag and attribute is parsed by a tokenizer
(:mod:`pipeline.render.htmltokens`, linear where :mod:`html.parser` was quadratic) and
written back by us, text is escaped, so nothing the tokenizer did not see as an allowed tag
can come out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html import escape

from pipeline.render.htmltokens import tokens

DROP_WITH_CONTENT = {"script", "style", "template", "noscript"}
"""Dropped with everything inside: their content is code, or markup for another context."""
DROP_TAG = {
    "iframe",
    "object",
    "embed",
    "frame",
    "frameset",
    "applet",
    "base",
    "meta",
    "link",
    "form",
    "textarea",
    "title",
    "xmp",
    "plaintext",
    "noembed",
    "noframes",
    "select",
    "animate",
    "animatemotion",
    "animatetransform",
    "set",
    "dialog",
}
"""Dropped, their content kept as ordinary markup: embedding and form elements, the elements
that switch a browser's tokenizer (left open, ``<textarea>`` or ``<title>`` would swallow the
rest of the page), and SVG's animations (``<animate attributeName="href" values="javascript:…">``
sets a link no attribute check sees), and ``<dialog>``, which browsers lay over the page
(``<dialog open>`` is positioned by the browser's own style sheet)."""
DROP_ATTRS = frozenset(
    {
        "overflow",
        "popover",
        "popovertarget",
        "popovertargetaction",
        "command",
        "commandfor",
        "interestfor",
        "voffset",
    }
)
"""Attributes that lay a box over the page: SVG's ``overflow="visible"`` paints shapes drawn
at negative coordinates over everything above and beside it, a popover and what opens one
(a button's ``popovertarget``, ``commandfor``) show a box over the whole page, and MathML's
``voffset`` draws a formula away from its place. (And an ``<img>``'s ``name``, below: it
names a property of ``document`` itself, so ``<img name="getElementById">`` broke the
theme's scripts: the search box and the menu button on every page showing the post.)"""
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "frame",
    "hr",
    "img",
    "input",
    "keygen",
    "link",
    "meta",
    "param",
    "source",
    "track",
    "wbr",
}
"""Elements without an end tag: never waited for, never left open."""
URL_ATTRS = {
    "href",
    "src",
    "poster",
    "cite",
    "action",
    "formaction",
    "background",
    "data",
    "ping",
    "longdesc",
    "codebase",
    "dynsrc",
    "lowsrc",
    "icon",
    "manifest",
    "usemap",
}
"""Checked by local name, so SVG's and MathML's ``xlink:href`` is one too."""
_PADDING = frozenset({"height", "depth", "width", "lspace"})
"""MathML's ``<mpadded>`` sizes: of no height, a padded formula with a tall ``<mspace>`` in it
is drawn upward from its line over everything above it (the site's header)."""
_MATH_LENGTHS = frozenset({"width", "height", "depth", "lspace", "rspace", "minsize", "maxsize"})
"""Lengths a negative value of which draws what follows over what came before."""
_TAG = re.compile(r"^[a-z][a-z0-9-]*$")
_ATTR = re.compile(r"^[a-z_:][a-z0-9_:.-]*$")
_BAD_SCHEME = re.compile(r"^\s*(javascript|vbscript|data|file)\s*:", re.I)
_BAD_STYLE = re.compile(r"expression\s*+\(|javascript:|url\s*+\(\s*+['\"]?+\s*+javascript", re.I)
"""Possessive: blanks and quotes are told apart by their characters, so nothing is given
back (``url(`` and a long run of blanks was quadratic)."""
STYLE_PROPERTIES = frozenset(
    """color background background-color font font-family font-size font-style font-weight
    font-variant line-height letter-spacing word-spacing text-align text-decoration
    text-decoration-line text-decoration-color text-decoration-style text-transform
    text-indent vertical-align white-space word-break word-wrap overflow-wrap direction
    list-style list-style-type list-style-position width height max-width max-height
    min-width min-height aspect-ratio object-fit object-position margin margin-top
    margin-right margin-bottom margin-left padding padding-top padding-right padding-bottom
    padding-left border border-top border-right border-bottom border-left border-width
    border-style border-color border-top-width border-right-width border-bottom-width
    border-left-width border-top-style border-right-style border-bottom-style
    border-left-style border-top-color border-right-color border-bottom-color
    border-left-color border-radius border-collapse border-spacing caption-side table-layout
    float clear display visibility""".split()  # noqa: SIM905 - a word list, not 77 lines of quotes
)
"""The declarations an author's ``style`` keeps: colour, type, box and table. What moves a
box out of its place in the text, or paints outside it, is left out (``position``, ``top``,
``z-index``, ``transform``, ``outline``, shadows, ``overflow``, ``clip-path``, a negative
length): a post must not lay a box over the page around it (a fake sign-in over the site's
own header), in the site or in a feed reader."""
_DECLARATION = re.compile(r"\s*+([A-Za-z-]++)\s*+:")
_STYLE_VALUE_BAD = re.compile(
    r"(?<![\w.-])-\s*+[.\d]|[\\<@{}]|/\*|\b(?:url|image|image-set|element)\s*+\(", re.I
)
"""What no kept declaration's value may hold: a negative length (``margin-top:-40em`` pulls a
box over what is above it), a CSS escape or comment (which hide what a value says), markup,
and an image loaded from a URL."""


def safe_style(value: str) -> str:
    """``value`` (a ``style`` attribute) with only the declarations of
    :data:`STYLE_PROPERTIES` whose values hold nothing :data:`_STYLE_VALUE_BAD` finds; as it
    is written when every declaration is kept (``color:red;``), "" when none is."""
    if _BAD_STYLE.search(value):
        return ""
    kept: list[str] = []
    dropped = False
    for declaration in value.split(";"):
        if not declaration.strip():
            continue
        m = _DECLARATION.match(declaration)
        if (
            m is None
            or m.group(1).lower() not in STYLE_PROPERTIES
            or _STYLE_VALUE_BAD.search(declaration, m.end())
        ):
            dropped = True
            continue
        kept.append(declaration.strip())
    if not dropped:
        return value
    return ";".join(kept)


def srcset_spans(value: str) -> Iterator[tuple[int, int, str]]:
    """(start, end) of each candidate's URL in ``value``, and the text of its descriptors, as
    the HTML standard splits a ``srcset``: a URL runs to the next blank and may hold commas
    (``/w_100,h_100/x.jpg``); a comma after a URL, or after its descriptors, ends the
    candidate. But a value with no comma whose blanks part no descriptors (``1x``, ``640w``)
    is one URL: GitBook's Git Sync writes a dark-mode image's file as it is named,
    ``<source srcset="../.gitbook/assets/image (8).png" media="(prefers-color-scheme:
    dark)">``, which the standard's split reads as ``../.gitbook/assets/image``."""
    if "," not in value:
        start, end = len(value) - len(value.lstrip()), len(value.rstrip())
        rest = value[start:end].partition(" ")[2]
        if rest and not all(map(_descriptor, rest.split())):
            yield start, end, ""
            return
    pos, n = 0, len(value)
    while pos < n:
        while pos < n and (value[pos].isspace() or value[pos] == ","):
            pos += 1
        start = pos
        while pos < n and not value[pos].isspace():
            pos += 1
        end, descriptors = pos, ""
        if value[start:end].endswith(","):
            while end > start and value[end - 1] == ",":
                end -= 1
        else:
            comma = value.find(",", pos)
            stop = n if comma < 0 else comma
            descriptors, pos = value[pos:stop], stop + 1
        if end > start:
            yield start, end, descriptors


def _descriptor(token: str) -> bool:
    """``2x``, ``1.5x``, ``640w``, ``480h``: a number and its unit."""
    if len(token) < 2 or token[-1] not in "wxh" or not token[0].isascii():
        return False
    try:
        float(token[:-1])
    except ValueError:
        return False
    return True


def srcset_candidates(value: str) -> list[tuple[str, list[str]]]:
    """``srcset``'s (URL, descriptors) (see :func:`srcset_spans`)."""
    return [(value[start:end], more.split()) for start, end, more in srcset_spans(value)]


Resolver = Callable[[str, str, int], str]
"""(target, kind, line) -> absolute URL; records the link as a side effect."""


class _Sanitizer:
    def __init__(self, resolve: Resolver, line: int) -> None:
        self.resolve = resolve
        self.first_line = line
        self.out: list[str] = []
        self.skip: list[str] = []
        self.open: list[str] = []
        """Elements written and not yet closed: stray end tags are dropped, and what is still
        open at the end is closed there, so a fragment never leaks into the page around it."""
        self.open_count: dict[str, int] = {}
        """How many of :attr:`open` each tag is: a stray end tag is known in one look (a
        search of the list for each was quadratic in ``<div>`` × n then ``</span>`` × n)."""
        self.anchors: list[str] = []
        self.line = line

    def _line(self) -> int:
        return self.line

    def feed(self, fragment: str) -> None:
        for token in tokens(fragment):
            self.line = self.first_line + token.line - 1
            if token.kind == "start":
                self._start(token.name, token.attrs, token.closed, token.text)
            elif token.kind == "end":
                self.handle_endtag(token.name)
            else:
                self.handle_data(token.text)

    def _start(
        self, tag: str, attrs: tuple[tuple[str, str | None], ...], closed: bool, written: str
    ) -> None:
        if self.skip:
            if tag == self.skip[-1] and not closed:
                self.skip.append(tag)  # nested: its own end tag must not end the outer one
            return
        if tag in DROP_WITH_CONTENT:
            if not closed:
                self.skip.append(tag)
            return
        if tag in DROP_TAG:
            return
        if not _TAG.match(tag):
            self.out.append(escape(written))
            return
        parts = [tag]
        for name, value in attrs:
            local = name.rpartition(":")[2]
            if (
                not _ATTR.match(name)
                or local.startswith("on")
                or name == "xml:base"
                or local in DROP_ATTRS
                or (name == "name" and tag == "img")
                or (tag == "mpadded" and local in _PADDING)
                or (local in _MATH_LENGTHS and (value or "").lstrip().startswith("-"))
            ):
                continue
            if value is None:
                parts.append(name)
                continue
            if name in ("id", "name"):
                self.anchors.append(value)
            if local in URL_ATTRS:
                kind = "image" if name in ("src", "poster") else "link"
                if _BAD_SCHEME.match(value) and not (
                    kind == "image" and value.strip().lower().startswith("data:image/")
                ):
                    continue
                value = self.resolve(value, kind, self._line())
            elif name == "srcset":
                value = ", ".join(
                    " ".join([self.resolve(url, "image", self._line()), *descriptors])
                    for url, descriptors in srcset_candidates(value)
                    if not _BAD_SCHEME.match(url) or url.lower().startswith("data:image/")
                )
            elif name == "style":
                value = safe_style(value)
                if not value.strip():
                    continue
            parts.append(f'{name}="{escape(value, quote=True)}"')
        if tag in VOID:
            self.out.append("<" + " ".join(parts) + (" />" if closed else ">"))
        elif closed:  # "<a href=x />": HTML ignores the slash; closed here, as it was meant
            self.out.append("<" + " ".join(parts) + f"></{tag}>")
        else:
            self.out.append("<" + " ".join(parts) + ">")
            self.open.append(tag)
            self.open_count[tag] = self.open_count.get(tag, 0) + 1

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            if tag == self.skip[-1]:
                self.skip.pop()
            return
        if not _TAG.match(tag):
            self.out.append(escape(f"</{tag}>"))
        elif self.open_count.get(tag):  # closes it and whatever was left open inside it
            while self.open:
                inner = self.open.pop()
                self.open_count[inner] -= 1
                self.out.append(f"</{inner}>")
                if inner == tag:
                    break

    def close_open(self) -> None:
        while self.open:
            self.out.append(f"</{self.open.pop()}>")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.out.append(escape(data, quote=False))

    # comments (conditional comments can carry markup), declarations and processing
    # instructions are dropped: the tokenizer yields nothing for them


def sanitize(fragment: str, resolve: Resolver, line: int) -> tuple[str, list[str]]:
    """Safe HTML for ``fragment`` and the ids/names it defines (anchors for the link checker)."""
    parser = _Sanitizer(resolve, line)
    parser.feed(fragment)
    parser.close_open()
    text = "".join(parser.out)
    if fragment.endswith("\n") and not text.endswith("\n"):
        text += "\n"
    return text, parser.anchors
