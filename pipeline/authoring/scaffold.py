"""``publish new``: a new content file with complete, valid front matter.

An episode takes the next number of the latest season; in a GitBook space the page is also
listed in the table of contents (``SUMMARY.md``), under the entries of its folder.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from pipeline.config import Config
from pipeline.errors import EXIT_CONTENT, ContentError, Problem, PublishError
from pipeline.load.frontmatter import decode, split
from pipeline.load.summary import read_toc
from pipeline.model import SECTION_OF_KIND
from pipeline.render.slugs import github_slug
from pipeline.support.paths import escapes


class NewItemRefused(PublishError):
    """``publish new`` was asked for a file that would not validate; nothing was written."""

    exit_code = EXIT_CONTENT


SLUG_CHARS = 80
"""At most this many characters of the title name the new file (and so its URL), cut between
words: a file name may have 255 bytes, and a long title made one the system refused."""


def file_slug(title: str) -> str:
    """The new file's name (without ``.md``) for ``title``: its slug, cut to
    :data:`SLUG_CHARS` characters at a word's end and to 200 bytes of UTF-8."""
    slug = github_slug(title).strip("-")
    if len(slug) > SLUG_CHARS:
        cut = slug[: SLUG_CHARS + 1]
        end = cut.rfind("-")
        slug = cut[:end] if end >= SLUG_CHARS // 2 else slug[:SLUG_CHARS]
    while len(slug.encode()) > 200:
        slug = slug[:-1]
    return slug.strip("-") or "untitled"


def new_item(cfg: Config, content_dir: Path, kind: str, title: str, *, today: dt.datetime) -> Path:
    """Create ``content/<section>/<slug>.md``; refuses to overwrite an existing file."""
    title = " ".join(title.split())  # one line: a line break or a tab is a space
    if not title:
        raise NewItemRefused(
            f'the title is empty; give the new {kind} one, e.g. publish new {kind} "Why we gather"'
        )
    local = today.astimezone(ZoneInfo(cfg.site.timezone))
    folder = content_dir / SECTION_OF_KIND[kind]
    path = folder / f"{file_slug(title)}.md"
    if not github_slug(title).strip("-"):  # nothing of the title names a file (emoji, "!!!")
        path = _free_name(folder, path.stem)
    slug = path.stem
    if path.exists():
        raise ContentError([Problem(str(path), 1, "file", "already exists; choose another title")])
    meta: dict[str, object] = {"title": title}
    if _read_as(cfg, content_dir, path) != kind:  # a GitBook space: the folder says "page"
        meta["kind"] = kind
    meta |= {
        "id": str(uuid.uuid4()),
        "date": local.date(),
        "description": "",
        "authors": [cfg.site.author] if cfg.site.author else [],
        "tags": [],
        "draft": True,
    }
    if kind == "episode":
        season, number = next_episode(folder)
        meta.update(
            {
                "audio": f"media/{slug}.mp3",
                "episode": number,
                "season": season,
                "episode_type": "full",
                "explicit": False,
            }
        )
    if kind == "event":
        meta.update(
            {
                "starts": f"{local.date().isoformat()}T18:00",
                "ends": f"{local.date().isoformat()}T20:00",
                "location": "Online",
                "url": "",
            }
        )
        del meta["url"]
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True)
    summary = _summary_of(cfg, content_dir)
    for written in (path, *([summary] if summary is not None else [])):
        if escapes(content_dir, written):
            why = "a symlink puts it outside the content folder; nothing written"
            raise ContentError([Problem(str(written), 1, "file", why)])
    listed = b""
    if summary is not None:  # made before anything is written: a bad SUMMARY.md stops here
        text = read_toc(content_dir, cfg.content.summary, str(summary))  # not UTF-8: its line
        listed = with_entry(text, title, path.relative_to(content_dir).as_posix()).encode()
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front}---\n\nWrite here.\n", encoding="utf-8")
    if summary is not None:
        summary.write_bytes(listed)
    return path


def _free_name(folder: Path, stem: str) -> Path:
    """``folder/stem.md``, else the first of ``stem-2.md``, ``stem-3.md``, … that is free: a
    title that makes no file name (all emoji) takes ``untitled``, and the next one too."""
    path, n = folder / f"{stem}.md", 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}.md"
    return path


