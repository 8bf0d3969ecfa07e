"""The meaningful revisions of a site's pages, from git history, newest first.

A revision is a commit that changed a page's text. Left out: the commit that created a page
(a new page is news of another kind), whitespace-only changes, renames without an edit, and
bulk restructuring commits (see :func:`pipeline.authoring.datesuggest.commit_note`), GitBook
sync commits included. Sync commits are otherwise read for what they changed, like any other;
their boilerplate subjects (``GitBook: [#123] No subject``) are dropped, a real one kept
without its prefix. A merge commit counts for what it made itself (its combined diff, as
``publish dates`` reads it): a conflict resolved with new text is a revision, a merge that
only brings in a branch's commits is none.

One ``git log`` lists the commits; the two versions of each candidate come from one
``git cat-file --batch``, a chunk at a time, until ``limit`` revisions are found. Names are
asked of git as git wrote them (an NFD name a Mac made), matched to pages in NFC.
"""

from __future__ import annotations

import datetime as dt
import itertools
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.authoring.datesuggest import Rules, commit_note, unseen_moves
from pipeline.authoring.gitlog import Commit, read_log
from pipeline.load.frontmatter import split_body
from pipeline.revisions.summary import Change, describe
from pipeline.support.text import nfc

DEFAULT_RULES = Rules()
CHUNK = 64
"""Candidate revisions read from git at a time."""
MAX_PAGE_BYTES = 1 << 20
"""A version larger than this is compared by its first MiB."""


@dataclass(frozen=True)
class Revision:
    sha: str
    date: dt.datetime
    page: str
    """The page's path now (relative to the content root)."""
    path: str
    """Its path in that commit: with the commit, what the revision's GUID derives from."""
    message: str
    """The commit message, "" when it is a tool's boilerplate."""
    change: Change


class HistoryError(OSError):
    """git could not give a version of a page the history names (a partial clone whose
    remote cannot be reached): the message is git's complaint."""


@dataclass(frozen=True)
class _Candidate:
    commit: Commit
    page: str
    path: str
    new_spec: str
    """``sha:./name`` of the version the commit made (the name as git wrote it)."""
    old_spec: str
    """``sha^N:./name`` of the version before, in the parent the change is from."""


def message_of(subject: str, rules: Rules) -> str:
    """A commit subject worth showing: GitBook's prefixes cut, its boilerplate dropped."""
    text = " ".join(subject.split())
    if text.startswith("GitBook: ["):
        text = text.partition("] ")[2]
    elif text.startswith("GITBOOK-"):
        text = text.partition(": ")[2]
    elif text.startswith("Merge "):
        return ""
    lowered = text.lower().rstrip(".")
    if lowered in ("", "no subject") or (lowered.endswith(" modified") and "page" in lowered):
        return ""
    return text


def candidates(
    commits: Sequence[Commit], pages: Sequence[str], rules: Rules
) -> Iterator[_Candidate]:
    """Commits that edited a page (following renames, and moves git saw as a delete and an
    add of the same name, as ``publish dates`` follows them), newest first; bulk commits
    skipped."""
    alias = {nfc(p): p for p in pages}  # matched in NFC, named as the caller names it
    for commit in commits:
        bulk = commit_note(commit, len(pages), rules).startswith("bulk")
        unseen: dict[str, str] | None = None
        for change in commit.changes:
            page = alias.get(change.path)
            if page is None or change.status == "D":
                continue
            old = change.git_path
            if change.status == "R" and change.old is not None:
                del alias[change.path]
                alias[change.old] = page
                old = change.git_old or change.old
            elif change.status in "AC":
                del alias[change.path]
                unseen = unseen_moves(commit) if unseen is None else unseen
                moved_from = unseen.get(change.path)
                if moved_from is None or moved_from in alias:
                    continue  # its creation: not a revision
                alias[moved_from] = page  # moved and rewritten: a revision, and its past
                old = moved_from
            if not bulk:
                new_spec = f"{commit.sha}:./{change.git_path}"
                old_spec = f"{commit.sha}^{change.parent}:./{old}"
                yield _Candidate(commit, page, change.path, new_spec, old_spec)


