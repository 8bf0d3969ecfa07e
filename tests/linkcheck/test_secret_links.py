"""A credential a ``[[links.hosts]]`` header takes from the environment, echoed back by the
server it is sent to (in a redirect's URL, a reason phrase, a redirect loop or a refused
redirect), is in no report format, on no stream, and not in the links cache, whatever the
variable is called."""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.newsletter.test_secret_newsletter import assert_hidden

SECRET = "lk/FAKE+AUTH<5c1e>&\"8d'2f\\b7=a9"


class _Echo(BaseHTTPRequestHandler):
    """Answers with the bearer token it was sent, in the place its path names."""

    def log_message(self, *args: Any) -> None:
        pass

    def _answer(self, code: int, reason: str = "", location: str = "") -> None:
        self.send_response(code, reason or None)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        token = self.headers.get("Authorization", "").split(" ", 1)[-1]
        path = self.path.split("?", 1)[0]
        b64 = base64.urlsafe_b64encode(f"u:{token}".encode()).decode()
        if path == "/to-landing":  # ok, and cached
            self._answer(302, location=f"/landing?token={quote(token, safe='')}")
        elif path == "/to-landing-b64":
            self._answer(302, location=f"/landing?auth={b64}")
        elif path == "/loop":
            self._answer(302, location=f"/loop-back?t={quote(token, safe='')}")
        elif path == "/loop-back":
            self._answer(302, location="/loop")
        elif path == "/to-ftp":
            self._answer(302, location=f"ftp://files.example/?t={token}")
        elif path == "/reason":
            self._answer(404, reason=f"Unknown token {token}")
        elif path == "/ok-reason":
            self._answer(200, reason=f"OK for {token}")
        else:
            self._answer(200)


@pytest.fixture
def echo() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


PATHS = ("/to-landing", "/to-landing-b64", "/loop", "/to-ftp", "/reason", "/ok-reason")


@pytest.mark.parametrize("variable", ["LINK_AUTH", "GITHUB_TOKEN"])
def test_a_header_credential_echoed_back_is_in_no_report_and_not_in_the_cache(
    tmp_path: Path, echo: str, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    """LINK_AUTH has no secret's name: only the header's naming it makes it one. Before, the
    ok verdict of a redirect kept the token in ``links.json`` whatever the name."""
    monkeypatch.setenv(variable, SECRET)
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    (root / "publish.toml").write_text(
        '[site]\ntitle = "T"\nbase_url = "https://example.org/"\n\n'
        "[links]\nretries = 0\n\n[[links.hosts]]\npattern = '^127\\.0\\.0\\.1$'\n"
        f'headers = {{ Authorization = "Bearer ${variable}" }}\n',
        encoding="utf-8",
    )
    links = "\n".join(f"- [{p}]({echo}{p})" for p in PATHS)
    (root / "content" / "index.md").write_text(f"# Links\n\n{links}\n", encoding="utf-8")
    monkeypatch.chdir(root)
    for fmt in ("text", "json", "markdown", "github"):
        result = CliRunner().invoke(main, ["links", "--cache-dir", "cache", "--format", fmt])
        assert result.exit_code == 2, (result.stdout, result.stderr)
        assert f"{echo}/reason" in result.stdout
        assert_hidden((SECRET,), result.stdout, result.stderr, folder=root)
    cache = (root / "cache" / "links.json").read_text(encoding="utf-8")
    assert f"{echo}/to-landing" in cache and "/landing?token=***" in cache


def test_a_content_url_that_holds_a_secret_is_not_a_key_of_the_cache(
    tmp_path: Path, echo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A link whose URL carries a secret of the environment (a token pasted into a page) was
    written in clear as a key of ``links.json``; it is checked again each run instead."""
    token = "gh_FAKETOKEN0123456789abcdef"
    monkeypatch.setenv("GITHUB_TOKEN", token)
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    (root / "publish.toml").write_text(
        '[site]\ntitle = "T"\nbase_url = "https://example.org/"\n\n[links]\nretries = 0\n',
        encoding="utf-8",
    )
    page = f"# Links\n\n- [a]({echo}/plain)\n- [b]({echo}/page?token={token})\n"
    (root / "content" / "index.md").write_text(page, encoding="utf-8")
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["links", "--cache-dir", "cache"])
    assert result.exit_code == 0, (result.stdout, result.stderr)
    cache = (root / "cache" / "links.json").read_text(encoding="utf-8")
    assert f"{echo}/plain" in cache
    assert token not in cache and "/page?token=" not in cache
