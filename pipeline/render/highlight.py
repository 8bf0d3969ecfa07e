"""Code blocks highlighted at build time with Pygments: ``<pre><code class="language-x">``
becomes token spans styled by the theme's ``highlight.css``; no script runs in the reader's
browser, and feeds carry the same spans (readers that ignore classes show plain code).

Guarded, since a lexer is a set of regular expressions run over the author's text: only the
languages below (the ones communities' handbooks and posts use), only blocks up to
``MAX_BLOCK`` characters; anything else stays plain.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Iterable

from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.token import STANDARD_TYPES, _TokenType
from pygments.util import ClassNotFound

from pipeline.render.lexing import tokens

LANGUAGES = frozenset(
    [
        "bash",
        "sh",
        "shell",
        "console",
        "zsh",
        "python",
        "py",
        "python3",
        "javascript",
        "js",
        "typescript",
        "ts",
        "json",
        "yaml",
        "yml",
        "toml",
        "ini",
        "html",
        "xml",
        "css",
        "scss",
        "markdown",
        "md",
        "sql",
        "go",
        "rust",
        "rs",
        "ruby",
        "rb",
        "java",
        "kotlin",
        "c",
        "cpp",
        "c++",
        "csharp",
        "cs",
        "php",
        "diff",
        "dockerfile",
        "make",
        "makefile",
        "nginx",
        "lua",
        "swift",
        "r",
        "elixir",
        "haskell",
    ]
)
MAX_BLOCK = 20_000
_OPEN = '<pre><code class="language-'
_CLOSE = "</code></pre>"


def _parent(ttype: _TokenType) -> _TokenType:
    parent = ttype.parent
    assert parent is not None  # every type descends from Token, which is standard
    return parent


def _css_class(ttype: _TokenType) -> str:
    """The class Pygments' ``HtmlFormatter`` gives a token type: the nearest standard type's
    short name with the rest of the type's name appended (``k-Custom``)."""
    short = STANDARD_TYPES.get(ttype)
    extra = ""
    while short is None:
        extra = "-" + ttype[-1] + extra
        ttype = _parent(ttype)
        short = STANDARD_TYPES.get(ttype)
    return short + extra


@functools.lru_cache(maxsize=1024)
def _opener(ttype: _TokenType) -> tuple[str, str]:
    """A token type's opening and closing tags, with the classes of its non-standard parents
    before its own (as ``HtmlFormatter``'s ``_get_css_classes``); none for plain text."""
    classes = _css_class(ttype)
    while ttype not in STANDARD_TYPES:
        ttype = _parent(ttype)
        classes = _css_class(ttype) + " " + classes
    return (f'<span class="{classes}">', "</span>") if classes else ("", "")


def spans(tokens: Iterable[tuple[_TokenType, str]]) -> str:
    """The tokens as ``HtmlFormatter(nowrap=True)`` writes them (Pygments 2.21, which escapes
    ``&``, ``<`` and ``>`` only): a span per run of one type on a line, closed at each line's
    end and opened again on the next, none for empty text. Written here in one pass into one
    list, in half to three quarters of the time the formatter's generators of lines take;
    pinned, so the pages' bytes do not change with the version of Pygments installed (before
    2.21 it wrote ``&quot;`` and ``&#39;`` as well). Equal to ``HtmlFormatter``'s on 14,848
    blocks of every language here, once; ``tests/render/test_highlight.py`` holds the spans
    to the text they carry and pins one block's bytes."""
    out: list[str] = []
    add = out.append
    line = False  # text of the current line written
    lspan = lclose = ""  # the span open on it
    for ttype, value in tokens:
        cspan, cclose = _opener(ttype)
        text = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        last = text
        if "\n" in text:
            *ended, last = text.split("\n")
            for part in ended:
                if not line:
                    add(f"{cspan}{part}{cclose}\n" if part else "\n")
                elif lspan != cspan and part:
                    add(f"{lclose}{cspan}{part}{cclose}\n")
                else:
                    add(f"{part}{lclose}\n")
                line = False
        if not last:
            continue
        if not line:
            add(cspan)
            lspan, lclose, line = cspan, cclose, True
        elif lspan != cspan:
            add(lclose + cspan)
            lspan, lclose = cspan, cclose
        add(last)
    if line:
        add(lclose + "\n")
    return "".join(out)


@functools.lru_cache(maxsize=64)
def _lexer(name: str) -> Lexer | None:
    if name not in LANGUAGES:
        return None
    try:
        return get_lexer_by_name(name, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


def highlight(out: str) -> str:
    """``out`` (cmark's HTML) with each fenced block of a known language highlighted; one
    pass of ``str.find``."""
    if _OPEN not in out:
        return out
    parts: list[str] = []
    pos = 0
    while (start := out.find(_OPEN, pos)) >= 0:
        name_end = out.find('"', start + len(_OPEN))
        body_start = out.find(">", name_end) + 1
        end = out.find(_CLOSE, body_start)
        if name_end < 0 or body_start <= 0 or end < 0:
            break
        name = out[start + len(_OPEN) : name_end]
        code = out[body_start:end]
        lexer = _lexer(name.lower())
        parts.append(out[pos:start])
        if lexer is None or len(code) > MAX_BLOCK or "<" in code:
            # markup inside: not a fenced block, whose text cmark and the sanitizer escape;
            # the first close found may be an inner element's, and replacing up to it left
            # the outer ones' end tags (a stray </div> closed the page's layout around it)
            parts.append(out[start : end + len(_CLOSE)])
        else:
            code_spans = spans(tokens(lexer, html.unescape(code)))
            parts.append(
                f'<pre class="highlight"><code class="language-{name}">{code_spans}{_CLOSE}'
            )
        pos = end + len(_CLOSE)
    parts.append(out[pos:])
    return "".join(parts)


def stylesheet() -> str:
    """The token colours, light and dark (``static/highlight.css`` of the theme)."""
    light = HtmlFormatter(style="default").get_style_defs(".highlight")  # type: ignore[no-untyped-call]  # the stubs leave it untyped
    dark = HtmlFormatter(style="github-dark").get_style_defs(".highlight")  # type: ignore[no-untyped-call]
    return (
        "/* Made by pipeline.render.highlight.stylesheet(): Pygments' default and github-dark. */\n"
        f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"
    )
