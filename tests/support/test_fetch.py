"""support/fetch.py: a document fetched for lint-feed and import, its failures in words."""

from __future__ import annotations

import socket
import threading

import pytest
import requests
from pytest_httpserver import HTTPServer
from werkzeug import Response

from pipeline.support.fetch import UnreadableSource, fetch_bounded


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
