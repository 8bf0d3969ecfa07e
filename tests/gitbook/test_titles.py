"""Titles and menu groups as GitBook shows them, found in real handbooks: an H1 written with
Markdown (``# **Basic Configuration**``, BrighterCommand/Docs) titled the page with its
asterisks; a page that opens with prose titled itself by a numbered step's H1 further down
(``# 1. [Choose Your Node Type](...)``, ArweaveTeam's docs), shown twice; a SUMMARY.md group
heading with the anchor GitBook writes into it (``## Mobile Foundations <a id="..."></a>``,
Adobe's aep-sdks-documentation) showed the tag as text in every page's menu and in the URL
of its section."""

from __future__ import annotations

import time
from pathlib import Path

from click.testing import CliRunner

from pipeline.build.state import RACY_NS
from pipeline.cli import main
from pipeline.load.toc import parse_summary
from pipeline.render.markdown import inline_text
from tests.build.test_incremental import age
from tests.gitbook.conftest import write_space

FILES = {
    "SUMMARY.md": "# Summary\n\n* [Home](README.md)\n\n"
    '## Mobile Foundations <a id="foundation-extensions"></a>\n\n'
    "* [Basic](basic.md)\n* [Getting Started](start.md)\n* [Next](next.md)\n",
    "README.md": "# Home\n\nWelcome.\n",
    "basic.md": "# **Basic Configuration**\n\nText.\n",
    "start.md": "---\ndescription: Setup\n---\n\nThis guide walks you through it.\n\n"
    "# 1. [Choose Your Node Type](next.md)\n\nDecide.\n",
    "next.md": "# Next `steps` \\_here\\_ &amp; now\n\nGo.\n",
}


def _build(tmp_path: Path) -> Path:
    root = write_space(tmp_path / "space", FILES)
    out = tmp_path / "out"
    args = ["build", "--config", str(root / "publish.toml"), "--content", str(root)]
    result = CliRunner().invoke(main, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _title(page: str) -> str:
    return page[page.index("<title>") + 7 : page.index(" · ")]


def test_titles_read_as_the_headings_render(tmp_path: Path) -> None:
    out = _build(tmp_path)
    basic = (out / "basic" / "index.html").read_text(encoding="utf-8")
    assert _title(basic) == "Basic Configuration"
    assert '<h1 id="basic-configuration">Basic Configuration</h1>' in basic and "**" not in basic
    nxt = (out / "next" / "index.html").read_text(encoding="utf-8")
    assert _title(nxt) == "Next steps _here_ &amp; now"  # escaped once, in HTML


def test_a_page_opening_with_prose_is_titled_by_its_summary_link(tmp_path: Path) -> None:
    out = _build(tmp_path)
    start = (out / "start" / "index.html").read_text(encoding="utf-8")
    assert _title(start) == "Getting Started"
    assert start.count("Choose Your Node Type") == 1  # the step's heading, once, in the body
    assert '1. <a href="../next/">Choose Your Node Type</a></h1>' in start


def test_a_group_heading_is_its_text(tmp_path: Path) -> None:
    out = _build(tmp_path)
    home = (out / "index.html").read_text(encoding="utf-8")
    assert '<p class="group">Mobile Foundations</p>' in home
    assert "foundation-extensions" not in home
    summary = FILES["SUMMARY.md"]
    assert {e.group for e in parse_summary(summary) if e.group} == {"Mobile Foundations"}
    by_lines = summary.replace(
        'Mobile Foundations <a id="foundation-extensions"></a>', "*Mobile* Foundations"
    )
    assert {e.group for e in parse_summary(by_lines) if e.group} == {"Mobile Foundations"}


def test_inline_text() -> None:
    assert inline_text("Plain  words ") == "Plain words"
    assert inline_text("**Bold** and _em_ `code`") == "Bold and em code"
    assert inline_text("1. [Step](a.md) ![alt](i.png)") == "1. Step"
    assert inline_text("A &amp; B \\* &#x20;") == "A & B *"
    assert inline_text("<<<" * 10_000) == "<<<" * 10_000  # text, linear


CARDS = {
    "SUMMARY.md": "# Summary\n\n* [Home](README.md)\n* [Plugins](guide/adding-plugins.md)\n"
    "* [Other](other.md)\n",
    "README.md": "# Home\n\n"
    '{% content-ref url="guide/adding-plugins.md" %}\n'
    "[adding-plugins.md](guide/adding-plugins.md)\n{% endcontent-ref %}\n\n"
    '{% content-ref url="other.md" %}\n[Read this first](other.md)\n{% endcontent-ref %}\n\n'
    '{% content-ref url="gone.md" %}\n[gone.md](gone.md)\n{% endcontent-ref %}\n\n'
    '{% content-ref url="other.md" %}\n[嵌入网站.md](other.md)\n{% endcontent-ref %}\n',
    "guide/adding-plugins.md": "# Adding Plugins & the Docker Image\n\nSteps.\n",
    "other.md": "# Other\n\nMore.\n",
    "dates.yml": "guide/adding-plugins.md: 2024-01-02\nother.md: 2024-01-03\n",
}


def _cards(page: str) -> list[str]:
    found = []
    at = page.find('<div class="gitbook-content-ref">')
    while at >= 0:
        found.append(page[at : page.index("</div>", at)])
        at = page.find('<div class="gitbook-content-ref">', at + 1)
    return found


def test_a_content_ref_card_shows_the_title_of_its_page(tmp_path: Path) -> None:
    """``[x.md](x.md)``, as GitBook exports every card, shows the page's title (2,054 cards in
    mariadb-docs showed file names), after an edit of that title too."""
    root = write_space(tmp_path / "space", CARDS)
    out, cache = tmp_path / "out", tmp_path / "cache"
    args = ["build", "--config", str(root / "publish.toml"), "--content", str(root)]
    args += ["--out", str(out), "--cache-dir", str(cache)]
    assert CliRunner().invoke(main, args).exit_code == 0  # writes the id ledger
    age(root)  # files the snapshot trusts (older than a build's start): the edit is served,
    time.sleep(RACY_NS / 1e9)  # their ctime too
    assert CliRunner().invoke(main, args).exit_code == 0
    cards = _cards((out / "index.html").read_text(encoding="utf-8"))
    assert '">Adding Plugins &amp; the Docker Image</a>' in cards[0]
    assert '">Read this first</a>' in cards[1]  # named by its author: kept
    assert '">gone.md</a>' in cards[2]  # no page: the name as written
    assert '">Other</a>' in cards[3]  # a file name of its making (dify's): the page's title
    page = root / "guide" / "adding-plugins.md"
    page.write_text("# Plugins, revised\n\nSteps.\n", encoding="utf-8")
    assert CliRunner().invoke(main, args).exit_code == 0
    cards = _cards((out / "index.html").read_text(encoding="utf-8"))
    assert '">Plugins, revised</a>' in cards[0]
