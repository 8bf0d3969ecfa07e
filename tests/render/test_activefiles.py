"""What makes an attached SVG, HTML or XML file run script when a reader opens it from the
site (:mod:`pipeline.render.activefiles`), and that finding it stays linear."""

from __future__ import annotations

import codecs

import pytest

from pipeline.render.activefiles import active_part, may_be_active
from tests.timing import assert_linear

SVG = '<svg xmlns="http://www.w3.org/2000/svg">{}</svg>'

ACTIVE = {
    "script": (SVG.format("<script>alert(1)</script>"), "a <script> element"),
    "prefixed script": (
        '<x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(1)</x:script>',
        "a <x:script> element",
    ),
    "upper case": ("<SVG><SCRIPT>alert(1)</SCRIPT></SVG>", "a <script> element"),
    "handler": ('<svg onload="alert(1)"/>', "an event handler (onload=) on <svg>"),
    "handler on a new line": ('<svg\nonload="alert(1)"/>', "an event handler (onload=) on <svg>"),
    "encoded scheme": (
        SVG.format('<a xlink:href="jav&#x09;ascript&colon;alert(1)"><text>x</text></a>'),
        "a script URL in xlink:href= on <a>",
    ),
    "animated href": (
        SVG.format('<a><animate attributeName="href" values="#;javascript:alert(1)"/></a>'),
        "a script URL in values= on <animate>",
    ),
    "srcdoc": ('<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>', "a srcdoc="),
    "html data url": ('<a href="data:text/html,<script>alert(1)</script>">x</a>', "href="),
    "entity writing markup": (
        '<!DOCTYPE svg [<!ENTITY x "&#60;script>alert(1)&#60;/script>">]><svg>&x;</svg>',
        "an entity declaration that writes markup",
    ),
    "second stylesheet is xslt": (
        '<?xml-stylesheet type="text/css" href="a.css"?>'
        '<?xml-stylesheet type="text/xsl" href="b.xsl"?><svg/>',
        "an XSLT stylesheet",
    ),
}


@pytest.mark.parametrize("name", sorted(ACTIVE))
def test_what_runs_script_is_found(name: str) -> None:
    text, what = ACTIVE[name]
    found = active_part(text.encode())
    assert found is not None and what in found[1], found


def test_utf16_file_is_read_as_utf16() -> None:
    data = SVG.format("<script>alert(1)</script>").encode("utf-16")
    assert data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    assert active_part(data) == (1, "a <script> element")


def test_line_of_the_finding() -> None:
    assert active_part(b'<svg>\n<rect/>\n\n<g onclick="x()"/></svg>') == (
        4,
        "an event handler (onclick=) on <g>",
    )


PLAIN = {
    "drawing": SVG.format('<rect width="10" fill="red"/><text>Based on this, R&amp;D</text>'),
    "illustrator entities": (
        '<!DOCTYPE svg [<!ENTITY ns_svg "http://www.w3.org/2000/svg">]>'
        '<svg xmlns="&ns_svg;"><g/></svg>'
    ),
    "embedded picture": SVG.format('<image href="data:image/png;base64,iVBORw0KGgo="/>'),
    "css stylesheet": '<?xml-stylesheet type="text/css" href="a.css"?><svg/>',
    "text about scripts": SVG.format("<text>javascript is a language; onload</text>"),
    "cdata": SVG.format("<style><![CDATA[ .a { fill: red } ]]></style>"),
    "a page": "<!doctype html><p>A <a href='https://example.org/'>link</a>.</p>",
}


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_files_that_run_nothing_pass(name: str) -> None:
    assert active_part(PLAIN[name].encode()) is None


def test_most_files_skip_the_tokenizer() -> None:
    assert not may_be_active(SVG.format('<path d="M0 0L10 10" stroke="#000"/>').encode())
    assert may_be_active(b"<svg>\n<script>1</script></svg>")
    assert may_be_active(b"<svg>\n<scr\tipt>1</script></svg>")  # the byte scan drops blanks


@pytest.mark.parametrize(
    "unit",
    [
        '<!ENTITY a "',  # a declaration whose quote never closes
        "<!ENTITY '>",
        "<!ENTITY 'x' ",  # no '"' and no '>': each stop found without reading to the end
        "xml-stylesheet ",
        "<a b='c' ",  # a tag the input ends inside
        " onx",
        "&#",
    ],
)
def test_hostile_files_take_linear_time(unit: str) -> None:
    assert_linear(lambda n: active_part((unit * n).encode()), 80_000, label=f"{unit!r}: ")