def _read_blobs(content_dir: Path, specs: Sequence[str]) -> list[str | None]:
    """Texts of ``rev:./path`` objects (None when missing), from one ``git cat-file``;
    HistoryError when git cannot give one (it fails where a partial clone must fetch an
    object and cannot)."""
    request = "".join(f"{s}\n" for s in specs).encode("utf-8")
    proc = subprocess.run(
        ["git", "-C", str(content_dir), "cat-file", "--batch"],
        input=request,
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        lines = proc.stderr.decode("utf-8", errors="replace").strip().splitlines()
        raise HistoryError(lines[-1] if lines else f"git cat-file exit {proc.returncode}")
    data, at = proc.stdout, 0
    out: list[str | None] = []
    for _ in specs:
        end = data.index(b"\n", at)
        header = data[at:end].split(b" ")
        at = end + 1
        if len(header) != 3 or header[1] != b"blob":
            out.append(None)
            continue
        size = int(header[2])
        blob = data[at : at + min(size, MAX_PAGE_BYTES)]
        out.append(blob.decode("utf-8", errors="replace"))
        at += size + 1
    return out


def _words(text: str) -> str:
    return " ".join(split_body(text).split())


def meaningful(
    content_dir: Path,
    commits: Sequence[Commit],
    pages: Sequence[str],
    rules: Rules,
    known: Mapping[str, dt.datetime] | None = None,
) -> Iterator[Revision]:
    """The meaningful revisions of ``pages`` in the history's order, read from git a chunk at
    a time; a candidate of a page in ``known`` (page -> a revision's date, which the caller
    may grow) is read only when it is dated later than that."""
    known = {} if known is None else known

    def wanted(c: _Candidate) -> bool:
        seen = known.get(c.page)
        return seen is None or c.commit.date > seen

    stream = candidates(commits, pages, rules)
    while True:
        chunk = list(itertools.islice(stream, CHUNK))
        if not chunk:
            return
        pending = [c for c in chunk if wanted(c)]
        specs = []
        for c in pending:
            specs += [c.new_spec, c.old_spec]
        texts = _read_blobs(content_dir, specs) if specs else []
        for n, c in enumerate(pending):
            new, old = texts[2 * n], texts[2 * n + 1]
            if not wanted(c) or new is None or old is None or _words(new) == _words(old):
                continue  # whitespace or a rename only
            change = describe(split_body(old), split_body(new))
            if not change.empty:
                message = message_of(c.commit.subject, rules)
                yield Revision(c.commit.sha, c.commit.date, c.page, c.path, message, change)


def revisions(
    content_dir: Path, pages: Sequence[str], limit: int, rules: Rules = DEFAULT_RULES
) -> list[Revision]:
    """The ``limit`` meaningful revisions of ``pages`` last committed, by author date, newest
    first (a rebase can leave the history's order and the dates apart; equal dates keep the
    history's order). OSError (a HistoryError) when git cannot read the history."""
    commits = _commits(content_dir)
    found = list(itertools.islice(meaningful(content_dir, commits, pages, rules), limit))
    return sorted(found, key=lambda rev: rev.date, reverse=True)  # stable: ties keep order


def last_revised(
    content_dir: Path, pages: Sequence[str], rules: Rules = DEFAULT_RULES
) -> dict[str, dt.datetime]:
    """Each page's latest meaningful revision's date, the latest author date rather than the
    first in the history's order (pages never revised are left out). Once a page has a
    revision, only its candidates dated later are read: in a history that was never rebased,
    none."""
    commits = _commits(content_dir)
    found: dict[str, dt.datetime] = {}
    for rev in meaningful(content_dir, commits, pages, rules, found):
        if rev.page not in found or rev.date > found[rev.page]:
            found[rev.page] = rev.date
    return found


def _commits(content_dir: Path) -> tuple[Commit, ...]:
    """The history, merges with what they made themselves, read as fully as git can (see
    :func:`~pipeline.authoring.gitlog.read_log`); OSError when there is none."""
    history = read_log(content_dir, merges=True)
    if history.commits is None:
        raise OSError(f"git cannot read the history: {history.why}")
    return history.commits


def history_key(content_dir: Path) -> str:
    """The commit the history ends at (what the changes feed depends on), "" without git."""
    proc = subprocess.run(
        ["git", "-C", str(content_dir), "rev-parse", "HEAD"], capture_output=True, check=False
    )
    return proc.stdout.decode("ascii", errors="replace").strip() if proc.returncode == 0 else ""
