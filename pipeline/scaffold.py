"""``publish new``: a new content file with complete, valid front matter."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from pipeline.config import Config
from pipeline.errors import ContentError, Problem
from pipeline.model import SECTION_OF_KIND
from pipeline.render.slugs import github_slug


def new_item(cfg: Config, content_dir: Path, kind: str, title: str, *, today: dt.datetime) -> Path:
    """Create ``content/<section>/<slug>.md``; refuses to overwrite an existing file."""
    local = today.astimezone(ZoneInfo(cfg.site.timezone))
    slug = github_slug(title).strip("-") or "untitled"
    folder = content_dir / SECTION_OF_KIND[kind]
    path = folder / f"{slug}.md"
    if path.exists():
        raise ContentError([Problem(str(path), 1, "file", "already exists; choose another title")])
    meta: dict[str, object] = {
        "title": title,
        "id": str(uuid.uuid4()),
        "date": local.date(),
        "description": "",
        "authors": [cfg.site.author] if cfg.site.author else [],
        "tags": [],
        "draft": True,
    }
    if kind == "episode":
        meta.update(
            {
                "audio": f"media/{slug}.mp3",
                "episode": 1,
                "season": 1,
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
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front}---\n\nWrite here.\n", encoding="utf-8")
    return path
