"""Finding 07b: text from a source is made text every output can carry before anything is
written (a lone surrogate, which a JSON Feed's ``\\ud800`` escape gives, becomes U+FFFD;
a control character goes), and the writer writes all of a plan, ledger included, or none
of it. The feed below wrote content/essays/x.md, then said "imports.json:1: ledger: 'utf-8'
codec can't encode … 1 configuration error; nothing written." (exit 3), and the file it had
written failed ``publish build``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.importers import writer
from tests.importers.conftest import front_matter, publish, tree

SURROGATES = (
    '{"version":"https://jsonfeed.org/version/1.1","title":"\\ud800",'
    '"items":[{"id":"\\udfff","title":"\\ud800x","content_text":"x"}]}'
)
"""The sweep's surr.json, byte for byte."""


def json_feed(items: list[dict[str, str]]) -> str:
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": items})


def test_lone_surrogates_become_u_fffd_and_the_post_builds(home: Path, tmp_path: Path) -> None:
    source = tmp_path / "surr.json"
    source.write_text(SURROGATES, encoding="ascii")
    result = publish("import", "feed", str(source))
    assert result.exit_code == 0, result.output
    assert "created: content/essays/x.md" in result.stdout
    post = home / "content" / "essays" / "x.md"
    meta = front_matter(post)
    assert meta["title"] == "\ufffdx"  # U+FFFD where the lone surrogate was, as browsers show it
    assert meta["guid"] == meta["id"] == "\ufffd"
    assert "\\u" not in post.read_text(encoding="utf-8")  # no YAML escape the loader refuses
    ledger = json.loads((home / "imports.json").read_text(encoding="utf-8"))
    assert ledger["items"]["essays"]["\ufffd"]["file"] == "essays/x.md"
    built = publish("build")
    assert built.exit_code == 0, built.output
    assert "x.md" not in built.stderr  # undated: a draft, and the build reads it cleanly
    again = publish("import", "feed", str(source))  # found again by its (cleaned) GUID
    assert again.exit_code == 0 and "0 new, 0 updated, 1 unchanged" in again.stderr


def test_control_characters_go_and_two_cleaned_guids_are_one_item(
    home: Path, tmp_path: Path
) -> None:
    """Cleaned before the reader compares GUIDs: ``\\ud800`` and ``\\udbff`` are both U+FFFD,
    one item (the second a duplicate, said), not a second file the ledger then
    misreports; a title's control characters and U+FFFF are dropped."""
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "T",
        "items": [
            {"id": "\ud800", "title": "A\u0001b\uffff", "content_text": "one\u000b"},
            {"id": "\udbff", "title": "B", "content_text": "two"},
        ],
    }
    source = tmp_path / "controls.json"
    source.write_text(json.dumps(doc), encoding="ascii")
    result = publish("import", "feed", str(source))
    assert result.exit_code == 0, result.output
    assert "items[2] id: duplicate of the item at items[1]" in result.stderr
    essays = home / "content" / "essays"
    assert [p.name for p in essays.iterdir()] == ["ab.md"]
    assert front_matter(essays / "ab.md")["title"] == "Ab"
    assert "\u000b" not in (essays / "ab.md").read_text(encoding="utf-8")
    assert publish("build").exit_code == 0


def test_a_write_that_fails_midway_leaves_nothing_behind(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ledger is written last; when it (or any file) cannot be written, the files
    written before it are removed or put back as they were, and the folders made go."""
    items = [{"id": f"g{n}", "title": f"Post {n}", "content_text": f"body {n}"} for n in (1, 2)]
    source = tmp_path / "feed.json"
    source.write_text(json_feed(items), encoding="utf-8")
    assert publish("import", "feed", str(source)).exit_code == 0
    items[0]["content_text"] = "body 1, changed upstream"
    items.append({"id": "g3", "title": "Post 3", "content_text": "new"})
    source.write_text(json_feed(items), encoding="utf-8")
    before = tree(home)

    def full_disk(path: Path, data: bytes) -> bool:
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(writer, "write_if_changed", full_disk)
    result = publish("import", "feed", str(source), "--section", "notes")
    assert result.exit_code == 3, result.output  # a file system refusing: as every command
    assert "No space left on device" in result.stderr and "Traceback" not in result.output
    assert tree(home) == before
    assert not (home / "content" / "notes").exists()
    result = publish("import", "feed", str(source))
    assert result.exit_code == 3
    assert tree(home) == before  # post-1.md put back as it was, post-3.md removed
