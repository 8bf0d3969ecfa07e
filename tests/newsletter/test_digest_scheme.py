"""Protocol-relative URLs (``//host/x``) in the digest: a mail client has no page address
for them to take a scheme from, so every one the digest links or shows is given the site's
(``base_url``'s) scheme, in the HTML part and in the text part. Run through ``publish
digest`` (a preview in the outbox) on a copy of the fixture tree."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.newsletter.conftest import Tree, cli

LINKS = """\
---
title: Links elsewhere
date: 2024-05-08
id: 0b6a3f3e-1c1a-4f43-9b1e-6e0f7f0d0091
image: //example.org/cover.png
---
See [a](//example.org/x), ![](//example.org/i.png) and <a href="//example.org/raw">raw</a>.
"""

DESCRIBED = """\
---
title: Described
date: 2024-05-07
id: 0b6a3f3e-1c1a-4f43-9b1e-6e0f7f0d0092
description: 'Read <a href="//example.org/d">this</a>'
---
Body.
"""

HTML_TEMPLATE = """\
<html><body>
{% for i in items %}<div><img src="{{ i.image }}">{{ i.html | safe }}</div>{% endfor %}
<img src="{{ site.image }}">
</body></html>
"""

TEXT_TEMPLATE = """\
{% for i in items %}
{{ i.title }}
{% if i.image %}Picture: {{ i.image }}
{% endif %}
{% endfor %}
Logo: {{ site.image }}
"""


class _Attrs(HTMLParser):
    """Every href/src value of an HTML document, and its visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [v or "" for k, v in attrs if k in ("href", "src")]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _site(tree: Tree, scheme: str, *, templates: bool = False) -> Path:
    config = tree()
    root = config.parent
    toml = config.read_text(encoding="utf-8")
    toml = toml.replace('base_url = "https://', f'base_url = "{scheme}://')
    toml = toml.replace("[site]\n", '[site]\nimage = "//example.org/logo.png"\n')
    config.write_text(toml, encoding="utf-8")
    essays = root / "content" / "essays"
    (essays / "links.md").write_text(LINKS, encoding="utf-8")
    (essays / "described.md").write_text(DESCRIBED, encoding="utf-8")
    if templates:
        folder = root / "templates" / "newsletter"
        folder.mkdir(parents=True)
        (folder / "digest.html.j2").write_text(HTML_TEMPLATE, encoding="utf-8")
        (folder / "digest.txt.j2").write_text(TEXT_TEMPLATE, encoding="utf-8")
    return config


def _parts(config: Path) -> tuple[str, str]:
    """The HTML and text parts ``publish digest`` previews."""
    result = cli(config, "--format", "json")
    assert result.exit_code == 0, result.stderr
    paths = json.loads(result.stdout)["paths"]
    (html,) = [p for p in paths if p.endswith(".html")]
    (text,) = [p for p in paths if p.endswith(".txt")]
    root = config.parent
    return (root / html).read_text(encoding="utf-8"), (root / text).read_text(encoding="utf-8")


def _urls(html: str) -> _Attrs:
    parsed = _Attrs()
    parsed.feed(html)
    return parsed


@pytest.mark.parametrize("scheme", ["https", "http"])
def test_default_digest_gives_the_item_image_the_site_scheme(tree: Tree, scheme: str) -> None:
    html, text = _parts(_site(tree, scheme))
    found = _urls(html)
    assert f"{scheme}://example.org/cover.png" in found.urls  # the item's image: front matter
    assert not [u for u in found.urls if u.startswith("//")], found.urls
    # a description is text: its markup is shown, never made a link
    assert 'Read <a href="//example.org/d">this</a>' in "".join(found.text)
    assert not [u for u in found.urls if "example.org/d" in u]
    assert '\nRead <a href="//example.org/d">this</a>\n' in text  # as written, in the text
    assert f"Read: {scheme}://commons.example/essays/links/\n" in text


@pytest.mark.parametrize("scheme", ["https", "http"])
def test_community_templates_get_every_url_with_the_site_scheme(tree: Tree, scheme: str) -> None:
    html, text = _parts(_site(tree, scheme, templates=True))
    urls = _urls(html).urls
    for path in ("x", "i.png", "raw", "cover.png", "logo.png"):  # body, image:, [site] image
        assert f"{scheme}://example.org/{path}" in urls, urls
    assert not [u for u in urls if u.startswith("//")], urls
    assert 'href="//' not in html and 'src="//' not in html
    assert f"Picture: {scheme}://example.org/cover.png\n" in text
    assert f"Logo: {scheme}://example.org/logo.png\n" in text
    assert " //example.org" not in text
