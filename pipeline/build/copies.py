"""Where the local files pages use are copied: beside the page, by name (or, without pages,
under ``assets/`` by their path), and never over another file of the site.

A file is copied by its name alone, so two of them could land on one path, or on a path the
site writes itself: ``{% file src=".gitbook/assets/index.html" %}`` on a page replaced the
page (its author's script served as the page), ``rss.xml`` attached to the home page replaced
the feed, and of two images named ``image.png`` in two folders one was lost. Each copy now
claims its path as pages and feeds do (:mod:`pipeline.build.owners`): a second claim is a
content error naming the file, the line that uses it and what it would replace.
"""

from __future__ import annotations

import filecmp
import os
import posixpath
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import quote

from pipeline.errors import ContentError, Problem
from pipeline.model import Item
from pipeline.render.activefiles import SUFFIXES, active_part
from pipeline.support.paths import OutsideRoot, file_inside
from pipeline.support.text import nfc

Copy = tuple[Path, str]
"""(source file, output path)."""


def _same_bytes(a: Path | None, b: Path) -> bool:
    """Whether two files hold the same bytes (a handbook's one spec in two folders: one copy
    serves both links); a file that cannot be read is no match."""
    try:
        return a is not None and filecmp.cmp(a, b, shallow=False)
    except OSError:
        return False


def copies_of(
    content_dir: Path,
    items: Iterable[Item],
    folder_of: Callable[[Item], str | None],
    *,
    keep_path: bool,
) -> tuple[list[Copy], dict[str, tuple[str, str]]]:
    """(source file, output path) of each local file of ``items`` inside the content folder:
    in the item's folder (``folder_of``; None: the item has no page), under its path in the
    content (``keep_path``) or by its name alone; and who uses each output path first (path ->
    (the item's source, the file as the content names it)). Two files on one path: a
    ContentError."""
    copies: list[Copy] = []
    users: dict[str, tuple[str, str]] = {}
    clashes: list[tuple[str, str, str]] = []
    for item in items:
        folder = folder_of(item)
        if folder is None:
            continue
        for asset in assets_of(item):
            src = safe_path(content_dir, asset)
            if src is None:
                continue
            rel = folder + (asset if keep_path else asset.rsplit("/", 1)[-1])
            first = users.setdefault(rel, (item.source, asset))
            if first[1] != asset:  # two files on one path: the same bytes are one copy
                if not _same_bytes(safe_path(content_dir, first[1]), src):
                    clashes.append((rel, item.source, asset))
                continue
            copies.append((src, rel))
    if clashes:
        lines = _Uses(content_dir)
        raise ContentError(
            [
                _problem(
                    content_dir,
                    source,
                    lines.line(source, asset),
                    f"{asset} would be copied to /{rel}, where {users[rel][1]} (used by "
                    f"{users[rel][0]}:{lines.line(*users[rel])}) is copied; rename one of them",
                )
                for rel, source, asset in clashes
            ]
        )
    return copies, users


def check_taken(
    content_dir: Path, users: dict[str, tuple[str, str]], outputs: Iterable[str]
) -> None:
    """A ContentError for each copy whose path is one the site writes (a page, a feed, one
    of the build's own files) or a folder of those, and for each a browser would run as a
    document holding script (see :func:`_active`)."""
    taken: set[str] = set()
    for path in outputs:
        taken.add(path)
        folder = posixpath.dirname(path)
        while folder and folder not in taken:
            taken.add(folder)
            folder = posixpath.dirname(folder)
    lines = _Uses(content_dir)
    problems = [
        _problem(
            content_dir,
            source,
            lines.line(source, asset),
            f"{asset} would be copied to /{rel}, which the site writes itself; rename the file",
        )
        for rel, (source, asset) in users.items()
        if rel in taken or (rel.startswith(".publish") and "/" not in rel)
    ]
    problems += _active(content_dir, users, lines)
    if problems:
        raise ContentError(problems)


def _active(content_dir: Path, users: dict[str, tuple[str, str]], lines: _Uses) -> list[Problem]:
    """A problem for each copy a browser would open as a document that runs script (see
    :mod:`pipeline.render.activefiles`): served from the site's address, its script would
    run as the site."""
    problems: list[Problem] = []
    for rel, (source, asset) in users.items():
        src = safe_path(content_dir, asset)
        if src is None or posixpath.splitext(rel)[1].lower() not in SUFFIXES:
            continue
        try:
            found = active_part(src.read_bytes())
        except OSError:
            continue  # reported where the copy is made
        if found is not None:
            message = (
                f"{asset} holds {found[1]} (its line {found[0]}): opened from this site, it "
                "would run as the site (a stored XSS); remove the script, or link the file "
                "where another host serves it"
            )
            problems.append(_problem(content_dir, source, lines.line(source, asset), message))
    return problems


def _problem(content_dir: Path, source: str, line: int, message: str) -> Problem:
    return Problem(str(content_dir / source), line, "file", message)


class _Uses:
    """The line where a content file first names a file it uses (read only on a clash)."""

    def __init__(self, content_dir: Path) -> None:
        self.content_dir = content_dir
        self.texts: dict[str, str] = {}

    def line(self, source: str, asset: str) -> int:
        if source not in self.texts:
            try:
                raw = (self.content_dir / source).read_bytes()
                self.texts[source] = raw.decode("utf-8", errors="replace")
            except OSError:
                self.texts[source] = ""
        text = self.texts[source]
        name = posixpath.basename(asset)
        near = posixpath.relpath(asset, posixpath.dirname(source) or ".")
        for spelling in (asset, near, quote(asset), quote(near), name, quote(name)):
            at = text.find(spelling)
            if at >= 0:
                return text.count("\n", 0, at) + 1
        return 1


def assets_of(item: Item) -> list[str]:
    found = list(item.assets)
    if item.episode:
        for media in (item.episode.audio, item.episode.transcript, item.episode.chapters):
            if media is not None and media.source:
                found.append(media.source)
    return found


def safe_path(root: Path, rel: str) -> Path | None:
    """The file ``rel`` names inside ``root``, else None. A name the file system holds in
    another Unicode normalisation (``Smörgåsbord.pdf`` written composed in the page, stored
    decomposed by a Mac or GitBook's sync) is that file: GitBook serves it, and the copy is
    made under the name the page links to, which then works on any host."""
    try:
        _, path = file_inside(root, "", rel)
    except OutsideRoot:
        return None
    try:
        if path.is_file():
            return path
        if rel.isascii():
            return None
        other = _normalised(root, rel)
        return None if other is None else safe_path(root, other)
    except OSError:  # a name the file system refuses (too long): reported by the loader
        return None


def _normalised(root: Path, rel: str) -> str | None:
    """``rel`` with each name that is not on disk replaced by the one entry of its folder that
    is the same in NFC; None when there is no such entry, or more than one."""
    done: list[str] = []
    for part in rel.split("/"):
        folder = root.joinpath(*done)
        if not (folder / part).exists():
            same = [n for n in os.listdir(folder) if nfc(n) == nfc(part)]
            if len(same) != 1:
                return None
            part = same[0]
        done.append(part)
    return "/".join(done)
