"""Media facts: magic-byte types, mutagen durations, remote HEAD/Range and its cache."""

from __future__ import annotations

import io
import json
import struct
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from pipeline.build.mediacache import CACHE_FILE, RemoteMedia
from pipeline.podcast.media import MediaError, probe_file, sniff_mime
from tests.podcast.conftest import REPO

MEDIA = REPO / "content" / "episodes" / "media"


@pytest.fixture
def session() -> Iterator[requests.Session]:
    with requests.Session() as opened:
        yield opened


@pytest.mark.parametrize(
    ("head", "mime"),
    [
        (b"ID3\x04\x00" + bytes(59), "audio/mpeg"),
        (b"\xff\xfb\x14\xc4" + bytes(60), "audio/mpeg"),
        (b"\x00\x00\x00\x20ftypM4A " + bytes(52), "audio/x-m4a"),
        (b"\x00\x00\x00\x20ftypisom" + bytes(52), "video/mp4"),
        (b"\x00\x00\x00\x20ftypM4V " + bytes(52), "video/x-m4v"),
        (b"OggS" + bytes(24) + b"OpusHead" + bytes(28), "audio/opus"),
        (b"OggS" + bytes(24) + b"\x01vorbis" + bytes(29), "audio/ogg"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt " + bytes(48), "audio/wav"),
        (b"fLaC" + bytes(60), "audio/flac"),
        (b"\xff\xd8\xff\xe0" + bytes(60), "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n" + bytes(56), "image/png"),
        (b"WEBVTT\n\n00:00.000 --> 00:01.000\n", "text/vtt"),
        (b"1\n00:00:00,000 --> 00:00:02,000\nHi\n", "application/x-subrip"),
        (b"%PDF-1.7" + bytes(56), None),
    ],
)
def test_sniff_mime(head: bytes, mime: str | None) -> None:
    assert sniff_mime(head) == mime


@pytest.mark.parametrize(
    ("name", "seconds"),
    [("001-welcome.mp3", 6.0), ("002-governance.mp3", 9.0), ("003-release.mp3", 12.0)],
)
def test_bundled_audio_is_real_mp3(name: str, seconds: float) -> None:
    facts = probe_file(MEDIA / name)
    assert facts.mime_type == "audio/mpeg"
    assert facts.duration == pytest.approx(seconds, abs=0.05)
    assert facts.length == (MEDIA / name).stat().st_size < 60_000


def test_wav_duration_from_the_file(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(struct.pack("<h", 0) * 16000)
    (tmp_path / "a.wav").write_bytes(buf.getvalue())
    facts = probe_file(tmp_path / "a.wav")
    assert (facts.mime_type, facts.duration) == ("audio/wav", pytest.approx(2.0))


def test_broken_audio_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "x.mp3").write_bytes(b"ID3\x04\x00\x00\x00\x00\x00\x00")
    with pytest.raises(MediaError, match=r"x\.mp3"):
        probe_file(tmp_path / "x.mp3")
    with pytest.raises(MediaError, match="cannot read"):
        probe_file(tmp_path / "missing.mp3")
    # an ID3 tag claiming 268 MB over 2 KB of noise: some of mutagen's errors say nothing,
    # and the message once ended at "cannot read the audio: "
    (tmp_path / "y.mp3").write_bytes(b"ID3\x04\x00\x00\x7f\x7f\x7f\x7f" + bytes(range(256)) * 8)
    with pytest.raises(MediaError) as caught:
        probe_file(tmp_path / "y.mp3")
    assert str(caught.value).startswith("y.mp3: ")
    assert not str(caught.value).rstrip().endswith(":")


def test_head_then_cache_second_build_makes_no_request(
    httpserver: HTTPServer, tmp_path: Path, session: requests.Session
) -> None:
    httpserver.expect_request("/ep1.mp3", method="HEAD").respond_with_data(
        b"\x00" * 1234, content_type="audio/mpeg"
    )
    url = httpserver.url_for("/ep1.mp3")
    first = RemoteMedia(tmp_path, session)(url)
    assert (first.length, first.mime_type) == (1234, "audio/mpeg")
    assert len(httpserver.log) == 1
    cached = json.loads((tmp_path / CACHE_FILE).read_text())
    assert cached["entries"][url] == {"length": 1234, "type": "audio/mpeg"}
    httpserver.clear()  # from now on any request would fail
    again = RemoteMedia(tmp_path, session)(url)
    assert again == first
    assert httpserver.log == []


def test_ranged_get_when_head_is_refused(
    httpserver: HTTPServer, tmp_path: Path, session: requests.Session
) -> None:
    seen: list[str | None] = []

    def ranged(request: Request) -> Response:
        seen.append(request.headers.get("Range"))
        return Response(
            b"ID3\x04" + bytes(60),
            status=206,
            headers={
                "Content-Range": "bytes 0-63/987654",
                "Content-Type": "application/octet-stream",
            },
        )

    httpserver.expect_request("/ep2.mp3", method="HEAD").respond_with_data("", status=405)
    httpserver.expect_request("/ep2.mp3", method="GET").respond_with_handler(ranged)
    facts = RemoteMedia(tmp_path, session)(httpserver.url_for("/ep2.mp3"))
    assert (facts.length, facts.mime_type) == (987654, "audio/mpeg")
    assert seen == ["bytes=0-63"]


def test_remote_errors_are_reported(
    httpserver: HTTPServer, tmp_path: Path, session: requests.Session
) -> None:
    httpserver.expect_request("/gone.mp3").respond_with_data("", status=404)
    with pytest.raises(MediaError, match="the server answered 404"):
        RemoteMedia(tmp_path, session)(httpserver.url_for("/gone.mp3"))
    assert not (tmp_path / CACHE_FILE).exists()


def test_a_server_that_ignores_range_is_read_64_bytes_not_the_whole_file(
    httpserver: HTTPServer, session: requests.Session
) -> None:
    """The Range GET took ``resp.content``: a server sending the whole episode (64 MB here)
    had all of it read into memory, in every cold build, for 64 bytes of magic."""
    from pipeline.podcast.media import fetch_remote

    total, chunk = 64 << 20, 1 << 16
    sent = [0]

    def body() -> Iterator[bytes]:
        for n in range(total // chunk):
            sent[0] += chunk
            yield (
                (b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * (chunk - 10))
                if n == 0
                else (b"\x00" * chunk)
            )

    httpserver.expect_request("/ep.mp3", method="HEAD").respond_with_data(b"", status=200)
    httpserver.expect_request("/ep.mp3", method="GET").respond_with_response(
        Response(body(), status=200, headers={"Content-Length": str(total)})
    )
    facts = fetch_remote(httpserver.url_for("/ep.mp3"), session)
    assert (facts.mime_type, facts.length) == ("audio/mpeg", total)
    assert sent[0] < total // 4, f"{sent[0]} of {total} bytes sent"
