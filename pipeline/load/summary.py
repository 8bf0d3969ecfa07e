"""GitBook mode: ``SUMMARY.md`` decides sections and order, a dates file decides what is dated.

A GitBook-synced repository has no dates and hardly any front matter. Its table of contents,
``SUMMARY.md``, is a nested list of links (up to three levels) under optional ``## Group``
headings (``toc.py`` reads it). This module applies it to the loaded items:

- a listed page gets ``section`` (the slug of its group, else of its top-level list parent) and
  ``order`` (its position in the table of contents, from 1);
- a listed page with a date (front matter ``date``, else the editors' dates file, a YAML map of
  page path -> date) becomes a feed item of kind ``essay``; the home page and section landing
  pages (a ``README.md`` with children in the table of contents) stay navigation pages;
- a listed page without a date stays an undated page, and is named in a warning;
- a page that is not listed is reported and marked as a draft: never published, still known to
  the link checker;
- a page nested under one whose front matter says ``noIndex`` (or ``noRobotsIndex``) is not
  indexed either (:data:`~pipeline.model.NO_INDEX`), as GitBook does with a page's descendants.

Example ``SUMMARY.md``::

    # Table of contents

    * [Home](README.md)

    ## Essays

    * [Essays](essays/README.md)
      * [Why small groups](essays/why-small-groups.md)
"""

from __future__ import annotations

import dataclasses
import os
import posixpath
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline.config import Config
from pipeline.errors import ConfigError, ContentError, Problem
from pipeline.load.foreign import file_title
from pipeline.load.frontmatter import FrontMatterError, bounded_yaml, one_line, utf8_text
from pipeline.load.mode import decided_style
from pipeline.load.pagenames import FOLDER_INDEXES, page_names, resolve_target
from pipeline.load.pageurls import distinct_urls
from pipeline.load.toc import TocEntry, parse_summary
from pipeline.load.walk import over_limit
from pipeline.model import NO_INDEX, Item
from pipeline.support.dates import to_datetime
from pipeline.support.paths import OutsideRoot, read_within
from pipeline.support.text import nfc

SUMMARY = "SUMMARY.md"
"""The table of contents at the content root."""


def undated(summary: str) -> str:
    """Message of the per-page warning, identical for every page so the CLI merges them
    (``summary``: the table of contents' name, ``.gitbook.yaml``'s ``structure.summary``)."""
    return (
        f"in {summary} but undated: add it to the dates file (publish dates --suggest "
        "drafts one); left out of feeds"
    )


def not_listed(summary: str) -> str:
    return f"not in {summary}; not published"


@dataclass(frozen=True)
class Placement:
    """Where a listed page sits: resolved file, section, position, and whether it navigates."""

    source: str
    """The page's path relative to the content root, as found on disk."""
    section: str
    order: int
    navigation: bool
    """Home page or section landing page: stays a page even when dated."""
    line: int
    title: str = ""
    """The link text: the title of a page that has no title of its own (no ``title:``, no
    ``# H1``), as GitBook titles it."""
    parent: str = ""
    """The source of the page it is nested under in the table of contents ("" at the top)."""


def place_pages(
    entries: Sequence[TocEntry],
    sources: Sequence[str],
    summary: str = SUMMARY,
    readme: str = "README.md",
) -> tuple[dict[str, Placement], list[Problem]]:
    """Map each listed page to its placement; problems are warnings located in SUMMARY.md."""
    by_nfc = page_names(sources)
    placed: dict[str, Placement] = {}
    problems: list[Problem] = []
    order = 0
    above: list[tuple[int, str]] = []  # (depth, source) of the pages the entry is under
    for entry in entries:
        while above and above[-1][0] >= entry.depth:
            above.pop()
        if entry.external:
            continue
        source, note = resolve_target(entry.target, by_nfc)
        parent = above[-1][1] if above else ""
        if source is not None:
            above.append((entry.depth, source))
        if source is None:
            problems.append(
                Problem(
                    summary, entry.line, "summary", f"link target {entry.target!r} is not a page"
                )
            )
            continue
        if note:
            problems.append(Problem(summary, entry.line, "summary", note))
        if source in placed:
            problems.append(
                Problem(
                    summary,
                    entry.line,
                    "summary",
                    f"{source} is listed twice; the first place is used",
                )
            )
            continue
        order += 1
        name = posixpath.basename(source)
        navigation = (
            source in FOLDER_INDEXES
            or source == readme
            or (name in FOLDER_INDEXES and entry.has_children)
        )
        placed[source] = Placement(
            source, entry.section, order, navigation, entry.line, entry.title, parent
        )
    return placed, problems


