"""The anchors `publish links` accepts are the ids the built pages carry: one code computes
both (headings with inline HTML, entities, links and emphasis used to slug differently)."""

from __future__ import annotations

import json
from pathlib import Path

import html5lib
import pytest
from click.testing import CliRunner

from pipeline.cli import main

TOML = """[site]
title = "T"
description = "D"
base_url = "https://example.org/"
timezone = "UTC"
language = "en"
"""

HEADINGS = [
    "A <em>b</em> &amp; [c](other.md)",
    "Tom &#x26; Jerry’s `<code>` *notes*",
    "Café <span class='x'>au</span> **lait**",
    "Trailing hashes ##",
]


def _page_ids(html_bytes: bytes) -> list[str]:
    doc = html5lib.parse(html_bytes, namespaceHTMLElements=False)
    article = doc.find(".//article") or doc
    return [
        h.get("id", "")
        for tag in ("h2", "h3")
        for h in article.iter(tag)
        if h.get("id") and "Heading" in "".join(h.itertext())
    ]


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "publish.toml").write_text(TOML, encoding="utf-8")
    pages = tmp_path / "content" / "pages"
    pages.mkdir(parents=True)
    body = "\n\n".join(f"## Heading {i}: {h}" for i, h in enumerate(HEADINGS))
    (pages / "target.md").write_text(f"---\ntitle: Target\n---\n{body}\n", encoding="utf-8")
    (pages / "other.md").write_text("---\ntitle: Other\n---\nText.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_every_id_written_into_the_page_is_an_anchor_links_accepts(site: Path) -> None:
    built = CliRunner().invoke(main, ["build", "--out", "out", "--cache-dir", "cache"])
    assert built.exit_code == 0, built.output
    ids = _page_ids((site / "out" / "pages" / "target" / "index.html").read_bytes())
    assert len(ids) == len(HEADINGS)
    lines = [f"[to {i}](target.md#{anchor})" for i, anchor in enumerate(ids)]
    lines.append("[nowhere](target.md#heading-9-not-there)")
    (site / "content" / "pages" / "other.md").write_text(
        "---\ntitle: Other\n---\n" + "\n\n".join(lines) + "\n", encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["links", "--offline", "--format", "json"])
    assert result.exit_code == 2, result.output
    broken = [r["url"] for r in json.loads(result.stdout) if r["status"] == "broken"]
    assert broken == ["target.md#heading-9-not-there"]
