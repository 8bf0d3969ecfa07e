"""Drafting the dates file of a GitBook handbook from its prose and its git history.

GitBook repositories carry no dates in front matter. Two sources still know them:

- the prose: a line such as ``Published Jan 27, 2020`` or ``Published on 27 January 2020``
  (this wins: the author wrote it);
- git history: the commit that **added** the page, following renames back as ``git log
  --follow`` does (a move is a move, also when git saw it as a delete and an add of the same
  name), whatever kind of commit it is: on a GitBook-synced repository the sync commits
  (``GitBook: [#123] ...``, ``GITBOOK-...``, ``Merge ...``) are the ones that create pages, and
  a later typo fix or restructuring says nothing about when a page was written. A merge
  commit counts for what it made itself (its combined diff, ``git log -c``: the files it
  leaves different from every parent): a page no parent had is added by the merge, one a
  parent had under another name is moved by it; a page a branch added keeps the date of the
  branch's commit that wrote it, not the day it was merged.

Every suggestion states its evidence (the commit, its kind, the moves followed, the edits
since); a page with none is written as a commented placeholder.

The pure parts (:func:`date_in_prose`, :func:`origins`, :func:`choose`, :func:`render_yaml`,
:func:`merge_text`, and :func:`~pipeline.authoring.gitlog.parse_log`) are tested directly;
:func:`suggest` is the edge that reads files and runs git (through :mod:`.gitlog`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import posixpath
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline.authoring.gitlog import Commit, is_shallow, read_log
from pipeline.config import Config
from pipeline.load.foreign import INDEX_STEMS
from pipeline.load.frontmatter import FrontMatterError, bounded_yaml, split
from pipeline.load.summary import feed_candidates, read_dates
from pipeline.load.walk import iter_markdown, read_text, relpath
from pipeline.support.dates import YEARS
from pipeline.support.text import nfc

SYNC_PATTERNS = (r"^GitBook: \[", r"^GITBOOK-", r"^Merge\b")
"""Commit subjects (regexes, searched) that mark sync commits, named in the evidence."""

BULK_FILES = 20
"""A commit touching more files than this is a bulk commit (named in the evidence)."""

BULK_SHARE = 0.5
"""A commit touching more than this share of the pages is a bulk commit."""

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_ORD = r"(?:st|nd|rd|th)?"
_PUBLISHED = re.compile(r"(?i)(?<![a-z])published[\s:*_]*(?:(?:on|in)\b[\s:*_]*)?")
_MDY = re.compile(rf"(?i){_MONTH}\s+(\d{{1,2}}){_ORD},?\s+(\d{{4}})(?!\d)")
_DMY = re.compile(rf"(?i)(\d{{1,2}}){_ORD}\s+(?:of\s+)?{_MONTH},?\s+(\d{{4}})(?!\d)")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?!\d)")
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_./-]+")


@dataclass(frozen=True)
class Rules:
    """What the evidence calls a sync commit and a bulk commit."""

    sync_patterns: tuple[str, ...] = SYNC_PATTERNS
    bulk_files: int = BULK_FILES
    bulk_share: float = BULK_SHARE


@dataclass(frozen=True)
class Suggestion:
    page: str
    date: dt.date | None
    """None when neither the prose nor a usable commit gives a date."""
    origin: str
    """Where the date came from (or why there is none), for the YAML comment."""


@dataclass(frozen=True)
class SuggestReport:
    suggestions: tuple[Suggestion, ...]
    already_dated: tuple[str, ...] = ()
    """Candidate pages dated by front matter or the dates file: left alone."""
    warnings: tuple[str, ...] = field(default_factory=tuple)


def commit_note(commit: Commit, n_pages: int, rules: Rules) -> str:
    """What kind of commit this is, for the evidence: ``bulk commit, N files``, ``sync
    commit`` or ``""``. The bulk rule comes first, whoever made the commit: a GitBook sync of
    2,000 files is a bulk commit too. Either still dates a page it adds: on a GitBook-synced
    repository the sync commits are the ones that create pages."""
    pages = sum(1 for c in commit.changes if c.path.lower().endswith(".md"))
    if len(commit.changes) > rules.bulk_files or (n_pages and pages > rules.bulk_share * n_pages):
        return f"bulk commit, {len(commit.changes)} files"
    for pattern in rules.sync_patterns:
        if re.search(pattern, commit.subject):
            return "sync commit"
    return ""


@dataclass(frozen=True)
class Origin:
    """What git knows of a page: the commit that added it and the moves since."""

    added: Commit | None
    """None when no commit adds it (no history, or the history is cut short)."""
    added_as: str
    """Its path when it was added."""
    moves: tuple[Commit, ...] = ()
    """Commits that moved it, newest first."""
    edits: int = 0
    """Commits that changed it after it was added."""


def unseen_moves(commit: Commit) -> dict[str, str]:
    """Added path → deleted path, for files a commit deleted and added under the same name
    in another folder when git's rename detection missed it (the file was also rewritten):
    only a name that is deleted once and added once in the commit, and not a folder's own
    page (``README.md``: every section of a GitBook space has one, and a commit that drops
    one section and adds another dated the new page by the old one)."""
    deleted: dict[str, list[str]] = {}
    added: dict[str, list[str]] = {}
    for c in commit.changes:
        stem = posixpath.splitext(posixpath.basename(c.path))[0].lower()
        if c.status in "DA" and stem not in INDEX_STEMS:
            into = deleted if c.status == "D" else added
            into.setdefault(posixpath.basename(c.path), []).append(c.path)
    return {
        paths[0]: deleted[name][0]
        for name, paths in added.items()
        if len(paths) == 1 and len(deleted.get(name, ())) == 1
    }


def origins(commits: Sequence[Commit], pages: Sequence[str]) -> dict[str, Origin]:
    """For each page (current path, NFC): the commit that added it, following renames (as
    ``git log --follow`` does), into the content folder from elsewhere in the repository too
    (a space moved into ``docs/``: the names ``/`` and the path in the repository), and moves
    git saw as a delete and an add of the same name.

    ``commits`` are newest first, as git prints them.
    """
    alias = {nfc(p): nfc(p) for p in pages}
    added: dict[str, tuple[Commit | None, str]] = {}
    moves: dict[str, list[Commit]] = {nfc(p): [] for p in pages}
    edits: dict[str, int] = dict.fromkeys(moves, 0)
    for commit in commits:
        unseen: dict[str, str] | None = None
        for change in (*commit.changes, *commit.outside):  # outside: a page moved in
            page = alias.get(change.path)
            if page is None or change.status == "D":
                continue
            if change.status == "R" and change.old is not None:
                del alias[change.path]
                alias[change.old] = page
                moves[page].append(commit)
            elif change.status in "AC":
                del alias[change.path]
                unseen = unseen_moves(commit) if unseen is None else unseen
                old = unseen.get(change.path)
                if old is not None and old not in alias:
                    alias[old] = page
                    moves[page].append(commit)
                else:
                    added[page] = (commit, change.path)
            else:
                edits[page] += 1
    out: dict[str, Origin] = {}
    for p in pages:
        key = nfc(p)
        first, path = added.get(key, (None, key))
        out[key] = Origin(first, path, tuple(moves[key]), edits[key])
    return out


# -- prose ----------------------------------------------------------------------------------
def date_in_prose(text: str) -> tuple[dt.date, int, str] | None:
    """The first "Published ..." date of a page: (date, line, the words as written)."""
    for m in _PUBLISHED.finditer(text):
        at = m.end()
        for rx, order in ((_MDY, "mdy"), (_DMY, "dmy"), (_ISO, "iso")):
            d = rx.match(text, at)
            if d is None:
                continue
            try:
                if order == "mdy":
                    value = dt.date(
                        int(d.group(3)), _MONTHS[d.group(1)[:3].lower()], int(d.group(2))
                    )
                elif order == "dmy":
                    value = dt.date(
                        int(d.group(3)), _MONTHS[d.group(2)[:3].lower()], int(d.group(1))
                    )
                else:
                    value = dt.date(int(d.group(1)), int(d.group(2)), int(d.group(3)))
            except ValueError:
                continue
            if value.year not in YEARS:  # "Published 9999-01-01": a date the build refuses
                continue
            line = text.count("\n", 0, m.start()) + 1
            words = " ".join(text[m.start() : d.end()].replace("*", "").replace("_", " ").split())
            return value, line, words
    return None


# -- choosing and writing -------------------------------------------------------------------
def _subject(commit: Commit) -> str:
    subject = " ".join(commit.subject.split())
    return repr(subject if len(subject) <= 60 else subject[:57] + "...")


def _evidence(origin: Origin, page: str, n_pages: int, rules: Rules) -> str:
    assert origin.added is not None
    commit = origin.added
    text = f"added in git {commit.sha[:7]} {_subject(commit)}"
    note = commit_note(commit, n_pages, rules)
    if note:
        text += f" ({note})"
    if origin.added_as != page:
        text += f" as {origin.added_as}"
    if origin.moves:
        shas = ", ".join(m.sha[:7] for m in reversed(origin.moves))
        text += f"; moved {len(origin.moves)}x since ({shas})"
    if origin.edits:
        text += f"; {origin.edits} later edits"
    if note.startswith("bulk"):
        text += "; a bulk add may be an import: check"
    return text


def choose(
    pages: Sequence[str],
    texts: Mapping[str, str],
    commits: Sequence[Commit] | None,
    rules: Rules = Rules(),
    n_pages: int | None = None,
    tz: dt.tzinfo | None = None,
) -> list[Suggestion]:
    """One suggestion per page: prose first, else the commit that added it, else none.

    ``commits`` is None when there is no git history to read; ``n_pages`` (how many pages
    the content has in all, default ``len(pages)``) measures a bulk commit; ``tz`` is the
    site's zone, the day a commit falls on (default: the author's own offset).
    """
    history = origins(commits, pages) if commits is not None else {}
    n_pages = len(pages) if n_pages is None else n_pages
    out: list[Suggestion] = []
    for page in pages:
        prose = date_in_prose(texts.get(page, ""))
        if prose is not None:
            value, line, words = prose
            out.append(Suggestion(page, value, f"prose, line {line}: {words!r}"))
            continue
        origin = history.get(nfc(page))
        if origin is not None and origin.added is not None:
            when = origin.added.date.astimezone(tz) if tz is not None else origin.added.date
            out.append(Suggestion(page, when.date(), _evidence(origin, nfc(page), n_pages, rules)))
        elif commits is None:
            out.append(Suggestion(page, None, "no 'Published' line; no git history"))
        else:
            why = "no 'Published' line; no commit adds it (not committed yet?)"
            out.append(Suggestion(page, None, why))
    return out


def yaml_key(page: str) -> str:
    """A page path as a YAML map key, quoted when it needs to be."""
    return page if _PLAIN_KEY.fullmatch(page) else json.dumps(page, ensure_ascii=False)


def render_yaml(suggestions: Sequence[Suggestion]) -> str:
    """The suggestions as YAML lines, each with a comment saying where its date came from."""
    lines: list[str] = []
    for s in suggestions:
        if s.date is None:
            lines.append(f"# {yaml_key(s.page)}: YYYY-MM-DD  # {s.origin}")
        else:
            lines.append(f"{yaml_key(s.page)}: {s.date.isoformat()}  # {s.origin}")
    return "\n".join(lines) + ("\n" if lines else "")


HEADER = (
    "# Dates of the handbook's pages (page -> YYYY-MM-DD), kept by the editors.\n"
    "# A page listed in SUMMARY.md and dated here is published in the feeds.\n"
)


PLACEHOLDER = ": YYYY-MM-DD"


def _placeholder_key(line: str) -> str | None:
    """The page of a ``# page: YYYY-MM-DD  # why`` line :func:`render_yaml` wrote, else None."""
    text = line.strip()
    if not text.startswith("#") or PLACEHOLDER not in text:
        return None
    key = text[1:].split(PLACEHOLDER, 1)[0].strip()
    if key.startswith('"'):
        try:
            key = str(json.loads(key))
        except ValueError:
            return None
    return nfc(key).removeprefix("./")


