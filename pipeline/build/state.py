"""What the last build saw and wrote, so a build with nothing changed does nothing.

The manifest in the output folder records a fingerprint of every input (each content file's
path, size and mtime, the configuration's bytes, the build key: a hash of the installed code and
`--strict`),
the moment the next scheduled item falls due, and the size and mtime of every file written.
When all of that still holds, the outputs are already right and the build ends at once. A
content or theme file modified in the two seconds before the walk (``RACY_NS``) makes a
fingerprint no later build matches: a second write in the same clock tick would leave its
stat as it was.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import pipeline
from pipeline import __version__
from pipeline.config import Config
from pipeline.errors import Problem
from pipeline.support import jsontext
from pipeline.support.output import Stamp, write_if_changed
from pipeline.syndication.theme.templates import theme_stamp


@functools.cache
def code_digest() -> str:
    """A hash of publish's version and every file of the installed package (code, templates,
    data): caches and output digests made by other code (an upgrade, a local edit of the
    package, a changed template) are never trusted. No version number to bump by hand."""
    h = hashlib.sha256(f"{__version__}\0".encode())
    package = Path(pipeline.__file__).resolve().parent  # the whole package, wherever this module is
    for path in sorted(package.rglob("*")):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        h.update(f"{path.relative_to(package).as_posix()}\0{path.stat().st_size}\0".encode())
        h.update(path.read_bytes())
    return h.hexdigest()


MANIFEST = ".publish-manifest.json"

_MTIMES = re.compile("\0([0-9]+)\n")
"""The mtimes in a theme stamp (``path\0size\0mtime\n`` a file)."""

RACY_NS = 2 * 10**9
"""A file modified this recently may be written again in the same clock tick, leaving its
size and mtime as they were (git's "racily clean" files): its stat proves nothing yet."""


def build_salt(cfg: Config, content_dir: Path) -> str:
    """What every cached load result and every output digest depends on besides the content:
    publish's code, the whole configuration and where the content lives."""
    key = f"{code_digest()}\0{cfg!r}\0{content_dir.resolve()}"
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class Manifest:
    fingerprint: str = ""
    valid_until: str | None = None
    """ISO time the next scheduled item falls due (the outputs change then), or None."""
    files: dict[str, Stamp] = field(default_factory=dict)
    """Output path -> (size, mtime_ns, sha256) as written (sha256 "" for copied media and for
    feeds, which are known by their inputs instead)."""
    inputs: dict[str, str] = field(default_factory=dict)
    """Output path -> digest of everything its bytes were made from (see build.plan_outputs)."""
    result: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Inputs:
    """What a build found before reading anything: the fingerprint of its inputs, each content
    file's stat (taken for it), and the last build's manifest."""

    fingerprint: str
    stats: Mapping[str, os.stat_result]
    previous: Manifest
    tree: str | None = None
    """A digest of the names and kinds of the content tree's files and folders (None when it
    holds a symbolic link): what the local-link results kept across builds depend on."""


def take_inputs(cfg: Config, content_dir: Path, out_dir: Path, *, strict: bool) -> Inputs:
    """Fingerprint the inputs (taken before anything is read, so an edit made during the build
    is seen by the next one) and read the last manifest."""
    stats: dict[str, os.stat_result] = {}
    current, tree = _fingerprint(cfg, content_dir, out_dir, stats, strict=strict)
    return Inputs(current, stats, read_manifest(out_dir), tree)


def fingerprint(
    cfg: Config,
    content_dir: Path,
    out_dir: Path,
    stats: dict[str, os.stat_result] | None = None,
    *,
    strict: bool,
) -> str:
    """A hash of every input of a build, from file metadata (no file is read but the config).

    ``stats`` receives each content file's stat by its path (as :func:`pipeline.load.walk.
    walk_markdown` spells it), so the build need not take them again. ``strict`` is part of it:
    a ``--strict`` build never trusts what a lenient one found valid."""
    return _fingerprint(cfg, content_dir, out_dir, stats, strict=strict)[0]


def _fingerprint(
    cfg: Config,
    content_dir: Path,
    out_dir: Path,
    stats: dict[str, os.stat_result] | None,
    *,
    strict: bool,
) -> tuple[str, str | None]:
    h = hashlib.sha256()
    started = time.time_ns()
    newest = 0  # the latest mtime of a file stat'ed here (the theme's, the content's)
    # the code (an upgrade, a changed template) and every flag that changes output or validity
    h.update(os.fsencode(f"{code_digest()}\0{strict}\0{out_dir.resolve()}\0"))
    if cfg.path is not None and cfg.path.exists():
        h.update(cfg.path.read_bytes())
    if cfg.site.pages:  # the theme's folders may sit outside the content folder
        stamp = theme_stamp(cfg)  # a line per file: its path, size and mtime
        h.update(stamp.encode())
        # each file's mtime: the digits between the last NUL of its line and the line's end
        # (a file name may hold a line break, never a NUL)
        newest = max(map(int, _MTIMES.findall(stamp)), default=0)
    if cfg.feeds.changes:  # the changes feed follows git history, kept beside the content
        from pipeline.revisions.history import history_key

        h.update(history_key(content_dir).encode())
    walked = _walk(content_dir, stats)
    h.update(os.fsencode(walked.lines))  # file names as the file system has them
    # racily clean (a file modified just now): no later build may match this fingerprint
    if started - max(newest, walked.newest) < RACY_NS:
        h.update(f"\0racy\0{started}\0{os.getpid()}".encode())
    return h.hexdigest(), walked.names


class _Walked(NamedTuple):
    lines: str
    """A line per file: its path, size and mtime."""
    names: str | None
    """A digest of the name and kind of every file and folder; None when the tree holds a
    symbolic link (what it points at may change while every name stays)."""
    newest: int
    """The latest mtime of a file (ns), 0 when there is none."""


def _walk(content_dir: Path, stats: dict[str, os.stat_result] | None) -> _Walked:
    """The content tree top-down, folders and files in name order (as ``os.walk`` with sorted
    folders), one ``scandir`` per folder."""
    root = os.path.join(str(content_dir), "")
    lines: list[str] = []
    names: list[str] = []
    linked = False
    newest = 0
    pending = [root]
    while pending:
        where = pending.pop()
        folder = where[len(root) :]
        try:
            with os.scandir(where) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        below = []
        for entry in entries:
            if entry.is_symlink():
                linked = True
            try:
                if entry.is_dir(follow_symlinks=False):
                    names.append(f"{folder}{entry.name}/")
                    below.append(os.path.join(entry.path, ""))
                    continue
                if entry.is_dir():  # a link to a folder: not followed, as os.walk
                    continue
                st = entry.stat()
            except OSError:
                continue
            if stats is not None:
                stats[where + entry.name] = st
            names.append(folder + entry.name)
            newest = max(newest, st.st_mtime_ns)
            lines.append(f"{folder}{entry.name}\0{st.st_size}\0{st.st_mtime_ns}\n")
        pending.extend(reversed(below))
    digest = None if linked else hashlib.sha256(os.fsencode("\n".join(names))).hexdigest()
    return _Walked("".join(lines), digest, newest)


def read_manifest(out_dir: Path) -> Manifest:
    """The manifest the last build wrote; an empty one when there is none or it is damaged
    (the next build is then a full one)."""
    try:
        data = jsontext.loads((out_dir / MANIFEST).read_bytes())
        files, inputs = data["files"], data["inputs"]
        paths, sizes, mtimes, shas = (
            files["paths"],
            files["sizes"],
            files["mtimes"],
            files["sha256"],
        )
        if not len(paths) == len(sizes) == len(mtimes) == len(shas):
            return Manifest()
        if not set(map(type, paths)) | set(map(type, shas)) <= {str}:
            return Manifest()
        if not set(map(type, sizes)) | set(map(type, mtimes)) <= {int}:
            return Manifest()
        if len(inputs["paths"]) != len(inputs["digests"]):
            return Manifest()
        if not set(map(type, inputs["paths"])) | set(map(type, inputs["digests"])) <= {str}:
            return Manifest()
        return Manifest(
            str(data.get("fingerprint", "")),
            data.get("valid_until"),
            dict(zip(paths, zip(sizes, mtimes, shas, strict=True), strict=True)),
            dict(zip(inputs["paths"], inputs["digests"], strict=True)),
            dict(data.get("result", {})),
        )
    except (OSError, ValueError, TypeError, AttributeError, IndexError, KeyError):
        return Manifest()


def write_manifest(out_dir: Path, manifest: Manifest) -> None:
    """Columns, not an object per output: 10,000 outputs read and written in a third of the
    time (the C encoder and decoder do all of it)."""
    files = sorted(manifest.files.items())
    inputs = sorted(manifest.inputs.items())
    data = {
        "fingerprint": manifest.fingerprint,
        "valid_until": manifest.valid_until,
        "result": manifest.result,
        "files": {
            "paths": [k for k, _ in files],
            "sizes": [v[0] for _, v in files],
            "mtimes": [v[1] for _, v in files],
            "sha256": [v[2] for _, v in files],
        },
        "inputs": {"paths": [k for k, _ in inputs], "digests": [v for _, v in inputs]},
    }
    write_if_changed(out_dir / MANIFEST, (json.dumps(data) + "\n").encode())


def _size_mtime(out_dir: Path, rels: set[str]) -> dict[str, tuple[int, int]]:
    """Each output's size and mtime (``os.stat`` of a joined string: a ``Path`` per file
    doubled the time of a no-op build's 22,000 stats)."""
    stamps = {}
    folder = os.fspath(out_dir)
    for rel in rels:
        try:
            st = os.stat(os.path.join(folder, rel))
        except OSError:
            continue
        stamps[rel] = (st.st_size, st.st_mtime_ns)
    return stamps


def still_valid(manifest: Manifest, current: str, out_dir: Path, now: dt.datetime) -> bool:
    """True when the inputs, the clock's effect and every output are as the last build left them."""
    if not manifest.fingerprint or manifest.fingerprint != current:
        return False
    if manifest.valid_until and now >= dt.datetime.fromisoformat(manifest.valid_until):
        return False
    recorded = {k: (v[0], v[1]) for k, v in manifest.files.items()}
    return _size_mtime(out_dir, set(manifest.files)) == recorded


@dataclass(frozen=True)
class BuildResult:
    items: int
    pages: int
    feeds: int
    written: tuple[str, ...]
    unchanged: int
    removed: tuple[str, ...]
    warnings: tuple[Problem, ...]
    notes: tuple[str, ...] = ()
    """Things the editor should act on, e.g. a file the build changed that must be committed."""


def cached_result(
    manifest: Manifest, current: str, out_dir: Path, now: dt.datetime
) -> BuildResult | None:
    """The last build's result when nothing it depends on changed (``current`` is the
    inputs' :func:`fingerprint` now), else None."""
    if not still_valid(manifest, current, out_dir, now):
        return None
    return _from_manifest(manifest)


def _from_manifest(manifest: Manifest) -> BuildResult:
    r = manifest.result
    warnings = tuple(
        Problem(str(p), int(n), str(f), str(m)) for p, n, f, m in r.get("warnings", [])
    )
    return BuildResult(
        items=int(r.get("items", 0)),
        pages=int(r.get("pages", 0)),
        feeds=int(r.get("feeds", 0)),
        written=(),
        unchanged=len(manifest.files),
        removed=(),
        warnings=warnings,
        notes=tuple(str(n) for n in r.get("notes", [])),
    )
