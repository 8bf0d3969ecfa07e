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

from pygments import highlight as pygmentize
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

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
_FORMATTER = HtmlFormatter(nowrap=True)


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
            spans = pygmentize(html.unescape(code), lexer, _FORMATTER)
            parts.append(f'<pre class="highlight"><code class="language-{name}">{spans}{_CLOSE}')
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
