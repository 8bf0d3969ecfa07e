"""Helpers the CLI tests share: a local HTTP server, and a content folder with one error and
one warning."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@contextlib.contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A server on 127.0.0.1 answering with ``handler``: its base URL, while the block runs."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def error_and_warning(essays: Path) -> None:
    """``a.md`` with an unknown key (a warning at line 5) and ``b.md`` with a date no parser
    reads (an error at line 4)."""
    (essays / "a.md").write_text(
        "---\ntitle: A\nid: a\ndate: 2025-01-01\nsubtitle_x: kept\n---\n\nA.\n", encoding="utf-8"
    )
    (essays / "b.md").write_text("---\ntitle: B\nid: b\ndate: soon\n---\n\nB.\n", encoding="utf-8")