SPACE_FILE = ".gitbook.yaml"


def space_settings(cfg: Config, content_dir: Path) -> tuple[Config, Path]:
    """Apply a Git-synced GitBook space's ``.gitbook.yaml``: ``root`` moves the content root
    (``./docs/``), ``structure.readme`` and ``structure.summary`` name the first page and the
    table of contents. Without the file, or with ``flavour = "plain"``, nothing of these
    changes. Then ``slug_style = "auto"`` is decided: GitBook's heading ids in a GitBook space
    (as its editor writes the links to them), GitHub's elsewhere. Raises ConfigError, naming
    the file, for a value GitBook itself would refuse."""
    cfg, root = _space_file_settings(cfg, content_dir)
    return decided_style(cfg, root), root


def _space_file_settings(cfg: Config, content_dir: Path) -> tuple[Config, Path]:
    path = content_dir / SPACE_FILE
    if cfg.content.flavour == "plain" or not path.is_file():
        return cfg, content_dir
    shown = _display(path)

    def bad(message: str, line: int = 1) -> ConfigError:
        return ConfigError([Problem(shown, line, "gitbook", message)])

    try:
        text = utf8_text(read_within(content_dir, path))
        data = bounded_yaml(text) or {}
    except (OSError, ValueError) as exc:
        line = exc.line if isinstance(exc, FrontMatterError) else 1
        raise bad(f"cannot read it: {one_line(exc)}", line) from None
    if not isinstance(data, dict):
        raise bad("expected a map with root: and structure:")
    structure = data.get("structure") or {}
    values = {
        "root": data.get("root") or "./",
        **(structure if isinstance(structure, dict) else {}),
    }
    for key in ("root", "readme", "summary"):
        if key in values and not isinstance(values[key], str):
            raise bad(f"{key}: expected a path, got {values[key]!r}")
    root = (content_dir / values["root"]).resolve()
    if root != content_dir.resolve() and content_dir.resolve() not in root.parents:
        raise bad(f"root: {values['root']!r} is outside the content folder")
    if not root.is_dir():
        raise bad(f"root: {values['root']!r} is not a folder")
    named = {"readme": cfg.content.readme, "summary": cfg.content.summary}
    for key in ("readme", "summary"):
        if key not in values:
            continue
        rel = posixpath.normpath(nfc(values[key]).strip())
        if outside_the_space(rel) and key == "readme":
            continue  # the home page is made without it (the load says so: spacefile.py)
        if outside_the_space(rel):
            raise bad(f"{key}: {values[key]!r} is not a file inside the space's root")
        if key == "summary" and not (root / rel).is_file():  # else "auto" read no space
            line = next(
                (n for n, t in enumerate(text.splitlines(), 1) if t.strip().startswith(f"{key}:")),
                1,
            )
            raise bad(f"{key}: {values[key]!r} is not a file in the space's root", line)
        named[key] = rel
    content = dataclasses.replace(cfg.content, readme=named["readme"], summary=named["summary"])
    new_dir = content_dir / os.path.relpath(root, content_dir.resolve())
    return dataclasses.replace(cfg, content=content), Path(os.path.normpath(new_dir))


def outside_the_space(rel: str) -> bool:
    """A normalised path of ``.gitbook.yaml`` that leaves the space's root."""
    return rel.startswith(("/", "../")) or rel in ("..", ".")


