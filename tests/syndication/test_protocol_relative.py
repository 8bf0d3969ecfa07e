"""Protocol-relative URLs (``//host/x``) in what the feeds carry: given the scheme of the site's
``base_url`` (a feed reader resolves them against whatever URL it took the feed from, or not at
all), by the renderer, once an item: the pages have it too (what a browser gives them there),
while ``//`` in the text keeps what the author wrote."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
from click.testing import CliRunner

from pipeline.cli import main
from tests.conftest import run_site

CONFIG = """\
[site]
title = "Readers"
base_url = "{base}"
timezone = "UTC"

[feeds]
sections = ["essays"]
"""

ESSAY = """\
---
title: A
date: 2024-05-01
image: //cdn.example.org/cover.jpg
---

A [link](//cdn.example.org/page) and ![pic](//cdn.example.org/a.png).

<p>Raw <img src="//cdn.example.org/b.png" srcset="//cdn.example.org/b2.png 2x, \
//cdn.example.org/b3.png 3x"> typed href="//cdn.example.org/typed" and \
<a href="//cdn.example.org/raw">raw</a>.</p>

Text: //cdn.example.org/plain and `<a href="//cdn.example.org/code">`.
"""

ABSOLUTE = [
    "https://cdn.example.org/page",
    "https://cdn.example.org/a.png",
    "https://cdn.example.org/b.png",
    "https://cdn.example.org/raw",
]
AS_TYPED = [
    'href="//cdn.example.org/typed"',
    "//cdn.example.org/plain",
    'href="//cdn.example.org/code"',
]


def build(root: Path, base: str = "https://readers.example.org/blog/") -> Path:
    (root / "content" / "essays").mkdir(parents=True)
    (root / "publish.toml").write_text(CONFIG.format(base=base), encoding="utf-8")
    (root / "content" / "essays" / "a.md").write_text(ESSAY, encoding="utf-8")
    out = root / "out"
    args = ["build", "--config", str(root / "publish.toml"), "--out", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return out


def _contents(out: Path) -> dict[str, str]:
    """The entry's HTML as feedparser reads it from the RSS and Atom feeds, and JSON Feed's."""
    found = {}
    for name in ("rss.xml", "atom.xml", "essays/rss.xml", "essays/atom.xml"):
        parsed = feedparser.parse((out / name).read_bytes())
        assert not parsed.bozo, name
        found[name] = parsed.entries[0].content[0].value
    for name in ("feed.json", "essays/feed.json"):
        found[name] = json.loads((out / name).read_bytes())["items"][0]["content_html"]
    return found


def test_feeds_give_protocol_relative_urls_the_sites_scheme(tmp_path: Path) -> None:
    out = build(tmp_path)
    for name, html in _contents(out).items():
        for url in ABSOLUTE:
            assert f'"{url}"' in html, (name, url)
        for typed in AS_TYPED:
            html = html.replace(typed, "")
        assert "//cdn.example.org/" not in html.replace("https://cdn.example.org/", ""), name
    srcset = 'srcset="https://cdn.example.org/b2.png 2x, https://cdn.example.org/b3.png 3x"'
    for name in ("rss.xml", "atom.xml", "feed.json"):  # feedparser drops srcset: as written
        assert srcset.replace('"', '\\"' if name.endswith("json") else '"') in (
            (out / name).read_text(encoding="utf-8")
        ), name
    item = json.loads((out / "feed.json").read_bytes())["items"][0]
    assert item["image"] == "https://cdn.example.org/cover.jpg"


def test_text_that_looks_like_an_attribute_is_left_alone(tmp_path: Path) -> None:
    out = build(tmp_path)
    atom = (out / "atom.xml").read_text(encoding="utf-8")
    for typed in AS_TYPED:
        assert typed in atom, typed


def test_an_http_site_gives_http(tmp_path: Path) -> None:
    out = build(tmp_path, "http://readers.example.org/")
    for name, html in _contents(out).items():
        assert '"http://cdn.example.org/raw"' in html, name


def test_pages_and_their_cards_have_the_sites_scheme(tmp_path: Path) -> None:
    """The page's HTML is the feeds' (given the scheme once, where a browser would give the
    same); Open Graph and Twitter cards need a full URL (once ``og:image`` was ``//cdn...``)."""
    out = build(tmp_path)
    page = (out / "essays" / "a" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://cdn.example.org/page"' in page
    assert 'src="https://cdn.example.org/a.png"' in page
    assert '<meta property="og:image" content="https://cdn.example.org/cover.jpg">' in page
    assert '<meta name="twitter:image" content="https://cdn.example.org/cover.jpg">' in page


def test_the_podcast_feed_gives_show_notes_the_sites_scheme(site: Path, runner: CliRunner) -> None:
    episode = site / "content" / "episodes" / "001-welcome.md"
    text = episode.read_text(encoding="utf-8")
    episode.write_text(text + "\nNotes [here](//cdn.example.org/notes).\n", encoding="utf-8")
    result = run_site(runner, "build", site / "publish.toml")
    assert result.exit_code == 0, result.output
    parsed = feedparser.parse((site / "out" / "podcast.xml").read_bytes())
    notes = {e.title: e.content[0].value for e in parsed.entries}["Welcome to the Commons"]
    assert 'href="https://cdn.example.org/notes"' in notes
