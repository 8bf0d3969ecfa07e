"""The manifest: what it records comes back as it was, and a damaged one is no manifest
(a full build follows), never an error or a half-read record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.build.state import MANIFEST, Manifest, read_manifest, write_manifest

SAMPLE = Manifest(
    "f" * 64,
    "2030-01-01T00:00:00+00:00",
    {"rss.xml": (120, 1_700_000_000_000_000_001, ""), "a/index.html": (7, 5, "ab" * 32)},
    {"rss.xml": "c" * 64, "a/index.html": "d" * 64},
    {"items": 2, "warnings": [["a.md", 3, "mood", "unknown key"]]},
)


def test_a_manifest_reads_back_as_written(tmp_path: Path) -> None:
    write_manifest(tmp_path, SAMPLE)
    assert read_manifest(tmp_path) == SAMPLE


def _damage(data: dict[str, dict[str, list[object]]], how: str) -> None:
    files, inputs = data["files"], data["inputs"]
    if how == "short column":
        files["mtimes"].pop()
    elif how == "text size":
        files["sizes"][0] = "120"
    elif how == "number path":
        files["paths"][1] = 7
    elif how == "short inputs":
        inputs["digests"].pop()
    elif how == "old format":
        data["files"] = {"rss.xml": [120, 1, ""]}  # type: ignore[dict-item]


@pytest.mark.parametrize(
    "how", ["short column", "text size", "number path", "short inputs", "old format"]
)
def test_a_damaged_manifest_is_no_manifest(tmp_path: Path, how: str) -> None:
    write_manifest(tmp_path, SAMPLE)
    data = json.loads((tmp_path / MANIFEST).read_text("utf-8"))
    _damage(data, how)
    (tmp_path / MANIFEST).write_text(json.dumps(data), "utf-8")
    assert read_manifest(tmp_path) == Manifest()


def test_not_json_is_no_manifest(tmp_path: Path) -> None:
    (tmp_path / MANIFEST).write_bytes(b"\x00not json")
    assert read_manifest(tmp_path) == Manifest()
    # deeper than Python's decoder follows (an output folder checked out from anywhere):
    # once a RecursionError, "unexpected error" from every build into that folder
    (tmp_path / MANIFEST).write_bytes(b"[" * 100_000 + b"]" * 100_000)
    assert read_manifest(tmp_path) == Manifest()