def read_dates(root: Path, name: str, tz: ZoneInfo) -> dict[str, datetime]:
    """The editors' dates file: page path (NFC) -> date. Raises ContentError when malformed.

    A missing file is no dates. Entries naming no page are the caller's business.
    """
    path = root / name
    if not path.is_file():
        return {}
    shown = _display(path)
    try:
        text = utf8_text(read_within(root, path))
        data = bounded_yaml(text)
    except OSError as exc:
        raise ContentError(
            [Problem(shown, 1, "dates", f"cannot read: {exc.strerror or exc}")]
        ) from None
    except OutsideRoot as exc:
        raise ContentError([Problem(shown, 1, "dates", str(exc))]) from None
    except FrontMatterError as exc:  # not UTF-8, not YAML, beyond the bounds, or 2021-13-01
        about = "" if exc.field in ("front matter", "file") else f"{exc.field}: "
        raise ContentError([Problem(shown, exc.line, "dates", about + exc.message)]) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ContentError(
            [
                Problem(
                    shown,
                    1,
                    "dates",
                    "expected a map of page path -> date, like 'essays/intro.md: 2020-01-27'",
                )
            ]
        )
    lines = _key_lines(text)
    out: dict[str, datetime] = {}
    errors: list[Problem] = []
    for key, value in data.items():
        page = nfc(str(key)).strip().removeprefix("./")
        line = lines.get(str(key), 1)
        try:
            out[page] = to_datetime(value, tz)
        except ValueError as exc:
            errors.append(Problem(shown, line, "dates", f"{key}: {exc}"))
    if errors:
        raise ContentError(errors)
    return out


def _display(path: Path) -> str:
    """A path for a problem: as the caller gave it (the CLI shows it as the user types it)."""
    return str(path)


def _key_lines(text: str) -> dict[str, int]:
    """Line of each top-level key of a simple YAML map (best effort, for messages)."""
    out: dict[str, int] = {}
    for n, line in enumerate(text.splitlines(), 1):
        # possessive, the blanks before ":" cut after: a lazy key before \s*: read a run of
        # blanks once per blank (quadratic)
        m = re.match(r"""^(?:"([^"]+)"\s*:|'([^']+)'\s*:|([^\s#'"][^:#]*+):)""", line)
        if m:
            key = next(g for g in m.groups() if g is not None)
            key = key if m.group(3) is None else key.rstrip()
            out.setdefault(key, n)
    return out


def apply_summary(
    cfg: Config,
    root: Path,
    items: list[Item],
    tz: ZoneInfo,
    sources: Sequence[str] | None = None,
) -> tuple[list[Item], list[Problem]]:
    """Apply SUMMARY.md and the dates file to the loaded items; return them and warnings.

    ``SUMMARY.md`` itself is not a page and is dropped. ``sources`` are the sources of every
    page of the space, in walk order, when ``items`` are only some of them (an edit): each
    item is placed as it is among all of them. Raises ContentError when the dates file is
    malformed (a syntax error or a value that is not a date).
    """
    warnings: list[Problem] = []
    summary = cfg.content.summary
    summary_path = root / summary
    if not summary_path.is_file():
        message = (
            "GitBook mode needs this table of contents: without it no page would be "
            'published (set [content] flavour = "plain" for a folder of pages)'
        )
        if summary_path.exists():  # a folder, or a pipe the read would wait on for ever
            message = "not a regular file (a folder, a pipe or a device); expected the table of "
            message += "contents, a Markdown file"
        raise ContentError([Problem(summary, 1, "summary", message)])
    entries = parse_summary(read_toc(root, summary, max_bytes=cfg.content.max_file_bytes))
    pages = [i for i in items if i.source != summary]
    names = [i.source for i in pages] if sources is None else [s for s in sources if s != summary]
    entries = _with_readme(entries, names, cfg.content.readme, pages)
    placed, more = place_pages(entries, names, summary, cfg.content.readme)
    warnings.extend(more)
    dates = read_dates(root, cfg.content.dates_file, tz)
    warnings.extend(_stray_dates(cfg, root, dates, names))
    unindexed = _unindexed(placed, {i.source for i in pages if not i.indexed})
    out: list[Item] = []
    for item in distinct_urls(pages, names):
        place = placed.get(item.source)
        if place is None:
            if not item.draft:
                warnings.append(Problem(item.source, 1, "summary", not_listed(summary)))
            out.append(
                dataclasses.replace(item, draft=True, title=item.title or file_title(item.source))
            )
            continue
        date = item.date or dates.get(nfc(item.source))
        kind = item.kind
        if kind == "page" and date is not None and not place.navigation:
            kind = "essay"
        elif kind == "page" and date is None and not place.navigation:
            warnings.append(Problem(item.source, 1, "date", undated(summary)))
        title = item.title or " ".join(place.title.split()) or file_title(item.source)
        extra = item.extra
        if item.indexed and item.source in unindexed:
            extra = {**extra, NO_INDEX: True}
        out.append(  # evolve: each page of a space, in the load's serial part (0.1 s)
            item.evolve(
                title=title,
                kind=kind,
                date=date,
                section=place.section,
                order=place.order,
                extra=extra,
            )
        )
    return out, warnings


