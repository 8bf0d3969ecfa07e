"""Stage 1: find every Markdown file, parse and validate its front matter, build Items.

All problems in all files are collected and raised together (``ContentError``), each as
``path:line: field: message``. Unknown keys are kept and warned about, never fatal.
"""

from __future__ import annotations

import datetime as dt
import errno
import html
import os
import posixpath
import re
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from pipeline.build.digests import body_digest, content_digest
from pipeline.build.loadcache import LoadCache, Record, pack, text_digest
from pipeline.build.state import build_salt
from pipeline.config import Config
from pipeline.errors import ContentError, Problem
from pipeline.load.frontmatter import FrontMatterError, Parsed, decode, split, split_body
from pipeline.load.ids import IdLedger
from pipeline.load.namelimits import kind_problem, name_problems
from pipeline.model import KIND_OF_SECTION, SECTION_OF_KIND, Event, Item, Site
from pipeline.podcast.episode import EPISODE_KEYS
from pipeline.render.slugs import github_slug
from pipeline.support.dates import shown_value, to_datetime
from pipeline.support.parallel import pool_size
from pipeline.support.paths import image_url_problem, url_error
from pipeline.support.text import clean
from pipeline.support.workers import process_pool

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
``--strict`` builds a real handbook as it is. Not used by publish."""
EVENT_KEYS = {"starts", "ends", "location", "url", "sequence", "timezone", "all_day"}
KINDS = {*SECTION_OF_KIND, "page"}
_SLUG = re.compile(r"^[\w][\w.-]*$")
_H1 = re.compile(r"^[ ]{0,3}#[ \t]+(.+)$", re.M)  # closing blanks and # cut after: not quadratic
SKIP_DIRS = {"node_modules", "_book"}


@dataclass(frozen=True)
class RawDoc:
    """A Markdown file read and split, before validation."""

    source: str
    parsed: Parsed


def iter_markdown(root: Path, cfg: Config) -> Iterator[Path]:
    """Markdown files under ``root`` in a stable order, skipping dot-folders and symlinks out."""
    for _, path in walk_markdown(root, own_folders(cfg, root)):
        yield Path(path)


def own_folders(cfg: Config, root: Path) -> frozenset[str]:
    """The newsletter's templates and ledger folders when they sit inside the content root
    (a GitBook space kept at the top of its repository): publish's files, not pages. Any
    other folder of those names is content like any other."""
    out = set()
    for setting in (cfg.newsletter.templates, posixpath.dirname(cfg.newsletter.ledger)):
        if not setting:
            continue
        try:
            rel = (cfg.root / setting).resolve().relative_to(root.resolve())
        except (ValueError, OSError):
            continue
        if rel.parts:
            out.add(rel.as_posix())
    return frozenset(out)


def walk_markdown(root: Path, skip: frozenset[str] = frozenset()) -> Iterator[tuple[str, str]]:
    """(path relative to ``root`` with POSIX separators, full path) of every Markdown file,
    in the order of :func:`iter_markdown`, without building a Path per file; folders in
    ``skip`` (relative POSIX paths, :func:`own_folders`) are not entered."""
    top = os.path.join(str(root), "")
    for dirpath, dirnames, filenames in os.walk(top):
        where = os.path.join(dirpath, "")
        folder = where[len(top) :].replace(os.sep, "/")
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not d.startswith(".") and d not in SKIP_DIRS and folder + d not in skip
        )
        for name in sorted(filenames):
            if name.lower().endswith((".md", ".markdown")) and not name.startswith("."):
                yield folder + name, where + name


def relpath(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def read_doc(root: Path, path: Path, max_bytes: int) -> RawDoc:
    """Read and split one file; raises FrontMatterError with a line for every bad input."""
    source, text = read_text(root, path, max_bytes)
    return RawDoc(source, split(text))


def read_text(root: Path, path: Path, max_bytes: int) -> tuple[str, str]:
    """A file's path under the root and its text (UTF-8, NFC, LF), or a FrontMatterError."""
    source = relpath(root, path)
    if path.is_symlink():
        try:
            real, real_root = path.resolve(strict=True), root.resolve()
        except RuntimeError:  # Python before 3.13
            raise FrontMatterError(1, "file", "symlink loop; refused") from None
        except OSError as exc:
            what = "symlink loop" if exc.errno == errno.ELOOP else "symlink to a missing file"
            raise FrontMatterError(1, "file", f"{what}; refused") from None
        if real_root not in real.parents:
            raise FrontMatterError(1, "file", "symlink points outside the content root; refused")
    size = path.stat().st_size
    if size > max_bytes:
        raise FrontMatterError(1, "file", f"file is {size} bytes, over the limit of {max_bytes}")
    raw = path.read_bytes()
    try:
        text = decode(raw)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FrontMatterError(
            line,
            "file",
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at "
            f"offset {exc.start}); save the file as UTF-8",
        ) from None
    except ValueError as exc:
        raise FrontMatterError(1, "file", str(exc)) from None
    if not text.strip():
        raise FrontMatterError(1, "file", "empty file; expected front matter and a Markdown body")
    return source, unicodedata.normalize("NFC", text)


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


