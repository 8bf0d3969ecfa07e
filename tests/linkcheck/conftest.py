"""A hostile HTTP server on 127.0.0.1 for the link checker's tests, written on raw sockets.

It serves well-behaved pages and every misbehaviour the checker must survive: slow paths,
404/410, 429 with Retry-After, 405 on HEAD, redirects, loops, redirects to ``file://``, bot
walls, 5xx-then-ok, a socket that never answers, a byte-a-second drip, an endless body, a gzip
bomb, a 10 MB header and a 16 MB body, bodies that end early, drip or come in an encoding not
asked for, and a Location header in ISO-8859-1. It counts the requests it sees per path.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import gzip
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
import trustme

PAGE = b"""<!doctype html><html><body>
<h2 id="intro">Intro</h2><p><a name="legacy">old anchor</a></p>
<h3 id="user-content-from-github">GitHub-style id</h3>
</body></html>"""
MEDIA_LENGTH = 12345
IDS_PAGE = b"""<!doctype html><html><head><meta name="viewport" content="width=device-width">
<script>document.write("<p id='scripted'>");</script><style>#styled { color: red }</style>
</head><body><!-- <h2 id="commented">old</h2> -->
<a name="legacy" id="modern">both</a> <input name="q" id="search">
<div title="see id=quoted" id="real">text</div> <P ID="upper">shout</P>
</body></html>"""
"""Ids a browser finds (modern, legacy, search, real, upper) beside look-alikes it does not: in
a script, a style, a comment, a quoted value, and the name of an element other than <a>."""


@functools.cache
def many_ids() -> bytes:
    """A 1.8 MB page of 70,000 headings, each with its id (a long specification's shape)."""
    return b"".join(b'<h3 id="s%d">%d</h3>\n' % (i, i) for i in range(70_000))


def raw_deflate(data: bytes) -> bytes:
    """``Content-Encoding: deflate`` as some servers send it: without the zlib wrapper."""
    packer = zlib.compressobj(wbits=-15)
    return packer.compress(data) + packer.flush()


@functools.cache
def gzip_bomb() -> bytes:
    """About 100 KB that inflate to 100 MB."""
    return gzip.compress(b"<html><body>" + b"\0" * 100_000_000, compresslevel=6)


@functools.cache
def big_header() -> bytes:
    """A 10 MB response header line."""
    return b"X-Big: " + b"a" * 10_000_000 + b"\r\n\r\n"


def _status_line(code: int) -> bytes:
    reasons = {
        200: "OK", 206: "Partial Content", 301: "Moved Permanently", 302: "Found",
        403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 410: "Gone",
        429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable",
        999: "Request denied",
    }  # fmt: skip
    return f"HTTP/1.1 {code} {reasons.get(code, 'Status')}\r\n".encode()


@dataclass
class HostileServer:
    sock: socket.socket
    hits: collections.Counter[str] = field(default_factory=collections.Counter)
    agents: set[str] = field(default_factory=set)
    headers_seen: dict[str, dict[str, str]] = field(default_factory=dict)
    body_sent: dict[str, int] = field(default_factory=dict)
    """Bytes of the 16 MB body the server managed to write before the client hung up."""
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base(self) -> str:
        host, port = self.sock.getsockname()[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def count(self, prefix: str = "") -> int:
        with self.lock:
            return sum(n for p, n in self.hits.items() if p.split(" ", 1)[1].startswith(prefix))

    def serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(10)
        try:
            data = b""
            while b"\r\n\r\n" not in data and len(data) < 65536:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                data += chunk
            head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
            method, target, _ = head[0].split(" ", 2)
            headers = {}
            for line in head[1:]:
                k, _, v = line.partition(":")
                headers[k.strip().lower()] = v.strip()
            path = target.split("?", 1)[0]
            with self.lock:
                n = self.hits[f"{method} {path}"] = self.hits[f"{method} {path}"] + 1
                self.agents.add(headers.get("user-agent", ""))
                self.headers_seen[path] = headers
            self._route(conn, method, path, headers, n)
        except OSError:
            pass
        finally:
            conn.close()

    def _send(self, conn: socket.socket, code: int, body: bytes = b"", **extra: str) -> None:
        hdrs = {"Content-Type": "text/html; charset=utf-8", "Content-Length": str(len(body))}
        hdrs.update({k.replace("_", "-"): v for k, v in extra.items()})
        out = _status_line(code) + b"".join(f"{k}: {v}\r\n".encode() for k, v in hdrs.items())
        conn.sendall(out + b"Connection: close\r\n\r\n" + body)

    def _route(
        self, conn: socket.socket, method: str, path: str, headers: dict[str, str], n: int
    ) -> None:
        send = self._send
        if path in ("/ok", "/head405") and method == "GET":
            send(conn, 200, b"<html>ok</html>")
        elif path == "/head405":
            send(conn, 405)
        elif path == "/page":
            send(conn, 200, PAGE)
        elif path.startswith("/slow"):
            time.sleep(0.05)
            send(conn, 200, b"slow but fine")
        elif path in ("/404", "/410", "/403", "/999", "/500"):
            send(conn, int(path[1:]), b"nope")
        elif path.startswith("/flaky"):
            send(conn, 503 if n == 1 else 200, b"flaky")
        elif path.startswith("/429-once"):
            send(conn, 429, Retry_After="1") if n == 1 else send(conn, 200, b"ok now")
        elif path == "/429-always":
            send(conn, 429, Retry_After="0")
        elif path == "/429-long":
            send(conn, 429, Retry_After="3600")
        elif path == "/redirect":
            send(conn, 301, Location="/page")
        elif path == "/loop-a":
            send(conn, 302, Location=self.url("/loop-b"))
        elif path == "/loop-b":
            send(conn, 302, Location="/loop-a")
        elif path.startswith("/drag/"):  # a page answered just inside the timeout
            time.sleep(0.7)
            send(conn, 200, b"slow but there")
        elif path.startswith("/drag-chain/"):  # each hop answered just inside the timeout
            time.sleep(0.7)
            send(conn, 302, Location=f"/drag-chain/{int(path.rsplit('/', 1)[1]) + 1}")
        elif path.startswith("/chain/"):
            send(conn, 302, Location=f"/chain/{int(path.rsplit('/', 1)[1]) + 1}")
        elif path == "/to-file":
            send(conn, 302, Location="file:///etc/passwd")
        elif path == "/to-ftp":
            send(conn, 302, Location="ftp://127.0.0.1/secret")
        elif path == "/to-broken-url":
            send(conn, 302, Location="http://[::1")
        elif path == "/bad-length":
            conn.sendall(_status_line(200) + b"Content-Length: -5\r\n\r\nhello")
        elif path == "/bell":  # a reason phrase a terminal would act on
            conn.sendall(b"HTTP/1.1 404 Nope\x07\x1b[2J\r\nContent-Length: 0\r\n\r\n")
        elif path == "/not-http":
            conn.sendall(b"\x00\xff\x1b[31m not HTTP at all\r\n\r\n")
        elif path == "/hang":
            self.stop.wait(30)
        elif path == "/drip":
            conn.sendall(b"HTTP/1.1 200 OK\r\nX-Drip: ")
            while not self.stop.wait(1.0):
                conn.sendall(b"a")
        elif path.startswith("/endless"):
            conn.sendall(_status_line(200) + b"Content-Type: text/html\r\n\r\n")
            while not self.stop.is_set():
                conn.sendall(b"<p>" + b"a" * 65536)
        elif path == "/gzip-bomb":
            send(conn, 200, gzip_bomb(), Content_Encoding="gzip")
        elif path == "/bigheader":
            conn.sendall(_status_line(200))
            conn.sendall(big_header())
        elif path.startswith("/big"):
            conn.sendall(
                _status_line(200)
                + b"Content-Type: application/octet-stream\r\nContent-Length: 16777216\r\n\r\n"
            )
            for _ in range(256):
                conn.sendall(b"\0" * 65536)
                with self.lock:
                    self.body_sent[path] = self.body_sent.get(path, 0) + 65536
        elif path.startswith("/media"):
            ctype = "audio/mpeg"
            if headers.get("range") == "bytes=0-0":
                send(conn, 206, b"\0", Content_Type=ctype,
                     Content_Range=f"bytes 0-0/{MEDIA_LENGTH}")  # fmt: skip
            else:
                send(conn, 200, b"\0" * MEDIA_LENGTH, Content_Type=ctype)
        elif path == "/short-body":  # says 1000 bytes, sends the page, hangs up
            head = b"Content-Type: text/html\r\nContent-Length: 1000\r\n\r\n"
            conn.sendall(_status_line(200) + head + PAGE)
        elif path == "/raw-deflate":
            send(conn, 200, raw_deflate(PAGE), Content_Encoding="deflate")
        elif path == "/brotli":  # not asked for: Accept-Encoding names gzip and deflate
            send(conn, 200, b"\x1b\x00 brotli bytes", Content_Encoding="br")
        elif path == "/drip-body":  # the page, then a byte every half second
            conn.sendall(_status_line(200) + b"Content-Type: text/html\r\n\r\n" + PAGE)
            while not self.stop.wait(0.5):
                conn.sendall(b" ")
        elif path == "/many-ids":
            send(conn, 200, many_ids())
        elif path == "/ids":
            send(conn, 200, IDS_PAGE)
        elif path == "/latin1-location":  # "/café" in ISO-8859-1, not UTF-8
            conn.sendall(_status_line(302) + b"Location: /caf\xe9\r\nContent-Length: 0\r\n\r\n")
        elif path == "/caf%E9":
            send(conn, 200, b"latin-1 page")
        elif path == "/needs-token":
            ok = headers.get("authorization") == "Bearer s3cret-token"
            send(conn, 200 if ok else 403, b"token page")
        else:
            send(conn, 404, b"unknown path")


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    sock = socket.create_server(("127.0.0.1", 0), backlog=256)
    sock.settimeout(0.2)
    server = HostileServer(sock)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    yield server
    server.stop.set()
    sock.close()
    thread.join(timeout=2)


@contextlib.contextmanager
def _socket_server(answer: Callable[[socket.socket], None]) -> Iterator[int]:
    """A port on 127.0.0.1 whose every connection ``answer`` serves (its errors ignored: a
    client may hang up), one at a time, until the block ends."""
    sock = socket.create_server(("127.0.0.1", 0))
    sock.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                with contextlib.suppress(OSError):
                    answer(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield int(sock.getsockname()[1])
    finally:
        stop.set()
        sock.close()
        thread.join(timeout=2)


@pytest.fixture
def tls_base() -> Iterator[str]:
    """``https://127.0.0.1:PORT`` serving a 200 on a certificate of a test authority no
    client trusts (made by trustme): a host that answers, with a certificate no browser
    accepts."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    trustme.CA().issue_cert("127.0.0.1").configure_cert(context)

    def answer(conn: socket.socket) -> None:  # the client refuses the certificate, as it should
        with context.wrap_socket(conn, server_side=True) as tls:
            tls.recv(65536)
            tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")

    with _socket_server(answer) as port:
        yield f"https://127.0.0.1:{port}"


@pytest.fixture
def plain_port() -> Iterator[int]:
    """A port on 127.0.0.1 that answers anything, a TLS hello too, with plain HTTP (an
    ``https://`` URL on a server that speaks no TLS)."""

    def answer(conn: socket.socket) -> None:
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

    with _socket_server(answer) as port:
        yield port


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 with nothing listening (connection refused)."""
    s = socket.create_server(("127.0.0.1", 0))
    port = int(s.getsockname()[1])
    s.close()
    return port
