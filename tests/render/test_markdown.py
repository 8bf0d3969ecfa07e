"""GitBook-flavoured Markdown renders as GitBook would, with every URL absolute."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.render.links import PageContext
from pipeline.render.markdown import render, scan
from tests.conftest import FIXTURES

PAGE = (FIXTURES / "gitbook_page.md").read_text()
URL_OF = {
    "essays/origins.md": "https://c.example.org/essays/origins/",
    "essays/scales.md": "https://c.example.org/essays/scales/",
    "participate/README.md": "https://c.example.org/participate/",
    "participate/guide (draft).md": "https://c.example.org/participate/guide-draft/",
}


def rendered() -> tuple[str, PageContext]:
    ctx = PageContext(
        source="README.md",
        url="https://c.example.org/",
        url_of=URL_OF,
        site_url="https://c.example.org/",
    )
    return render(PAGE, ctx), ctx


def test_no_raw_template_tags_survive() -> None:
    html, _ = rendered()
    assert "{%" not in html and "%}" not in html


def test_hint_is_an_aside_styled_by_its_style() -> None:
    html, _ = rendered()
    assert '<blockquote class="hint hint-info" data-hint="info">' in html
    assert (
        '<a href="https://blog.example.com/power_dynamics"><em>Power is not the problem</em></a>'
        in html
    )


def test_youtube_embed_gets_thumbnail_from_url_alone() -> None:
    html, _ = rendered()
    assert 'src="https://img.youtube.com/vi/NfXfLa6dU6A/hqdefault.jpg"' in html
    assert 'href="https://www.youtube.com/watch?v=NfXfLa6dU6A"' in html
    assert '<a href="https://vimeo.com/123456">vimeo.com</a>' in html


def test_relative_links_become_permalinks_and_assets_absolute() -> None:
    html, ctx = rendered()
    assert 'href="https://c.example.org/essays/origins/"' in html
    assert 'href="https://c.example.org/essays/scales/#the-five-scales"' in html
    assert 'href="https://c.example.org/participate/"' in html
    assert 'href="https://c.example.org/participate/guide-draft/"' in html
    assert 'src="https://c.example.org/map-of-belonging.jpg"' in html
    assert 'src="https://c.example.org/image%20%283%29.png"' in html
    assert 'src="https://c.example.org/image%20%282%29.png"' in html
    assert 'href="https://c.example.org/Handbook.pdf"' in html
    assert ".gitbook/assets/image (3).png" in ctx.assets
    assert not re.search(r'(href|src)="(?!https?://|#)', html), "a relative URL survived"


def test_entities_backslash_breaks_quotes_emoji() -> None:
    html, _ = rendered()
    assert "&amp;#x20;" not in html and "&#x20;" not in html
    assert "groups of different sizes.</li>" in html  # trailing GitBook backslash dropped
    assert "“smart quotes” and emoji 🌱" in html
    assert "<details>" in html and '<div align="left">' in html


def test_heading_ids_follow_github_with_repeats() -> None:
    html, ctx = rendered()
    assert '<h3 id="not-all-hierarchies-dominate">' in html
    assert '<h3 id="not-all-hierarchies-dominate-1">' in html
    assert "a-community-practice-for-working-together" in ctx.anchors


def test_scan_reports_exact_lines_and_author_targets() -> None:
    doc = scan(PAGE, "README.md", line_offset=0)
    where = {(link.url, link.line) for link in doc.links}
    assert (".gitbook/assets/map-of-belonging.jpg", 9) in where
    assert ("essays/scales.md#the-five-scales", 12) in where
    assert ("participate/guide (draft).md", 16) in where
    assert ("https://blog.example.com/power_dynamics", 19) in where
    assert ("https://www.youtube.com/watch?v=NfXfLa6dU6A", 22) in where
    assert (".gitbook/assets/image (2).png", 40) in where


def test_active_content_removed() -> None:
    ctx = PageContext(source="a.md", url="https://c.example.org/a/")
    html = render(
        '<img src="x.png" onerror="alert(1)">\n\n<script>alert(2)</script>\n\n'
        "[x](javascript:alert(3))\n",
        ctx,
    )
    assert "<script" not in html and "onerror" not in html and "alert(2)" not in html
    assert 'href="javascript' not in html


def test_file_under_root_only(tmp_path: Path) -> None:
    ctx = PageContext(source="essays/a.md", url="https://c.example.org/essays/a/")
    render("![x](../../../etc/passwd.png)", ctx)
    assert not ctx.assets


def test_an_update_of_a_changelog_block_keeps_its_date() -> None:
    """GitBook's ``{% updates %}`` block: each ``{% update date="…" %}`` entry's date was
    dropped with its tag, and the changelog lost when each change was made."""
    body = (
        '{% updates format="full" %}\n{% update date="2025-12-18" %}\n## New search\n\n'
        'Faster.\n{% endupdate %}\n\n{% update date="Winter 2024" %}\nOlder.\n{% endupdate %}\n'
        "{% endupdates %}\n"
    )
    html = render(body, PageContext(source="changes.md", url="https://c.example.org/changes/"))
    first = '<p class="update-date"><time datetime="2025-12-18">2025-12-18</time></p>'
    assert html.index(first) < html.index("New search</h2>") < html.index("Faster.")
    assert '<p class="update-date">Winter 2024</p>' in html
    assert html.index("Winter 2024") < html.index("Older.")