def load_site(
    cfg: Config,
    content_dir: Path,
    *,
    write_ledger: bool = False,
    strict: bool = False,
    cache_dir: Path | None = None,
    only: Collection[str] | None = None,
    walked: Sequence[tuple[str, str]] | None = None,
) -> Site:
    """Load and validate every Markdown file under ``content_dir`` (drafts included).

    With ``cache_dir``, a file unchanged since it was last loaded comes from the load cache
    (:mod:`pipeline.build.loadcache`) without its body: render with ``body_of=``
    :func:`reload_body`.
    With ``only``, just those sources are loaded; the others still count as present (for the
    id ledger), but nothing across files is checked: :mod:`pipeline.build.snapshot` checks that.
    ``walked`` is :func:`walk_markdown`'s answer when the caller has it already.
    """
    root = content_dir
    problems: list[Problem] = []
    warnings: list[Problem] = []
    tz = ZoneInfo(cfg.site.timezone)
    gitbook = gitbook_mode(cfg, root)
    if gitbook and only is not None:
        raise ValueError("a GitBook space is loaded whole: SUMMARY.md orders every page")
    salt = f"{build_salt(cfg, root)}\0{strict}\0{gitbook}"
    cache = LoadCache(cache_dir, salt, root, only)
    order: list[tuple[str, str]] = []
    hits: dict[str, Record] = {}
    jobs: list[_ReadJob] = []
    present: list[str] = []
    files = walk_markdown(root, own_folders(cfg, root)) if walked is None else iter(walked)
    try:
        for source, full in files:
            if gitbook and source == cfg.content.summary:
                continue  # the table of contents, read by pipeline.load.summary; not a page
            present.append(source)
            if only is not None and source not in only:
                continue
            order.append((source, full))
            record = cache.get(source, full)
            if record is not None:
                hits[source] = record
                continue
            jobs.append((root, source, full, cfg.content.max_file_bytes, cache.known_text(source)))
        docs: dict[str, RawDoc] = {}
        digests: dict[str, str] = {}
        built: dict[str, _Built] = {}
        context = _LoadContext(cfg, root, tz, strict, cache_dir, gitbook)
        for job, read in zip(jobs, _read_all(jobs, context), strict=True):
            source, full = job[1], job[2]
            if read.problem is not None:
                problems.append(read.problem)
                continue
            digests[source] = read.digest
            if read.built is not None:
                built[source] = read.built
                continue
            if read.doc is None:  # the text of the cached record: only the stat changed
                record = cache.get_by_text(source, full, read.digest)
                if record is not None:
                    hits[source] = record
                    continue
                read = _read_one((*job[:4], None))
            if read.doc is not None:
                docs[source] = read.doc
            elif read.problem is not None:
                problems.append(read.problem)
        ledger_path = root / cfg.content.id_ledger
        try:
            ledger = IdLedger(ledger_path)
        except ValueError as exc:
            raise ContentError([Problem(str(ledger_path), 1, "id ledger", str(exc))]) from None
        existing = set(docs) | set(hits) | set(built)
        if only is not None:
            existing.update(s for s in present if s not in only)
        items: list[Item] = []
        lines_of: dict[str, Mapping[str, int]] = {}
        for source, full in order:
            record = hits.get(source)
            if record is not None and record.ledger:
                cached = record.item
                if ledger.assign(source, cached.title, cached.slug, existing) != cached.id:
                    record = None  # the ledger was edited: load the file afresh
                    read = _read_one((root, source, full, cfg.content.max_file_bytes, None))
                    if read.doc is not None:
                        docs[source], digests[source] = read.doc, read.digest
                    elif read.problem is not None:
                        problems.append(read.problem)
            if record is not None:
                items.append(record.item)
                warnings.extend(record.warnings)
                lines_of[source] = record.lines
                continue
            done = built.get(source)
            if done is None:
                doc = docs.get(source)
                if doc is None:
                    continue
                done = _build(context, doc, ledger, existing)
            problems.extend(done.problems)
            warnings.extend(done.warnings)
            lines_of[source] = done.lines
            if done.item is not None:
                items.append(done.item)
                cache.put(source, full, digests[source], done.record)
        if gitbook:
            from pipeline.load.summary import apply_summary

            try:
                items, more_warnings = apply_summary(cfg, root, items, tz)
                warnings.extend(more_warnings)
                items = [i.evolve(digest=content_digest(i)) for i in items]
            except ContentError as exc:  # a malformed dates file, no table of contents
                where = {"dates": cfg.content.dates_file, "summary": cfg.content.summary}
                problems.extend(
                    Problem(where.get(p.field, p.path), p.line, p.field, p.message)
                    for p in exc.problems
                )
        if only is None:
            _check_unique(items, lines_of, problems)
        if problems:
            raise ContentError(
                [shown(root, p) for p in problems], [shown(root, w) for w in warnings]
            )
        cache.save(present)
    finally:
        cache.close()
    if write_ledger:
        ledger.save()
    return Site(tuple(items), tuple(_merge([shown(root, w) for w in warnings])))


