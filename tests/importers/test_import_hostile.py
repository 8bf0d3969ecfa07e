"""Hostile sources: no entity is ever expanded, unreadable sources exit 2 naming the source
and its line, and nothing is written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from pipeline.support.paths import as_typed
from tests.importers.conftest import IMPORTS, podcast_head, publish, tree

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<rss version="2.0"><channel><title>&lol3;</title></channel></rss>
"""


def _xxe(secret: Path) -> bytes:
    return f"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>
<rss version="2.0"><channel><title>x</title><item><title>&xxe;</title>
<guid>a</guid><pubDate>Sat, 01 Jun 2024 10:00:00 +0000</pubDate>
<enclosure url="https://x.example/a.mp3" length="1" type="audio/mpeg"/></item></channel></rss>
""".encode()


@pytest.mark.parametrize("kind", ["podcast", "feed"])
def test_entity_declarations_are_refused(home: Path, tmp_path: Path, kind: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    for name, data in (("laughs.xml", LAUGHS), ("xxe.xml", _xxe(secret))):
        source = tmp_path / name
        source.write_bytes(data)
        before = tree(home)
        result = publish("import", kind, str(source))
        assert result.exit_code == 2
        assert f"{as_typed(source)}:" in result.stderr and "refused" in result.stderr
        assert "TOP-SECRET-VALUE" not in result.output
        assert "Traceback" not in result.output
        assert tree(home) == before


def test_malformed_xml_names_the_line(home: Path, tmp_path: Path) -> None:
    source = tmp_path / "broken.xml"
    source.write_bytes(b"<rss>\n<channel>\n<item>\n</channel>\n</rss>\n")
    result = publish("import", "podcast", str(source))
    assert result.exit_code == 2
    assert f"{as_typed(source)}:4: podcast: not well-formed XML" in result.stderr
    assert not (home / "content").exists()


def test_not_a_podcast_feed(home: Path) -> None:
    result = publish("import", "podcast", str(IMPORTS / "ghost-atom.xml"))
    assert result.exit_code == 2
    assert "not an RSS 2.0 feed" in result.stderr


def test_unreachable_and_failing_urls_exit_2(home: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gone.xml").respond_with_data("no", status=404)
    result = publish("import", "podcast", httpserver.url_for("/gone.xml"))
    assert result.exit_code == 2
    assert "HTTP 404" in result.stderr
    missing = publish("import", "feed", str(home / "nope.xml"))
    assert missing.exit_code == 2 and "cannot read" in missing.stderr
    assert not (home / "content").exists()


def test_an_oversized_source_is_cut(home: Path, httpserver: HTTPServer) -> None:
    import requests

    from pipeline.support.fetch import UnreadableSource, read_source

    httpserver.expect_request("/big.xml").respond_with_data(b"<rss>" + b" " * 5000)
    with requests.Session() as session, pytest.raises(UnreadableSource, match="more than 1000"):
        read_source(httpserver.url_for("/big.xml"), session, max_bytes=1000)


def test_an_external_dtd_is_never_fetched(
    home: Path, tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/rss-0.91.dtd").respond_with_data("<!ENTITY x 'y'>")
    dtd = httpserver.url_for("/rss-0.91.dtd")
    source = tmp_path / "old.xml"
    source.write_text(
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "{dtd}">\n'
        '<rss version="0.91"><channel><title>Old</title><item><title>A &amp; B</title>'
        "<link>https://old.example.com/a</link><description>Hello.</description>"
        "<pubDate>Sat, 01 Jun 2024 10:00:00 +0000</pubDate></item></channel></rss>\n"
    )
    result = publish("import", "feed", str(source))
    assert result.exit_code == 0, result.output
    assert httpserver.log == []
    assert "title: A & B" in (home / "content" / "essays" / "a.md").read_text()


def test_a_feed_in_a_multibyte_encoding_imports_as_its_utf8_twin(
    home: Path, tmp_path: Path
) -> None:
    """The same podcast saved in GB18030 (as some hosts serve Chinese shows) imports to the
    same files as in UTF-8; an encoding no codec knows is named, at line 1, nothing written."""
    text = (IMPORTS / "buzzsprout.xml").read_text(encoding="utf-8")
    assert publish("import", "podcast", str(IMPORTS / "buzzsprout.xml")).exit_code == 0
    twin = tmp_path / "twin"
    twin.mkdir()
    shutil.copy(home / "publish.toml", twin / "publish.toml")
    config = ["--config", str(twin / "publish.toml")]
    source = tmp_path / "gb.xml"
    source.write_bytes(text.replace('encoding="UTF-8"', 'encoding="GB18030"', 1).encode("gb18030"))
    result = publish("import", "podcast", str(source), *config)
    assert result.exit_code == 0, result.output
    assert tree(twin / "content") == tree(home / "content")
    shutil.rmtree(twin / "content")
    source.write_bytes(text.replace('encoding="UTF-8"', 'encoding="bogus"', 1).encode("utf-8"))
    result = publish("import", "podcast", str(source), *config)
    assert result.exit_code == 2
    assert f"{as_typed(source)}:1: podcast: the XML declaration names the encoding 'bogus'" in (
        result.stderr
    )
    assert not (twin / "content").exists()


def test_an_episode_over_the_builds_file_limit_is_refused_before_anything_is_written(
    home: Path,
) -> None:
    """Import wrote a 2 MB show note the build then refused, losing the whole site's build
    (a helper's finding): refused here, at the item's line, nothing written."""
    (home / "publish.toml").write_text(
        (home / "publish.toml").read_text() + "\n[content]\nmax_file_bytes = 20000\n"
    )
    notes = "<p>" + "word " * 5_000 + "</p>"
    item = (
        "<item><title>Long</title><guid>long-1</guid><pubDate>Mon, 01 Jan 2024 10:00:00 GMT"
        '</pubDate><enclosure url="https://old.example.com/a.mp3" length="1" type="audio/mpeg"/>'
        f"<description><![CDATA[{notes}]]></description></item>\n"
    )
    feed = podcast_head() + "<item><title>Short</title><guid>s-1</guid><pubDate>Sun, 31 Dec "
    feed += '2023 10:00:00 GMT</pubDate><enclosure url="https://old.example.com/b.mp3" length="1"'
    feed += ' type="audio/mpeg"/><description>Hi.</description></item>\n'
    (home / "feed.xml").write_text(feed + item + "</channel></rss>\n", encoding="utf-8")
    before = tree(home)
    result = publish("import", "podcast", "feed.xml")
    assert result.exit_code == 2, result.output
    assert "feed.xml:7: file: " in result.output and "over the build's limit of 20000" in (
        result.output
    )
    assert tree(home) == before
