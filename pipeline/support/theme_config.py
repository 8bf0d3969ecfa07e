"""The schema and value rules of ``[theme]``: the look of the site's pages (docs/site.md).

Kept apart from :mod:`pipeline.config` (which only lists it), in ``support/``, so that config
imports no stage package.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.support.paths import OutsideRoot, resolve_inside, url_scheme


@dataclass(frozen=True)
class LinkConfig:
    title: str = ""
    url: str = ""
    """A site path (``/about/``) or an absolute URL."""


@dataclass(frozen=True)
class ThemeConfig:
    """The look of the pages (``pages = true``); see docs/site.md."""

    templates: str = "templates"
    """Folder (relative to this file) whose ``*.html.j2`` override the shipped page templates."""
    static: str = "static"
    """Folder (relative to this file) copied to ``static/`` of the site; overrides theme files."""
    logo: str = ""
    """An image in the static folder (``logo.svg``) or an absolute URL."""
    accent: str = "#0b5cad"
    """Accent colour of links and highlights: ``#rgb`` or ``#rrggbb``."""
    css: list[str] = field(default_factory=list)
    """Extra style sheets in the static folder, linked after the theme's own."""
    menu: list[LinkConfig] = field(default_factory=list)
    """Links added to the menu, after the sections."""
    footer: str = ""
    """Footer text (plain text)."""
    social: list[LinkConfig] = field(default_factory=list)
    """Links in the footer (Mastodon, forum, repository ...)."""
    latest: int = 10
    """Items listed on the home page."""
    per_page: int = 20
    """Items per page of a section, tag or archive list."""
    search: bool = True
    """A search box, and the index it reads (``search/``), updated after each build."""
    words: dict[str, str] = field(default_factory=dict)
    """The site's own words in place of the shipped translation (``"Previous" = "Back"``):
    keys are the English words listed in docs/site.md."""
    embeds: str = "cards"
    """GitBook embeds on the pages: ``cards`` (the provider's name and a link: the page loads
    nothing from the provider) or ``inline`` (the provider's player, for YouTube, Vimeo,
    Google Forms, Figma, Spotify, Anchor and SoundCloud; others stay cards)."""


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
            elif _active_scheme(link.url):
                shown = repr(link.url.strip()[:40])
                out.append((key, f"entry {n + 1}: {shown} runs script; expected a link"))
    if theme.embeds not in ("cards", "inline"):
        out.append(("embeds", f'expected "cards" or "inline", got {theme.embeds!r}'))
    if theme.latest < 0:
        out.append(("latest", "expected 0 or a positive integer"))
    if theme.per_page < 1:
        out.append(("per_page", "expected a positive integer"))
    return out


def _active_scheme(url: str) -> bool:
    """A URL a browser runs instead of following (``javascript:``, ``vbscript:``, ``data:``)."""
    try:
        scheme = url_scheme(url.strip())
    except ValueError:  # no URL at all (http://[x): nothing a browser runs either
        return False
    return scheme in ("javascript", "vbscript", "data")
