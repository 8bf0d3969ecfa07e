"""The commits of a content folder's history, as ``git log`` lists them, each with the files
it touched (:mod:`pipeline.authoring.datesuggest` follows a page back through them).

One ``git log`` call reads the whole history (linear in its size). A merge commit lists what it
made itself, the files it leaves different from every parent (its combined diff), not what
it brought from a branch. Where git cannot compare every file (a partial clone misses
objects), the history is read again with less: without what merges made, then without the
moves of edited files.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.support.text import nfc


@dataclass(frozen=True)
class Change:
    """One file a commit touched: ``A``, ``M``, ``D``, ``R`` (rename) or ``C`` (copy)."""

    status: str
    path: str
    """Its name (NFC: what pages are matched by)."""
    old: str | None = None
    """The previous name, for renames and copies."""
    parent: int = 1
    """The parent the change is from (a merge's: the one it was made against)."""
    raw_path: str = field(default="", compare=False)
    """Its name as git wrote it, when that is not NFC (an NFD name a Mac made)."""
    raw_old: str = field(default="", compare=False)
    """The previous name as git wrote it, when that is not NFC."""

    @property
    def git_path(self) -> str:
        """The name to ask git for (``sha:./name``)."""
        return self.raw_path or self.path

    @property
    def git_old(self) -> str | None:
        """The previous name to ask git for."""
        return self.raw_old or self.old


@dataclass(frozen=True)
class Commit:
    sha: str
    date: dt.datetime
    """Author date, with the author's offset."""
    subject: str
    changes: tuple[Change, ...]
    """The files it touched in the content folder (one moved in from outside: the old name
    ``/`` and its path in the repository)."""
    outside: tuple[Change, ...] = ()
    """Read with ``outside`` (:func:`read_log`): the files it touched elsewhere in the
    repository, named ``/`` and their paths in it (no page's path starts with ``/``)."""


def git_prefix(content_dir: Path) -> str:
    """The content folder's path in its repository (``docs/``; ``""`` at the top), which
    :func:`parse_log` cuts from the names :func:`git_log` prints; raises as git_log does."""
    cmd = ["git", "-C", str(content_dir), "-c", "core.quotePath=false", "rev-parse"]
    proc = subprocess.run([*cmd, "--show-prefix"], capture_output=True, check=True)
    return proc.stdout.decode("utf-8", errors="replace").rstrip("\n")


def git_log(
    content_dir: Path, *, similar: bool = True, merges: bool = False, outside: bool = False
) -> str:
    """Raw ``git log`` of the content folder, newest first; raises OSError/CalledProcessError.
    ``similar``: moves of files edited as they moved are found too (git compares their
    contents, so every object of the history must be readable); else only moves that kept
    the file's content (found by the objects' names alone). ``merges``: a merge commit lists
    the files it leaves different from every parent (its combined diff: what the merge made
    itself, not what it brought from a branch), each with its name in every parent; else a
    merge lists nothing. ``outside``: the whole repository's history, so a file moved into
    the content folder (a space moved into ``docs/``) is seen moving, not added. Names are the
    repository's (``--relative`` would leave a merge's uncut); :func:`parse_log` cuts the
    :func:`git_prefix`."""
    cmd = [
        "git",
        "-C",
        str(content_dir),
        "-c",
        "core.quotePath=false",
        "log",
        # --diff-merges=combined, spelled as git before 2.31 knows it
        *(("-c", "--combined-all-paths") if merges else ()),
        "-z",
        "--name-status",
        "-M" if similar else "-M100%",
        "--format=%x00%x01%H%x1f%aI%x1f%s",
        "--",
        ":/" if outside else ".",
    ]
    proc = subprocess.run(cmd, capture_output=True, check=True)
    return proc.stdout.decode("utf-8", errors="replace")


_Name = tuple[str, str]
"""A name as pages know it (NFC) and as git wrote it ("" when the same)."""


def _merged(letters: str, olds: Sequence[_Name], path: _Name) -> Change:
    """A file of a merge commit's combined diff (a status letter and a name per parent) as
    the one change that made it: an edit when a parent had it under this name, else a move
    (or a copy) from a parent's name for it, else an add (no parent had it: the merge did)."""
    for kinds in ("MT", "R", "C"):
        for n, (letter, old) in enumerate(zip(letters, olds, strict=False), 1):
            if letter in kinds:
                return _change(letter, path, old if letter in "RC" else None, n)
    return _change(letters[0], path)


def _change(status: str, path: _Name, old: _Name | None = None, parent: int = 1) -> Change:
    if old is None:
        return Change(status, path[0], None, parent, path[1])
    return Change(status, path[0], old[0], parent, path[1], old[1])


def parse_log(text: str, prefix: str = "", outside: bool = False) -> list[Commit]:
    """Commits of the ``git log -z --name-status`` output of :func:`git_log`, newest first
    (a merge's files in its combined form: ``AR``, a letter per parent, then each parent's
    name and the file's own), names relative to the content folder (``prefix`` cut).

    The output is read field by field (git ends each with NUL, which no name or message can
    hold); where a status is due, a field starting with ``\\x01`` opens the next commit, so a
    control character in a subject or a name is only text. One pass, linear in the output.

    ``outside`` (the log of the whole repository): a name outside the content folder is
    ``/`` and its path in the repository, and a change whose file ends outside it goes to
    :attr:`Commit.outside`."""

    def name(raw: str) -> _Name:
        outside_it = bool(prefix) and not raw.startswith(prefix)
        cut = raw if outside_it else raw[len(prefix) :]
        composed = nfc(cut)
        return ("/" if outside_it else "") + composed, ("" if composed == cut else cut)

    commits: list[Commit] = []
    head: list[str] | None = None
    changes: list[Change] = []

    def close() -> None:
        if head is None:
            return
        try:
            when = dt.datetime.fromisoformat(head[1])
        except ValueError:  # git keeps what Python cannot: year 11476, an offset of +99:59
            return  # a date no page can take: the commit is left out
        inside = [c for c in changes if not c.path.startswith("/")] if outside else changes
        out = [c for c in changes if c.path.startswith("/")] if outside else []
        commits.append(Commit(head[0], when, "\x1f".join(head[2:]), tuple(inside), tuple(out)))

    fields = text.split("\0")
    i = 0
    while i < len(fields):
        status = fields[i].lstrip("\n")
        i += 1
        if status.startswith("\x01"):  # a commit's header: sha, author date, subject
            close()
            parts = status[1:].split("\x1f")
            head, changes = (parts if len(parts) >= 3 else None), []
            continue
        status = status.strip()
        if not status or head is None:
            continue
        if len(status) > 1 and status.isalpha():  # a merge's: a letter per parent
            n = len(status)
            if i + n >= len(fields):
                break
            names = [name(raw) for raw in fields[i : i + n + 1]]
            changes.append(_merged(status, names[:-1], names[-1]))
            i += n + 1
        elif status[0] in "RC" and i + 1 < len(fields):
            changes.append(_change(status[0], name(fields[i + 1]), name(fields[i])))
            i += 2
        elif i < len(fields):
            changes.append(_change(status[0], name(fields[i])))
            i += 1
        else:
            break
    close()
    return commits


@dataclass(frozen=True)
class History:
    """What git could read of the content folder's history."""

    commits: tuple[Commit, ...] | None
    """Newest first; None when there is no history at all."""
    why: str = ""
    """git's complaint when a fuller reading failed (a partial clone misses objects)."""
    similar: bool = True
    """Moves of files edited as they moved were followed."""
    merges: bool = False
    """Merge commits list what they made themselves (see :func:`git_log`)."""


def complaint(exc: OSError | subprocess.CalledProcessError) -> str:
    """The last line git wrote to stderr (or why git did not run)."""
    if isinstance(exc, subprocess.CalledProcessError) and exc.stderr:
        return " ".join(exc.stderr.decode(errors="replace").strip().splitlines()[-1:])
    return str(exc)


def read_log(content_dir: Path, *, merges: bool = False, outside: bool = False) -> History:
    """The commits, read as fully as git can: following moves of edited files and, with
    ``merges``, what merge commits made. Where git cannot compare every file (a partial
    clone), first without the merges' changes (what merges made needs more of the objects
    than the rest of the history), then without the moves of edited files (the merges read
    again: moves alone need no contents); else no history, and why. ``outside``: the whole
    repository's history (see :func:`parse_log`)."""
    try:
        prefix = git_prefix(content_dir)
    except (OSError, subprocess.CalledProcessError) as exc:
        return History(None, complaint(exc), False, False)  # no git, or no repository
    tries = (
        [(True, True), (True, False), (False, True)] if merges else [(True, False), (False, False)]
    )
    why = ""
    for similar, with_merges in tries:
        try:
            text = git_log(content_dir, similar=similar, merges=with_merges, outside=outside)
        except (OSError, subprocess.CalledProcessError) as exc:
            why = complaint(exc)
            continue
        return History(tuple(parse_log(text, prefix, outside)), why, similar, with_merges)
    return History(None, why, False, False)


def read_history(content_dir: Path) -> tuple[list[Commit] | None, str]:
    """The commits, following moves where git can (else without them, and why), or None and
    why there is no history at all. Merge commits list nothing."""
    history = read_log(content_dir)
    return (None if history.commits is None else list(history.commits)), history.why


def is_shallow(content_dir: Path) -> bool:
    """Whether the repository is a shallow clone (its oldest commit seems to add everything)."""
    cmd = ["git", "-C", str(content_dir), "rev-parse", "--is-shallow-repository"]
    proc = subprocess.run(cmd, capture_output=True, check=False)
    return proc.stdout.strip() == b"true"
