"""One file's front matter and body made into an Item: keys normalised, each field
checked with its line, kind and permalink decided, an event's times read."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from pipeline.config import Config
from pipeline.errors import Problem
from pipeline.load import foreign
from pipeline.load.aliases import site_aliases
from pipeline.load.event import EVENT_KEYS, event_of, valid_date
from pipeline.load.fields import Checker
from pipeline.load.hugobuild import build_options, check_cascade, kept_extra
from pipeline.load.ids import IdLedger
from pipeline.load.namelimits import kind_problem, name_problems
from pipeline.load.walk import RawDoc
from pipeline.model import KIND_OF_SECTION, NO_INDEX, SECTION_OF_KIND, Episode, Item
from pipeline.podcast.episode import EPISODE_KEYS
from pipeline.podcast.media import MediaProber
from pipeline.render.headingids import first_h1, without_explicit_id
from pipeline.render.markdown import inline_text, title_id
from pipeline.render.slugs import github_slug
from pipeline.support.dates import shown_value, to_datetime
from pipeline.support.paths import image_url_problem

ALIASES = {
    "summary": "description",
    "lastmod": "updated",
    "categories": "tags",
    "author": "authors",
    "keywords": "tags",
}


"""Hugo/Jekyll spellings accepted for our keys."""


COMMON_KEYS = {
    "title",
    "date",
    "updated",
    "description",
    "authors",
    "tags",
    "draft",
    "id",
    "slug",
    "image",
    "kind",
    "aliases",
    "layout",
    "weight",
    "guid",
    "guid_permalink",
}


GITBOOK_KEYS = {
    "cover",
    "coverY",
    "coverHeight",
    "icon",
    "hidden",
    "noIndex",
    "noRobotsIndex",
    "metaLinks",
    "if",
}


"""What GitBook's editor writes into a page's front matter (its cover, icon and page layout,
``layout`` being one of ours too): a handbook's own keys, accepted without a warning so that
``--strict`` builds a real handbook as it is. Not used by publish, but ``hidden`` (kept in
:attr:`~pipeline.model.Item.extra`: the menu leaves a hidden page out) and ``noIndex`` or
``noRobotsIndex`` (true or false; true kept as :data:`~pipeline.model.NO_INDEX`)."""


KINDS = {*SECTION_OF_KIND, "page"}


_SLUG = re.compile(r"^[\w][\w.-]*$")


FOLDER_KINDS = {
    **KIND_OF_SECTION,
    "posts": "essay",  # Hugo
    "_posts": "essay",  # Jekyll
    "blog": "essay",
    "articles": "essay",
    "podcast": "episode",
    "news": "update",
}


"""Top folders that decide an item's kind: ours, plus the usual Hugo/Jekyll names."""


MAX_TAGS = 100
"""Tags of one item: each is a feed listing the item with all its tags, so n tags are n²
categories written (10,000 on one post filled a disk)."""


def kind_for(source: str, meta: Mapping[str, Any], gitbook: bool = False) -> str:
    """The ``kind`` key, else the top folder; in GitBook mode SUMMARY.md decides instead."""
    kind = meta.get("kind")
    if isinstance(kind, str) and kind in KINDS:
        return kind
    if gitbook or foreign.is_section_page(source):
        return "page"
    top = source.split("/", 1)[0] if "/" in source else ""
    return FOLDER_KINDS.get(top, "page")


def permalink(
    cfg: Config, kind: str, section: str, slug: str, source: str, item_id: str, date: Any
) -> str:
    """Absolute URL of an item from ``[site] permalink``; pages follow their folder."""
    base = cfg.site.base_url.rstrip("/")
    if kind == "page":
        folder = posixpath.dirname(source)
        stem = posixpath.splitext(posixpath.basename(source))[0]
        parts = [folder] if folder else []
        if stem.lower() not in foreign.INDEX_STEMS and source != cfg.content.readme:
            parts.append(slug)
        path = "/".join(quote(p) for p in parts)
        return f"{base}/{path}/" if path else f"{base}/"
    values = {
        "section": section,
        "slug": slug,
        "id": item_id,
        "year": f"{date.year:04d}" if date else "0000",
        "month": f"{date.month:02d}" if date else "00",
        "day": f"{date.day:02d}" if date else "00",
    }
    path = cfg.site.permalink.format(**values)
    return base + "/" + quote(path.lstrip("/"))


def normalise_keys(chk: Checker, meta: dict[str, Any]) -> dict[str, Any]:
    """Map Hugo/Jekyll spellings onto ours, merging list-valued ones."""
    out: dict[str, Any] = {}
    lines = chk.doc.parsed.lines
    for key, value in meta.items():
        target = ALIASES.get(key, key)
        if target in out and target in ("tags", "authors"):
            first = out[target] if isinstance(out[target], list) else [out[target]]
            more = value if isinstance(value, list) else [value]
            out[target] = first + more
        elif target in out:
            chk.warn(key, f"duplicates '{target}'; the first value is used")
        else:
            out[target] = value
            if target != key and target not in lines:
                lines[target] = lines[key]
    return out


