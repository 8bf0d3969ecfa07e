"""publish import feed: Atom ``type="xhtml"`` content with inline SVG and MathML comes in as
HTML5 writes them (``<svg>``, ``<math>``), not as ``<ns0:svg>`` the sanitizer shows as text."""

from __future__ import annotations

from pathlib import Path

from tests.importers.conftest import publish

ATOM = """\
<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Sam</title><id>http://old.example.com/index.atom</id><updated>2013-02-23T18:33:07Z</updated>
  <link href="http://old.example.com/blog/"/>
  <entry>
    <id>tag:old.example.com,2004:1</id><link href="http://old.example.com/blog/2013/01/30/Plex"/>
    <title>Plex</title><updated>2013-01-30T10:12:03-08:00</updated>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Logo:</p>\
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" \
width="100" viewBox="0 0 100 100"><rect width="100" rx="10"/>\
<a xlink:href="http://old.example.com/"><circle r="5"/></a></svg>
<p>Math: <math xmlns="http://www.w3.org/1998/Math/MathML"><mi>x</mi><mo>=</mo><mn>2</mn></math></p>\
</div></content>
  </entry>
</feed>
"""


def test_inline_svg_and_mathml_keep_their_plain_names(home: Path) -> None:
    (home / "feed.atom").write_text(ATOM, encoding="utf-8")
    result = publish("import", "feed", "feed.atom")
    assert result.exit_code == 0, result.output
    body = (home / "content" / "essays" / "plex.md").read_text(encoding="utf-8")
    assert "ns0" not in body
    assert '<svg width="100" viewBox="0 0 100 100" xmlns="http://www.w3.org/2000/svg">' in body
    assert '<rect width="100" rx="10"></rect>' in body
    assert '<a xlink:href="http://old.example.com/"><circle r="5"></circle></a></svg>' in body
    assert (
        '<p>Math: <math xmlns="http://www.w3.org/1998/Math/MathML"><mi>x</mi><mo>=</mo>'
        "<mn>2</mn></math></p>"
    ) in body
    assert "<p>Logo:</p>" in body

    built = publish("build", "--out", str(home / "out"), "-q")
    assert built.exit_code == 0, built.output
    page = (home / "out" / "essays" / "plex" / "index.html").read_text(encoding="utf-8")
    assert "&lt;" not in page.split("<main", 1)[-1].split("</main>", 1)[0]
    assert "<svg " in page
    assert "<math " in page
    assert "<mi>x</mi>" in page