def _read_as(cfg: Config, content_dir: Path, path: Path) -> str:
    """The kind the loader gives the new file without a ``kind`` key: its folder's, or in a
    GitBook space (where SUMMARY.md decides) an essay, as a dated page listed there is."""
    from pipeline.load.item import kind_for
    from pipeline.load.mode import gitbook_mode

    gitbook = gitbook_mode(cfg, content_dir)
    kind = kind_for(path.relative_to(content_dir).as_posix(), {}, gitbook)
    return "essay" if gitbook and kind == "page" else kind


def next_episode(folder: Path) -> tuple[int, int]:
    """(season, episode) for a new episode: the latest season, one past its highest number.

    Files whose front matter does not parse are passed over (``publish validate`` names them).
    """
    numbers: list[tuple[int, int]] = []
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else ():
        try:
            meta = split(decode(path.read_bytes())).meta
        except (ContentError, OSError, ValueError):
            continue
        episode, season = meta.get("episode"), meta.get("season", 1)
        if isinstance(episode, int) and isinstance(season, int) and not isinstance(season, bool):
            numbers.append((season, episode))
    if not numbers:
        return 1, 1
    season = max(s for s, _ in numbers)
    return season, max(n for s, n in numbers if s == season) + 1


def _summary_of(cfg: Config, content_dir: Path) -> Path | None:
    from pipeline.load.mode import gitbook_mode

    summary = content_dir / cfg.content.summary
    return summary if gitbook_mode(cfg, content_dir) and summary.is_file() else None


_ENTRY_START = re.compile(r"(\s*)[*+-] \[")


def _entry(line: str) -> tuple[str, str] | None:
    """(indentation, link target) of a list entry of SUMMARY.md (``* [Title](target)``, the
    last ``](`` of the line that opens a target), else None. Each target's end is found by
    a bisection among the line's ``)`` and ``>``: a regex (``\\[.*\\]\\(<?([^)>]*)``) read on
    from each ``](`` to the first of them (quadratic in a line of ``](``)."""
    m = _ENTRY_START.match(line)
    if m is None:
        return None
    newline = line.find("\n", m.end())
    at = line.rfind("](", m.end(), len(line) if newline < 0 else newline)
    stops = [i for i, ch in enumerate(line) if ch in ")>"] if at >= 0 else []
    while at >= 0:
        start = at + 2 + (line[at + 2 : at + 3] == "<")
        k = bisect.bisect_left(stops, start)
        if k < len(stops):
            stop = stops[k]
            if line[stop] == ")" or line[stop + 1 : stop + 2] == ")":
                return m.group(1), line[start:stop]
        at = line.rfind("](", m.end(), at + 1)
    return None


def with_entry(summary: str, title: str, target: str) -> str:
    """``summary`` with ``[title](target)`` listed after the last entry of the target's folder
    (one level under the folder's README when it has one); a new section at the end when
    nothing of that folder is listed. Every other line is kept as it was."""
    lines = summary.splitlines(keepends=True)
    folder = target.rsplit("/", 1)[0]
    label = " ".join(title.split())  # one line: a line break ended the entry in the middle
    label = label.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    last, indent = None, ""
    for n, line in enumerate(lines):
        entry = _entry(line)
        if entry is None or not entry[1].startswith(f"{folder}/"):
            continue
        if last is None:  # the folder's first entry: its README (or a sibling of the new one)
            is_readme = entry[1].rsplit("/", 1)[-1] in ("README.md", "")
            indent = entry[0] + ("  " if is_readme else "")
        last = n
    if last is None:
        end = "" if not summary or summary.endswith("\n") else "\n"
        return f"{summary}{end}\n## {folder.title()}\n\n* [{label}]({target})\n"
    newline = "\r\n" if lines[last].endswith("\r\n") else "\n"
    if not lines[last].endswith("\n"):
        lines[last] += newline
    lines.insert(last + 1, f"{indent}* [{label}]({target}){newline}")
    return "".join(lines)
