"""Show-level facts of the podcast: its feed URL, ``podcast:guid``, cover art and config checks.

``podcast:guid`` is UUIDv5 over the feed URL without its scheme and trailing slashes, in the
namespace ``ead4c236-bf58-58c6-a2c6-a6b28d128cb6``. It is computed once and then pinned in
``publish.toml`` (:func:`pin_guid`): a pinned value is used as it is and never recomputed,
so moving the feed does not change the show's identity.
"""

from __future__ import annotations

import posixpath
import re
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.config import Config
from pipeline.config.lines import key_line
from pipeline.config.podcast import podcast_problems
from pipeline.errors import Problem
from pipeline.podcast import artwork
from pipeline.support.paths import OutsideRoot, resolve_inside
from pipeline.support.tomledit import NotEdited, set_if_unset

FEED_FILE = "podcast.xml"
"""The podcast feed's file name inside the feeds folder."""
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")


def feed_url(config: Config) -> str:
    """Absolute URL of ``podcast.xml``."""
    return config.feeds_base + FEED_FILE


def podcast_guid_for(url: str) -> str:
    """The Podcasting 2.0 ``podcast:guid`` of a feed URL (scheme and trailing slashes dropped)."""
    bare = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", url.strip()).rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


def show_guid(config: Config) -> str:
    """The pinned ``[podcast] guid``, or the one computed from the feed URL when none is set."""
    return config.podcast.guid or podcast_guid_for(feed_url(config))


def pin_guid(config_path: Path, guid: str) -> str | None:
    """Pin ``guid`` as the ``[podcast]`` table's ``guid`` in ``config_path``, however that file
    spells the table, keeping every other line as written (:mod:`pipeline.support.tomledit`).

    Returns the note to show the user, or None when a non-empty guid is already set (a pinned
    value is never replaced). A file that cannot be edited safely is left alone, and the note
    says what line to add.
    """
    try:
        if not set_if_unset(config_path, "podcast", "guid", guid):
            return None
    except NotEdited as exc:
        return (
            f"podcast:guid {guid} computed but not pinned: {config_path} was not edited: {exc}; "
            f'add guid = "{guid}" to its [podcast] table and commit it'
        )
    return f"podcast:guid {guid} computed and pinned in {config_path}: commit it"


def cover_url(config: Config) -> str:
    """Public URL of the cover art: as configured, or under the feeds for a local file."""
    image = config.podcast.image or config.site.image
    if not image or urlsplit(image).scheme:
        return image
    return config.feeds_base + posixpath.normpath(image).lstrip("/")


def show_problems(config: Config, content_root: Path) -> list[Problem]:
    """Everything the podcast feed needs from ``[podcast]``, checked at build time.

    Run it when there is at least one episode: the title, description, language, category,
    owner email and cover art are required then, and local cover art is checked for real.
    """
    podcast = config.podcast
    display = config.path.name if config.path else "publish.toml"
    text = config.path.read_text("utf-8") if config.path and config.path.exists() else ""

    def line_of(key: str) -> int:  # the key's line, else the table's
        line = key_line(text, "podcast", key)
        return line if line > 1 or not key else key_line(text, "podcast", "")

    out = [Problem(display, line_of(k), f"podcast.{k}", m) for k, m in podcast_problems(podcast)]

    def need(key: str, message: str) -> None:
        out.append(Problem(display, line_of(key), f"podcast.{key}", message))

    if not (podcast.title or config.site.title):
        need("title", "the podcast needs a title")
    if not (podcast.description or config.site.description):
        need("description", "the podcast needs a description (Apple and Spotify require one)")
    if not podcast.category:
        need("category", "a category from Apple's list is required (see docs/podcast.md)")
    if not podcast.owner_email:
        need("owner_email", "Spotify sends its ownership code to this address; set it")
    image = podcast.image or config.site.image
    if not image:
        need("image", "cover art is required (JPEG/PNG, 1400–3000 px square)")
    elif urlsplit(image).scheme:
        problem = artwork.url_problem(image)
        if problem:
            need("image", problem)
    else:
        if not image.lower().endswith(artwork.IMAGE_SUFFIXES):
            need("image", f"cover art must be a .jpg, .jpeg or .png file, got {image!r}")
        try:
            _, path = resolve_inside(content_root, "", image)
        except OutsideRoot as exc:
            need("image", str(exc))
        else:
            if not path.is_file():
                need("image", f"file not found: {image} (relative to the content folder)")
            else:
                for message in artwork.file_problems(path):
                    need("image", f"{image}: {message}")
    return out
