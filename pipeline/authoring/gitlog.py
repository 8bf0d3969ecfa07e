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
from dataclasses import dataclass
from pathlib import Path

from pipeline.support.text import nfc


@dataclass(frozen=True)
class Change:
    """One file a commit touched: ``A``, ``M``, ``D``, ``R`` (rename) or ``C`` (copy)."""

    status: str
    path: str
    old: str | None = None
    """The previous name, for renames and copies."""


@dataclass(frozen=True)
class Commit:
    sha: str
    date: dt.datetime
    """Author date, with the author's offset."""
    subject: str
    changes: tuple[Change, ...]


def git_prefix(content_dir: Path) -> str:
    """The content folder's path in its repository (``docs/``; ``""`` at the top), which
    :func:`parse_log` cuts from the names :func:`git_log` prints; raises as git_log does."""
    cmd = ["git", "-C", str(content_dir), "-c", "core.quotePath=false", "rev-parse"]
    proc = subprocess.run([*cmd, "--show-prefix"], capture_output=True, check=True)
    return proc.stdout.decode("utf-8", errors="replace").rstrip("\n")


def git_log(content_dir: Path, *, similar: bool = True, merges: bool = False) -> str:
    """Raw ``git log`` of the content folder, newest first; raises OSError/CalledProcessError.
    ``similar``: moves of files edited as they moved are found too (git compares their
    contents, so every object of the history must be readable); else only moves that kept
    the file's content (found by the objects' names alone). ``merges``: a merge commit lists
    the files it leaves different from every parent (its combined diff: what the merge made
    itself, not what it brought from a branch), each with its name in every parent; else a
    merge lists nothing. Names are the repository's (``--relative`` would leave a merge's
    uncut); :func:`parse_log` cuts the :func:`git_prefix`."""
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
        "--format=%x01%H%x1f%aI%x1f%s",
        "--",
        ".",
    ]
    proc = subprocess.run(cmd, capture_output=True, check=True)
    return proc.stdout.decode("utf-8", errors="replace")


def _merged(letters: str, olds: Sequence[str], path: str) -> Change:
    """A file of a merge commit's combined diff (a status letter and a name per parent) as
    the one change that made it: an edit when a parent had it under this name, else a move
    (or a copy) from a parent's name for it, else an add (no parent had it: the merge did)."""
    for kinds in ("MT", "R", "C"):
        for letter, old in zip(letters, olds, strict=False):
            if letter in kinds:
                return Change(letter, path, old if letter in "RC" else None)
    return Change(letters[0], path)


def parse_log(text: str, prefix: str = "") -> list[Commit]:
    """Commits of the ``git log -z --name-status`` output of :func:`git_log`, newest first
    (a merge's files in its combined form: ``AR``, a letter per parent, then each parent's
    name and the file's own), names relative to the content folder (``prefix`` cut)."""

    def name(raw: str) -> str:
        return nfc(raw[len(prefix) :] if prefix and raw.startswith(prefix) else raw)

    commits: list[Commit] = []
    for record in text.split("\x01"):
        if not record.strip():
            continue
        header, _, rest = record.partition("\0")
        parts = header.split("\x1f")
        if len(parts) < 3:
            continue
        sha, when, subject = parts[0], parts[1], "\x1f".join(parts[2:])
        fields = rest.lstrip("\n").split("\0")
        changes: list[Change] = []
        i = 0
        while i < len(fields):
            status = fields[i].strip()
            if not status:
                i += 1
                continue
            if len(status) > 1 and status.isalpha():  # a merge's: a letter per parent
                n = len(status)
                if i + n + 1 >= len(fields):
                    break
                names = [name(raw) for raw in fields[i + 1 : i + n + 2]]
                changes.append(_merged(status, names[:-1], names[-1]))
                i += n + 2
            elif status[0] in "RC" and i + 2 < len(fields):
                changes.append(Change(status[0], name(fields[i + 2]), name(fields[i + 1])))
                i += 3
            elif i + 1 < len(fields):
                changes.append(Change(status[0], name(fields[i + 1])))
                i += 2
            else:
                break
        commits.append(Commit(sha, dt.datetime.fromisoformat(when), subject, tuple(changes)))
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


def _complaint(exc: OSError | subprocess.CalledProcessError) -> str:
    """The last line git wrote to stderr (or why git did not run)."""
    if isinstance(exc, subprocess.CalledProcessError) and exc.stderr:
        return " ".join(exc.stderr.decode(errors="replace").strip().splitlines()[-1:])
    return str(exc)


def read_log(content_dir: Path, *, merges: bool = False) -> History:
    """The commits, read as fully as git can: following moves of edited files and, with
    ``merges``, what merge commits made. Where git cannot compare every file (a partial
    clone), first without the merges' changes (what merges made needs more of the objects
    than the rest of the history), then without the moves of edited files (the merges read
    again: moves alone need no contents); else no history, and why."""
    try:
        prefix = git_prefix(content_dir)
    except (OSError, subprocess.CalledProcessError) as exc:
        return History(None, _complaint(exc), False, False)  # no git, or no repository
    tries = (
        [(True, True), (True, False), (False, True)] if merges else [(True, False), (False, False)]
    )
    why = ""
    for similar, with_merges in tries:
        try:
            text = git_log(content_dir, similar=similar, merges=with_merges)
        except (OSError, subprocess.CalledProcessError) as exc:
            why = _complaint(exc)
            continue
        return History(tuple(parse_log(text, prefix)), why, similar, with_merges)
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
