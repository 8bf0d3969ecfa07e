"""Summaries: what a reader shows is the text the author wrote, never markup that runs.

RSS readers (and podcast apps) decode ``<description>`` as HTML. A summary written as text
escaped once for XML reached them as markup: a code span ``<img src=x onerror=...>`` or a
``description:`` holding tags became an element. Summaries also put a space before the
punctuation after a link or bold text.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import html5lib

from pipeline.config import Config, NewsletterConfig, SiteConfig
from pipeline.model import Item
from pipeline.newsletter.compose import compose
from tests.hostile.sites import essay, make_site, run_build

CODE = "<img src=x onerror=alert(1)>"


def fragment(markup: str) -> ET.Element:
    tree: ET.Element = html5lib.HTMLParser(tree=html5lib.getTreeBuilder("etree")).parseFragment(
        markup
    )
    return tree


def shown(markup: str) -> tuple[str, list[str]]:
    """The text a reader shows for this HTML, and the elements it builds."""
    tree = fragment(markup)
    elements = [e.tag.rpartition("}")[2] for e in tree.iter() if e is not tree]
    return "".join(tree.itertext()), elements


def build_summaries(tmp_path: Path, files: dict[str, str]) -> dict[str, str]:
    """Build the site; each RSS item's summary as feedparser (a real reader's parser) gives
    it, by title."""
    make_site(tmp_path, files)
    run = run_build(tmp_path)
    assert run.exit_code == 0, run.stderr
    parsed = feedparser.parse((tmp_path / "out/rss.xml").read_bytes())
    assert not parsed.bozo
    return {e.title: e.summary for e in parsed.entries}


def test_rss_summaries_show_markup_as_text(tmp_path: Path) -> None:
    summaries = build_summaries(
        tmp_path,
        {
            "essays/code.md": essay("Code", body=f"Never write `{CODE}` & friends.\n"),
            "essays/desc.md": essay(
                "Desc", description="'<b>Bold</b> <img src=x onerror=alert(2)>'"
            ),
        },
    )
    assert shown(summaries["Code"]) == (f"Never write {CODE} & friends.", [])
    assert shown(summaries["Desc"]) == ("<b>Bold</b> <img src=x onerror=alert(2)>", [])


def test_summaries_add_no_space_before_punctuation(tmp_path: Path) -> None:
    body = "See the [docs](https://x.invalid/), then **stop**. Or `run` _it_!\n\nNext paragraph.\n"
    summaries = build_summaries(tmp_path, {"essays/p.md": essay("P", body=body)})
    assert shown(summaries["P"])[0] == "See the docs, then stop. Or run it! Next paragraph."


def test_the_digest_shows_summaries_as_text(tmp_path: Path) -> None:
    config = Config(
        site=SiteConfig(title="C", base_url="https://c.example/"),
        newsletter=NewsletterConfig(unsubscribe_url="https://c.example/u"),
        path=tmp_path / "publish.toml",
    )
    item = Item(
        id="1",
        kind="essay",
        section="essays",
        source="essays/1.md",
        title="One",
        slug="one",
        url="https://c.example/essays/one/",
        date=datetime(2024, 5, 1, tzinfo=UTC),
        body=f"Never write `{CODE}`.",
        html=f"<p>Never write <code>{CODE.replace('<', '&lt;').replace('>', '&gt;')}</code>.</p>",
    )
    digest = compose(config, [item])
    text, elements = shown(digest.html[digest.html.index("<body") :])
    assert f"Never write {CODE}." in text and "img" not in elements
    assert f"Never write {CODE}." in digest.text
