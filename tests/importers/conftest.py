"""A new, empty site to import into, and the commands run through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from pipeline.cli import main

IMPORTS = Path(__file__).resolve().parent.parent / "fixtures" / "import"

SITE_TOML = """\
# our new home
[site]
title = "New home"
base_url = "https://new.example.org/"
timezone = "UTC"

[feeds]
sections = ["episodes", "essays"]
"""


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty site (publish.toml only), the working directory of the test."""
    (tmp_path / "publish.toml").write_text(SITE_TOML, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def publish(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def imported(home: Path, kind: str, feed: str) -> Result:
    """``feed`` written to feed.xml and imported with ``publish import <kind>``; it succeeded."""
    (home / "feed.xml").write_text(feed, encoding="utf-8")
    result = publish("import", kind, "feed.xml")
    assert result.exit_code == 0, result.output
    return result


def front_matter(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    _, fm, _ = text.split("---\n", 2)
    loaded = yaml.safe_load(fm)
    assert isinstance(loaded, dict)
    return loaded


def feed_diff(old: Path, new: Path) -> dict[str, Any]:
    result = publish("feed-diff", str(old), str(new), "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert isinstance(doc, dict)
    return doc


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


_SHOW = (
    "<channel><title>Show</title><link>https://old.example.com/</link>"
    "<description>d</description><language>en</language>\n"
    '<itunes:image href="https://old.example.com/cover.jpg"/>'
    '<itunes:category text="Technology"/><itunes:explicit>false</itunes:explicit>\n'
    "<itunes:owner><itunes:name>O</itunes:name><itunes:email>o@example.com</itunes:email>"
    "</itunes:owner>\n"
)


def podcast_head(*namespaces: str) -> str:
    """A podcast feed's first five lines, up to its first item: the show with what the build
    requires of it. ``namespaces``: more ``xmlns:…="…"`` declarations on the ``<rss>`` line."""
    extra = "".join(f" {n}" for n in namespaces)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"{extra}>\n'
        + _SHOW
    )
