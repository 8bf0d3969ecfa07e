"""Raw HTML in bodies: active content is removed from pages and feeds; feeds stay distinct.

Pages are served on the community's own site, so a ``<script>`` an editor merges (or a
contributor sneaks into a pull request) would run there. The renderer strips scripts,
iframes, ``on*`` handlers and ``javascript:`` URLs; these tests hold it to that.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import feedparser
import pytest

from tests.hostile.sites import check_outputs, essay, make_site, run_build

ACTIVE = re.compile(
    r"(?i)<\s*(script|iframe|object|embed)\b|[\s/\"']on[a-z]+\s*=|=\s*[\"']?\s*javascript:"
)
"""A script-like tag, an event handler attribute, or an attribute holding a javascript: URL."""


def _rendered(tmp_path: Path, body: str) -> list[str]:
    """The post's HTML as the page and the JSON feed carry it."""
    make_site(tmp_path, {"essays/xss.md": essay("XSS", body=body)})
    run = run_build(tmp_path)
    assert run.exit_code == 0, run.stderr
    check_outputs(tmp_path / "out")
    page = (tmp_path / "out/essays/xss/index.html").read_text("utf-8")
    article = page[page.index("<article>") : page.index("</article>")]
    item = json.loads((tmp_path / "out/feed.json").read_text("utf-8"))["items"][0]
    return [article, item["content_html"]]


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert(1)</script>\n",
        "text <script>alert(1)</script> inline\n",
        "<div>\n<script src=https://evil.example/x.js></script>\n</div>\n",
        "<iframe src=https://evil.example/></iframe>\n",
        '<img src="x.png" onerror="alert(1)">\n',
        "<div onmouseover='alert(1)'>hover</div>\n",
        '<a href="javascript:alert(1)">x</a>\n',
        "[x](javascript:alert(1))\n",
        '<a href="&#106;avascript:alert(1)">x</a>\n',
        "<SCRIPT>alert(1)</SCRIPT>\n",
    ],
)
def test_active_content_is_removed(tmp_path: Path, body: str) -> None:
    for html in _rendered(tmp_path, body):
        assert not ACTIVE.search(html), html


@pytest.mark.parametrize(
    "body",
    [
        "<div>\n<scr<script></script>ipt>alert(1)</scr<script></script>ipt>\n</div>\n",
        "<div>\n<a href=javascript:alert(1)>x</a>\n</div>\n",
        '<div><img src="x.png"/onerror="alert(1)"></div>\n',
    ],
    ids=["nested-script", "unquoted-javascript", "slash-handler"],
)
def test_sanitizer_bypasses(tmp_path: Path, body: str) -> None:
    for html in _rendered(tmp_path, body):
        assert not ACTIVE.search(html), html


@pytest.mark.parametrize(
    "body",
    [
        '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>\n',
        '<svg><a><animate attributeName="href" values="javascript:alert(1)"/><text>x</text>'
        "</a></svg>\n",
        '<svg><a><set attributeName="href" to="javascript:alert(1)"/><text>x</text></a></svg>\n',
        '<math><mi xlink:href="javascript:alert(1)">m</mi></math>\n',
        '<svg><a XLINK:HREF=" JavaScript:alert(1)"><text>x</text></a></svg>\n',
        '<svg><use xml:base="javascript:alert(1)//" href="#x"/></svg>\n',
    ],
    ids=["xlink-href", "animate-values", "set-to", "mathml", "upper-case", "xml-base"],
)
def test_svg_and_mathml_carry_no_script_url(tmp_path: Path, body: str) -> None:
    for html in _rendered(tmp_path, body):
        assert "javascript" not in html.lower(), html


@pytest.mark.parametrize(
    "opening",
    ['<embed src="clip.mp4">', '<iframe src="https://video.example/1">', "<textarea>", "<title>"],
)
def test_an_unclosed_embedding_element_loses_nothing_after_it(tmp_path: Path, opening: str) -> None:
    """``<embed>`` has no end tag and ``<iframe>`` is often left open: the sanitizer once
    waited for their end tag and dropped the rest of the post, silently. ``<textarea>`` and
    ``<title>`` left open would swallow the rest of the page in a browser. (CommonMark makes
    everything after an open ``<textarea>`` raw HTML, so there the text stays unrendered.)"""
    body = f"Intro.\n\n{opening}\n\nThree more paragraphs.\n\n## Conclusion\n\nThe end.\n"
    for html in _rendered(tmp_path, body):
        assert "Intro." in html and "Three more paragraphs." in html, html
        assert "Conclusion" in html and "The end." in html, html
        if opening != "<textarea>":
            assert "Conclusion</h2>" in html, html
        assert not re.search(r"(?i)<(embed|iframe|textarea|title)\b", html), html


def test_raw_html_cannot_close_or_leave_open_the_page_around_it(tmp_path: Path) -> None:
    # "<a href=... />": HTML ignores the slash, so the link stayed open past the post
    body = 'Before.\n\n</article></main>\n\n<div><b>bold\n\nAfter <a href="https://x.org/" />.\n\n<span/>\n'
    article, content = _rendered(tmp_path, body)
    assert "</main>" not in article and "</article>" not in article[:-1]
    for html in (article, content):
        opened = re.findall(r"<(div|b|a|span)\b", html)
        assert sorted(opened) == sorted(re.findall(r"</(div|b|a|span)>", html)), html
        assert "After" in html and "/>" not in html.replace("<br />", ""), html


def test_srcset_is_split_as_browsers_do_and_checked(tmp_path: Path) -> None:
    """Split on every comma, a CDN URL (``w_100,h_100``) was mangled; its URLs' schemes were
    never checked."""
    body = (
        '<img src="https://cdn.example/a.jpg" srcset="https://cdn.example/w_100,h_100/x.jpg 1x, '
        'javascript:alert(1) 2x, data:text/html,xx 3x">\n'
    )
    for html in _rendered(tmp_path, body):
        assert 'srcset="https://cdn.example/w_100,h_100/x.jpg 1x"' in html, html
        assert "javascript" not in html and "data:text" not in html


def test_tags_with_colliding_slugs_keep_distinct_feeds(tmp_path: Path) -> None:
    make_site(tmp_path, {"essays/one.md": essay("One", tags="['a!']"),
                         "essays/two.md": essay("Two", tags="['a?']", date="2024-04-01")})  # fmt: skip
    run = run_build(tmp_path)
    assert run.exit_code == 0, run.stderr  # two tags, two feeds: nothing to refuse
    opml = (tmp_path / "out/feeds.opml").read_text("utf-8")
    urls = re.findall(r'xmlUrl="([^"]+/tags/[^"]+rss\.xml)"', opml)
    assert len(urls) == len(set(urls)) == 2, urls
    titles = set()
    for url in urls:
        rel = url.split("hostile.example.org/", 1)[1]
        feed = feedparser.parse((tmp_path / "out" / rel).read_bytes())
        titles |= {e.title for e in feed.entries}
    assert titles == {"One", "Two"}
