"""The meaningful revisions of a site's pages, from git history, newest first.

A revision is a commit that changed a page's text. Left out: the commit that created a page
(a new page is news of another kind), whitespace-only changes, renames without an edit, and
bulk restructuring commits (see :func:`pipeline.authoring.datesuggest.commit_note`). GitBook
sync commits are read for what they changed, like any other; their boilerplate subjects
(``GitBook: [#123] No subject``) are dropped, a real one kept without its prefix.

One ``git log`` lists the commits; the two versions of each candidate come from one
``git cat-file --batch``, a chunk at a time, until ``limit`` revisions are found.
"""

from __future__ import annotations

import datetime as dt
import itertools
import subprocess
from collections.abc import Container, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.authoring.datesuggest import Rules, commit_note
from pipeline.authoring.gitlog import Commit, read_history
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


@dataclass(frozen=True)
class _Candidate:
    commit: Commit
    page: str
    path: str
    old: str


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
    """Commits that edited a page (following renames), newest first; bulk commits skipped."""
    alias = {nfc(p): nfc(p) for p in pages}
    for commit in commits:
        bulk = commit_note(commit, len(pages), rules).startswith("bulk")
        for change in commit.changes:
            page = alias.get(change.path)
            if page is None or change.status == "D":
                continue
            old = change.path
            if change.status == "R" and change.old is not None:
                del alias[change.path]
                alias[change.old] = page
                old = change.old
            elif change.status in "AC":
                del alias[change.path]
                continue  # its creation: not a revision
            if not bulk:
                yield _Candidate(commit, page, change.path, old)


def _read_blobs(content_dir: Path, specs: Sequence[str]) -> list[str | None]:
    """Texts of ``rev:./path`` objects (None when missing), from one ``git cat-file``."""
    request = "".join(f"{s}\n" for s in specs).encode("utf-8")
    proc = subprocess.run(
        ["git", "-C", str(content_dir), "cat-file", "--batch"],
        input=request,
        capture_output=True,
        check=True,
    )
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
    done: Container[str] = frozenset(),
) -> Iterator[Revision]:
    """The meaningful revisions of ``pages``, newest first, read from git a chunk at a time;
    candidates of a page in ``done`` (which the caller may grow) are not read."""
    stream = candidates(commits, pages, rules)
    while True:
        chunk = list(itertools.islice(stream, CHUNK))
        if not chunk:
            return
        pending = [c for c in chunk if c.page not in done]
        specs = []
        for c in pending:
            specs += [f"{c.commit.sha}:./{c.path}", f"{c.commit.sha}^:./{c.old}"]
        texts = _read_blobs(content_dir, specs)
        for n, c in enumerate(pending):
            new, old = texts[2 * n], texts[2 * n + 1]
            if c.page in done or new is None or old is None or _words(new) == _words(old):
                continue  # whitespace or a rename only
            change = describe(split_body(old), split_body(new))
            if not change.empty:
                message = message_of(c.commit.subject, rules)
                yield Revision(c.commit.sha, c.commit.date, c.page, c.path, message, change)


def revisions(
    content_dir: Path, pages: Sequence[str], limit: int, rules: Rules = DEFAULT_RULES
) -> list[Revision]:
    """The newest ``limit`` meaningful revisions of ``pages`` (raises OSError when git
    cannot read the history)."""
    commits = _commits(content_dir)
    return list(itertools.islice(meaningful(content_dir, commits, pages, rules), limit))


def last_revised(
    content_dir: Path, pages: Sequence[str], rules: Rules = DEFAULT_RULES
) -> dict[str, dt.datetime]:
    """Each page's latest meaningful revision's date (pages never revised are left out)."""
    commits = _commits(content_dir)
    found: dict[str, dt.datetime] = {}
    for rev in meaningful(content_dir, commits, pages, rules, found.keys()):
        found.setdefault(rev.page, rev.date)
    return found


def _commits(content_dir: Path) -> list[Commit]:
    """The history, its moves of edited files left out where git cannot compare every file (a
    partial clone); OSError when there is none."""
    commits, why = read_history(content_dir)
    if commits is None:
        raise OSError(f"git cannot read the history: {why}")
    return commits


def history_key(content_dir: Path) -> str:
    """The commit the history ends at (what the changes feed depends on), "" without git."""
    proc = subprocess.run(
        ["git", "-C", str(content_dir), "rev-parse", "HEAD"], capture_output=True, check=False
    )
    return proc.stdout.decode("ascii", errors="replace").strip() if proc.returncode == 0 else ""
