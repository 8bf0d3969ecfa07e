"""Stored XSS through markup the renderer wrote without the sanitizer seeing it: the bytes of
the pages and feeds a build writes, parsed as a browser parses them (html5lib), hold no
event handler and no script URL.

Each shape here ran its script in Chromium before its fix.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import html5lib
import pytest

from pipeline.render.links import PageContext
from pipeline.render.markdown import render
from tests.hostile.sites import make_site, run_build
from tests.site.conftest import SPACE_CONFIG
from tests.timing import assert_linear

SCHEMES = ("javascript:", "vbscript:", "data:text/html")


def active(markup: str | bytes, *, fragment: bool = False) -> list[str]:
    """Every ``on*`` attribute and every attribute holding a script URL, in the DOM a browser
    builds from ``markup``."""
    parser = html5lib.HTMLParser(tree=html5lib.getTreeBuilder("etree"))
    tree = parser.parseFragment(markup) if fragment else parser.parse(markup)
    found = []
    for element in tree.iter():
        for name, value in element.attrib.items():
            local = name.rpartition("}")[2].rpartition(":")[2].lower()
            url = "".join(value.split()).lower()
            if local.startswith("on") or url.startswith(SCHEMES):
                found.append(f"<{element.tag} {name}={value!r}>")
    return found


def feed_html(out: Path) -> list[str]:
    """The item HTML of the RSS, Atom and JSON feeds."""
    rss = ET.parse(out / "rss.xml").getroot()
    atom = ET.parse(out / "atom.xml").getroot()
    encoded = "{http://purl.org/rss/1.0/modules/content/}encoded"
    content = "{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}content"
    items = json.loads((out / "feed.json").read_text("utf-8"))["items"]
    return [
        *(e.text or "" for e in rss.iter(encoded)),
        *(e.text or "" for e in atom.iterfind(content)),
        *(i["content_html"] for i in items),
    ]


def essay(body: str) -> str:
    return f"---\ntitle: Essay\ndate: 2024-05-01\n---\n\n{body}"


@pytest.mark.parametrize(
    "body",
    [
        "<!X><x_y autofocus tabindex=1 onfocus=alert(1)>focus\n",
        "<!DOCTYPE html><a_b href=javascript:alert(1)>x\n",
        "Intro.\n\n<!ELEMENT x><img_ src=x onerror=alert(1)>\n",
    ],
    ids=["declaration-then-odd-tag", "doctype-then-link", "element-declaration"],
)
def test_a_declaration_does_not_carry_markup_past_the_sanitizer(tmp_path: Path, body: str) -> None:
    """CommonMark makes a line starting ``<!`` and a letter an HTML block, written as it is;
    the check for raw HTML looked for ``<!--`` only, so such a body skipped the sanitizer and
    a tag name the check did not read as one (``x_y``) kept its ``onfocus``."""
    make_site(tmp_path, {"essays/x.md": essay(body)})
    run = run_build(tmp_path)
    assert run.exit_code == 0, run.stderr
    out = tmp_path / "out"
    assert active((out / "essays/x/index.html").read_bytes()) == []
    for html in feed_html(out):
        assert active(html, fragment=True) == [], html


@pytest.mark.parametrize(
    "host",
    [
        "[hover](https://a.example/ '\n{% include \".gitbook/includes/inc.md\" %}\n')\n",
        "![pic](https://a.invalid/x.png '\n{% include \".gitbook/includes/inc.md\" %}\n')\n",
        '<img src="https://a.invalid/x.png" alt="\n{% include ".gitbook/includes/inc.md" %}\n">\n',
    ],
    ids=["link-title", "image-title", "raw-html-attribute"],
)
def test_an_include_inside_an_attribute_value_stays_inside_it(tmp_path: Path, host: str) -> None:
    """An include tag on a line of its own inside a title or an attribute value (which may
    run over lines) left its placeholder there, and the included file's HTML took its place:
    the first quote of that HTML closed the value, and its link's URL became attributes
    (``onerror=alert(1)//``)."""
    (tmp_path / "publish.toml").write_text(SPACE_CONFIG)
    content = tmp_path / "content"
    (content / ".gitbook/includes").mkdir(parents=True)
    (content / "SUMMARY.md").write_text("# Summary\n\n* [Intro](README.md)\n")
    (content / "README.md").write_text(f"# Intro\n\n{host}\nAfter.\n")
    (content / ".gitbook/includes/inc.md").write_text(
        "[a](https://y.invalid/x/onerror=alert(1)//) [b](https://y.invalid/x/onmouseover=alert(1)//)\n"
    )
    run = run_build(tmp_path)
    assert run.exit_code == 0, run.stderr
    page = (tmp_path / "out/index.html").read_text("utf-8")
    assert active(page) == []
    assert "After." in page


OVERLAYS = (
    '<div style="position:fixed;top:0;left:0;width:100vw;height:100vh;z-index:99999">Sign in</div>\n'
    '<p style="margin-top:-40em;color:blue">Up</p>\n'
    '<p style="transform:translateY(-90vh)">Moved</p>\n'
    '<p style="outline:3000px solid white">Painted</p>\n'
    '<p style="box-shadow:0 0 0 3000px white">Shadow</p>\n'
    '<p style="posit\\69on:fixed">Escaped</p>\n'
    '<svg width="10" height="10" overflow="visible"><rect x="-3000" y="-3000" width="6000" '
    'height="6000"/></svg>\n'
    '<div popover id="p">Fake</div><button popovertarget="p" commandfor="p" '
    'command="show-popover">Open</button>\n'
    "<dialog open>Dialog</dialog>\n"
    '<p><math><mpadded height="0" depth="0" voffset="900px"><mspace height="3000px" '
    'width="-3000px"></mspace><mtext>Formula</mtext></mpadded></math></p>\n'
    '<p><mark style="color:red;">kept</mark> <span style="text-align:center; font-weight:bold">'
    "also</span></p>\n"
)


def test_a_post_cannot_lay_a_box_over_the_page(tmp_path: Path) -> None:
    """``style`` kept every declaration but ``expression()`` and ``javascript:``: a post could
    lay a fixed box over the site's header (a fake sign-in), or pull one up with a negative
    margin; SVG's ``overflow="visible"`` painted a drawing over the whole page, a popover
    button opened a box over it, MathML drew a formula of no height upward over the page.
    Colours and text styles stay as written."""
    make_site(tmp_path, {"essays/x.md": essay(OVERLAYS)})
    run = run_build(tmp_path)
    assert run.exit_code == 0, run.stderr
    out = tmp_path / "out"
    page = (out / "essays/x/index.html").read_text("utf-8")
    article = page[page.index("<article>") : page.index("</article>")]
    for html in (article, *feed_html(out)):
        tree = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
        styles = [el.get("style", "") for el in tree.iter() if el.get("style") is not None]
        kept = ["width:100vw;height:100vh", "color:blue", "color:red;"]
        assert styles == [*kept, "text-align:center; font-weight:bold"], html
        for el in tree.iter():
            assert not {"overflow", "popover", "popovertarget", "commandfor"} & set(el.attrib)
            assert str(el.tag).rpartition("}")[2] != "dialog"
            if str(el.tag).endswith("mpadded"):
                assert el.attrib == {}
            assert not str(el.get("width", "")).startswith("-")
        (space,) = [el for el in tree.iter() if str(el.tag).endswith("mspace")]
        assert space.attrib == {"height": "3000px"}
        words = ("Sign in", "Up", "Moved", "Painted", "Shadow", "Fake", "Dialog", "Formula")
        for word in (*words, "kept"):
            assert word in html


def test_an_image_does_not_name_a_property_of_the_document(tmp_path: Path) -> None:
    """``<img name="getElementById">`` becomes ``document.getElementById`` in a browser: the
    theme's scripts threw on every page showing the post (no search box, a dead menu
    button). An image keeps its other attributes; a link keeps its ``name`` (an anchor)."""
    body = (
        '<img name="getElementById" id="pic" src="https://img.example/a.png" alt="A">\n'
        '<img name="querySelector" src="https://img.example/b.png" alt="B">\n'
        '<a name="old-anchor"></a>\n'
    )
    make_site(tmp_path, {"essays/x.md": essay(body)})
    run = run_build(tmp_path)
    assert run.exit_code == 0, run.stderr
    out = tmp_path / "out"
    page = (out / "essays/x/index.html").read_text("utf-8")
    for html in (page, *feed_html(out)):
        tree = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
        images = [el.attrib for el in tree.iter("img") if "img.example" in el.get("src", "")]
        assert [a.get("alt") for a in images] == ["A", "B"], html
        assert all("name" not in a for a in images), images
        assert [a.get("name") for a in tree.iter("a") if a.get("name")] == ["old-anchor"]


def test_code_holding_markup_cannot_close_the_page_around_the_post(tmp_path: Path) -> None:
    """The highlighter took a ``<pre><code class="language-python">`` of raw HTML up to the
    first ``</code></pre>``, an inner block's: the outer elements' end tags were left behind,
    and a stray ``</div>`` closed the page's layout, so the rest of the post stood outside its
    article (and outside what keeps a post's drawing inside it)."""
    body = (
        '<pre><code class="language-python"><div><pre><code>x = 1</code></pre></div>'
        "</code></pre>\n\nAfter the code.\n"
    )
    make_site(tmp_path, {"essays/x.md": essay(body)})
    run = run_build(tmp_path)
    assert run.exit_code == 0, run.stderr
    _assert_inside_its_article(tmp_path / "out/essays/x/index.html", "After the code.")


@pytest.mark.parametrize(
    ("embeds", "card"),
    [
        (
            "cards",
            '<figure class="embed embed-video"><a href="https://x.example/"><div>'
            '<a href="https://y.example/">inner</a></div></a></figure>\n',
        ),
        (
            "inline",
            '<figure class="embed" data-embed-url="https://www.youtube.com/watch?v=abc"><div>'
            "<figure>inner</figure></div></figure>\n",
        ),
        (
            "inline",
            '<figure class="embed" data-embed-url="https://www.youtube.com/watch?v=abc"><div>'
            "<figcaption>inner</figcaption></div></figure>\n",
        ),
    ],
    ids=["card-thumbnail", "inline-nested-figure", "inline-nested-caption"],
)
def test_a_card_an_author_wrote_cannot_close_the_page(
    tmp_path: Path, embeds: str, card: str
) -> None:
    """The pages' embed cards are rewritten on the page (the thumbnail dropped, or the card
    made a player) up to the first ``</a>`` or ``</figure>``: in a card an author wrote, an
    inner element's, so the outer end tags were left behind and closed the page's layout."""
    config = make_site(tmp_path, {"essays/x.md": essay(f"{card}\nAfter the card.\n")})
    config.write_text(config.read_text() + f'\n[theme]\nembeds = "{embeds}"\n')
    run = run_build(tmp_path)
    assert run.exit_code == 0, run.stderr
    _assert_inside_its_article(tmp_path / "out/essays/x/index.html", "After the card.", "inner")


def test_a_container_closed_outside_its_list_cannot_close_the_page(tmp_path: Path) -> None:
    """``{% tabs %}`` indented in a list item and ``{% endtabs %}`` at the margin: cmark put
    the tabs' ``</div>`` after the list's end, where browsers close the nearest open
    ``<div>``: the page's layout, so the rest of the post stood outside its article."""
    body = "- item\n  {% tabs %}\n  text\n{% endtabs %}\n\nAfter the list.\n"
    make_site(tmp_path, {"essays/x.md": essay(body)})
    run = run_build(tmp_path)
    assert run.exit_code == 0, run.stderr
    _assert_inside_its_article(tmp_path / "out/essays/x/index.html", "After the list.")


@pytest.mark.parametrize(
    ("shape", "n"),
    [
        ("style-declarations", 20_000),
        ("style-minus-blanks", 20_000),
        ("containers-in-list", 4_000),
    ],
)
def test_the_new_checks_take_linear_time(shape: str, n: int) -> None:
    """The style filter (a long ``style`` of declarations, of minus signs and blanks) and the
    nesting check of the pre-pass's HTML (many containers closed outside their list)."""

    def body(k: int) -> str:
        if shape == "style-declarations":
            return '<p style="' + "color:red;position:fixed;" * k + '">x</p>\n'
        if shape == "style-minus-blanks":
            return '<p style="margin:' + "- " * k + '">x</p>\n'
        return "- item\n  {% tabs %}\n  text\n{% endtabs %}\n\n" * k

    def work(k: int) -> None:
        render(body(k), PageContext(source="essays/x.md", url="https://e.org/essays/x/"))

    assert_linear(work, n, label=f"{shape}: ")


def _assert_inside_its_article(page: Path, *texts: str) -> None:
    """Each of ``texts`` is in the page's ``<article>``, and the page's layout still holds
    its three parts (a stray end tag from the post closed it around the rest)."""
    tree = html5lib.parse(page.read_bytes(), treebuilder="etree", namespaceHTMLElements=False)
    (article,) = tree.iter("article")
    for text in texts:
        assert text in "".join(article.itertext())
    (layout,) = [el for el in tree.iter("div") if el.get("class") == "layout"]
    assert [el.tag for el in layout] == ["nav", "main", "aside"]
