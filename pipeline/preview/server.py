"""The preview's HTTP server: the site folder as built, HTML with the reload script, and
``/_preview/`` (the script, the build's status as JSON, and the Server-Sent Events stream)."""

from __future__ import annotations

import json
import mimetypes
import posixpath
import re
import sys
import threading
from collections.abc import Callable, Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

from pipeline.preview.address import family_of, host_allowed
from pipeline.preview.digest import NOTHING, DigestPreview, render_page
from pipeline.preview.inject import inject
from pipeline.preview.news import Newsroom

LIVE_JS = Path(__file__).resolve().parent / "live.js"
HEARTBEAT_SECONDS = 15.0
"""A comment line this often keeps proxies and the browser from dropping an idle stream."""

DIGEST_PATHS = ("/_preview/digest", "/_preview/digest.html", "/_preview/digest.txt")

HTML = "text/html; charset=utf-8"
TYPES = {".opml": "text/x-opml"}
"""Types the system's table may not know (served as a static host serves them)."""
_RANGE = re.compile(r"bytes=(\d{0,18})-(\d{0,18})")
NOT_FOUND = b"<!doctype html><title>Not found</title><h1>Not found</h1>"


class PreviewServer(ThreadingHTTPServer):
    """Serves ``root``; ``marks`` gives a page's banner by its site path (read per request)."""

    daemon_threads = True
    allow_reuse_address = True  # closed connections (TIME_WAIT) no bar; a live server still is

    def __init__(
        self,
        address: tuple[str, int],
        root: Path,
        news: Newsroom,
        marks: Callable[[], Mapping[str, str]],
        digest: Callable[[], DigestPreview] | None = None,
    ) -> None:
        self.root = root.resolve()
        self.news = news
        self.marks = marks
        self.digest = digest
        self.live_js = LIVE_JS.read_bytes()
        self.address_family = family_of(address[0])
        self.origin = ""
        """The origin the pages link to, once the port is known: requests must name it (or
        an address, or localhost) in their Host header."""
        super().__init__(address, PreviewHandler)

    def handle_error(self, request: object, client_address: object) -> None:
        """A browser that drops a connection (an aborted download, a reset keep-alive) is no
        error: it printed a traceback in the terminal. Anything else is reported as usual."""
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"
    query = ""

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the terminal shows rebuilds, not every request."""

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def do_GET(self) -> None:
        self._respond(head=False)

    def _respond(self, *, head: bool) -> None:
        if not host_allowed(self.headers.get("Host"), self.server.origin):
            why = (
                f"This preview answers to {self.server.origin} (or its address) only; "
                "to reach it by another name, start it with --base-url naming it.\n"
            )
            self._send(HTTPStatus.FORBIDDEN, "text/plain; charset=utf-8", why.encode(), head)
            return
        url = urlsplit(self.path)
        path = unquote(url.path)
        self.query = url.query
        if path == "/_preview/events":
            if head:  # the stream's headers, no stream
                self._send(HTTPStatus.OK, "text/event-stream", b"", head)
                return
            self._events(parse_qs(url.query).get("after", [""])[0])
        elif path == "/_preview/live.js":
            self._send(HTTPStatus.OK, "text/javascript; charset=utf-8", self.server.live_js, head)
        elif path == "/_preview/status":
            news = self.server.news
            status = {"number": news.number, "problems": list(news.problems), "busy": news.busy()}
            body = json.dumps(status).encode()
            self._send(HTTPStatus.OK, "application/json", body, head)
        elif path in DIGEST_PATHS and self.server.digest is not None:
            self._digest(path, self.server.digest(), head)
        else:
            self._file(path, head)

    def _digest(self, path: str, preview: DigestPreview, head: bool) -> None:
        """The digest page (with the reload script), or one of its parts exactly as composed."""
        html_kind, text_kind = HTML, "text/plain; charset=utf-8"
        if path == "/_preview/digest":
            page = inject(render_page(preview), self.server.news.number)
            self._send(HTTPStatus.OK, html_kind, page, head)
            return
        digest = preview.digest
        if digest is None:
            why = "\n".join(preview.problems) or NOTHING
            self._send(HTTPStatus.NOT_FOUND, text_kind, (why + "\n").encode(), head)
        elif path.endswith(".html"):
            self._send(HTTPStatus.OK, html_kind, digest.html.encode("utf-8"), head)
        else:
            self._send(HTTPStatus.OK, text_kind, digest.text.encode("utf-8"), head)

    def _file(self, path: str, head: bool) -> None:
        build = self.server.news.number  # before the read: a page never claims a newer build
        target = self._locate(path)
        if target is None and not path.endswith("/") and self._locate(path + "/") is not None:
            self._redirect(path + "/")
            return
        if target is None:
            self._not_found(build, head)
            return
        try:
            body = target.read_bytes()
        except OSError:  # removed by a rebuild between the look and the read
            self._not_found(build, head)
            return
        kind = TYPES.get(target.suffix.lower()) or mimetypes.guess_type(target.name)[0]
        kind = kind or "application/octet-stream"
        if kind == "text/html":
            page = path if path.endswith("/") else posixpath.dirname(path) + "/"
            body = inject(body, build, self.server.marks().get(page))
        if kind.startswith("text/") or kind in ("application/json", "application/xml"):
            kind += "; charset=utf-8"
        if kind != HTML:  # a file as a static host serves it: in parts (an episode's player
            self._ranged(kind, body, head)  # seeks by asking for the part it plays)
            return
        self._send(HTTPStatus.OK, kind, body, head)

    def _ranged(self, kind: str, body: bytes, head: bool) -> None:
        """``body``, or the one range of it the request asks for (RFC 9110's ``bytes=a-b``,
        ``a-``, ``-n``: 206, or 416 when it lies past the end); any other Range header is
        answered with the whole body, as the RFC allows."""
        size = len(body)
        # (on GET only: a server ignores Range on other methods, RFC 9110 14.2)
        found = None if head else _RANGE.fullmatch(self.headers.get("Range", "").strip().lower())
        if found is None or found.group() == "bytes=-":
            self._send(HTTPStatus.OK, kind, body, head, ranges=True)
            return
        first, last = found.groups()
        if first:
            start, end = int(first), min(int(last) if last else size - 1, size - 1)
        else:  # the last n bytes
            start, end = max(size - int(last), 0), size - 1
        if start >= size or start > end or (not first and int(last) == 0):
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(HTTPStatus.PARTIAL_CONTENT)
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self._send_headers(kind, end - start + 1, ranges=True)
        if not head:
            self.wfile.write(body[start : end + 1])

    def _redirect(self, path: str) -> None:
        """To the folder's URL: its path rebuilt from its parts and percent-encoded (``é``
        and ``%2F`` stay in the path; ``//host`` never leaves the preview), query kept."""
        parts = [p for p in path.split("/") if p]
        where = quote("/" + "/".join(parts) + "/") + (f"?{self.query}" if self.query else "")
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", where)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _not_found(self, build: int, head: bool) -> None:
        """The site's own ``404.html``, as static hosts serve it (else a plain page), with the
        reload script: the page shows once a save brings it back."""
        page = self._locate("/404.html")
        try:
            body = page.read_bytes() if page is not None else NOT_FOUND
        except OSError:
            body = NOT_FOUND
        self._send(HTTPStatus.NOT_FOUND, HTML, inject(body, build), head)

    def _locate(self, path: str) -> Path | None:
        """The file for a URL path inside the site folder (``index.html`` for a folder)."""
        parts = [p for p in path.split("/") if p]
        if any(p in (".", "..") or "\\" in p or "\0" in p for p in parts):
            return None
        if any(p.startswith(".publish") for p in parts):  # the build's bookkeeping, temp files
            return None
        target = self.server.root.joinpath(*parts)
        if path.endswith("/") or not parts:
            target = target / "index.html"
        try:
            target = target.resolve()
            target.relative_to(self.server.root)
        except (OSError, ValueError):
            return None
        try:
            return target if target.is_file() else None
        except OSError:  # a name too long for the file system: no such file
            return None

    def _send(
        self, status: HTTPStatus, kind: str, body: bytes, head: bool, *, ranges: bool = False
    ) -> None:
        self.send_response(status)
        self._send_headers(kind, len(body), ranges=ranges)
        if not head:
            self.wfile.write(body)

    def _send_headers(self, kind: str, length: int, *, ranges: bool = False) -> None:
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(length))
        if ranges:
            self.send_header("Accept-Ranges", "bytes")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()

    def _events(self, after: str) -> None:
        """The Server-Sent Events stream: news after the number the client last saw (its
        ``Last-Event-ID`` on a reconnection, else the page's build, else the current one)."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        news = self.server.news
        seen = news.number
        last = self.headers.get("Last-Event-ID", "") or after
        if last.isascii() and last.isdigit() and len(last) < 19:  # not "²", not 5,000 digits
            seen = min(seen, int(last))
        try:
            self.wfile.write(b"retry: 1000\n\n")
            self.wfile.flush()
            while not news.closed:
                item = news.wait(seen, HEARTBEAT_SECONDS)
                if item is None:
                    self.wfile.write(b": still here\n\n")
                else:
                    seen = item.number
                    self.wfile.write(item.frame())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return


def serve_in_thread(server: PreviewServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, name="publish-serve", daemon=True)
    thread.start()
    return thread