def merge_text(existing: str | None, suggestions: Sequence[Suggestion]) -> str:
    """The dates file with an entry for every page: editors' entries and comments stay as
    they are; a page already listed as a placeholder keeps its line until it has a date,
    which then takes the placeholder's place."""
    have: set[str] = set()
    if existing:
        data = bounded_yaml(existing)
        if isinstance(data, dict):
            have = {nfc(str(k)).removeprefix("./") for k in data}
    text = existing if existing is not None else HEADER
    lines = text.splitlines(keepends=True)
    waiting = {key: n for n, line in enumerate(lines) if (key := _placeholder_key(line))}
    new: list[Suggestion] = []
    for s in suggestions:
        page = nfc(s.page)
        if page in have:
            continue
        if page in waiting:
            if s.date is not None:
                lines[waiting[page]] = render_yaml([s])
            continue
        new.append(s)
    text = "".join(lines)
    if not new:
        return text
    if text and not text.endswith("\n"):
        text += "\n"
    return (
        text
        + "\n# Suggested by publish dates --suggest; check each before committing.\n"
        + render_yaml(new)
    )


def suggest(cfg: Config, content_dir: Path, rules: Rules = Rules()) -> SuggestReport:
    """Suggestions for every page SUMMARY.md lists that has no date yet (reads files and git)."""
    tz = ZoneInfo(cfg.site.timezone)
    sources = [relpath(content_dir, p) for p in iter_markdown(content_dir, cfg)]
    dated = read_dates(content_dir, cfg.content.dates_file, tz)
    texts: dict[str, str] = {}
    todo: list[str] = []
    already: list[str] = []
    for page in feed_candidates(content_dir, sources, cfg.content.summary, cfg.content.readme):
        path = content_dir / page
        text, has_date = "", False
        with contextlib.suppress(FrontMatterError, OSError):  # validate's to report
            # as the build reads it: a symlink out of the root, a pipe, /dev/zero refused
            text = read_text(content_dir, path, cfg.content.max_file_bytes, empty_ok=True)[1]
            has_date = "date" in split(text).meta  # read once: its prose and its front matter
        if has_date or nfc(page) in dated:
            already.append(page)
            continue
        texts[page] = nfc(text)
        todo.append(page)
    warnings: list[str] = []
    history = read_log(content_dir, merges=True, outside=True)
    commits, why = history.commits, history.why
    if commits is None:
        warnings.append(f"no git history ({why}); dates from the prose only")
    elif not history.similar:
        warnings.append(
            f"git cannot compare every file of the history ({why}: a partial clone?), so a "
            "page renamed and edited in one commit dates from the rename (moves alone are followed)"
        )
    elif not history.merges:
        warnings.append(
            f"git cannot compare every file of the merge commits ({why}: a partial clone?), so "
            "what merges made is left out: a page a merge commit added or renamed gets no date "
            "from it"
        )
    if commits is not None and is_shallow(content_dir):
        warnings.append(
            "shallow clone: pages added before its oldest commit get that commit's date; "
            "fetch the whole history (git fetch --unshallow, or fetch-depth: 0 in CI)"
        )
    n_pages = len([s for s in sources if s != cfg.content.summary])
    return SuggestReport(
        tuple(choose(todo, texts, commits, rules, n_pages, tz)), tuple(already), tuple(warnings)
    )
