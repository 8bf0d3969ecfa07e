"""Pages and feed content as a browser builds them: no element carries an event handler or a
script URL, whatever the body spells with GitBook tags, entities and quotes.

Byte checks missed a stored XSS: leftover ``{% ... %}`` were once removed from the HTML after
sanitising, so ``title="&#123;% x"> ... %}`` lost its closing quote and escaped text became
live attributes (``onerror``). These tests parse every output with html5lib, which builds the
DOM as the HTML standard says browsers do, and look at the elements, not the bytes.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

import html5lib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.render.links import PageContext
from pipeline.render.markdown import render
from tests.hostile.sites import essay, make_site, run_build

ACTIVE_SCHEMES = ("javascript:", "vbscript:", "data:text/html")

SHAPES = {
    "entity-brace-in-image-title": (
        '![a](https://x.invalid/a.png "&#123;% x") %} '
        "![b](https://y.invalid/x/onerror=document.title=1//)\n"
    ),
    "tag-over-two-lines-in-image-title": (
        '![a](https://x.invalid/a.png "{% x\nmore") %} '
        "![b](https://y.invalid/x/onerror=document.title=1//)\n"
    ),
    "entity-brace-in-link-title": (
        '[a](https://x.invalid/ "&#123;% x") %} [b](https://y.invalid/x/onmouseover=alert(1)//)\n'
    ),
    "entity-brace-in-alt": (
        "![&#123;% x](https://x.invalid/a.png) %} ![b](https://y.invalid/x/onerror=alert(1)//)\n"
    ),
    "tag-joins-markup": "<{% x %}img src=x onerror=alert(1)>\n",
    "tag-over-two-lines-joins-markup": "Text <{% x\n%}img src=x onerror=alert(1)>\n",
}
"""Bodies that turned escaped text into markup (each gave an ``onerror`` before the fix)."""


def active_content(tree: ET.Element) -> list[str]:
    """Every ``on*`` attribute and every attribute holding a script URL in the DOM."""
    found = []
    for element in tree.iter():
        for name, value in element.attrib.items():
            local = name.rpartition("}")[2].rpartition(":")[2].lower()
            # browsers ignore ASCII tabs and line breaks in URLs, and strip blanks around them
            url = "".join(value.split()).lower()
            if local.startswith("on") or url.startswith(ACTIVE_SCHEMES):
                found.append(f"<{element.tag} {name}={value!r}>")
    return found


def parse(markup: str | bytes, *, fragment: bool = False) -> ET.Element:
    """The DOM html5lib builds; the markup must also parse without a single error."""
    parser = html5lib.HTMLParser(tree=html5lib.getTreeBuilder("etree"))
    tree: ET.Element = parser.parseFragment(markup) if fragment else parser.parse(markup)
    assert_inert(repr(markup)[:200], [tree])
    assert not parser.errors, f"parse errors {parser.errors[:3]} in {markup!r}"
    return tree


def feed_contents(out: Path) -> dict[str, list[str]]:
    """The item HTML each feed carries: RSS content:encoded, Atom content, JSON content_html."""
    rss = ET.parse(out / "rss.xml").getroot()
    atom = ET.parse(out / "atom.xml").getroot()
    content = "{http://purl.org/rss/1.0/modules/content/}encoded"
    entry = "{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}content"
    items = json.loads((out / "feed.json").read_text("utf-8"))["items"]
    return {
        "rss content:encoded": [e.text or "" for e in rss.iter(content)],
        "atom content": [e.text or "" for e in atom.iterfind(entry)],
        "json content_html": [i["content_html"] for i in items],
    }


def assert_inert(where: str, trees: Iterable[ET.Element]) -> None:
    for tree in trees:
        found = active_content(tree)
        assert not found, f"{where}: {found}"


@pytest.mark.parametrize("body", SHAPES.values(), ids=SHAPES.keys())
def test_no_body_makes_an_active_element_in_pages_or_feeds(tmp_path: Path, body: str) -> None:
    home = f"---\ntitle: Home\n---\n\n{body}"
    make_site(tmp_path, {"README.md": home, "essays/xss.md": essay("XSS", body=body)})
    run = run_build(tmp_path)
    assert run.exit_code == 0, run.stderr
    out = tmp_path / "out"
    for page in ("index.html", "essays/xss/index.html"):
        parse((out / page).read_bytes())
    for where, contents in feed_contents(out).items():
        assert contents, where
        for content in contents:
            parse(content, fragment=True)


PIECES = st.sampled_from(
    [
        '![a](https://x.invalid/a.png "',
        '[a](https://x.invalid/ "',
        "![",
        '")',
        ")",
        '"',
        "'",
        "`",
        "\n",
        " ",
        "{% x",
        "{% x %}",
        "%}",
        "&#123;% x",
        "&#x7b;%",
        "<",
        "img src=x onerror=alert(1)>",
        " ![b](https://y.invalid/x/onerror=alert(1)//)",
        " [b](https://y.invalid/ onmouseover=alert(1)//)",
        "](javascript:alert(1))",
    ]
)
"""The pieces of these attacks: tags whole, open and closed, entity-escaped braces, quotes,
titles, line breaks and markup."""


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=12).map("".join))
def test_rendered_html_never_holds_an_active_element(body: str) -> None:
    """The same property for the renderer alone, over bodies assembled from those pieces."""
    ctx = PageContext(source="essays/x.md", url="https://e.org/essays/x/")
    assert_inert(repr(body), [parse(render(body, ctx), fragment=True)])
