"""An error message of any command is redacted: a URL typed on the command line may carry a
token the shell took from the environment (``publish lint-feed "$FEED_URL?token=$FEED_TOKEN"``),
and a failing fetch names that URL."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.cli.conftest import serving
from tests.newsletter.test_secret_newsletter import assert_hidden

TOKEN = "fd/FAKE+FEED<4b2a>&\"1c'9e\\7d=e3"


class _Missing(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture
def server() -> Iterator[str]:
    with serving(_Missing) as url:
        yield url


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("answer", ["404", "refused"])
def test_a_token_in_a_url_given_to_lint_feed_is_not_in_its_error(
    server: str, monkeypatch: pytest.MonkeyPatch, answer: str
) -> None:
    monkeypatch.setenv("FEED_TOKEN", TOKEN)
    base = server if answer == "404" else f"http://127.0.0.1:{_closed_port()}"
    url = f"{base}/feed.xml?token={quote(TOKEN, safe='')}&raw={TOKEN}"
    result = CliRunner().invoke(main, ["lint-feed", url])
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert f"error: cannot fetch {base}/feed.xml?token=***&raw=***" in result.stderr
    assert_hidden((TOKEN,), result.stdout, result.stderr)


class _Feed(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_token_in_a_url_given_to_lint_feed_is_not_in_its_report(
    monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    monkeypatch.setenv("FEED_TOKEN", TOKEN)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Feed)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{httpd.server_address[1]}"
        url = f"{base}/feed.xml?token={quote(TOKEN, safe='')}"
        result = CliRunner().invoke(main, ["lint-feed", url, "--format", fmt])
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert result.exit_code == 2, (result.stdout, result.stderr)  # no link, no description
    assert f"{base}/feed.xml?token=***: " in result.stderr
    if fmt == "json":
        assert f'"feed": "{base}/feed.xml?token=***"' in result.stdout
    assert_hidden((TOKEN,), result.stdout, result.stderr)