@dataclass(frozen=True)
class LoadContext:
    """What validating a file needs besides the file: given to worker processes once, without
    ``media`` (remote media are probed only in the loading process)."""

    cfg: Config
    root: Path
    tz: ZoneInfo
    strict: bool
    gitbook: bool
    media: MediaProber | None = None
    """Length and type of remote episode media, from the edge (see :mod:`pipeline.podcast`)."""


@dataclass(frozen=True)
class _Names:
    """Where one file's item sits: its kind, section and slug."""

    kind: str
    section: str
    slug: str


def load_doc(
    ctx: LoadContext,
    doc: RawDoc,
    problems: list[Problem],
    warnings: list[Problem],
    ledger: IdLedger | None,
    existing: set[str],
) -> Item | None:
    """Validate one parsed file into an Item (None when it has errors, all recorded)."""
    chk = Checker(doc, problems, warnings)
    meta = normalise_keys(chk, dict(doc.parsed.meta))
    kind = kind_for(doc.source, meta, ctx.gitbook)
    problems.extend(kind_problem(doc.source, doc.parsed.lines, meta, KINDS))
    section = SECTION_OF_KIND.get(kind, posixpath.dirname(doc.source) or "pages")
    stem = posixpath.splitext(posixpath.basename(doc.source))[0]
    dated = foreign.DATED_NAME.match(stem)
    if dated:
        stem = dated.group(2)
    slug = chk.string(meta, "slug") or github_slug(stem.replace("_", "-")) or "page"
    if "slug" in meta and not _SLUG.match(slug):
        chk.error("slug", f"expected letters, digits, '-', '_' or '.', got {slug!r}")
    item = _build_item(ctx, doc, chk, meta, _Names(kind, section, slug), ledger, existing)
    problems.extend(too_long := name_problems(item, doc.parsed.lines, meta) if item else [])
    return None if too_long else item


def h1_title(
    meta: Mapping[str, Any], body: str, *, opening: bool = False
) -> tuple[str | None, str]:
    """Without a ``title`` key, the first H1 is the title; when it opens the body it is cut
    from the body (the page shows the title once). ``opening``: only an H1 that opens the
    body titles the page (GitBook's rule: a page that starts otherwise is titled by its link
    in SUMMARY.md, and a numbered step's H1 further down stays a heading)."""
    title, body, _ = _h1_title(meta, body, opening)
    return title, body


def _h1_title(
    meta: Mapping[str, Any], body: str, opening: bool
) -> tuple[str | None, str, re.Match[str] | None]:
    """:func:`h1_title`, and the H1 it cut from the body's top (None: none was cut)."""
    if "title" in meta:
        return None, body, None
    m = first_h1(body, opening=opening)
    if not m:
        return None, body, None
    cut = not body[: m.start()].strip()
    if cut:
        body = body[: m.start()] + body[m.end() :]
    elif opening:
        return None, body, None
    written = without_explicit_id(m.group(1).rstrip(" \t#") or m.group(1)[:1])
    return heading_text(written or m.group(1)), body, m if cut else None


def heading_text(markdown: str) -> str:
    """A heading's Markdown as plain text, as the rendered heading reads (``**Basic**`` and
    ``[Choose](next.md)`` give their words; GitBook's ``\\_new\\_`` and ``&#x20;`` their
    characters), a trailing backslash (GitBook's line end) dropped."""
    return inline_text(markdown.strip().removesuffix("\\"))


