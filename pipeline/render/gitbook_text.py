"""The GitBook pre-pass of the renderer: tags become HTML lines the CommonMark engine keeps.

A container's opening and closing HTML stand on their own lines between blank lines, so the
Markdown between them is still parsed as Markdown; tags inside fenced code and code spans are
left alone; unknown tags are dropped. URLs stay as written: the renderer's post-pass makes
every URL absolute, ours and the author's alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence

from pipeline.render.gitbook import (
    CONTAINERS,
    TAG,
    close_html,
    open_html,
    parse_args,
    tag_html,
    whole_tag,
)
from pipeline.render.gitbook_leftovers import read_split_tags
from pipeline.support.text import find, find_all

_FENCE = re.compile(r"^(`{3,}|~{3,})")
_TICKS = re.compile(r"`++")


def code_spans(line: str) -> list[tuple[int, int]]:
    """(start, end) of each code span of ``line``: a run of backticks up to the next run of
    the same length (CommonMark's rule). One pass: each run is looked up by its length, where a
    regex (``(`+).+?\1``) tried every shorter run at every start, quadratic in long runs."""
    runs = [(m.start(), m.end()) for m in _TICKS.finditer(line)]
    later: dict[int, list[int]] = {}  # run length -> indexes of the runs of that length, last first
    for i in range(len(runs) - 1, -1, -1):
        later.setdefault(runs[i][1] - runs[i][0], []).append(i)
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(runs):
        start, end = runs[i]
        same = later[end - start]
        while same and same[-1] <= i:
            same.pop()
        if same:
            j = same.pop()
            spans.append((start, runs[j][1]))
            i = j + 1
        else:
            i += 1
    return spans


def outside_code_spans(line: str, replace: Callable[[str], str]) -> str:
    """``line`` with ``replace`` applied to each stretch outside its code spans (which stay as
    written): the one way every text pre-pass (GitBook's tags, maths, Hugo's shortcodes,
    Jekyll's Liquid) leaves inline code alone."""
    out, pos = [], 0
    for start, end in code_spans(line):
        out.append(replace(line[pos:start]))
        out.append(line[start:end])
        pos = end
    out.append(replace(line[pos:]))
    return "".join(out)


def opens_fence(stripped: str, indent: int) -> str:
    """The fence (its run of backticks or tildes) a line opens, ``stripped`` of its ``indent``
    leading spaces; '' when it opens none (indented four or more, it is indented code)."""
    m = _FENCE.match(stripped)
    return m.group(1) if m and indent < 4 else ""


def closes_fence(stripped: str, fence: str) -> bool:
    """Whether a line (its leading spaces stripped) closes the code block ``fence`` opened: a
    run of the same character at least as long, then only blanks (CommonMark)."""
    return stripped.startswith(fence) and not stripped.strip(fence[0] + " \t")


def _inline(line: str) -> str:
    """Inline tags (inside a paragraph) outside code spans: links for embed/file, else nothing."""
    return outside_code_spans(line, _replace_tags) if "{%" in line else line


def _replace_tags(text: str) -> str:
    return TAG.sub(lambda m: tag_html(m.group(1), parse_args(m.group(2)), block=False), text)


_MAY_STAND_ALONE = {"embed", "file"}
"""Containers that are as often written without their end tag (``{% embed url=... %}``)."""
_LIST_ITEM = re.compile(r"^\s*(?:[*+-]|\d{1,9}[.)])\s")


def _continues_list(lines: Sequence[str], n: int, deciders: list[int]) -> bool:
    """Whether line ``n`` (indented four or more) sits inside a list item, not in indented
    code. The lines above it that are blank or indented as far belong to the same block
    (checking only the line just above took a code block's own lines for list content, and
    rewrote the tags in a code sample); the first line above them decides. ``deciders`` holds
    that line for each line (see :func:`_deciders`)."""
    if not deciders:
        deciders.extend(_deciders(lines))
    prev = deciders[n]
    return prev >= 0 and (bool(_LIST_ITEM.match(lines[prev])) or lines[prev].startswith(" "))


def _deciders(lines: Sequence[str]) -> list[int]:
    """For each line, the last line above it neither blank nor indented four or more (-1 for
    none): found in one pass, not by walking up from each indented tag (quadratic)."""
    found: list[int] = []
    last = -1
    for n, line in enumerate(lines):
        found.append(last)
        if line.strip() and not line.startswith(("    ", "\t")):
            last = n
    return found


def _marked(body: str) -> list[int]:
    """Numbers of the lines that may open or close a fence or hold a tag: only these can change
    the pre-pass's state or output, so the loop skips every other line. Found with three
    searches of the text, not three per line."""
    found: list[int] = []
    line = pos = 0
    for at in find_all(body, ("{%", "```", "~~~")):
        line += body.count("\n", pos, at)
        pos = at
        if not found or found[-1] != line:
            found.append(line)
    return found


def preprocess(body: str) -> str:
    """Markdown with GitBook's tags replaced by the HTML they stand for. A container that is
    never closed, and an end tag that closes nothing, lose their markup (the text stays); and
    the anchor GitBook writes into a heading its id (:func:`heading_anchors`)."""
    if find(body, _ANCHOR_END) >= 0:
        body = heading_anchors(body)
    if find(body, "{%") < 0:
        return body
    out: list[str] = []
    _walk(body, out, None)
    return "\n".join(out)


_ANCHOR_END = '"></a>'
_ANCHOR = re.compile(r'<a (?:href="#([\w\-:.]++)" )?id="([\w\-:.]++)"></a>[ \t]*+')
"""The anchor GitBook writes at the end of a heading whose id is not its title's slug (a
renamed heading keeps its old anchor): ``## Focus <a href="#focus" id="focus"></a>``, and
before 2021 ``## sendQueuedHits <a id="sendqueuedhits"></a>``."""
_ATX = re.compile(r" {0,3}#{1,6}[ \t]")


def heading_anchors(body: str) -> str:
    """``body`` with the anchor GitBook writes at the end of a heading made the heading's id
    (``## Delete Row {#sample-language-file-4}``), as GitBook shows it: the id named again
    by a later heading of the page takes ``-1``, ``-2`` (GitBook's own links say so), where
    the tag kept as HTML gave every heading so marked the same id (and the heading its
    title's slug besides). Lines in fenced code stay as written."""
    lines = body.split("\n")
    seen: dict[str, int] = {}
    fence = ""
    for n, line in enumerate(lines):
        stripped = line.lstrip(" ")
        if fence:
            if closes_fence(stripped, fence):
                fence = ""
            continue
        if opened := opens_fence(stripped, len(line) - len(stripped)):
            fence = opened
            continue
        at = line.rfind("<a ")
        if at < 0 or not _ATX.match(line):
            continue
        m = _ANCHOR.fullmatch(line, at)
        if m is None or m.group(1) not in (None, m.group(2)):
            continue
        anchor = base = m.group(2)
        repeat = seen.get(base)
        if repeat is not None:
            while anchor in seen:
                repeat += 1
                anchor = f"{base}-{repeat}"
            seen[base] = repeat
        seen[anchor] = 0
        lines[n] = f"{line[:at].rstrip()} {{#{anchor}}}"
    return "\n".join(lines)


def tag_problems(body: str) -> list[tuple[int, str]]:
    """(0-based body line, message) of each container :func:`preprocess` finds never closed
    and each end tag that closes nothing (the same walk, with no HTML made, over the text the
    renderer gives it: tags written over lines read as
    :func:`~pipeline.render.gitbook_leftovers.read_split_tags` reads them), and of each tag
    GitBook reads written over lines and dropped."""
    problems: list[tuple[int, str]] = []
    if find(body, "{%") >= 0:
        text, problems = read_split_tags(body)
        _walk(text, None, problems)
    return problems


def tag_lines(
    lines: Sequence[str], only: Iterable[int] | None = None
) -> Iterator[tuple[int, re.Match[str] | None]]:
    """(index, the whole-line tag or None) of each line of ``only`` (every line by default;
    else the lines that may hold a tag or a fence mark, in order) that Markdown does not read
    as code: fences and the lines between them are skipped, and a line holding a whole tag
    indented four or more outside a list (indented code). The one reading of code that every
    pass pairing or reading the tags shares (the pre-pass, its warnings, the link scan's
    :func:`container_ends`): a tag shown in a code sample is text, never one end of a pair."""
    fence: str | None = None
    fence_depth = 0  # the quotes around the fenced code: it ends where they do
    deciders: list[int] = []  # filled when first needed
    for n in range(len(lines)) if only is None else only:
        line = lines[n]
        cut = quote_marks(line)
        depth = line.count(">", 0, cut)
        inner = line[cut:] if cut else line
        stripped = inner.lstrip(" ")
        if fence is not None:
            if depth >= fence_depth:
                if closes_fence(stripped, fence):
                    fence = None
                continue
            fence = None  # the quote holding the code ended: this line is read as any other
        indent = len(inner) - len(stripped)
        if opened := opens_fence(stripped, indent):
            fence, fence_depth = opened, depth
            continue
        tag = whole_tag(stripped) if "{%" in stripped else None
        if tag is not None and indent >= 4 and not _continues_list(lines, n, deciders):
            continue  # an indented code block: shown as written
        yield n, tag


_QUOTE_MARK = re.compile(r" {0,3}> ?")


def quote_marks(line: str) -> int:
    """The length of the blockquote markers that start ``line`` (``> ``, ``>> ``, `` > > ``): 0
    when none. A GitBook tag after them is a tag of the quote, as GitBook writes a block
    inside a quote block and renders it there."""
    if not line.lstrip(" ").startswith(">"):
        return 0
    end = 0
    while (m := _QUOTE_MARK.match(line, end)) is not None:
        end = m.end()
    return end


def _depth(line: str) -> int:
    """How many quotes ``line`` is inside (its ``>`` markers)."""
    return line.count(">", 0, quote_marks(line))


def container_ends(lines: Sequence[str], only: Iterable[int] | None = None) -> dict[int, int]:
    """Index of each container-opening line -> index of the ``{% endNAME %}`` line closing it
    (nested ones of the same name counted), for every container that is closed, tags in code
    left out (:func:`tag_lines`; ``only`` as there): one pass over the lines, where a search
    from each opening line was quadratic in unclosed ones."""
    return _paired(tag_lines(lines, only), lines)


def _paired(
    found: Iterable[tuple[int, re.Match[str] | None]], lines: Sequence[str]
) -> dict[int, int]:
    """Each opening line -> its closing line, paired among the tags inside as many quotes (a
    tag in a quote closes none opened outside it: their HTML would cross)."""
    ends: dict[int, int] = {}
    open_at: dict[tuple[str, int], list[int]] = {}
    for n, tag in found:
        name = tag.group(1) if tag is not None else ""
        if name in CONTAINERS:
            open_at.setdefault((name, _depth(lines[n])), []).append(n)
        elif name.startswith("end") and open_at.get(key := (name[3:], _depth(lines[n]))):
            ends[open_at[key].pop()] = n
    return ends


def _walk(body: str, out: list[str] | None, problems: list[tuple[int, str]] | None) -> None:
    """The pre-pass over ``body``: its lines, tags replaced, appended to ``out`` (when given),
    and the unbalanced tags to ``problems`` (when given). Lines in code stay as written."""
    lines = body.split("\n")
    keep = out.extend if out is not None else _ignore
    put = out.append if out is not None else _ignore
    open_names: list[tuple[str, int]] = []
    found = list(tag_lines(lines, _marked(body)))
    ends = _paired(found, lines)
    done = 0
    for n, tag in found:
        keep(lines[done:n])
        done = n + 1
        line = lines[n]
        if tag is None:
            if out is not None:
                out.append(_inline(line))
            continue
        cut = quote_marks(line)  # inside a quote, the HTML and its blank lines stay in it
        quote, inner = line[:cut], line[cut:]
        indent = quote + inner[: len(inner) - len(inner.lstrip(" "))]
        depth = quote.count(">")
        name = tag.group(1)
        if name.startswith("end") and open_names and open_names[-1] == (name[3:], depth):
            open_names.pop()
            html = close_html(name[3:]) if out is not None else ""
        elif name in CONTAINERS and n in ends:
            open_names.append((name, depth))
            html = open_html(name, parse_args(tag.group(2))) if out is not None else ""
        else:
            html = tag_html(name, parse_args(tag.group(2)), block=True) if out is not None else ""
            if problems is not None:
                if name in CONTAINERS and name not in _MAY_STAND_ALONE:
                    problems.append((n, f"{{% {name} %}} is never closed by {{% end{name} %}}"))
                elif name.startswith("end") and name[3:] in CONTAINERS:
                    problems.append((n, f"{{% {name} %}} closes no open {{% {name[3:]} %}}"))
        put(quote.rstrip())
        if html.strip():
            put(indent + html.strip().replace("\n", " "))
            put(quote.rstrip())
    keep(lines[done:])


def _ignore(_: object) -> None:
    """What ``out`` is when the walk only looks for problems."""
