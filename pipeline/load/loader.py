"""Stage 1: find every Markdown file, parse and validate its front matter, build Items.

All problems in all files are collected and raised together (``ContentError``), each as
``path:line: field: message``. Unknown keys are kept and warned about, never fatal.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pipeline.config import Config
from pipeline.errors import ContentError, Problem
from pipeline.load.dated import future_updates
from pipeline.load.foreign import apply_cascade
from pipeline.load.frontmatter import FrontMatterError, split, split_body
from pipeline.load.ids import IdLedger
from pipeline.load.includes import SharedIncludes, read_includes
from pipeline.load.item import LoadContext, h1_title, load_doc
from pipeline.load.mode import gitbook_mode
from pipeline.load.record import LoadStore, NoStore, Record, pack
from pipeline.load.walk import RawDoc, own_folders, read_text, walk_markdown
from pipeline.model import Item, Site
from pipeline.podcast.episode import needs_probe
from pipeline.podcast.media import MediaProber
from pipeline.support.parallel import pool_size
from pipeline.support.paths import url_error
from pipeline.support.readahead import reading_ahead
from pipeline.support.workers import process_pool


def load_site(
    cfg: Config,
    content_dir: Path,
    *,
    write_ledger: bool = False,
    strict: bool = False,
    media: MediaProber | None = None,
    store: LoadStore | None = None,
    only: Collection[str] | None = None,
    walked: Sequence[tuple[str, str]] | None = None,
    pages: Sequence[str] | None = None,
    now: dt.datetime | None = None,
) -> Site:
    """Load and validate every Markdown file under ``content_dir`` (drafts included).

    With a ``store`` (the build's load cache), a file unchanged since it was last loaded
    comes from it without its body (the store keeps what it needs to read it again: see
    :func:`bodies`).
    ``media`` gives the length and type of remote episode files that do not state them (the
    edge passes one holding its session and cache; files needing it are validated in this
    process, never in a worker).
    With ``only``, just those sources are loaded; the others still count as present (for the
    id ledger), but nothing across files is checked: :mod:`pipeline.build.snapshot` checks that.
    In a GitBook space, ``pages`` then names every page of the space (in walk order), among
    which SUMMARY.md places the ones loaded; the warnings it gives about the space as a whole
    (SUMMARY.md's links, the dates file's entries) are the whole load's, not given again.
    ``walked`` is :func:`walk_markdown`'s answer when the caller has it already.
    With ``now`` (the caller's clock), an ``updated`` after it is warned about
    (:func:`~pipeline.load.dated.future_updates`; never kept in the ``store``).
    """
    gitbook = gitbook_mode(cfg, content_dir)
    if gitbook and only is not None and pages is None:
        raise ValueError("a GitBook space loaded in part needs the sources of all its pages")
    context = LoadContext(cfg, content_dir, ZoneInfo(cfg.site.timezone), strict, gitbook, media)
    run = _Run(context, store if store is not None else NoStore())
    files = walk_markdown(content_dir, own_folders(cfg, content_dir)) if walked is None else walked
    try:
        run.read(files, only)
        ledger_path = content_dir / cfg.content.id_ledger
        try:
            ledger = IdLedger(ledger_path)
        except ValueError as exc:
            raise ContentError([Problem(str(ledger_path), 1, "id ledger", str(exc))]) from None
        items = run.assemble(ledger, only)
        if gitbook:
            items = run.apply_summary(items, pages, only)
        if only is None:
            items = apply_cascade(items)  # Hugo's: a section's pages left out of the site
            _check_unique(items, run.lines_of, run.problems)
        if run.problems:
            raise ContentError(
                [shown(content_dir, p) for p in run.problems],
                [shown(content_dir, w) for w in run.warnings],
            )
        run.cache.save(run.present)
    finally:
        run.cache.close()
    if write_ledger:
        ledger.save()
    if now is not None:
        run.warnings.extend(future_updates(items, now, lambda s: run.lines_of.get(s, {})))
    return Site(tuple(items), tuple(_merge([shown(content_dir, w) for w in run.warnings])))


class _Run:
    """One load: what was found of each file (a cache record, a read document, an item
    validated in a worker, or a problem), then the items in walk order."""

    def __init__(self, context: LoadContext, cache: LoadStore) -> None:
        self.context = context
        self.cache = cache
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.order: list[tuple[str, str]] = []
        self.present: list[str] = []
        self.hits: dict[str, Record] = {}
        self.docs: dict[str, RawDoc] = {}
        self.digests: dict[str, str] = {}
        self.built: dict[str, _Built] = {}
        self.lines_of: dict[str, Mapping[str, int]] = {}
        self.shared = SharedIncludes()

    def read(self, files: Iterable[tuple[str, str]], only: Collection[str] | None) -> None:
        """Each file from the cache, else read (and, where no id ledger is needed, validated)
        by the workers."""
        c, cache = self.context, self.cache
        jobs: list[_ReadJob] = []
        for source, full in files:
            if c.gitbook and source == c.cfg.content.summary:
                continue  # the table of contents, read by pipeline.load.summary; not a page
            self.present.append(source)
            if only is not None and source not in only:
                continue
            self.order.append((source, full))
            record = cache.get(source, full)
            if record is not None:
                self.hits[source] = record
                continue
            known = cache.known_text(source)
            jobs.append((c.root, source, full, c.cfg.content.max_file_bytes, known, *self._keys()))
        for job, read in zip(jobs, _read_all(jobs, c, _sharing(self.shared)), strict=True):
            source, full = job[1], job[2]
            if read.problem is not None:
                self.problems.append(read.problem)
                continue
            self.digests[source] = read.digest
            if read.built is not None:
                self.built[source] = read.built
                continue
            if read.doc is None:  # the text of the cached record: only the stat changed
                record = cache.get_by_text(source, full, read.digest)
                if record is not None:
                    self.hits[source] = record
                    continue
                read = _read_one((*job[:4], None, *job[5:]))
            self._keep(source, read)

    def _keys(self) -> tuple[Callable[[str], str], Callable[[Item, str], object]]:
        return self.cache.text_key, self.cache.item_key

    def _keep(self, source: str, read: _Read) -> None:
        if read.doc is not None:
            self.docs[source], self.digests[source] = read.doc, read.digest
        elif read.problem is not None:
            self.problems.append(read.problem)

    def assemble(self, ledger: IdLedger, only: Collection[str] | None) -> list[Item]:
        """The items in walk order: cached, validated in a worker, or validated here (those
        the id ledger names, in order, and those whose remote media must be probed)."""
        c = self.context
        existing = set(self.docs) | set(self.hits) | set(self.built)
        if only is not None:
            existing.update(s for s in self.present if s not in only)
        items: list[Item] = []
        for source, full in self.order:
            record = self.hits.get(source)
            if record is not None and record.ledger:
                cached = record.item
                if ledger.assign(source, cached.title, cached.slug, existing) != cached.id:
                    record = None  # the ledger was edited: load the file afresh
                    limit = c.cfg.content.max_file_bytes
                    job = (c.root, source, full, limit, None, *self._keys())
                    self._keep(source, _read_one(job))
            if record is not None:
                items.append(self.shared(record.item))
                self.warnings.extend(record.warnings)
                self.lines_of[source] = record.lines
                continue
            done = self.built.get(source)
            if done is None:
                doc = self.docs.get(source)
                if doc is None:
                    continue
                done = _build(c, doc, ledger, existing)
            self.problems.extend(done.problems)
            self.warnings.extend(done.warnings)
            self.lines_of[source] = done.lines
            if done.item is not None:
                items.append(self.shared(done.item))
                digest = self.digests[source]
                self.cache.put(source, full, digest, done.record, done.item, done.key)
        return items

    def apply_summary(
        self, items: list[Item], pages: Sequence[str] | None, only: Collection[str] | None
    ) -> list[Item]:
        """GitBook mode: titles, order and dates from SUMMARY.md and the dates file. With
        ``only``, ``items`` are those pages among all of ``pages``; only their own warnings
        are kept."""
        from pipeline.load.summary import apply_summary

        c = self.context
        try:
            items, more_warnings = apply_summary(c.cfg, c.root, items, c.tz, pages)
            if only is not None:
                more_warnings = [w for w in more_warnings if w.path in only]
        except ContentError as exc:  # a malformed dates file, no table of contents
            where = {"dates": c.cfg.content.dates_file, "summary": c.cfg.content.summary}
            self.problems.extend(
                Problem(where.get(p.field, p.path), p.line, p.field, p.message)
                for p in exc.problems
            )
            return items
        self.warnings.extend(more_warnings)
        if only is None:  # what .gitbook.yaml names that is not there (a whole load's)
            from pipeline.load.spacefile import space_warnings

            self.warnings.extend(space_warnings(c.root, [i.source for i in items]))
        return items


_ReadJob = tuple[
    Path, str, str, int, "str | None", Callable[[str], str], Callable[[Item, str], object]
]
"""(content root, source, full path, size limit, key of the text the store knows, how the
store keys a text and an item: :attr:`~pipeline.load.record.LoadStore.text_key`,
:attr:`~pipeline.load.record.LoadStore.item_key`)."""


@dataclass(frozen=True)
class _Built:
    """One file validated: its item (None when it has errors) and what the load reported."""

    item: Item | None
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    lines: dict[str, int]
    record: bytes | None
    """The load cache's record of it (see :func:`pipeline.load.record.pack`)."""
    key: object = None
    """What the store keeps beside the record (its ``item_key``), when made in a worker."""


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


_CONTEXT: list[LoadContext] = []


def _set_context(context: LoadContext) -> None:
    _CONTEXT[:] = [context]


def _build(
    context: LoadContext, doc: RawDoc, ledger: IdLedger | None, existing: set[str]
) -> _Built:
    problems: list[Problem] = []
    warnings: list[Problem] = []
    lines = dict(doc.parsed.lines)
    try:
        item = load_doc(context, doc, problems, warnings, ledger, existing)
    except ValueError as exc:  # a value no parser takes, e.g. a URL with a broken [host]
        key = _unparsable_url_key(doc.parsed.meta)
        where = lines.get(key, 1) if key else 1
        problems.append(Problem(doc.source, where, key or "file", f"not a valid URL ({exc})"))
        return _Built(None, tuple(problems), tuple(warnings), lines, None)
    if item is None:
        return _Built(None, tuple(problems), tuple(warnings), lines, None)
    if "include" in item.body:
        found, left_out = read_includes(
            context.root, item.source, item.body, item.body_line, context.cfg.content.max_file_bytes
        )
        item = item.evolve(includes=found)
        warnings.extend(left_out)
    record = None
    if not problems:
        kept = item if item.episode else item.evolve(body="")
        ledger_id = "id" not in doc.parsed.meta
        record = pack(Record(kept, tuple(warnings), lines, ledger_id), context.root)
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
    root, source, full, max_bytes, known, text_key, item_key = job
    try:
        _, text = read_text(root, Path(full), max_bytes, empty_ok=_gitbook())
    except FrontMatterError as exc:
        return _Read(source, problem=Problem(source, exc.line, exc.field, exc.message))
    except OSError as exc:
        return _Read(source, problem=Problem(source, 1, "file", f"cannot read: {exc.strerror}"))
    digest = text_key(text)
    if digest == known:
        return _Read(source, digest)
    try:
        parsed = split(text)
    except FrontMatterError as exc:
        return _Read(source, digest, problem=Problem(source, exc.line, exc.field, exc.message))
    doc = RawDoc(source, parsed)
    if _CONTEXT and _own_id(parsed.meta) and not needs_probe(parsed.meta):
        built = _build(_CONTEXT[0], doc, None, set())
        if built.item is not None and built.record is not None:
            built = dataclasses.replace(built, key=item_key(built.item, full))
        return _Read(source, digest, built=built)
    return _Read(source, digest, doc)


def _gitbook() -> bool:
    """The load is of a GitBook space (where a page may be an empty file)."""
    return bool(_CONTEXT) and _CONTEXT[0].gitbook


def _read_all(
    jobs: list[_ReadJob], context: LoadContext, keep: Callable[[_Read], _Read]
) -> list[_Read]:
    """Read, split and (where no id ledger is needed) validate every file; on both cores
    when there are many (YAML is the cost). ``keep`` takes each result as it comes."""
    workers = pool_size(len(jobs))
    context = dataclasses.replace(context, media=None)  # no network session in a worker
    _set_context(context)
    try:
        if workers < 2:
            with reading_ahead([job[2] for job in jobs]):
                return [keep(_read_one(job)) for job in jobs]
        with process_pool(workers, _set_context, (context,)) as pool:
            reads = pool.map(_read_one, jobs, chunksize=64)  # the workers started (forked)
            with reading_ahead([job[2] for job in jobs]):  # the disk busy while they parse
                return [keep(read) for read in reads]
    finally:
        _CONTEXT.clear()


def _sharing(shared: SharedIncludes) -> Callable[[_Read], _Read]:
    """A read whose item's included texts are the copies ``shared`` keeps (each result
    unpickled from a worker holds its own: dropped as they come, not after the last)."""

    def keep(read: _Read) -> _Read:
        built = read.built
        if built is None or built.item is None or not built.item.includes:
            return read
        return dataclasses.replace(read, built=dataclasses.replace(built, item=shared(built.item)))

    return keep


def bodies(cfg: Config, content_dir: Path, source: str) -> Iterator[str]:
    """The Markdown bodies :func:`load_site` may have made of ``source`` as it is now, for
    an item a store gave without its body: the body after the front matter, then (when it
    differs) that body without its opening H1, which an item without a title key takes as
    its title. The YAML is not read again: the caller knows which body it wants (the
    build's :func:`pipeline.build.keys.reload_body` by its digest)."""
    max_bytes = cfg.content.max_file_bytes
    _, text = read_text(content_dir, content_dir / source, max_bytes, empty_ok=True)
    body = split_body(text)
    yield body
    cut = h1_title({}, body)[1]
    if cut != body:
        yield cut


def shown(root: Path, problem: Problem) -> Problem:
    """Name the file by its path under ``root`` as the caller gave it (the CLI shows it as the
    user would type it: :meth:`Problem.as_typed`)."""
    return Problem(str(root / problem.path), problem.line, problem.field, problem.message)


def _merge(warnings: list[Problem]) -> list[Problem]:
    return sorted(set(warnings))


_NAMED = 10
"""The files a duplicate id or permalink's problem names; the rest are counted (4,000 files of
one id printed 268 MB, each file's line naming every other)."""


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
            names = ", ".join(i.source for i in same[:_NAMED])
            if len(same) > _NAMED:  # each of n files named on each of n lines: n² bytes
                names += f" and {len(same) - _NAMED} more"
            for i in same:
                line = lines.get(i.source, {}).get(field_name, 1)
                problems.append(
                    Problem(
                        i.source, line, field_name, f"duplicate {what} {key!r} (shared by {names})"
                    )
                )
