"""--download-media: the audio and artwork copied from the old host (a local server here),
sizes checked against the feed, nothing fetched twice, enclosure URLs unchanged."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer

from tests.importers.conftest import front_matter, publish

AUDIO = b"ID3" + bytes(997)


def _feed(server: HTTPServer, stated: int) -> bytes:
    def url(path: str) -> str:
        return server.url_for(path)

    return f"""<?xml version="1.0"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>
<title>S</title><itunes:image href="{url("/cover.png")}"/>
<item><title>One</title><guid isPermaLink="false">one</guid>
<pubDate>Sat, 01 Jun 2024 10:00:00 +0000</pubDate>
<enclosure url="{url("/media/one.mp3")}?tracking=1" length="{stated}" type="audio/mpeg"/>
<itunes:image href="{url("/art/one.jpg")}"/><itunes:duration>60</itunes:duration></item>
<item><title>Two</title><guid isPermaLink="false">two</guid>
<pubDate>Sat, 08 Jun 2024 10:00:00 +0000</pubDate>
<enclosure url="{url("/media/gone.m4a")}" length="5" type="audio/x-m4a"/>
<itunes:duration>60</itunes:duration></item>
</channel></rss>
""".encode()


def test_media_are_copied_checked_and_not_fetched_twice(
    home: Path, tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/media/one.mp3").respond_with_data(AUDIO, content_type="audio/mpeg")
    httpserver.expect_request("/art/one.jpg").respond_with_data(
        b"\xff\xd8jpeg", content_type="image/jpeg"
    )
    httpserver.expect_request("/cover.png").respond_with_data(b"\x89PNG", content_type="image/png")
    httpserver.expect_request("/media/gone.m4a").respond_with_data("no", status=404)
    source = tmp_path / "feed.xml"
    source.write_bytes(_feed(httpserver, len(AUDIO)))
    media = home / "media"
    result = publish("import", "podcast", str(source), "--download-media", str(media))
    assert result.exit_code == 2  # one file could not be had: said, after the rest is written
    assert sorted(p.name for p in media.iterdir()) == ["cover.png", "one-art.jpg", "one.mp3"]
    assert (media / "one.mp3").read_bytes() == AUDIO
    assert (
        f"{source}:8: media: cannot fetch {httpserver.url_for('/media/gone.m4a')}: HTTP 404"
        in result.stderr
    )
    assert "Media: 3 downloaded" in result.stderr
    assert front_matter(home / "content" / "episodes" / "one.md")["audio"].endswith(
        "/media/one.mp3?tracking=1"
    )  # the enclosure apps know is kept

    fetched = len(httpserver.log)
    again = publish("import", "podcast", str(source), "--download-media", str(media))
    assert "Media: 0 downloaded" in again.stderr and "3 already there" in again.stderr
    assert len(httpserver.log) == fetched + 1  # only the missing file was asked again


def test_a_length_that_differs_from_the_feed_is_reported(
    home: Path, tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/media/one.mp3").respond_with_data(AUDIO)
    httpserver.expect_request("/art/one.jpg").respond_with_data(b"\xff\xd8")
    httpserver.expect_request("/cover.png").respond_with_data(b"\x89PNG")
    httpserver.expect_request("/media/gone.m4a").respond_with_data(b"12345")
    source = tmp_path / "feed.xml"
    source.write_bytes(_feed(httpserver, 4321))
    result = publish("import", "podcast", str(source), "--download-media", str(home / "m"))
    assert result.exit_code == 2
    assert (
        f"{source}:4: enclosure length: one.mp3: downloaded 1000 bytes but the feed says 4321"
        in result.stderr
    )
    assert (home / "m" / "two.m4a").read_bytes() == b"12345"
