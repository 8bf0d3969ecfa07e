"""One file's front matter and body made into an Item: keys normalised, each field
checked with its line, kind and permalink decided, an event's times read."""

from __future__ import annotations

import datetime as dt
import html
import posixpath
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from pipeline.config import Config
from pipeline.errors import Problem
from pipeline.load.ids import IdLedger
from pipeline.load.namelimits import kind_problem, name_problems
from pipeline.load.repeat import REPEAT_KEYS, parse_repeat
from pipeline.load.walk import RawDoc
from pipeline.model import KIND_OF_SECTION, SECTION_OF_KIND, Event, Item
from pipeline.podcast.episode import EPISODE_KEYS
from pipeline.render.slugs import github_slug
from pipeline.support.dates import shown_value, to_datetime
from pipeline.support.paths import image_url_problem
from pipeline.support.text import clean

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
``--strict`` builds a real handbook as it is. Not used by publish."""


EVENT_KEYS = {"starts", "ends", "location", "url", "sequence", "timezone", "all_day", *REPEAT_KEYS}


KINDS = {*SECTION_OF_KIND, "page"}


_SLUG = re.compile(r"^[\w][\w.-]*$")


_H1 = re.compile(r"^[ ]{0,3}#[ \t]+(.+)$", re.M)  # closing blanks and # cut after: not quadratic


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


_DATED_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-(.+)$")


"""Jekyll's ``2024-05-01-title.md``: the date and the slug come from the file name."""


def kind_for(source: str, meta: Mapping[str, Any], gitbook: bool = False) -> str:
    """The ``kind`` key, else the top folder; in GitBook mode SUMMARY.md decides instead."""
    kind = meta.get("kind")
    if isinstance(kind, str) and kind in KINDS:
        return kind
    if gitbook:
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
        if stem.lower() not in ("readme", "index") and source != cfg.content.readme:
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


class _Checker:
    """Collects problems and warnings for one file."""

    def __init__(self, doc: RawDoc, problems: list[Problem], warnings: list[Problem]) -> None:
        self.doc = doc
        self.problems = problems
        self.warnings = warnings

    def line(self, key: str) -> int:
        return self.doc.parsed.lines.get(key, 1)

    def error(self, key: str, message: str, line: int | None = None) -> None:
        self.problems.append(Problem(self.doc.source, line or self.line(key), key, message))

    def warn(self, key: str, message: str) -> None:
        self.warnings.append(Problem(self.doc.source, self.line(key), key, message))

    def string(self, meta: Mapping[str, Any], key: str) -> str | None:
        value = meta.get(key)
        if value is None:
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, bool):
            self.error(
                key,
                f"expected text, got {shown_value(value)}: YAML reads an unquoted yes, no, on, "
                "off, true or false as that; put the text in quotes",
            )
            return None
        if not isinstance(value, str):
            self.error(key, f"expected text, got {shown_value(value)}")
            return None
        return clean(value)

    def string_list(self, meta: Mapping[str, Any], key: str, *, allow_str: bool) -> list[str]:
        value = meta.get(key)
        if value is None:
            return []
        if isinstance(value, str) and allow_str:
            return [clean(value)]
        if not isinstance(value, list):
            self.error(key, f"expected a list like [a, b], got {shown_value(value)}"[:200])
            return []
        out = []
        for v in value:
            if isinstance(v, (str, int, float)) and not isinstance(v, bool):
                text = clean(str(v))  # NFC: "café" typed two ways is one tag, listed once
                if text not in out:
                    out.append(text)
            else:
                self.error(key, f"expected a list of text values, found {shown_value(v)}")
        return out


def normalise_keys(chk: _Checker, meta: dict[str, Any]) -> dict[str, Any]:
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


