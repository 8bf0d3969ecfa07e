"""GitBook's template tags: ``{% hint %}``, ``{% embed %}``, ``{% file %}``, ``{% tabs %}``,
``{% content-ref %}``, ``{% code %}`` and friends.

Two uses of one set of rules: markdown-it rules for the link scan (block tags become tokens
whose children are parsed as Markdown, so line maps and ``path:line`` stay true), and the HTML
each tag stands for, which the renderer's text pre-pass (:mod:`pipeline.render.gitbook_text`)
writes. An unknown tag is dropped: raw ``{% ... %}`` never reaches an output.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from pipeline.render.embeds import embed_html

if TYPE_CHECKING:  # markdown-it is imported by the link scan alone (start-up time)
    from markdown_it import MarkdownIt
    from markdown_it.rules_block import StateBlock
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token

TAG = re.compile(r"\{%\s*+(@?[A-Za-z][\w/.-]*+|(?=%\}))((?:[^%{]|%(?!\})|\{(?!%))*+)%\}")
"""A tag: ``{% hint style="info" %}``, an integration block (``{% @github-files/github-code-block
url="..." %}``: the name starts with ``@``), or an empty ``{% %}``.

Linear in the text searched: the quantifiers are possessive (never given back, so a long name
or run of blanks without ``%}`` is not retried at every length), and a tag's text stops at the
next ``{%``, so each character is read by at most one attempt (``{% a {% b %}`` is the tag
``b``; without this, text with many ``{%`` and no ``%}`` was read once per ``{%``)."""
_ARGS = re.compile(r"""(?<![\w-])([\w-]++)\s*+=\s*+(?:"([^"]*)"|'([^']*)'|(\S+))""")
"""``name=value`` pairs; a name starts only where a word starts (else a long word without
``=`` is tried from each of its characters: quadratic)."""

CONTAINERS = {
    "hint",
    "tabs",
    "tab",
    "code",
    "content-ref",
    "embed",
    "file",
    "stepper",
    "step",
    "columns",
    "column",
    "swagger",
    "swagger-description",
    "swagger-parameter",
    "swagger-response",
    "openapi",
    "openapi-operation",
    "api-method",
    "updates",
    "update",
    "code-tabs",
    "code-tabs-item",
    "api-method-parameter",
    "api-method-response-example",
}
"""Tags that may wrap content up to a matching ``{% endNAME %}``. ``code-tabs`` and
``api-method`` are the legacy GitBook's (spaces exported before 2020 still hold them, and
GitBook still reads them); their other parts (``api-method-summary``, ``-spec``, ...) carry
nothing but their content, kept as the tags go."""

HINT_LABELS = {"info": "Note", "warning": "Warning", "danger": "Important", "success": "Tip"}


def parse_args(text: str) -> dict[str, str]:
    return {
        m.group(1): html.unescape(m.group(2) or m.group(3) or m.group(4) or "")
        for m in _ARGS.finditer(text)
    }


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
"""A Markdown backslash escape (CommonMark: before ASCII punctuation)."""


def unescaped(value: str) -> str:
    """A tag's title or caption as GitBook shows it: its Markdown escapes read (GitBook
    writes ``title="iOS \\(AEP 3.x\\)"`` and ``title="config\\_file.js"``)."""
    return _ESCAPED.sub(r"\1", value) if "\\" in value else value


def _scan_args(name: str, args: dict[str, str]) -> dict[str, str]:
    """A tag's arguments as the link scan reads them: a ``page-ref``'s ``page`` is the link
    it stands for (its ``src``, as a ``file``'s)."""
    if name == "page-ref" and args.get("page") and "src" not in args:
        return {**args, "src": args["page"]}
    return args


def _line(state: StateBlock, n: int) -> str:
    return state.src[state.bMarks[n] + state.tShift[n] : state.eMarks[n]]


def _indented_line(state: StateBlock, n: int) -> str:
    """Line ``n`` as this block level reads it, with its indent beyond the level's (what
    decides whether it is indented code) as spaces."""
    return " " * max(0, state.sCount[n] - state.blkIndent) + _line(state, n)


def whole_tag(text: str) -> re.Match[str] | None:
    m = TAG.match(text.strip())
    return m if m and m.end() == len(text.strip()) else None


def gitbook_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    m = whole_tag(_line(state, start))
    if not m:
        return False
    name, args = m.group(1), _scan_args(m.group(1), parse_args(m.group(2)))
    if silent:
        return True
    close = _close_line(state, start, end) if name in CONTAINERS else None
    if close is None:
        if name.startswith("end"):
            state.line = start + 1  # a stray end tag: drop it
            return True
        token = state.push("gitbook_tag", "", 0)
        token.meta = {"name": name, "args": args}
        token.map = [start, start + 1]
        token.block = True
        state.line = start + 1
        return True
    old_parent, old_max = state.parentType, state.lineMax
    state.parentType = "gitbook"
    state.lineMax = close
    token = state.push("gitbook_open", "", 1)
    token.meta = {"name": name, "args": args}
    token.map = [start, close + 1]
    token.block = True
    state.md.block.tokenize(state, start + 1, close)
    token = state.push("gitbook_close", "", -1)
    token.meta = {"name": name, "args": args}
    token.block = True
    state.parentType, state.lineMax = old_parent, old_max
    state.line = close + 1
    return True


def _close_line(state: StateBlock, start: int, end: int) -> int | None:
    """The line closing the container opened at ``start``, lines read as this block level
    reads them (a blockquote's without their ``>``), tags in fenced and indented code left
    out as the pre-pass leaves them (:func:`~pipeline.render.gitbook_text.container_ends`).
    The closing lines of every container from ``start`` to ``end`` are found in one pass and
    kept for the later ones of the same block level, which is named by its end line, indent
    and parent and by where ``start`` begins (a search from each opening line was quadratic
    in unclosed ones). A container tag that pass read as code and markdown-it reads as a tag
    (the two readings of a fence may differ) is taken as closed by nothing: not searched from
    again, so the scan stays linear."""
    from pipeline.render.gitbook_text import container_ends  # (it imports this module)

    memo: dict[tuple[object, ...], int | None] = state.env.setdefault("_gitbook_ends", {})
    level = (end, state.blkIndent, state.parentType)
    key = (*level, start, state.bMarks[start] + state.tShift[start])
    if key not in memo:
        lines = [_indented_line(state, n) for n in range(start, end)]
        marked = [
            n for n, line in enumerate(lines) if "{%" in line or "```" in line or "~~~" in line
        ]
        ends = container_ends(lines, marked)
        for n in marked:
            line = lines[n]
            if "{%" in line and (tag := whole_tag(line.strip())) and tag.group(1) in CONTAINERS:
                at = start + n
                close = ends.get(n)
                memo[(*level, at, state.bMarks[at] + state.tShift[at])] = (
                    None if close is None else start + close
                )
    return memo[key]


def split_inline_tags(state: StateCore) -> None:
    """Turn ``{% ... %}`` inside text runs into ``gitbook_tag`` tokens (a core rule: the inline
    text rule would otherwise swallow the braces)."""
    from markdown_it.token import Token

    for block in state.tokens:
        if block.type != "inline" or not block.children or "{%" not in block.content:
            continue
        out: list[Token] = []
        for child in block.children:
            if child.type != "text" or "{%" not in child.content:
                out.append(child)
                continue
            pos = 0
            for m in TAG.finditer(child.content):
                if m.start() > pos:
                    out.append(_text(child.content[pos : m.start()]))
                tag = Token("gitbook_tag", "", 0)
                tag.meta = {
                    "name": m.group(1),
                    "args": _scan_args(m.group(1), parse_args(m.group(2))),
                }
                out.append(tag)
                pos = m.end()
            if pos < len(child.content):
                out.append(_text(child.content[pos:]))
        block.children = out


def _text(content: str) -> Token:
    from markdown_it.token import Token

    token = Token("text", "", 0)
    token.content = content
    return token


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def tag_html(name: str, args: dict[str, str], block: bool) -> str:
    """HTML for a self-contained tag (``embed``, ``file``, an integration with a ``url``);
    nothing for any other tag."""
    if name == "embed" and args.get("url"):
        url = args["url"]
        if not block:
            caption = _esc(unescaped(args.get("caption") or url))
            return f'<a class="embed" href="{_esc(url)}">{caption}</a>'
        return embed_html(url, unescaped(args.get("caption", "")))
    if name == "file" and args.get("src"):
        url = args["src"]
        label = unescaped(args.get("caption") or "") or url.rsplit("/", 1)[-1]
        link = f'<a class="file" href="{_esc(url)}">📎 {_esc(label)}</a>'
        return f"<p>{link}</p>\n" if block else link
    if name == "page-ref" and args.get("page"):  # the legacy GitBook's content-ref
        page = _esc(args["page"])
        link = f'<a href="{page}">{page}</a>'  # a card the renderer titles as content-ref's
        return f'<div class="gitbook-content-ref">\n<p>{link}</p>\n</div>\n' if block else link
    if name.startswith("@") and args.get("url"):  # an integration: GitHub files, Figma, ...
        url = args["url"]
        if not block:
            return f'<a class="embed" href="{_esc(url)}">{_esc(url)}</a>'
        return embed_html(url)
    return ""


def open_html(name: str, args: dict[str, str]) -> str:
    """HTML that opens a container tag (its content is Markdown)."""
    if name == "hint":
        style = re.sub(r"[^\w-]", "", args.get("style", "info")) or "info"
        label = HINT_LABELS.get(style, style.title())
        return (
            f'<blockquote class="hint hint-{style}" data-hint="{style}">'
            f'<p class="hint-label"><strong>{_esc(label)}</strong></p>\n'
        )
    if name in ("tab", "code-tabs-item"):
        title = _esc(unescaped(args.get("title", "")))
        return f'<section class="tab"><h4 class="tab-title">{title}</h4>\n'
    if name == "embed" and args.get("url"):
        return (
            embed_html(args["url"], unescaped(args.get("caption", "")))
            + '<div class="embed-caption">\n'
        )
    if name == "file" and args.get("src"):
        url = args["src"]
        return (
            f'<div class="file"><p><a href="{_esc(url)}">📎 {_esc(url.rsplit("/", 1)[-1])}</a>'
            "</p>\n"
        )
    if name == "update" and args.get("date"):  # an entry of GitBook's changelog block
        date = args["date"]
        shown = (
            f'<time datetime="{_esc(date)}">{_esc(date)}</time>'
            if _ISO_DATE.fullmatch(date)
            else _esc(date)
        )
        return f'<div class="gitbook-update"><p class="update-date">{shown}</p>\n'
    if name == "code" and args.get("title"):
        return (
            f'<div class="code-block"><p class="code-title">{_esc(unescaped(args["title"]))}</p>\n'
        )
    if name in _API:
        return _api_html(name, args)
    return f'<div class="gitbook-{_esc(name)}">\n'


_API = {
    "swagger",
    "swagger-parameter",
    "swagger-response",
    "openapi",
    "openapi-operation",
    "api-method",
    "api-method-parameter",
    "api-method-response-example",
}
"""GitBook's API blocks: what their arguments say (the method and path of an endpoint, a
parameter's name and type, a response's status) is shown as a head line, as GitBook does,
before the Markdown they wrap (descriptions, example bodies)."""


def _api_html(name: str, args: dict[str, str]) -> str:
    open_div = f'<div class="gitbook-{_esc(name)}">\n'
    if name == "openapi-operation" and (anchor := _operation_anchor(args)):
        open_div = f'<div class="gitbook-{name}" id="{anchor}">\n'
    if name in ("swagger-parameter", "api-method-parameter"):
        facts = [args.get("type", ""), args.get("in", "")]
        facts += ["required"] if args.get("required", "").lower() == "true" else []
        shown = " · ".join(_esc(f) for f in facts if f)
        head = f"<code>{_esc(args.get('name', ''))}</code>" + (f" {shown}" if shown else "")
        line = head + (f" — {_esc(args['description'])}" if args.get("description") else "")
        return f'{open_div}<p class="api-parameter">{line}</p>\n'
    if name in ("swagger-response", "api-method-response-example"):
        status = _esc(args.get("status", "") or args.get("httpCode", ""))
        described = f" {_esc(args['description'])}" if args.get("description") else ""
        return f'{open_div}<p class="api-response"><strong>{status}</strong>{described}</p>\n'
    host = args.get("baseUrl", "") or args.get("host", "")  # api-method's: host
    method, path = args.get("method", "").upper(), host + args.get("path", "")
    parts = [f"<strong>{_esc(method)}</strong>"] if method else []
    parts += [f"<code>{_esc(path)}</code>"] if path else []
    out = open_div + (f'<p class="api-endpoint">{" ".join(parts)}</p>\n' if parts else "")
    return out + (
        f'<p class="api-summary">{_esc(args["summary"])}</p>\n' if args.get("summary") else ""
    )


_NOT_IN_ANCHOR = re.compile(r"[^a-z0-9_]+")


def _operation_anchor(args: dict[str, str]) -> str:
    """The anchor GitBook gives an OpenAPI operation block: its method and path, lower case,
    each run of other characters a hyphen (``method="post" path="/panel/account/get_info"``
    is ``#post-panel-account-get_info``, as a real API reference's own links name them)."""
    method, path = args.get("method", ""), args.get("path", "")
    if not method or not path:
        return ""
    return _NOT_IN_ANCHOR.sub("-", f"{method}-{path}".lower()).strip("-")


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def close_html(name: str) -> str:
    if name == "hint":
        return "</blockquote>\n"
    if name in ("tab", "code-tabs-item"):
        return "</section>\n"
    return "</div>\n"


def gitbook_plugin(md: MarkdownIt) -> None:
    md.block.ruler.before(
        "fence", "gitbook", gitbook_block, {"alt": ["paragraph", "reference", "blockquote", "list"]}
    )
    md.core.ruler.after("inline", "gitbook_inline", split_inline_tags)
