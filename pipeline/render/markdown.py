"""Markdown to HTML: cmark-gfm renders (:func:`render`), GitBook's tags are turned into HTML
on the Markdown text before, heading ids are added after, and every URL is made absolute by the
sanitizer (or, for a body without raw HTML, by a pass over the attributes cmark wrote): ``.md``
targets become the target page's permalink, local files the URL they are copied to.

:func:`scan` parses the same body with markdown-it-py, only to record every link with its exact
line and the anchors a page offers: what the link checker reads. Nothing renders with it.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from cmarkgfm.cmark import Options

from pipeline.model import LinkRef, SourceDoc
from pipeline.render import cards, codenotes
from pipeline.render.cmark import to_html
from pipeline.render.gitbook import gitbook_plugin, parse_args
from pipeline.render.gitbook_leftovers import drop_split_tags, without_tags
from pipeline.render.gitbook_text import preprocess
from pipeline.render.headingids import heading_with_id, with_heading_ids
from pipeline.render.highlight import highlight
from pipeline.render.hugo_text import shortcodes
from pipeline.render.includes import spliced, with_placeholders
from pipeline.render.links import PageContext
from pipeline.render.liquid_text import liquid
from pipeline.render.maths import maths
from pipeline.render.sanitize import sanitize
from pipeline.support.paths import image_url_problem, is_external, link_path, readable_link
from pipeline.support.text import plain

if TYPE_CHECKING:  # markdown-it is imported by the link scan alone (start-up time)
    from markdown_it import MarkdownIt
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token


def _rewrite_html(ctx: PageContext, content: str, line: int) -> str:
    def resolve(raw: str, kind: str, at: int) -> str:
        ctx.links.append(LinkRef(ctx.source, at, _author_form(raw), "", "html"))
        return ctx.resolve(raw, kind)

    safe, anchors = sanitize(content, resolve, line)
    ctx.anchors.update(anchors)
    return safe


def _author_form(href: str) -> str:
    """The target as the author wrote it: percent-decoding only for local paths, and not of
    ``#``, ``?`` or ``%`` (``c%23sharp.md`` stays one file name: see
    :func:`~pipeline.support.paths.readable_link`)."""
    try:
        return href if is_external(href) else readable_link(href)
    except ValueError:  # not a URL (``//[x``): reported by the link checker as written
        return href


def _rewrite_links(state: StateCore) -> None:
    ctx: PageContext | None = state.env.get("page")
    if ctx is None:
        return
    base = ctx.line_offset + 1
    for tok in state.tokens:
        if tok.type == "html_block":
            tok.content = _rewrite_html(ctx, tok.content, base + (tok.map[0] if tok.map else 0))
            continue
        if tok.type == "gitbook_open" or tok.type == "gitbook_tag":
            _note_tag(ctx, tok, base + (tok.map[0] if tok.map else 0))
            continue
        if tok.type != "inline" or not tok.children:
            continue
        line = base + (tok.map[0] if tok.map else 0)
        kids = tok.children
        last = kids[-1]
        if last.type == "text" and last.content.endswith("\\"):
            last.content = last.content[:-1]  # GitBook's trailing backslash line end
        for j, child in enumerate(kids):
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "link_open":
                href = str(child.attrs.get("href", ""))
                text = _link_text(kids, j)
                kind = "autolink" if child.markup == "autolink" else "link"
                ctx.links.append(LinkRef(ctx.source, line, _author_form(href), text, kind))
                child.attrSet("href", ctx.resolve(_author_form(href), "link"))
            elif child.type == "image":
                src = str(child.attrs.get("src", ""))
                alt = "".join(c.content for c in child.children or [])
                ctx.links.append(LinkRef(ctx.source, line, _author_form(src), alt, "image"))
                child.attrSet("src", ctx.resolve(_author_form(src), "image"))
            elif child.type == "html_inline":
                child.content = _rewrite_html(ctx, child.content, line)
            elif child.type == "gitbook_tag":
                _note_tag(ctx, child, line)
            elif child.type == "text" and "\n" in child.content:
                line += child.content.count("\n")


def _note_tag(ctx: PageContext, tok: Token, line: int) -> None:
    args = tok.meta.get("args", {})
    for key in ("url", "src"):
        if args.get(key):
            kind = "embed" if key == "url" else "link"
            ctx.links.append(LinkRef(ctx.source, line, _author_form(args[key]), "", kind))


def _link_text(kids: list[Token], start: int) -> str:
    """The text of the link opened at ``kids[start]``, read up to its close (by index: a
    slice of the rest of the paragraph for each link was quadratic in its links)."""
    out: list[str] = []
    depth = 0
    for j in range(start + 1, len(kids)):
        child = kids[j]
        if child.type == "link_open":
            depth += 1
        elif child.type == "link_close":
            if depth == 0:
                break
            depth -= 1
        elif child.type in ("text", "code_inline"):
            out.append(child.content)
    return "".join(out)


MAX_NESTING = 40
"""markdown-it's nesting limit (list, item and quote levels count; two a list level): 18 list
levels. Its commonmark preset's 20 stopped at nine, and what was nested deeper (and, in
SUMMARY.md, every entry after it) was not read: links cmark renders that the link checker
never saw. Bounded still: each level costs hostile text a pass (2 MB of lines of a hundred
``>`` scan in 0.7 s at 40, 0.2 s at 20, 4.5 s at 132)."""


MAX_BRACKETS = 10_000
"""Past this many ``[`` in a body, its links come from the render pass alone, each found
again in the text for its line (as past :data:`MAX_NESTING`): markdown-it reads a label from
each bracket at about 50 µs apiece (900,000 ``![`` in 1.8 MB took 43 s to validate; cmark
renders them in a tenth of a second). A page of 500 links has about a thousand."""


@lru_cache(maxsize=1)
def engine() -> MarkdownIt:
    """The one markdown-it instance: CommonMark + tables + strikethrough + GitBook tags."""
    from markdown_it import MarkdownIt

    md = MarkdownIt(
        "commonmark",
        {"html": True, "linkify": False, "typographer": False, "maxNesting": MAX_NESTING},
    )
    md.enable(["table", "strikethrough"])
    gitbook_plugin(md)
    md.core.ruler.push("rewrite_links", _rewrite_links)
    return md


_OPTIONS = Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_FOOTNOTES  # raw HTML: sanitised below
_EXTENSIONS = ("table", "strikethrough", "tasklist")
_RAW_HTML = re.compile(
    r"<(?:[A-Za-z][A-Za-z0-9-]*(?:[\s/>]|$)|/[A-Za-z]|!(?:--|[A-Za-z])|\?|!\[CDATA)", re.M
)
"""Where cmark may write the author's text as it is (a tag, a comment, a processing
instruction, a declaration ``<!X``, CDATA): such a body goes through the sanitizer. A line
that starts with ``<!`` and a letter is an HTML block written whole, to its end: read as
no markup, ``<!X><x_y onfocus=...>`` reached the page with its handler."""
_URL_ATTR = re.compile(r'="(?:(?<=\bhref=")|(?<=\b(src)="))([^"]*)"')
"""The value of each ``href="..."``/``src="..."``; the match starts at ``="`` because a literal
start lets the regex engine skip through the text instead of trying every word boundary."""

_BACKSLASH_AT_END = re.compile(r"\\(?=</(?:p|li|h[1-6]|td|th)>)")


_INLINE_MARKUP = frozenset("\\&*_`[]<>~!")
"""Characters that may make a line of Markdown read as other than its letters."""


def inline_text(markdown: str) -> str:
    """One line of Markdown (a heading's) as plain text, as the rendered line reads: emphasis,
    code spans and links give their text, escapes and entities their characters, raw HTML
    nothing; blanks collapsed. A line without markup characters is itself (most titles)."""
    line = " ".join(markdown.split())
    if _INLINE_MARKUP.isdisjoint(line):
        return line
    return plain(to_html(f"# {line}", _OPTIONS, _EXTENSIONS))


def render(body: str, ctx: PageContext) -> str:
    """Render a Markdown body to HTML with absolute URLs; ``ctx`` collects assets and ids.

    cmark-gfm (C, CommonMark-exact) renders; GitBook tags are turned into HTML before (those
    left over are removed from the Markdown text, never from HTML), heading ids are added
    after, and the last step makes URLs absolute: a body with raw HTML of its own goes
    through the tokenizing sanitizer, one without needs only a regex over the attributes
    cmark wrote. Nothing edits the HTML after that step but the code highlighter's spans.
    """
    return highlight(_unhighlighted(body, ctx))


def title_id(heading: str, source: str, slug_style: str) -> str:
    """The id the body's opening H1 ``heading`` (its Markdown line) gets as the first heading
    of its page, by the pass that writes every heading's id: the page shows it on its title
    (the body is rendered without it, that id reserved), so a link to it lands."""
    ctx = PageContext(source=source, url="https://localhost/", url_of={}, slug_style=slug_style)
    found = _H1_ID.match(_unhighlighted(heading, ctx))
    return html.unescape(found.group(1)) if found else ""


_H1_ID = re.compile(r'<h1 id="([^"]*)"')


def foreign_markup(body: str, source: str) -> str:
    """``body`` with Jekyll's Liquid and Hugo's shortcodes read (line for line): what both the
    renderer and the link scan parse."""
    return shortcodes(liquid(body, source))


def _unhighlighted(body: str, ctx: PageContext, read: str | None = None) -> str:
    """The HTML of ``body``; ``read``: :func:`foreign_markup` of it, when the caller has it."""
    text = foreign_markup(body, ctx.source) if read is None else read
    text, placed = with_placeholders(text, ctx.source, ctx.includes) if ctx.includes else (text, [])
    text = drop_split_tags(text)
    notes = codenotes.notes(text)  # GitBook's code annotations: their notes kept
    out = to_html(preprocess(maths(codenotes.named(text, notes))), _OPTIONS, _EXTENSIONS)
    if notes:
        out = codenotes.unnamed(out) or to_html(preprocess(maths(text)), _OPTIONS, _EXTENSIONS)
    if _REF_CARD_OPEN in out:
        out = _REF_CARD.sub(lambda m: _titled_card(m, ctx), out)
    out = with_heading_ids(out, heading_with_id(ctx))
    out = _BACKSLASH_AT_END.sub("", out)  # GitBook's trailing backslash at the end of a block
    if cards.MARK in out:  # GitBook's cards, their links as written (the sanitizer's next)
        out = cards.cards(out, ctx.titled)
    if _has_raw_html(body, text) or (
        "{%" in text and not _tags_at_margin(text) and not _nested(out)
    ):
        out, anchors = sanitize(
            out, lambda raw, kind, _line: ctx.resolve(_author_form(raw), kind), ctx.line_offset
        )
        ctx.anchors.update(anchors)
    else:
        out = _URL_ATTR.sub(lambda m: _absolute_attr(ctx, m), out)
        if "{%" in text and _ID_OPEN in out:  # ids the GitBook pass wrote (an API block's)
            ctx.anchors.update(html.unescape(i) for i in _OWN_ID.findall(out))
    if _FOOTNOTES in out:  # cmark-gfm's fn-1 and fnref-1: links name them (#user-content-fn-1)
        ctx.anchors.update(html.unescape(i) for i in _FOOTNOTE_ID.findall(out))
    if placed:
        out = spliced(
            out, placed, lambda path: _unhighlighted(ctx.includes[path][0], ctx.included(path))
        )
    return out


_FOOTNOTES = " data-footnote"
_FOOTNOTE_ID = re.compile(r' id="(fn(?:ref)?-[^"<>]*+)"')
"""The ids cmark-gfm gives a footnote and each reference to it."""
_ID_OPEN = '" id="'
_OWN_ID = re.compile(r' id="([^"<>]*+)"')
"""An id in HTML this module and the GitBook pass wrote (quoted, escaped): the link checker
finds the anchors the page has from the same pass that writes them."""
_REF_CARD_OPEN = '<div class="gitbook-content-ref">'
_REF_CARD = re.compile(_REF_CARD_OPEN + r'\s*<p><a href="([^"<>]*)">([^<>]*)</a></p>')
"""A ``{% content-ref %}`` card as the pre-pass and cmark write it: its one link."""


def _titled_card(m: re.Match[str], ctx: PageContext) -> str:
    """A card whose link is named by its target (``[x.md](x.md)``: GitBook exports every
    card so) or by a file name (``[嵌入网站.md](embedding-in-websites.md)``, the page's name
    when it was made) named by the title of the page it links to, as GitBook shows it."""
    href, text = m.group(1), html.unescape(m.group(2)).strip()
    path = link_path(html.unescape(href))
    names = {path, path.rstrip("/"), posixpath.basename(path.rstrip("/"))}
    named = text in names or text.lower().endswith(".md")
    page = ctx.titled(html.unescape(href)) if named else None
    if page is None:
        return m.group(0)
    whole, start, end = m.group(0), m.start(2) - m.start(0), m.end(2) - m.start(0)
    return whole[:start] + html.escape(page[1], quote=False) + whole[end:]


def _has_raw_html(body: str, text: str) -> bool:
    """Whether the author wrote markup: in the body, or spelt by the text around a GitBook tag
    once the tag is gone (``<{% x %}img onerror=...>``, on one line or two). The pre-pass's
    own HTML is ours."""
    if "<" not in body and "<" not in text:  # no markup can start (one memchr each)
        return False
    if _RAW_HTML.search(body) or (text is not body and _RAW_HTML.search(text)):
        return True
    return "{%" in text and _RAW_HTML.search(without_tags(text)) is not None


_BLOCK_MARK = re.compile(
    r"<(/?)(div|section|blockquote|ul|ol|li|figure|details|aside|dl|dt|dd|table|tr|td|th)(?=[\s>])"
)
"""A start or end tag of an element that holds blocks: what a container of the GitBook pass
and one of cmark can cross at (inline elements and paragraphs cannot hold a block)."""


def _tags_at_margin(text: str) -> bool:
    """Whether every GitBook tag of ``text`` starts its line. Then none is inside a list item
    or a quote, and the HTML the pre-pass writes for it (a block tag, which ends any list or
    paragraph before it) cannot cross theirs: :func:`_nested` need not look (one ``find`` a
    tag, where it lists every block tag of the page)."""
    at = text.find("{%")
    while at >= 0:
        if at and text[at - 1] != "\n":
            return False
        at = text.find("{%", at + 2)
    return True


def _nested(out: str) -> bool:
    """Whether each element of ``out`` (cmark's HTML and the GitBook pre-pass's, no author's
    markup) that holds blocks ends inside the element it started in. A container tag opened
    in a list item and closed after the list (``{% tabs %}`` indented under ``- item``,
    ``{% endtabs %}`` at the margin) is not: its ``</div>`` came after the list's end and
    closed the page's layout around the post. Such HTML goes through the sanitizer, which
    closes it where it must. The tags are listed by the regex engine in one pass; only
    those of block elements are looked at (a page has few), which keeps this cheap."""
    opened: list[str] = []
    for close, name in _BLOCK_MARK.findall(out):
        if close:
            if not opened or opened.pop() != name:
                return False
        else:
            opened.append(name)
    return not opened


_AS_WRITTEN = re.compile(
    r"https?://[^/?#\[\]\x00-\x20\x7f-\U0010ffff\"&'<>]*"
    r"(?:[/?#][^\x00-\x20\x7f-\U0010ffff\"&'<>]*)?"
)
"""An attribute value the post-pass would write back unchanged: an absolute http(s) URL with no
blank to strip, no character to unescape or escape, and a host urlsplit accepts."""


def _absolute_attr(ctx: PageContext, m: re.Match[str]) -> str:
    if _AS_WRITTEN.fullmatch(m.group(2)):
        return m.group(0)  # most links: no resolving, no escaping
    kind = "image" if m.group(1) else "link"
    url = ctx.resolve(_author_form(html.unescape(m.group(2))), kind)
    return f'="{html.escape(url, quote=True)}"'


def scan(
    text: str,
    source: str,
    *,
    slug_style: str = "github",
    line_offset: int = 0,
    url: str = "https://localhost/",
    url_of: Mapping[str, str] | None = None,
    includes: Mapping[str, tuple[str, int]] | None = None,
) -> SourceDoc:
    """Links (with exact lines, from markdown-it's line map) and anchor ids of a Markdown body.

    The anchors and headings come from :func:`render`'s own pass (the HTML is dropped): the
    ids the link checker accepts are the ids written into the pages, those of the files it
    ``includes`` too (their links are theirs: scanned as their own files)."""
    ctx = PageContext(
        source=source, url=url, url_of=url_of or {}, slug_style=slug_style, line_offset=line_offset
    )
    read = foreign_markup(text, source)
    if read.count("[") > MAX_BRACKETS:  # markdown-it's label search: 50 µs a bracket
        deep = True
    else:
        tokens = engine().parse(_unfooted(read), {"page": ctx, "rewrite_url": ctx.resolve})
        # nested past markdown-it's limit, a block's deeper part is not read: the render pass
        # (cmark, no limit) names its links, each found again in the text for its line
        deep = any(t.level >= MAX_NESTING - 1 for t in tokens)
    page = (_Noting if deep else PageContext)(
        source=source, url=url, url_of=url_of or {}, slug_style=slug_style, includes=includes or {}
    )
    _unhighlighted(text, page, read)
    links = tuple(ctx.links)
    if isinstance(page, _Noting):
        links = _with_unseen(links, page.targets, read, source, line_offset + 1)
    return SourceDoc(source, links, frozenset(page.anchors), tuple(page.headings))


_FOOTNOTE_DEF = re.compile(r"^ {0,3}\[\^[^\]\n]{1,64}\]:", re.M)
"""A footnote's definition, ``[^1]: Operator.``: markdown-it (no footnotes) read a one-word
one as a link definition, ``Operator.`` a link to check; cmark-gfm renders it a footnote."""


def _unfooted(text: str) -> str:
    """``text`` with each footnote definition's label escaped (``\\[^1]:``), so the link
    scan reads its text as text, its links as links; lines stay where they were."""
    if "[^" not in text:
        return text
    return _FOOTNOTE_DEF.sub(lambda m: m.group().replace("[", "\\[", 1), text)


@dataclass
class _Noting(PageContext):
    """A :class:`PageContext` that notes each target it resolves, in order, with its kind."""

    targets: list[tuple[str, str]] = field(default_factory=list)

    def resolve(self, target: str, kind: str) -> str:
        self.targets.append((target, kind))
        return super().resolve(target, kind)


def _with_unseen(
    links: tuple[LinkRef, ...], targets: list[tuple[str, str]], text: str, source: str, first: int
) -> tuple[LinkRef, ...]:
    """``links`` and each target of ``targets`` beyond them (a link markdown-it did not
    read), in line order: its line that of the first place after the last one's where its
    target is written (``first``, the body's first line, or the last one's when it is not:
    one search that fails ends the searching, so the whole stays linear)."""
    seen: dict[str, int] = {}
    for ref in links:
        seen[ref.url] = seen.get(ref.url, 0) + 1
    extra: list[LinkRef] = []
    at, line, searching = 0, first, True
    for target, kind in targets:
        if seen.get(target, 0) > 0:
            seen[target] -= 1
            continue
        found = text.find(target, at) if searching and target else -1
        if found >= 0:
            line += text.count("\n", at, found)
            at = found + len(target)
        elif target:
            searching = False
        extra.append(LinkRef(source, line, target, "", "image" if kind == "image" else "link"))
    return tuple(sorted((*links, *extra), key=lambda ref: ref.line)) if extra else links


_SCHEME_HINT = re.compile(r"\](?:\(|:)\s*<?(?!https?://)[^\s)>]{0,64}?[:&]", re.I)
"""A link destination or reference definition that may hold a scheme other than http(s), or
an entity that may spell one: a ``:`` or ``&`` within its first 64 characters (a scheme is
its start). Only then is the body parsed for its images. Bounded: an unbounded lazy run read
on through every later ``](`` from each (quadratic)."""


def image_problems(body: str, line_offset: int = 0) -> list[tuple[int, str]]:
    """(line, message) for each image of a Markdown body shown from a URL that is neither
    http(s) nor a relative path (``![x](javascript:...)``, also by reference or entity)."""
    if not _SCHEME_HINT.search(body):
        return []
    out: list[tuple[int, str]] = []
    for tok in _image_engine().parse(body):
        if tok.type != "inline" or not tok.children:
            continue
        line = line_offset + 1 + (tok.map[0] if tok.map else 0)
        for child in tok.children:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "text":
                line += child.content.count("\n")
            elif child.type == "image":
                problem = image_url_problem(str(child.attrs.get("src", "")))
                if problem:
                    out.append((line, f"image {problem}"))
    return out


@lru_cache(maxsize=1)
def _image_engine() -> MarkdownIt:
    """A markdown-it that keeps every image, whatever its URL: the link scan's engine drops
    ``javascript:`` ones (markdown-it's ``validateLink``), which cmark-gfm renders."""
    from markdown_it import MarkdownIt

    class KeepEveryLink(MarkdownIt):
        def validateLink(self, url: str) -> bool:  # markdown-it's name: every URL kept
            return True

    md = KeepEveryLink("commonmark", {"html": True, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    return md


__all__ = ["PageContext", "image_problems", "parse_args", "render", "scan", "title_id"]