def load_doc(
    cfg: Config,
    root: Path,
    doc: RawDoc,
    problems: list[Problem],
    warnings: list[Problem],
    tz: ZoneInfo,
    ledger: IdLedger | None,
    existing: set[str],
    strict: bool,
    cache_dir: Path | None,
    gitbook: bool,
) -> Item | None:
    """Validate one parsed file into an Item (None when it has errors, all recorded)."""
    chk = _Checker(doc, problems, warnings)
    meta = normalise_keys(chk, dict(doc.parsed.meta))
    kind = kind_for(doc.source, meta, gitbook)
    problems.extend(kind_problem(doc.source, doc.parsed.lines, meta, KINDS))
    section = SECTION_OF_KIND.get(kind, posixpath.dirname(doc.source) or "pages")
    stem = posixpath.splitext(posixpath.basename(doc.source))[0]
    dated = _DATED_NAME.match(stem)
    if dated:
        stem = dated.group(2)
    slug = chk.string(meta, "slug") or github_slug(stem.replace("_", "-")) or "page"
    if "slug" in meta and not _SLUG.match(slug):
        chk.error("slug", f"expected letters, digits, '-', '_' or '.', got {slug!r}")
    args = (cfg, root, doc, chk, meta, kind, section, slug, tz, ledger, existing, strict)
    item = _build_item(*args, cache_dir)
    problems.extend(too_long := name_problems(item, doc.parsed.lines, meta) if item else [])
    return None if too_long else item


def h1_title(meta: Mapping[str, Any], body: str) -> tuple[str | None, str]:
    """Without a ``title`` key, the first H1 is the title; when it opens the body it is cut
    from the body (the page shows the title once)."""
    if "title" in meta:
        return None, body
    m = _H1.search(body)
    if not m:
        return None, body
    if not body[: m.start()].strip():
        body = body[: m.start()] + body[m.end() :]
    return heading_text(m.group(1).rstrip(" \t#") or m.group(1)[:1]), body


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def heading_text(markdown: str) -> str:
    """A heading's Markdown as plain text, as the rendered heading reads: backslash escapes
    and entities resolved (GitBook writes ``\\_new\\_`` and ``&#x20;``), a trailing
    backslash (GitBook's line end) dropped."""
    text = markdown.strip().removesuffix("\\")
    return html.unescape(_ESCAPED.sub(r"\1", text)).strip()


def _build_item(
    cfg: Config,
    root: Path,
    doc: RawDoc,
    chk: _Checker,
    meta: dict[str, Any],
    kind: str,
    section: str,
    slug: str,
    tz: ZoneInfo,
    ledger: IdLedger | None,
    existing: set[str],
    strict: bool,
    cache_dir: Path | None = None,
) -> Item | None:
    parsed = doc.parsed
    body = parsed.body
    is_feed = kind != "page"
    n_before = len(chk.problems)

    title = chk.string(meta, "title")
    if title is None:
        title, body = h1_title(meta, body)
    if (not title or not title.strip()) and (title is not None or "title" not in meta):
        chk.error(
            "title",
            "missing: add a 'title:' key or a first '# Heading' line"
            if "title" not in meta
            else "expected a non-empty title",
        )
        title = ""
    title = " ".join((title or "").split())

    date = updated = None
    if "date" in meta:
        try:
            date = to_datetime(meta["date"], tz)
        except ValueError as exc:
            chk.error("date", str(exc))
    elif is_feed and (dated := _DATED_NAME.match(posixpath.basename(doc.source))):
        date = to_datetime(dated.group(1), tz) if _valid_date(dated.group(1)) else None
        if date is None:
            chk.error("date", f"file name date {dated.group(1)!r} is not a date; add 'date:'")
    elif is_feed:
        chk.error("date", "missing: feed items need 'date: YYYY-MM-DD' (or ISO 8601 with offset)")
    if "updated" in meta:
        try:
            updated = to_datetime(meta["updated"], tz)
        except ValueError as exc:
            chk.error("updated", str(exc))

    description = chk.string(meta, "description")
    authors = chk.string_list(meta, "authors", allow_str=True)
    tags = chk.string_list(meta, "tags", allow_str=False)
    aliases = chk.string_list(meta, "aliases", allow_str=True)
    draft = meta.get("draft", False)
    if not isinstance(draft, bool):
        chk.error("draft", f"expected true or false, got {draft!r}")
        draft = False
    image = chk.string(meta, "image")
    if image and kind != "episode" and (problem := image_url_problem(image)):
        chk.error("image", problem)  # an episode's artwork has checks of its own

    item_id = chk.string(meta, "id")
    if "id" in meta and (item_id is None or not item_id.strip()):
        chk.error("id", "expected a non-empty identifier (publish new writes a UUID)")
    if item_id is None:
        if strict and is_feed:
            chk.error("id", "missing: --strict requires an 'id' key on every feed item")
        if ledger is None:
            raise RuntimeError(f"{doc.source}: validated without the id ledger it needs")
        item_id = ledger.assign(doc.source, title, slug, existing)
    item_id = item_id.strip()

    if is_feed and not body.strip() and kind in ("essay", "update"):
        chk.error("body", "empty: the file has front matter but no text", line=parsed.body_line)
    if "{%" in body:  # a GitBook container left open loses its markup: say where
        from pipeline.render.gitbook_text import preprocess

        unbalanced: list[tuple[int, str]] = []
        preprocess(body, unbalanced)
        for n, message in sorted(unbalanced):
            chk.warnings.append(Problem(doc.source, parsed.body_line + n, "body", message))

    if "]" in parsed.body:  # an image needs brackets: the renderer is imported only then
        from pipeline.render.markdown import image_problems

        for line, message in image_problems(parsed.body, parsed.body_line - 1):
            chk.error("body", message, line=line)

    known = (
        COMMON_KEYS
        | GITBOOK_KEYS
        | (EPISODE_KEYS if kind == "episode" else set())
        | (EVENT_KEYS if kind == "event" else set())
    )
    extra = {k: v for k, v in meta.items() if k not in known}
    for key in extra:
        chk.warn(key, "unknown key kept (not used by publish)")

    url = permalink(cfg, kind, section, slug, doc.source, item_id, date)
    event = _event(chk, meta, tz, cfg) if kind == "event" else None
    episode = None
    if kind == "episode":
        from pipeline.podcast.episode import parse_episode

        episode, more = parse_episode(
            meta,
            parsed.lines,
            source=doc.source,
            content_root=root,
            item_url=url,
            body=body,
            config=cfg,
            cache_dir=cache_dir,
        )
        chk.problems.extend(more)
    if len(chk.problems) > n_before:
        return None
    return Item(
        id=item_id,
        kind=kind,
        section=section,
        source=doc.source,
        title=title,
        slug=slug,
        url=url,
        date=date,
        updated=updated,
        description=description,
        authors=tuple(authors),
        tags=tuple(tags),
        draft=draft,
        image=image,
        body=body,
        extra=extra,
        aliases=tuple(aliases),
        episode=episode,
        event=event,
        body_line=parsed.body_line,
    )


