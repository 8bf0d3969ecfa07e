"""Fixtures for the podcast stage: the bundled example episodes, a config, rendered items."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.build.mediacache import RemoteMedia
from pipeline.config import Config, PersonConfig, PodcastConfig, SiteConfig
from pipeline.model import Item
from pipeline.podcast.episode import parse_episode

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_EPISODES = ("001-welcome.md", "002-governance.md", "003-release.md")
BASE = "https://commons.example.org/"


def split_front_matter(text: str) -> tuple[dict[str, Any], dict[str, int], str]:
    """Front matter, the line of each top-level key, and the body (a tiny test-only loader)."""
    lines = text.split("\n")
    assert lines[0] == "---"
    end = lines.index("---", 1)
    meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    key_lines = {}
    for n, line in enumerate(lines[1:end], 2):
        if line and not line[0].isspace() and ":" in line and not line.startswith("-"):
            key_lines[line.split(":", 1)[0]] = n
    return meta, key_lines, "\n".join(lines[end + 1 :])


def make_config(tmp: Path, **podcast: Any) -> Config:
    values: dict[str, Any] = {
        "title": "Commons Radio",
        "description": "Conversations about running an open community project together.",
        "language": "en",
        "image": "podcast/cover.jpg",
        "category": "Technology",
        "author": "The Commons community",
        "owner_name": "Commons Radio team",
        "owner_email": "podcast@example.org",
        "funding_url": "https://example.org/donate/",
        "funding_text": "Support Commons Radio",
        "license": "CC-BY-4.0",
        "update_frequency": "FREQ=MONTHLY",
        "persons": [PersonConfig(name="Ada Quill", href="https://example.org/people/ada/")],
    }
    values.update(podcast)
    return Config(
        site=SiteConfig(title="The Commons", base_url=BASE, language="en"),
        podcast=PodcastConfig(**values),
        path=tmp / "publish.toml",
    )


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the example episodes, their media and the cover art."""
    root = tmp_path / "content"
    shutil.copytree(REPO / "content" / "episodes", root / "episodes")
    shutil.copytree(REPO / "content" / "podcast", root / "podcast")
    return root


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return make_config(tmp_path)


Parse = Callable[..., tuple[Any, list[Any]]]


@pytest.fixture
def parse(content: Path, config: Config, tmp_path: Path) -> Parse:
    """Parse an episode file of the copied tree, with front-matter overrides."""

    def run(name: str = "001-welcome.md", *, config: Config = config, **overrides: Any) -> Any:
        text = (content / "episodes" / name).read_text("utf-8")
        meta, lines, body = split_front_matter(text)
        for key, value in overrides.items():
            if value is None:
                meta.pop(key, None)
            else:
                meta[key] = value
        slug = name.removesuffix(".md")
        return parse_episode(
            meta,
            lines,
            source=f"episodes/{name}",
            content_root=content,
            item_url=f"{BASE}episodes/{slug}/",
            body=body,
            config=config,
            media=RemoteMedia(tmp_path / "cache"),
        )

    return run


def example_items(content: Path, config: Config, tmp_path: Path) -> list[Item]:
    """The three example episodes as rendered items, newest first."""
    items = []
    for name in EXAMPLE_EPISODES:
        text = (content / "episodes" / name).read_text("utf-8")
        meta, lines, body = split_front_matter(text)
        slug = name.removesuffix(".md")
        url = f"{BASE}episodes/{slug}/"
        episode, problems = parse_episode(
            meta,
            lines,
            source=f"episodes/{name}",
            content_root=content,
            item_url=url,
            body=body,
            config=config,
            media=RemoteMedia(tmp_path / "cache"),
        )
        assert problems == []
        date = meta["date"]
        assert isinstance(date, datetime)
        items.append(
            Item(
                id=meta["id"],
                kind="episode",
                section="episodes",
                source=f"episodes/{name}",
                title=meta["title"],
                slug=slug,
                url=url,
                date=date,
                description=meta["description"],
                body=body,
                html=f'<p>{meta["title"]} — <a href="{BASE}about/">about us</a></p>',
                episode=episode,
            )
        )
    return sorted(items, key=lambda i: i.date or 0, reverse=True)  # type: ignore[arg-type,return-value]


@pytest.fixture
def items(content: Path, config: Config, tmp_path: Path) -> list[Item]:
    return example_items(content, config, tmp_path)


def replace_podcast(config: Config, **changes: Any) -> Config:
    return dataclasses.replace(config, podcast=dataclasses.replace(config.podcast, **changes))
