"""What a repository already holds, for ``publish init``: GitBook, Hugo, Jekyll, plain
Markdown or nothing, where its content is, and its public address and title if it says.

Only files are read; nothing is run. Each finding names where it came from, so ``init`` can
tell the editor (``base_url from hugo.toml``).
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pipeline.load.frontmatter import bounded_yaml
from pipeline.load.walk import SKIP_DIRS
from pipeline.support.paths import base_url_problem, walk

JEKYLL_EXCLUDE = ("_site", "_drafts", "vendor")
"""Never content in a Jekyll repository: its output, its drafts, Bundler's gems (whose
READMEs would otherwise be published as pages)."""
HUGO_CONFIGS = tuple(
    f"{folder}{name}.{ext}"
    for folder in ("", "config/_default/")
    for name in ("hugo", "config")
    for ext in ("toml", "yaml", "yml")
)
"""Hugo's site configuration files (at the root, or in its configuration folder)."""


@dataclass(frozen=True)
class Detected:
    """A repository as ``publish init`` found it."""

    kind: str
    """``empty`` (no Markdown: a starter site), ``gitbook``, ``hugo``, ``jekyll``, ``markdown``;
    ``spaces`` (several GitBook spaces in folders, listed in ``evidence``: none is chosen)."""
    folder: str
    """The content folder, relative to the repository (``.`` for the root)."""
    flavour: str = "auto"
    base_url: str = ""
    """The public address found, or empty."""
    base_url_from: str = ""
    title: str = ""
    evidence: str = ""
    """The files that decided ``kind``."""
    exclude: tuple[str, ...] = ()
    """Folders under the content folder that are not content (``[content] exclude``)."""
    spaces: tuple[str, ...] = ()
    """For ``spaces``: the folders of the spaces found, relative to the repository."""


def detect(root: Path) -> Detected:
    """Look at ``root`` (an existing folder) and say what it is."""
    title, url, url_from = "", "", ""
    if (root / ".gitbook.yaml").is_file() or (root / "SUMMARY.md").is_file():
        evidence = ".gitbook.yaml" if (root / ".gitbook.yaml").is_file() else "SUMMARY.md"
        found = Detected("gitbook", ".", "gitbook", evidence=evidence, title=_h1(root, "README.md"))
    elif (root / "docs" / "SUMMARY.md").is_file():
        found = Detected(
            "gitbook",
            "docs",
            "gitbook",
            evidence="docs/SUMMARY.md",
            title=_h1(root, "docs/README.md"),
        )
    elif (spaces := _spaces(root)) and len(spaces) == 1:  # a space in a folder of its own
        space = spaces[0]
        found = Detected(
            "gitbook",
            space,
            "gitbook",
            evidence=f"{space}/SUMMARY.md",
            title=_h1(root, f"{space}/README.md"),
        )
    elif spaces:  # none is the site: init refuses, naming them
        evidence = ", ".join(f"{s}/SUMMARY.md" for s in spaces)
        found = Detected("spaces", ".", evidence=evidence, spaces=tuple(spaces))
    elif (hugo := _hugo_config(root)) is not None and (root / "content").is_dir():
        data = _read_config(hugo)
        title, url = _text(data.get("title")), _text(data.get("baseURL") or data.get("baseurl"))
        where = hugo.relative_to(root).as_posix()
        url_from = where if url else ""
        found = Detected("hugo", "content", "plain", evidence=f"{where} and content/")
    elif (root / "_config.yml").is_file() and ((root / "_posts").is_dir() or _has_markdown(root)):
        data = _read_config(root / "_config.yml")
        title = _text(data.get("title"))
        url = _text(data.get("url"))
        if url:
            url = url.rstrip("/") + "/" + _text(data.get("baseurl")).strip("/")
            url_from = "_config.yml"
        listed = data.get("exclude")
        own = [
            e.strip("/")
            for e in (listed if isinstance(listed, list) else [])
            if isinstance(e, str) and e.strip("/") and (root / e.strip("/")).is_dir()
        ]
        exclude = tuple(dict.fromkeys([*JEKYLL_EXCLUDE, *own]))
        found = Detected("jekyll", ".", "plain", evidence="_config.yml", exclude=exclude)
    elif _has_markdown(root):
        folder = next(
            (f for f in ("content", "docs") if _has_markdown(root / f)),
            ".",
        )
        found = Detected("markdown", folder, "plain", evidence=f"Markdown files in {folder}/")
    else:
        found = Detected("empty", "content", "plain", evidence="no Markdown file")
    if not url:
        url, url_from = _from_cname(root, found.folder)
    if not url:
        url, url_from = _from_git_remote(root)
    if url and not url.endswith("/"):
        url += "/"
    usable = base_url_problem(url) is None
    return dataclasses.replace(
        found,
        base_url=url if usable else "",
        base_url_from=url_from if usable else "",
        title=title or found.title,
    )