_ReadJob = tuple[Path, str, str, int, "str | None"]
"""(content root, source, full path, size limit, digest of the text the cache knows)."""


@dataclass(frozen=True)
class _LoadContext:
    """What validating a file needs besides the file (given to worker processes once)."""

    cfg: Config
    root: Path
    tz: ZoneInfo
    strict: bool
    cache_dir: Path | None
    gitbook: bool


@dataclass(frozen=True)
class _Built:
    """One file validated: its item (None when it has errors) and what the load reported."""

    item: Item | None
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    lines: dict[str, int]
    record: bytes | None
    """The load cache's record of it (see :func:`pipeline.build.loadcache.pack`)."""


@dataclass(frozen=True)
class _Read:
    """One file read and split, in a worker process: a document (validated there too when it
    names its own id: only files without one need the id ledger, in order), or a problem, or
    (when its text is the one the load cache knows) only the digest."""

    source: str
    digest: str = ""
    doc: RawDoc | None = None
    problem: Problem | None = None
    built: _Built | None = None


_CONTEXT: list[_LoadContext] = []


def _set_context(context: _LoadContext) -> None:
    _CONTEXT[:] = [context]


def _build(
    context: _LoadContext, doc: RawDoc, ledger: IdLedger | None, existing: set[str]
) -> _Built:
    problems: list[Problem] = []
    warnings: list[Problem] = []
    c = context
    lines = dict(doc.parsed.lines)
    try:
        loaded = _load_doc(
            c.cfg,
            c.root,
            doc,
            problems,
            warnings,
            c.tz,
            ledger,
            existing,
            c.strict,
            c.cache_dir,
            c.gitbook,
        )
    except ValueError as exc:  # a value no parser takes, e.g. a URL with a broken [host]
        key = _unparsable_url_key(doc.parsed.meta)
        where = lines.get(key, 1) if key else 1
        problems.append(Problem(doc.source, where, key or "file", f"not a valid URL ({exc})"))
        return _Built(None, tuple(problems), tuple(warnings), lines, None)
    if loaded is None:
        return _Built(None, tuple(problems), tuple(warnings), lines, None)
    item = loaded.evolve(body_digest=body_digest(loaded.body))
    item = item.evolve(digest=content_digest(item))
    record = None
    if not problems:
        kept = item if item.episode else item.evolve(body="")
        ledger_id = "id" not in doc.parsed.meta
        record = pack(Record(kept, tuple(warnings), lines, ledger_id), c.root)
    return _Built(item, tuple(problems), tuple(warnings), lines, record)


def _unparsable_url_key(meta: Mapping[str, Any]) -> str | None:
    """The first front-matter key whose text value ``urlsplit`` refuses."""
    for key, value in meta.items():
        if isinstance(value, str) and url_error(value) is not None:
            return str(key)
    return None


