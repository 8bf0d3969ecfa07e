"""Writing a show's settings into ``[podcast]`` of ``publish.toml``.

A key is set only where the file has none: what the editor already wrote is kept, and a
difference from the old feed is said (loudly for ``guid``: podcast indexes follow a show by
its ``podcast:guid``, which must be the old one and is never recomputed).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pipeline.importers.common import shown
from pipeline.importers.records import FrontMatter
from pipeline.support.tomledit import NotEdited, append_rows_if_unset, set_if_unset


def _current(config_path: Path) -> dict[str, Any]:
    try:
        with config_path.open("rb") as fh:
            table = tomllib.load(fh).get("podcast", {})
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    return table if isinstance(table, dict) else {}


def apply_settings(config_path: Path, settings: FrontMatter, *, dry_run: bool) -> list[str]:
    """Set each of ``settings`` in ``[podcast]`` where unset; one note per key set or kept."""
    notes: list[str] = []
    current = _current(config_path)
    for key, value in settings:
        held = current.get(key)
        if held not in (None, ""):
            if held != value and key == "guid":
                notes.append(
                    f"{config_path}: [podcast] guid is {held!r} but the old feed's podcast:guid "
                    f"is {value!r}: set guid = {value!r} so podcast indexes follow the show"
                )
            elif held != value:
                notes.append(
                    f"{config_path}: [podcast] {key} kept ({shown(held)}; "
                    f"the feed has {shown(value)})"
                )
            continue
        if dry_run:
            notes.append(f"{config_path}: [podcast] {key} would be set to {shown(value)}")
            continue
        try:
            if isinstance(value, list) and value and isinstance(value[0], dict):
                append_rows_if_unset(config_path, "podcast", key, value)  # [[podcast.persons]]
            else:
                set_if_unset(config_path, "podcast", key, value)
        except NotEdited as exc:
            line = f"{key} = {value!r}".replace("True", "true").replace("False", "false")
            if isinstance(value, list) and value and isinstance(value[0], dict):
                line = f"a [[podcast.{key}]] table for each of {value!r}"
            notes.append(f"{config_path} was not edited: {exc}; add {line} to [podcast]")
            continue
        notes.append(f"{config_path}: [podcast] {key} set to {shown(value)}")
    return notes
