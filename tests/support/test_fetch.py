"""support/fetch.py: a document fetched for lint-feed and import, its failures in words."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest
import requests
from pytest_httpserver import HTTPServer
from werkzeug import Response

from pipeline.support.fetch import UnreadableSource, download_to, fetch_bounded


@pytest.mark.parametrize(
    ("location", "why"),
    [
        ("file:///etc/passwd", "not an http(s) URL (or a redirect to one)"),
        ("/loop", "too many redirects"),
    ],
    ids=["file", "loop"],
)
def test_a_redirect_that_cannot_be_followed_is_named(
    httpserver: HTTPServer, location: str, why: str
) -> None:
    httpserver.expect_request("/loop").respond_with_response(
        Response(status=302, headers={"Location": location})
    )
    url = httpserver.url_for("/loop")
    with requests.Session() as session, pytest.raises(UnreadableSource) as caught:
        fetch_bounded(url, session)
    assert str(caught.value) == f"cannot fetch {url}: {why}"


def test_a_closed_port_is_named() -> None:
    """A port nothing listens on (bound, then closed: the shared test server, stopped here
    before, stayed stopped for every later test that used it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/x"
    with requests.Session() as session, pytest.raises(UnreadableSource) as caught:
        fetch_bounded(url, session, timeout=2)
    assert str(caught.value).endswith(": connection failed, or the answer was not HTTP")


def test_a_redirect_to_a_url_that_is_not_one_is_named() -> None:
    """``Location: http://[::1`` raised a bare ValueError past the fetch's errors: "unexpected
    error" from lint-feed and import (a raw socket: HTTP servers for tests refuse to send it)."""
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def answer() -> None:
        conn, _ = server.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(
                b"HTTP/1.1 302 Found\r\nLocation: http://[::1\r\nContent-Length: 0\r\n\r\n"
            )

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}/feed.xml"
    try:
        with requests.Session() as session, pytest.raises(UnreadableSource) as caught:
            fetch_bounded(url, session, timeout=5)
    finally:
        thread.join(5)
        server.close()
    assert str(caught.value) == f"cannot fetch {url}: not a valid URL (or a redirect to one)"


def _dripping_server(stop: threading.Event) -> tuple[socket.socket, str]:
    """A server that declares 10,000 bytes and sends one every 50 ms (each read well within
    any socket timeout), until ``stop``."""
    server = socket.create_server(("127.0.0.1", 0))

    def answer() -> None:
        conn, _ = server.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 10000\r\n\r\n<")
            while not stop.wait(0.05):
                try:
                    conn.sendall(b"x")
                except OSError:
                    return

    threading.Thread(target=answer, daemon=True).start()
    return server, f"http://127.0.0.1:{server.getsockname()[1]}/feed.xml"


@pytest.mark.parametrize("into_file", [False, True], ids=["read", "download"])
def test_a_server_dripping_bytes_is_cut_at_the_deadline(tmp_path: Path, into_file: bool) -> None:
    """A byte a second never timed out: the body was read for its declared length (or 64 KB at
    a time), each byte within the socket's timeout, so ``lint-feed URL`` and ``import podcast
    URL`` ran past 400 s against the 120 s promised."""
    stop = threading.Event()
    server, url = _dripping_server(stop)
    failure: list[BaseException] = []

    def fetch() -> None:
        with requests.Session() as session:
            try:
                if into_file:
                    download_to(
                        url, tmp_path / "a.mp3", session, max_bytes=10**6, deadline=1, timeout=5
                    )
                else:
                    fetch_bounded(url, session, deadline=1, timeout=5)
            except BaseException as exc:  # handed to the test's thread
                failure.append(exc)

    worker = threading.Thread(target=fetch, daemon=True)
    started = time.monotonic()
    worker.start()
    worker.join(20)
    took = time.monotonic() - started
    stop.set()
    server.close()
    assert not worker.is_alive(), "still reading after 20 s: the deadline of 1 s did not hold"
    assert took < 8
    assert len(failure) == 1 and isinstance(failure[0], UnreadableSource)
    assert str(failure[0]) == f"cannot fetch {url}: not done after 1 s"
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no part of a download is left


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (
            b"<rss><title>Caf\xe9 \x93Talk\x94</title></rss>",
            "application/rss+xml; charset=iso-8859-1",
        ),
        (
            b'<?xml version="1.0" encoding="utf-8"?>\n<rss><title>Caf\xe9 \x93Talk\x94</title></rss>',
            'text/xml; Charset="ISO-8859-1"',
        ),
        ("<rss><title>Café “Talk”</title></rss>".encode(), "application/xml"),
    ],
    ids=["no-declaration", "declaration-overruled", "no-charset"],
)
def test_the_charset_a_server_names_is_the_feeds(
    httpserver: HTTPServer, body: bytes, content_type: str
) -> None:
    """RFC 7303: the charset of an XML media type wins over the XML declaration (a feed in
    Latin-1 served so, without a declaration, was refused as not well-formed, line 1)."""
    from pipeline.support.xmlbytes import as_utf8, declaration_first

    httpserver.expect_request("/feed.xml").respond_with_data(body, content_type=content_type)
    with requests.Session() as session:
        data = fetch_bounded(httpserver.url_for("/feed.xml"), session)
    text = as_utf8(declaration_first(data), web=True).decode("utf-8")
    assert "<title>Café “Talk”</title>" in text
    assert text.count("\n") == body.count(b"\n")  # every line keeps its number