def _valid_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _event(chk: _Checker, meta: Mapping[str, Any], tz: ZoneInfo, cfg: Config) -> Event | None:
    zone_name = cfg.site.timezone
    if "timezone" in meta:
        zone_name = str(meta["timezone"])
        try:
            tz = ZoneInfo(zone_name)
        except (KeyError, ValueError):
            chk.error("timezone", f"unknown IANA time zone {zone_name!r}")
            return None
        except Exception:  # ZoneInfoNotFoundError and path errors from hostile names
            chk.error("timezone", f"unknown IANA time zone {zone_name!r}")
            return None
    if "starts" not in meta:
        chk.error("starts", "missing: events need 'starts: 2025-06-01T18:00'")
        return None
    try:
        starts = to_datetime(meta["starts"], tz)
    except ValueError as exc:
        chk.error("starts", str(exc))
        return None
    try:
        ends = to_datetime(meta["ends"], tz) if meta.get("ends") is not None else None
    except ValueError as exc:
        chk.error("ends", str(exc))
        return None
    if ends is not None and ends < starts:
        chk.error("ends", "is before 'starts'")
        return None
    sequence = meta.get("sequence", 0)
    if not isinstance(sequence, int) or isinstance(sequence, bool) or sequence < 0:
        chk.error("sequence", f"expected a whole number >= 0, got {sequence!r}")
        return None
    raw = meta["starts"]
    all_day = (isinstance(raw, dt.date) and not isinstance(raw, dt.datetime)) or (
        isinstance(raw, str) and _valid_date(raw.strip())
    )
    location = chk.string(meta, "location")
    url = chk.string(meta, "url")
    if url and not re.match(r"^https?://", url):
        chk.error("url", f"expected an absolute http(s) URL, got {url!r}")
    n_before = len(chk.problems)
    repeat = parse_repeat(meta, starts, ends, tz, chk.error)
    if len(chk.problems) > n_before:
        return None
    return Event(
        starts=starts,
        ends=ends,
        timezone=zone_name,
        all_day=all_day,
        location=location,
        url=url,
        sequence=sequence,
        repeat=repeat,
    )
