"""Client-side search with Pagefind (the ``pagefind`` package ships its binary): after the
pages are written, and only when a page changed, the built site is indexed into
``pagefind/``, which the theme's search box loads on a static host with no server.

The index is made in a temporary folder and swapped in whole, so a reader never meets half of
one; Pagefind names its files by their content, so the same pages give the same bytes.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

from pipeline.config import Config

FOLDER = "pagefind"
_BUILDING = ".pagefind-building"
_OLD = ".pagefind-previous"
"""Folders of the swap (not named like our temp files: those are single files, swept)."""


def search_binary() -> Path | None:
    """The Pagefind binary the ``pagefind[bin]`` dependency installed, or None."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        return None
    found = get_executable()
    return found if found is not None and found.is_file() else None


def wanted(cfg: Config) -> bool:
    """Whether pages get a search box (and the build an index)."""
    return cfg.site.pages and cfg.theme.search and search_binary() is not None


def needs_index(out_dir: Path, changed: Iterable[str]) -> bool:
    """A page was written or removed, or there is no index yet."""
    if not (out_dir / FOLDER / "pagefind.js").is_file():
        return True
    return any(path.endswith(".html") for path in changed)


def build_index(cfg: Config, out_dir: Path) -> str:
    """Index the pages of ``out_dir`` (their ``data-pagefind-body`` element) into
    ``out_dir/pagefind``; returns a one-line summary, or raises RuntimeError."""
    binary = search_binary()
    if binary is None:
        raise RuntimeError("pagefind is not installed (pip install 'pagefind[bin]')")
    building, old = out_dir / _BUILDING, out_dir / _OLD
    for stale in (building, old):
        shutil.rmtree(stale, ignore_errors=True)
    language = cfg.site.language.split("-")[0].lower() or "en"
    try:
        done = subprocess.run(
            [
                str(binary),
                "--site",
                str(out_dir),
                "--output-path",
                str(building.resolve()),
                "--force-language",
                language,
                "--silent",
            ],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(building, ignore_errors=True)
        raise RuntimeError(f"pagefind could not run: {exc}") from None
    if done.returncode != 0 or not (building / "pagefind.js").is_file():
        shutil.rmtree(building, ignore_errors=True)
        why = (done.stderr or done.stdout).strip().splitlines()
        raise RuntimeError(f"pagefind failed: {why[-1] if why else done.returncode}")
    target = out_dir / FOLDER
    if target.exists():
        target.rename(old)
    building.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return "search index updated"


def refresh(cfg: Config, out_dir: Path, changed: Iterable[str]) -> list[str]:
    """After a build: index the pages when one changed; remove the index when search is off.
    A failure leaves the last index and is returned as a warning (the pages stand)."""
    if not wanted(cfg):
        if (out_dir / FOLDER / "pagefind.js").is_file():
            shutil.rmtree(out_dir / FOLDER)  # search was turned off
        return []
    if not needs_index(out_dir, changed):
        return []
    try:
        build_index(cfg, out_dir)
    except RuntimeError as exc:
        return [f"warning: search index not updated: {exc}"]
    return []