def _own_id(meta: Mapping[str, Any]) -> bool:
    """The file names a usable id, so validating it never asks the id ledger."""
    value = meta.get("id")
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def _read_one(job: _ReadJob) -> _Read:
    root, source, full, max_bytes, known = job
    try:
        _, text = read_text(root, Path(full), max_bytes)
    except FrontMatterError as exc:
        return _Read(source, problem=Problem(source, exc.line, exc.field, exc.message))
    except OSError as exc:
        return _Read(source, problem=Problem(source, 1, "file", f"cannot read: {exc.strerror}"))
    digest = text_digest(text)
    if digest == known:
        return _Read(source, digest)
    try:
        parsed = split(text)
    except FrontMatterError as exc:
        return _Read(source, digest, problem=Problem(source, exc.line, exc.field, exc.message))
    doc = RawDoc(source, parsed)
    if _CONTEXT and _own_id(parsed.meta):
        return _Read(source, digest, built=_build(_CONTEXT[0], doc, None, set()))
    return _Read(source, digest, doc)


def _read_all(jobs: list[_ReadJob], context: _LoadContext) -> list[_Read]:
    """Read, split and (where no id ledger is needed) validate every file; on both cores
    when there are many (YAML is the cost)."""
    workers = pool_size(len(jobs))
    _set_context(context)
    try:
        if workers < 2:
            return [_read_one(job) for job in jobs]
        with process_pool(workers, _set_context, (context,)) as pool:
            return list(pool.map(_read_one, jobs, chunksize=64))
    finally:
        _CONTEXT.clear()


def _load_doc(
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


def reload_body(cfg: Config, content_dir: Path, source: str, digest: str) -> str:
    """The Markdown body of an item the load cache gave without it, as load_site makes it,
    read again from ``source``.

    Raises ContentError when the file no longer holds the body it was loaded with (``digest``:
    edited during the build), whose rendering would be cached under another text's digest."""
    _, text = read_text(content_dir, content_dir / source, cfg.content.max_file_bytes)
    body = split_body(text)  # the YAML is not read again: the digest tells which body it was
    if body_digest(body) == digest:
        return body
    cut = _h1_title({}, body)[1]  # an item without a title key: its opening H1 was cut
    if cut != body and body_digest(cut) == digest:
        return cut
    message = "changed while the build was running: run it again"
    raise ContentError([shown(content_dir, Problem(source, 1, "file", message))])


def _h1_title(meta: Mapping[str, Any], body: str) -> tuple[str | None, str]:
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


def shown(root: Path, problem: Problem) -> Problem:
    """Name the file as the user would type it: relative to the working folder when inside."""
    path = root / problem.path
    try:
        shown = os.path.relpath(path)
    except ValueError:
        shown = str(path)
    if shown.startswith(".."):
        shown = str(path)
    return Problem(shown, problem.line, problem.field, problem.message)


def gitbook_mode(cfg: Config, root: Path) -> bool:
    if cfg.content.flavour == "gitbook":
        return True
    return cfg.content.flavour == "auto" and (root / cfg.content.summary).is_file()


def _merge(warnings: list[Problem]) -> list[Problem]:
    return sorted(set(warnings))


def _check_unique(
    items: list[Item], lines: Mapping[str, Mapping[str, int]], problems: list[Problem]
) -> None:
    by_id: dict[str, list[Item]] = defaultdict(list)
    by_url: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_id[item.id].append(item)
        if not item.draft:  # a draft's URL is checked when it is published
            by_url[item.url].append(item)
    for group, field_name, what in ((by_id, "id", "id"), (by_url, "slug", "permalink")):
        for key, same in group.items():
            if len(same) < 2:
                continue
            names = ", ".join(i.source for i in same)
            for i in same:
                line = lines.get(i.source, {}).get(field_name, 1)
                problems.append(
                    Problem(
                        i.source, line, field_name, f"duplicate {what} {key!r} (shared by {names})"
                    )
                )


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
        title, body = _h1_title(meta, body)
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
    source_guid, guid_permalink = _kept_guid(chk, meta)

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
        source_guid=source_guid,
        guid_permalink=guid_permalink,
    )


def _kept_guid(chk: _Checker, meta: Mapping[str, Any]) -> tuple[str, bool]:
    """``guid`` (the GUID an imported item had before, kept exactly) and ``guid_permalink``."""
    guid = chk.string(meta, "guid")
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
    return Event(
        starts=starts,
        ends=ends,
        timezone=zone_name,
        all_day=all_day,
        location=location,
        url=url,
        sequence=sequence,
    )
