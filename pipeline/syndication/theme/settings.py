"""Checks of ``[theme]`` that types alone cannot express: colours and files named in it."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.config import ThemeConfig
from pipeline.support.paths import OutsideRoot, resolve_inside

_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


def static_file_problem(root: Path, folder: str, name: str) -> str | None:
    """Why ``name`` is not a file of the static folder, or None."""
    try:
        _, path = resolve_inside(root / folder, "", name)
    except OutsideRoot as exc:
        return str(exc)
    if not path.is_file():
        return f"file not found: {folder}/{name}"
    return None


def theme_problems(theme: ThemeConfig, root: Path) -> list[tuple[str, str]]:
    """(key, message) of each bad ``[theme]`` value; ``root`` is the config file's folder."""
    out: list[tuple[str, str]] = []
    if not _COLOUR.fullmatch(theme.accent):
        out.append(("accent", f"expected a colour #rgb or #rrggbb, got {theme.accent!r}"))
    if theme.logo and "://" not in theme.logo:
        problem = static_file_problem(root, theme.static, theme.logo)
        if problem:
            out.append(("logo", problem))
    for name in theme.css:
        problem = static_file_problem(root, theme.static, name)
        if problem:
            out.append(("css", problem))
    for key, links in (("menu", theme.menu), ("social", theme.social)):
        for n, link in enumerate(links):
            if not link.title.strip() or not link.url.strip():
                out.append((key, f"entry {n + 1}: needs both title and url"))
    if theme.latest < 0:
        out.append(("latest", "expected 0 or a positive integer"))
    if theme.per_page < 1:
        out.append(("per_page", "expected a positive integer"))
    return out