SPACE_DEPTH = 2
"""How deep below the repository ``publish init`` looks for a GitBook space's SUMMARY.md."""
SPACE_SCAN = 2000
"""Folders it looks in at most (a repository of thousands of folders is not walked)."""


def _spaces(root: Path) -> list[str]:
    """The folders (under ``root``, at most :data:`SPACE_DEPTH` deep) holding a SUMMARY.md:
    GitBook spaces synced into folders of a larger repository (``tools/Documentation``; a
    repository of several spaces, as ``mariadb-docs``); none when the repository has more
    folders than :data:`SPACE_SCAN`."""
    found: list[str] = []
    level = [root]
    seen = 0
    for _ in range(SPACE_DEPTH):
        below: list[Path] = []
        for folder in level:
            try:
                children = sorted(folder.iterdir())
            except OSError:
                continue
            for child in children:
                if child.name.startswith(".") or child.name in ("node_modules", "vendor"):
                    continue
                if not child.is_dir() or child.is_symlink():
                    continue
                seen += 1
                if seen > SPACE_SCAN:
                    return []
                if (child / "SUMMARY.md").is_file():
                    found.append(child.relative_to(root).as_posix())
                below.append(child)
        level = below
    return found


def _hugo_config(root: Path) -> Path | None:
    return next((root / n for n in HUGO_CONFIGS if (root / n).is_file()), None)


def _read_config(path: Path) -> dict[str, Any]:
    """A TOML or YAML configuration as a dict; unreadable ones count as empty."""
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text) if path.suffix == ".toml" else bounded_yaml(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _has_markdown(folder: Path) -> bool:
    """A Markdown file somewhere under ``folder``, not entering dot-folders (``.git``) or the
    folders the loader skips (``node_modules``): a large repository is not walked whole."""
    if not folder.is_dir():
        return False
    for _here, dirs, files in walk(folder):  # any depth (os.walk recursed)
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS]
        if any(f.lower().endswith((".md", ".markdown")) for f in files):
            return True
    return False


def _h1(root: Path, name: str) -> str:
    """The first ``# Heading`` of a file (a GitBook space's title), or empty."""
    try:
        lines = (root / name).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return ""
    return next((line[2:].strip() for line in lines if line.startswith("# ")), "")


def _from_cname(root: Path, folder: str) -> tuple[str, str]:
    """GitHub Pages' custom domain file."""
    for place in ("CNAME", f"{folder}/CNAME", "docs/CNAME", "static/CNAME"):
        path = root / place
        if path.is_file():
            try:
                lines = path.read_text(encoding="utf-8").split()
            except (OSError, UnicodeDecodeError):
                continue
            if lines and re.fullmatch(r"[A-Za-z0-9.-]+", lines[0]):
                return f"https://{lines[0]}/", place
    return "", ""


_GITHUB_REMOTE = re.compile(
    r"^\s*url\s*=\s*(?:https://github\.com/|git@github\.com:|ssh://git@github\.com/)"
    r"([A-Za-z0-9-]+)/([A-Za-z0-9._-]+?)(?:\.git)?/?\s*$"
)


def _from_git_remote(root: Path) -> tuple[str, str]:
    """The GitHub Pages address of the ``origin`` remote on github.com."""
    config = root / ".git" / "config"
    try:
        text = config.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return "", ""
    in_origin = False
    for line in text.splitlines():
        if line.strip().startswith("["):
            in_origin = line.strip() == '[remote "origin"]'
            continue
        m = _GITHUB_REMOTE.match(line) if in_origin else None
        if m:
            owner, repo = m.group(1).lower(), m.group(2)
            if repo.lower() == f"{owner}.github.io":
                return f"https://{owner}.github.io/", "the git remote (GitHub Pages)"
            return f"https://{owner}.github.io/{repo}/", "the git remote (GitHub Pages)"
    return "", ""
