"""Headless Chromium (Debian's ``chromium`` + ``chromedriver``) driven by Selenium, and a
local HTTP server for a built site. Nothing downloads a browser: without Chromium the tests
that need it skip, saying so loudly."""

from __future__ import annotations

import functools
import http.server
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
NO_BROWSER = (
    "SKIPPED LOUDLY: no Debian chromium + chromium-driver on this machine "
    "(apt-get install chromium chromium-driver; .ci/run does): the site's browser tests did not run"
)
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--hide-scrollbars",
)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    """No log lines; nothing cached (a test rebuilds a page within the second, which
    If-Modified-Since cannot tell apart)."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """``folder`` served on 127.0.0.1 (a free port) for the duration; yields its base URL.
    A missing file answers with the site's own ``404.html``, as static hosts do."""

    class Handler(_Quiet):
        def send_error(
            self, code: int, message: str | None = None, explain: str | None = None
        ) -> None:
            page = folder / "404.html"
            if code == 404 and page.is_file():
                body = page.read_bytes()
                self.send_response(404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            super().send_error(code, message, explain)

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(folder))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def chromium() -> Iterator[Any]:
    if CHROMIUM is None or CHROMEDRIVER is None:
        pytest.skip(NO_BROWSER)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for flag in FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="publish-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def console_errors(driver: Any) -> list[str]:
    """Messages the page logged at SEVERE level since the last call (errors, failed loads)."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def overflow(driver: Any) -> int:
    """How many CSS pixels the page scrolls sideways (0 = none)."""
    return int(
        driver.execute_script(
            "const d = document.documentElement;"
            "return Math.max(d.scrollWidth, document.body.scrollWidth) - d.clientWidth;"
        )
    )


def serious_violations(driver: Any, axe_script: str) -> list[list[Any]]:
    """axe-core run on the page open in ``driver`` (``axe_script``: axe.min.js's text):
    each serious or critical violation as [rule, impact, its first three elements]."""
    driver.execute_script(axe_script)
    found = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document).then(r => done(r.violations.map(v => [v.id, v.impact,"
        " v.nodes.slice(0, 3).map(n => n.target.join(' '))])));"
    )
    return [v for v in found if v[1] in ("serious", "critical")]


AXE = REPO / "node_modules/axe-core/axe.min.js"
needs_axe = pytest.mark.skipif(
    not AXE.is_file(), reason="SKIPPED LOUDLY: axe-core not installed (npm install; .ci/run does)"
)
"""A test that runs axe-core in the page (.ci/run installs it)."""
