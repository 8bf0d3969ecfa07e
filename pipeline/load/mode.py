"""Whether the content is a GitBook space, and the heading-id style that follows: decided
before anything is loaded (every command's configuration, its caches' keys), so this module
imports nothing of the load itself."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from pipeline.config import Config


def gitbook_mode(cfg: Config, root: Path) -> bool:
    if cfg.content.flavour == "gitbook":
        return True
    return cfg.content.flavour == "auto" and (root / cfg.content.summary).is_file()


def decided_style(cfg: Config, root: Path) -> Config:
    """``cfg`` with ``slug_style = "auto"`` decided: GitBook's heading ids in a GitBook space
    (as its editor writes the links to them), GitHub's elsewhere; a style given stays."""
    if cfg.content.slug_style != "auto":
        return cfg
    style = "gitbook" if gitbook_mode(cfg, root) else "github"
    return dataclasses.replace(cfg, content=dataclasses.replace(cfg.content, slug_style=style))
