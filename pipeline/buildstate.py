"""What the last build saw and wrote, so a build with nothing changed does nothing.

The manifest in the output folder records a fingerprint of every input (each content file's
path, size and mtime, the configuration's bytes, the versions of publish and its renderer),
the moment the next scheduled item falls due, and the size and mtime of every file written.
When all of that still holds, the outputs are already right and the build ends at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.config import Config
from pipeline.errors import Problem
from pipeline.output import Stamp, write_if_changed
from pipeline.render import RENDERER_VERSION

MANIFEST = ".publish-manifest.json"


@dataclass(frozen=True)
class Manifest:
    fingerprint: str = ""
    valid_until: str | None = None
    """ISO time the next scheduled item falls due (the outputs change then), or None."""
    files: dict[str, Stamp] = field(default_factory=dict)
    """Output path -> (size, mtime_ns, sha256) as written (sha256 "" for copied media)."""
    result: dict[str, Any] = field(default_factory=dict)


def fingerprint(cfg: Config, content_dir: Path, out_dir: Path) -> str:
    """A hash of every input of a build, from file metadata (no file is read but the config)."""
    h = hashlib.sha256()
    h.update(f"{__version__}\0{RENDERER_VERSION}\0{out_dir.resolve()}\0".encode())
    if cfg.path is not None and cfg.path.exists():
        h.update(cfg.path.read_bytes())
    root = str(content_dir)
    for dirpath, dirnames, filenames in os.walk(content_dir):
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            h.update(f"{os.path.relpath(path, root)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def read_manifest(out_dir: Path) -> Manifest:
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        files = {
            str(k): (int(v[0]), int(v[1]), str(v[2]) if len(v) > 2 else "")
            for k, v in data.get("files", {}).items()
        }
        return Manifest(
            str(data.get("fingerprint", "")),
            data.get("valid_until"),
            files,
            dict(data.get("result", {})),
        )
    except (OSError, ValueError, TypeError, AttributeError, IndexError, KeyError):
        return Manifest()


def write_manifest(out_dir: Path, manifest: Manifest) -> None:
    data = {
        "fingerprint": manifest.fingerprint,
        "valid_until": manifest.valid_until,
        "result": manifest.result,
        "files": {k: list(v) for k, v in sorted(manifest.files.items())},
    }
    write_if_changed(out_dir / MANIFEST, (json.dumps(data, indent=0) + "\n").encode())


def _size_mtime(out_dir: Path, rels: set[str]) -> dict[str, tuple[int, int]]:
    stamps = {}
    for rel in rels:
        try:
            st = (out_dir / rel).stat()
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
    manifest: Manifest, cfg: Config, content_dir: Path, out_dir: Path, now: dt.datetime
) -> BuildResult | None:
    """The last build's result when nothing it depends on changed, else None."""
    if not still_valid(manifest, fingerprint(cfg, content_dir, out_dir), out_dir, now):
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
    )