def _with_readme(
    entries: list[TocEntry], names: Sequence[str], readme: str, pages: Sequence[Item]
) -> list[TocEntry]:
    """``entries`` with the space's first page (``structure.readme``) first when SUMMARY.md
    does not list it: GitBook makes it the first page all the same, where the build left it
    out ("not in SUMMARY.md") and the home page empty."""
    by_nfc = page_names(names)
    source = resolve_target(readme, by_nfc)[0]
    if source is None or any(resolve_target(e.target, by_nfc)[0] == source for e in entries):
        return entries
    title = next((i.title for i in pages if i.source == source), "") or file_title(source)
    return [TocEntry(title, source, 1, 0, "", title), *entries]


def _unindexed(placed: Mapping[str, Placement], marked: set[str]) -> set[str]:
    """The ``marked`` pages (noIndex) and every page nested under one of them, at any depth.
    Of a space loaded in part (an edit), only the loaded pages are known to be marked:
    :mod:`pipeline.build.snapshot` loads the whole space when a page's mark changed."""
    out: set[str] = set()
    if marked:
        for source, place in placed.items():  # in the table's order: a parent first
            if source in marked or place.parent in out:
                out.add(source)
    return out


def read_toc(
    root: Path, name: str, shown: str | None = None, *, max_bytes: int | None = None
) -> str:
    """The text of the table of contents ``name`` (SUMMARY.md) under ``root``, decoded as a
    page is; a ContentError at its line when it cannot be read or is not UTF-8 text, naming
    it ``shown`` (default: ``name``, as the load names its pages: relative to ``root``);
    over ``max_bytes`` (``[content] max_file_bytes``, as a page) it is refused unread."""
    where = name if shown is None else shown
    try:
        size = (root / name).stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise ContentError([Problem(where, 1, "file", over_limit(size, max_bytes))])
        return utf8_text(read_within(root, root / name))
    except OSError as exc:
        raise ContentError(
            [Problem(where, 1, "file", f"cannot read: {exc.strerror or exc}")]
        ) from None
    except OutsideRoot as exc:
        raise ContentError([Problem(where, 1, "file", str(exc))]) from None
    except FrontMatterError as exc:
        raise ContentError([Problem(where, exc.line, exc.field, exc.message)]) from None


def _stray_dates(
    cfg: Config, root: Path, dates: Mapping[str, object], pages: Sequence[str]
) -> list[Problem]:
    """A warning at each entry of the dates file that names no page (of ``pages``)."""
    known = {nfc(source) for source in pages}
    key_lines = _dates_lines(root, cfg.content.dates_file)
    return [
        Problem(
            cfg.content.dates_file,
            key_lines.get(page, 1),
            "dates",
            f"{page!r} is not a page; entry ignored",
        )
        for page in sorted(dates)
        if page not in known
    ]


def _dates_lines(root: Path, name: str) -> dict[str, int]:
    if not (root / name).is_file():  # none, or a pipe that would block the read
        return {}
    try:
        text = read_within(root, root / name).decode("utf-8")
    except (OSError, ValueError):  # UnicodeDecodeError and OutsideRoot are ValueErrors
        return {}
    return {nfc(k).removeprefix("./"): v for k, v in _key_lines(text).items()}


def feed_candidates(
    root: Path, sources: Sequence[str], summary: str = SUMMARY, readme: str = "README.md"
) -> list[str]:
    """Pages SUMMARY.md lists that would become feed items once dated, in SUMMARY order.

    Used by ``publish dates --suggest``: navigation pages and unlisted pages need no date.
    Without a SUMMARY.md every page is a candidate.
    """
    summary_path = root / summary
    if not summary_path.is_file():
        return [s for s in sources if s != summary]
    placed, _ = place_pages(
        parse_summary(read_toc(root, summary, _display(summary_path))),
        [s for s in sources if s != summary],
        summary,
        readme,
    )
    ranked = sorted(placed.values(), key=lambda p: p.order)
    return [p.source for p in ranked if not p.navigation]
