"""``publish serve`` keeps seeing saves after a file or folder it watches is replaced: the config
saved by renaming a new file over it (``sed -i``, an editor's safe save), again and again, and
the content folder removed and put back."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from tests.preview.serving import ServeProcess

PATIENCE = 20.0
"""Seconds a save has to show (a rebuild takes well under one)."""


def _shows(server: ServeProcess, path: str, text: str) -> bool:
    """Whether the page at ``path`` comes to hold ``text`` within PATIENCE seconds."""
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        if text in server.get(path).text:
            return True
        time.sleep(0.1)
    return False


def _replace(path: Path, text: str) -> None:
    """Saved as ``sed -i`` saves: a new file renamed over the old one."""
    new = path.with_name(path.name + ".new")
    new.write_text(text, encoding="utf-8")
    os.replace(new, path)


def test_a_config_saved_by_rename_is_seen_every_time(site: Path, tmp_path: Path) -> None:
    config = site / "publish.toml"
    original = config.read_text(encoding="utf-8")
    assert 'title = "The Commons"' in original
    server = ServeProcess(site, tmp_path / "tmp")
    try:
        for name in ("First Name", "Second Name", "Third Name"):
            _replace(config, original.replace('title = "The Commons"', f'title = "{name}"', 1))
            assert _shows(server, "/", f" · {name}</title>"), name
    finally:
        code, stderr = server.stop()
    assert code == 0, stderr


def test_the_content_folder_removed_and_put_back_is_watched_again(
    site: Path, tmp_path: Path
) -> None:
    content = site / "content"
    spare = tmp_path / "spare"
    shutil.copytree(content, spare)
    server = ServeProcess(site, tmp_path / "tmp")
    try:
        shutil.rmtree(content)
        assert _shows(server, "/_preview/status", "content folder not found")
        shutil.copytree(spare, content)
        assert _shows(server, "/_preview/status", '"problems": []')
        about = content / "about.md"
        about.write_text(about.read_text(encoding="utf-8") + "\nA zebrafinch line.\n", "utf-8")
        assert _shows(server, "/about/", "zebrafinch")
    finally:
        code, stderr = server.stop()
    assert code == 0, stderr


def test_a_templates_folder_made_while_serving_is_seen(site: Path, tmp_path: Path) -> None:
    templates = site / "templates"
    assert not templates.exists()
    server = ServeProcess(site, tmp_path / "tmp")
    try:
        assert _shows(server, "/about/", '<h1 id="about-this-site">About this site</h1>')
        (tmp_path / "new").mkdir()
        (tmp_path / "new/page.html.j2").write_text(
            '{% extends "base.html.j2" %}\n'
            "{% block main %}<h1>Our own: {{ page.title }}</h1>{% endblock %}\n",
            encoding="utf-8",
        )
        os.replace(tmp_path / "new", templates)  # the folder appears with its template
        assert _shows(server, "/about/", "<h1>Our own: About this site</h1>")
    finally:
        code, stderr = server.stop()
    assert code == 0, stderr


def test_a_config_removed_while_serving_is_an_error_not_the_defaults(
    site: Path, tmp_path: Path
) -> None:
    """``git stash`` or an editor's delete-and-recreate took publish.toml away for a moment:
    the rebuild served the example's defaults (another title, example.org), and only the
    terminal said so (a helper's finding). The page keeps the last good build and says why."""
    config = site / "publish.toml"
    original = config.read_text(encoding="utf-8")
    server = ServeProcess(site, tmp_path / "tmp")
    try:
        config.unlink()
        deadline = time.monotonic() + PATIENCE
        problems: list[str] = []
        while time.monotonic() < deadline and not problems:
            problems = server.get("/_preview/status").json()["problems"]
            time.sleep(0.1)
        assert any("removed while serving" in p for p in problems), problems
        assert "<title>The Commons" in server.get("/").text  # the last good build
        config.write_text(original, encoding="utf-8")
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline and problems:
            problems = server.get("/_preview/status").json()["problems"]
            time.sleep(0.1)
        assert problems == []
    finally:
        code, stderr = server.stop()
    assert code == 0, stderr