def _build_item(
    ctx: LoadContext,
    doc: RawDoc,
    chk: Checker,
    meta: dict[str, Any],
    names: _Names,
    ledger: IdLedger | None,
    existing: set[str],
) -> Item | None:
    parsed = doc.parsed
    kind, is_feed = names.kind, names.kind != "page"
    n_before = len(chk.problems)
    title, body, opening, in_body = _title(ctx.cfg, doc, chk, meta, is_feed, ctx.gitbook)
    slug_style = ctx.cfg.content.slug_style
    heading_id = title_id(opening.group(), doc.source, slug_style) if opening else ""
    date, updated = _dates(ctx.tz, doc, chk, meta, is_feed)
    description = chk.string(meta, "description")
    authors = chk.string_list(meta, "authors", allow_str=True)
    tags = chk.string_list(foreign.jekyll_tags(meta, doc.parsed.meta), "tags", allow_str=False)
    if len(tags) > MAX_TAGS:  # each tag is a feed and pages listing the item with all of them
        chk.error("tags", f"expected at most {MAX_TAGS} tags, got {len(tags)}")
    draft = meta.get("draft", False)
    if not isinstance(draft, bool):
        chk.error("draft", f"expected true or false, got {draft!r}")
        draft = False
    draft = draft or foreign.unrendered(meta)  # Hugo's build.render: never, headless
    image = chk.string(meta, "image")
    if image and kind != "episode" and (problem := image_url_problem(image)):
        chk.error("image", problem)  # an episode's artwork has checks of its own
    item_id = _item_id(
        ctx.strict and is_feed, doc, chk, meta, (title, names.slug), ledger, existing
    )
    source_guid, guid_permalink = _kept_guid(chk, meta)
    _check_body(doc, chk, body, kind)
    extra = kept_extra(_extra_keys(chk, meta, kind), build_options(chk, meta))
    check_cascade(chk, meta)
    url = permalink(ctx.cfg, kind, names.section, names.slug, doc.source, item_id, date)
    aliases = site_aliases(chk, meta, ctx.cfg.site.base_url, url)  # relative: to the URL
    if kind != "page" and "{id}" in ctx.cfg.site.permalink and {".", ".."} & {*item_id.split("/")}:
        message = f"{item_id!r} makes a '.' or '..' segment of the permalink: no page is written"
        chk.error("id", f"{message} at {ctx.cfg.site.permalink}; use a UUID or a word")
    event = event_of(chk, meta, ctx.tz, ctx.cfg) if kind == "event" else None
    episode = _episode(ctx, doc, chk, meta, url, body) if kind == "episode" else None
    if len(chk.problems) > n_before:
        return None
    return Item(
        id=item_id,
        kind=kind,
        section=names.section,
        source=doc.source,
        title=title,
        slug=names.slug,
        url=url,
        date=date,
        updated=updated,
        description=description,
        authors=tuple(authors),
        tags=tuple(tags),
        draft=draft,
        image=image,
        body=body,
        title_id=heading_id,
        title_in_body=in_body,
        extra=extra,
        aliases=tuple(aliases),
        episode=episode,
        event=event,
        body_line=parsed.body_line,
        source_guid=source_guid,
        guid_permalink=guid_permalink,
    )


_ADD_TITLE = "add a 'title:' key or a first '# Heading' line"


def _title(
    cfg: Config, doc: RawDoc, chk: Checker, meta: Mapping[str, Any], is_feed: bool, gitbook: bool
) -> tuple[str, str, re.Match[str] | None, bool]:
    """The title (from ``title``, else the first H1, cut from the body when it opens it), the
    body, the H1 cut, and whether the body still shows the title (an H1 with something above
    it). A
    GitBook page with neither is left untitled here: GitBook titles it with its link text in
    ``SUMMARY.md``, which :func:`pipeline.load.summary.apply_summary` gives it."""
    body = doc.parsed.body
    title = chk.string(meta, "title")
    absent = meta.get("title") is None  # ``title:`` with no value (YAML's null) says none
    cut = None
    from_h1 = False
    if title is None:
        title, body, cut = _h1_title(meta, body, gitbook)
        from_h1 = title is not None
    if title is None and absent and not is_feed:  # a page with no title at all
        if gitbook:
            return "", body, None, False  # its link in SUMMARY.md titles it
        if "layout" in meta:  # Jekyll's templated page
            title = foreign.untitled_page_title(cfg.site.title, doc.source)
        elif title := foreign.file_title(doc.source) or None:  # as MkDocs titles it
            shown = f"missing: titled {title!r} from the file name"
            chk.warnings.append(Problem(doc.source, 1, "title", f"{shown} ({_ADD_TITLE})"))
    if (not title or not title.strip()) and (title is not None or absent):
        chk.error("title", f"missing: {_ADD_TITLE}" if absent else "expected a non-empty title")
        title = ""
    return " ".join((title or "").split()), body, cut, from_h1 and cut is None and bool(title)


