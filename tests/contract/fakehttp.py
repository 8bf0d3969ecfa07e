"""A tiny threaded HTTP server for contract fakes, with injectable faults.

A fault matches a method and a path regex and is used up after ``times`` requests:
``500`` / ``429`` (with Retry-After) / ``malformed`` (2xx with broken JSON) / ``timeout``
(no answer for ``delay`` seconds) / ``reset`` (TCP RST) / ``hang`` (never answer) /
``pass`` (answer normally: lets the first ``times`` matching requests through) /
``respond`` (``body`` is a function of the request returning the response: an echo).
``after=True`` lets the real handler act first (state changes), then answers with the fault:
a response lost after the server acted, as in a crash or network drop mid-send.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

Response = tuple[int, dict[str, str], bytes]


@dataclass
class Fault:
    kind: str
    method: str = ".*"
    path: str = ".*"
    times: int = 1
    after: bool = False
    retry_after: str = "1"
    delay: float = 2.0
    body: Any = None


@dataclass
class Request:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")


def json_response(status: int, data: Any, headers: dict[str, str] | None = None) -> Response:
    body = b"" if data is None else json.dumps(data).encode()
    return status, {"Content-Type": "application/json", **(headers or {})}, body


class FakeHTTPServer:
    """Serve ``self.handle(request) -> Response`` on a free 127.0.0.1 port in a thread."""

    error_body: Callable[[str], Any] = staticmethod(lambda msg: {"detail": msg})

    def __init__(self) -> None:
        self.faults: list[Fault] = []
        self.requests: list[Request] = []
        self.lock = threading.RLock()
        self._release = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                split = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                req = Request(
                    self.command,
                    split.path,
                    parse_qsl(split.query, keep_blank_values=True),
                    {k: v for k, v in self.headers.items()},
                    self.rfile.read(length) if length else b"",
                )
                with outer.lock:
                    outer.requests.append(req)
                    fault = outer._take_fault(req)
                if fault is not None and not fault.after:
                    self._fault(fault, req)
                    return
                with outer.lock:
                    status, headers, body = outer.handle(req)
                if fault is not None:
                    self._fault(fault, req)
                    return
                self._send(status, headers, body)

            def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _fault(self, fault: Fault, req: Request) -> None:
                if fault.kind == "500":
                    self._send(*json_response(500, outer.error_body("Internal server error")))
                elif fault.kind == "429":
                    self._send(
                        *json_response(
                            429,
                            outer.error_body("Request was throttled."),
                            {"Retry-After": fault.retry_after},
                        )
                    )
                elif fault.kind == "malformed":
                    self._send(200, {"Content-Type": "application/json"}, b'{"id": "oops", ')
                elif fault.kind == "deep":  # JSON deeper than Python's decoder follows
                    body = b"[" * 100_000 + b"]" * 100_000
                    self._send(200, {"Content-Type": "application/json"}, body)
                elif fault.kind == "json":
                    status, body = fault.body
                    self._send(*json_response(status, body))
                elif fault.kind == "respond":
                    self._send(*fault.body(req))
                elif fault.kind == "text":
                    status, text = fault.body
                    self._send(status, {"Content-Type": "text/plain"}, text.encode())
                elif fault.kind in ("timeout", "hang"):
                    if fault.kind == "hang":
                        outer._release.wait(60)
                    else:
                        time.sleep(fault.delay)
                    self.close_connection = True
                elif fault.kind == "reset":
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )
                    self.close_connection = True
                    self.connection.close()
                else:
                    raise ValueError(fault.kind)

            def finish(self) -> None:
                with contextlib.suppress(OSError):
                    super().finish()

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeHTTPServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self.server.shutdown()
        self.server.server_close()

    def fault(self, kind: str, method: str = ".*", path: str = ".*", **kw: Any) -> Fault:
        f = Fault(kind, method, path, **kw)
        with self.lock:
            self.faults.append(f)
        return f

    def _take_fault(self, req: Request) -> Fault | None:
        for f in self.faults:
            if (
                f.times > 0
                and re.fullmatch(f.method, req.method)
                and re.fullmatch(f.path, req.path)
            ):
                f.times -= 1
                return None if f.kind == "pass" else f
        return None

    def handle(self, req: Request) -> Response:  # pragma: no cover - overridden
        raise NotImplementedError
