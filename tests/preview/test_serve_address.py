"""``publish serve --bind 0.0.0.0 / ::`` and ``--base-url``: the pages' links name an origin
another machine can reach, never 127.0.0.1."""

from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.preview.address import host_allowed, origin_for
from tests.preview.serving import WAIT, ServeProcess


def _serving_line(server: ServeProcess) -> str:
    return next(line for line in server.stderr if line.startswith("Serving "))


def test_every_interface_with_a_base_url(site: Path, tmp_path: Path) -> None:
    server = ServeProcess(site, tmp_path / "tmp", "--bind", "0.0.0.0", "--base-url",
                          "http://preview.test")  # fmt: skip
    try:
        port = urlsplit(server.origin).port
        assert server.origin == f"http://preview.test:{port}/"  # the port added, as Hugo does
        assert f"listening on 0.0.0.0:{port}; " in _serving_line(server)
        page = requests.get(f"http://127.0.0.1:{port}/essays/why-we-gather/", timeout=WAIT)
        assert page.status_code == 200
        assert f'href="http://preview.test:{port}/essays/why-we-gather/"' in page.text
        assert "127.0.0.1" not in page.text
        feed = requests.get(f"http://127.0.0.1:{port}/rss.xml", timeout=WAIT).text
        assert f"<link>http://preview.test:{port}/" in feed and "127.0.0.1" not in feed
    finally:
        code, _ = server.stop()
    assert code == 0


def test_every_interface_defaults_to_this_machines_name(site: Path, tmp_path: Path) -> None:
    server = ServeProcess(site, tmp_path / "tmp", "--bind", "::")
    try:
        port = urlsplit(server.origin).port
        assert server.origin == f"http://{socket.gethostname()}:{port}/"
        line = _serving_line(server)
        assert f"listening on [::]:{port}; " in line and "give --base-url" in line
        for local in (f"http://[::1]:{port}/", f"http://127.0.0.1:{port}/"):  # both families
            page = requests.get(local + "essays/why-we-gather/", timeout=WAIT)
            assert page.status_code == 200, local
            assert f'href="{server.origin}essays/why-we-gather/"' in page.text
            assert "127.0.0.1" not in page.text and "[::" not in page.text
    finally:
        code, _ = server.stop()
    assert code == 0


def test_an_ipv6_address_is_bracketed_in_links(site: Path, tmp_path: Path) -> None:
    server = ServeProcess(site, tmp_path / "tmp", "--bind", "::1")
    try:
        port = urlsplit(server.origin).port
        assert server.origin == f"http://[::1]:{port}/"
        assert f'href="{server.origin}essays/' in server.get("/essays/why-we-gather/").text
    finally:
        code, _ = server.stop()
    assert code == 0


def test_origin_for() -> None:
    assert origin_for("127.0.0.1", 8000) == "http://127.0.0.1:8000/"
    assert origin_for("0.0.0.0", 8000, "https://me.example:9443") == "https://me.example:9443/"
    assert origin_for("0.0.0.0", 8000, "http://[fd00::5]/") == "http://[fd00::5]:8000/"


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("ftp://host/", "expected http://HOST[:PORT]/"),
        ("http://host/preview/", "the preview is served from the root: give http://host/"),
        ("http://host:99999/", "not a URL"),
    ],
)
def test_a_base_url_it_cannot_serve_is_refused(
    site: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, url: str, says: str
) -> None:
    monkeypatch.chdir(site)
    result = runner.invoke(main, ["serve", "--base-url", url])
    assert result.exit_code == 2
    assert says in result.output
    assert "Traceback" not in result.output


def _status_as(origin: str, host: str) -> tuple[int, bytes]:
    """GET / with this Host header (requests would send the URL's own)."""
    import http.client

    parts = urlsplit(origin)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=WAIT)
    try:
        conn.putrequest("GET", "/essays/why-we-gather/", skip_host=True)
        conn.putheader("Host", host)
        conn.endheaders()
        answer = conn.getresponse()
        return answer.status, answer.read()
    finally:
        conn.close()


def test_a_request_for_another_host_name_is_refused(site: Path, tmp_path: Path) -> None:
    """DNS rebinding: a page on evil.example points its name at 127.0.0.1 and reads the
    preview, drafts included, as same-origin. Only the preview's own name, an address or
    localhost gets an answer."""
    server = ServeProcess(site, tmp_path / "tmp")
    try:
        port = urlsplit(server.origin).port
        for host in (f"127.0.0.1:{port}", f"localhost:{port}", "LOCALHOST", "app.localhost"):
            assert _status_as(server.origin, host)[0] == 200, host
        for host in (f"evil.example:{port}", "evil.example", "127.0.0.1.evil.example"):
            status, body = _status_as(server.origin, host)
            assert (status, b"why-we-gather" in body) == (403, False), host
            assert b"--base-url" in body
    finally:
        code, _ = server.stop()
    assert code == 0
    named = ServeProcess(site, tmp_path / "tmp2", "--bind", "0.0.0.0", "--base-url",
                         "http://preview.test")  # fmt: skip
    try:
        port = urlsplit(named.origin).port
        local = f"http://127.0.0.1:{port}/"
        assert _status_as(local, f"preview.test:{port}")[0] == 200
        assert _status_as(local, f"other.test:{port}")[0] == 403
    finally:
        code, _ = named.stop()
    assert code == 0


def test_host_allowed() -> None:
    origin = "http://preview.test:8000/"
    for host in (None, "", "127.0.0.1", "[::1]:8000", "10.0.0.5:8000", "localhost", "a.localhost",
                 "PREVIEW.test:8000"):  # fmt: skip
        assert host_allowed(host, origin), host
    for host in ("evil.example", "preview.test.evil.example", "localhost.evil.example", "[bad"):
        assert not host_allowed(host, origin), host
