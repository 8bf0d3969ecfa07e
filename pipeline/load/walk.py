"""Finding and reading the content: every Markdown file under the content root (the
newsletter's and the build's own folders skipped), read once, decoded and split from its
front matter."""

from __future__ import annotations

import errno
import os
import posixpath
import stat
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Config
from pipeline.load.frontmatter import FrontMatterError, Parsed, split, utf8_text
from pipeline.support.paths import walk

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
    other folder of those names is content like any other. Plus ``[content] exclude``."""
    out = {posixpath.normpath(e.strip("/")) for e in cfg.content.exclude if e.strip("/")}
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
    for dirpath, dirnames, filenames in walk(top):  # any depth (os.walk recursed)
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


def markdown_among(
    root: Path, paths: Iterable[str], skip: frozenset[str] = frozenset()
) -> list[tuple[str, str]]:
    """What :func:`walk_markdown` yields, picked from full paths a walk of the whole tree already
    found in the same order (``os.walk``, sorted, top-down: the build's fingerprint), so a build
    walks its content folder once."""
    top = os.path.join(str(root), "")
    out = []
    for full in paths:
        if not full.startswith(top):
            continue
        rel = full[len(top) :].replace(os.sep, "/")
        folder, _, name = rel.rpartition("/")
        if not name.lower().endswith((".md", ".markdown")) or name.startswith("."):
            continue
        parts = folder.split("/") if folder else []
        if any(p.startswith(".") or p in SKIP_DIRS for p in parts):
            continue
        if any("/".join(parts[: i + 1]) in skip for i in range(len(parts))):
            continue
        out.append((rel, full))
    return out


def relpath(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def read_doc(root: Path, path: Path, max_bytes: int) -> RawDoc:
    """Read and split one file; raises FrontMatterError with a line for every bad input."""
    source, text = read_text(root, path, max_bytes)
    return RawDoc(source, split(text))


def _utf8(name: str) -> bool:
    """Whether a name from the file system is UTF-8 text (bytes that are not come back from
    ``os`` as lone surrogates, which no URL or feed can carry)."""
    try:
        name.encode()
    except UnicodeEncodeError:
        return False
    return True


def over_limit(size: int, max_bytes: int) -> str:
    """What is said of a file over ``[content] max_file_bytes`` (a page, SUMMARY.md)."""
    return f"file is {size} bytes, over the limit of {max_bytes}"


def read_text(root: Path, path: Path, max_bytes: int, *, empty_ok: bool = False) -> tuple[str, str]:
    """A file's path under the root and its text (UTF-8, NFC, LF), or a FrontMatterError.
    ``empty_ok``: a file with no text is a page with nothing on it (GitBook mode: a page
    created in GitBook and never written), else an error."""
    source = relpath(root, path)
    if not source.isascii() and not _utf8(source):
        raise FrontMatterError(1, "file", "the file name is not UTF-8 text; rename the file")
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
    st = path.stat()
    if not stat.S_ISREG(st.st_mode):  # a pipe would block the read for ever
        raise FrontMatterError(1, "file", "not a regular file (a pipe or a device); refused")
    size = st.st_size
    if size > max_bytes:
        raise FrontMatterError(1, "file", over_limit(size, max_bytes))
    text = utf8_text(path.read_bytes())
    if not text.strip() and not empty_ok:
        raise FrontMatterError(1, "file", "empty file; expected front matter and a Markdown body")
    return source, unicodedata.normalize("NFC", text)