def _dates(
    tz: ZoneInfo, doc: RawDoc, chk: Checker, meta: Mapping[str, Any], is_feed: bool
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """``date`` (or a dated file name; a feed item needs one) and ``updated``."""
    date = updated = None
    if "date" in meta:
        try:
            date = to_datetime(meta["date"], tz)
        except ValueError as exc:
            chk.error("date", str(exc))
    elif is_feed and (dated := foreign.DATED_NAME.match(posixpath.basename(doc.source))):
        date = to_datetime(dated.group(1), tz) if valid_date(dated.group(1)) else None
        if date is None:
            chk.error("date", f"file name date {dated.group(1)!r} is not a date; add 'date:'")
    elif is_feed:
        chk.error("date", "missing: feed items need 'date: YYYY-MM-DD' (or ISO 8601 with offset)")
    if "updated" in meta:
        try:
            updated = to_datetime(meta["updated"], tz)
        except ValueError as exc:
            chk.error("updated", str(exc))
    return date, updated


def _item_id(
    required: bool,
    doc: RawDoc,
    chk: Checker,
    meta: Mapping[str, Any],
    title_slug: tuple[str, str],
    ledger: IdLedger | None,
    existing: set[str],
) -> str:
    """The ``id`` key, else the id ledger's (an error instead when ``required``: --strict)."""
    item_id = chk.string(meta, "id")
    if "id" in meta and (item_id is None or not item_id.strip()):
        chk.error("id", "expected a non-empty identifier (publish new writes a UUID)")
    elif item_id is not None and not item_id.strip().isprintable():  # it ends up in GUIDs,
        # calendar UIDs and the digest ledger: a line break there ends a line of the file
        chk.error(
            "id",
            f"expected an identifier without line breaks or control characters, got {item_id!r}",
        )
    if item_id is None:
        if required:
            chk.error("id", "missing: --strict requires an 'id' key on every feed item")
        if ledger is None:
            raise RuntimeError(f"{doc.source}: validated without the id ledger it needs")
        item_id = ledger.assign(doc.source, *title_slug, existing)
    return item_id.strip()


def _check_body(doc: RawDoc, chk: Checker, body: str, kind: str) -> None:
    """An empty essay, GitBook containers left open (warnings), unusable images."""
    parsed = doc.parsed
    if kind in ("essay", "update") and not body.strip():
        chk.error("body", "empty: the file has front matter but no text", line=parsed.body_line)
    elif not body.strip() and not parsed.meta:  # an empty file (GitBook mode allows them)
        chk.warnings.append(Problem(doc.source, 1, "body", "empty page: the file has no text"))
    if "{%" in body:  # a GitBook container left open loses its markup: say where
        from pipeline.render.gitbook_text import tag_problems

        for n, message in sorted(tag_problems(body)):
            chk.warnings.append(Problem(doc.source, parsed.body_line + n, "body", message))
    if "{{" in body:  # Hugo's shortcodes: those of the site's own are left out, and said so
        from pipeline.render.hugo_text import shortcode_problems

        for n, message in shortcode_problems(body):
            chk.warnings.append(Problem(doc.source, parsed.body_line + n, "body", message))
    if "]" in parsed.body:  # an image needs brackets: the renderer is imported only then
        from pipeline.render.markdown import image_problems

        for line, message in image_problems(parsed.body, parsed.body_line - 1):
            chk.error("body", message, line=line)


def _extra_keys(chk: Checker, meta: Mapping[str, Any], kind: str) -> dict[str, Any]:
    """Keys publish does not know: kept for templates, each warned about."""
    known = (
        COMMON_KEYS
        | GITBOOK_KEYS
        | (EPISODE_KEYS if kind == "episode" else set())
        | (EVENT_KEYS if kind == "event" else set())
    )
    extra = {k: v for k, v in meta.items() if k not in known}
    for key in extra:
        if key not in foreign.HUGO_BUILD_KEYS:  # read by the load (foreign.py)
            chk.warn(key, "unknown key kept (not used by publish)")
    if meta.get("hidden") is True:
        extra["hidden"] = True
    for key in ("noIndex", "noRobotsIndex"):  # GitBook's two names of one setting
        if key in meta and not isinstance(meta[key], bool):
            chk.error(key, f"expected true or false, got {shown_value(meta[key])}")
        elif meta.get(key) is True:
            extra[NO_INDEX] = True
    return extra


def _episode(
    ctx: LoadContext, doc: RawDoc, chk: Checker, meta: Mapping[str, Any], url: str, body: str
) -> Episode | None:
    from pipeline.podcast.episode import parse_episode

    episode, more = parse_episode(
        meta,
        doc.parsed.lines,
        source=doc.source,
        content_root=ctx.root,
        item_url=url,
        body=body,
        config=ctx.cfg,
        media=ctx.media,
    )
    chk.problems.extend(more)
    return episode


def _kept_guid(chk: Checker, meta: Mapping[str, Any]) -> tuple[str, bool]:
    """``guid`` (the GUID an imported item had before, kept exactly) and ``guid_permalink``."""
    guid = chk.string(meta, "guid", compose=False)  # a reader matches it byte for byte
    if "guid" in meta and (guid is None or not guid.strip()):
        chk.error("guid", "expected the item's old feed GUID, a non-empty string")
        guid = None
    permalink = meta.get("guid_permalink", False)
    if not isinstance(permalink, bool):
        chk.error("guid_permalink", f"expected true or false, got {permalink!r}")
        permalink = False
    if permalink and not guid:
        chk.error("guid_permalink", "set only with 'guid' (the old permalink kept as GUID)")
    return guid or "", permalink
