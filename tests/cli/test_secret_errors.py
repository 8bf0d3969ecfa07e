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
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Missing)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


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
