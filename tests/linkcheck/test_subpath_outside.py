"""A site served under a path (``base_url = "https://e.org/docs/"``) links to other places of
its host: ``https://e.org/blog/``, ``https://www.e.org/about/``, ``/elsewhere/``. The site cannot
know what else the host serves, so those are outside links, fetched like any other (as lychee
does), not pages the local check reports missing ("the site is served from /docs/, and /blog is
outside it"). A root-relative link whose path read from the base names a page of this site
(``/essays/x/`` where ``/docs/essays/x/`` is one) stays the classic mistake: broken, with the
way to the page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, ClassVar

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.cli.conftest import serving
from tests.conftest import small_site

FRONT = "---\ntitle: {title}\ndate: 2024-01-0{day}\nid: {id}\n---\n"
ESSAY = "---\ntitle: X\ndate: 2024-01-01\nid: x1\naliases: [/old/]\n---\nX.\n"


def _site(root: Path, links: list[str], base_url: str) -> Path:
    """``essays/x.md``, and ``essays/a.md`` whose body links each of ``links`` on its own line
    (line 6 on, every other line); the configuration's path."""
    body = "".join(f"[link {n}]({url})\n\n" for n, url in enumerate(links))
    page = FRONT.format(title="A", day=2, id="a1") + body
    return small_site(root, {"essays/x.md": ESSAY, "essays/a.md": page}, base_url=base_url)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in the site's folder: the CLI shows a file relative to the working folder."""
    monkeypatch.chdir(tmp_path)


def _links(config: Path, *extra: str) -> tuple[int, dict[str, dict[str, str]]]:
    """``publish links --format json``: its exit code and its rows by URL."""
    args = ["links", "--format", "json", "--config", str(config), *extra]
    result = CliRunner().invoke(main, [*args, "--cache-dir", str(config.parent / "cache")])
    assert result.exit_code in (0, 2), (result.stdout, result.stderr)
    return result.exit_code, {row["url"]: row for row in json.loads(result.stdout)}


OUTSIDE = [
    "https://e.org/blog/",
    "https://www.e.org/about/",
    "/elsewhere/",
    "https://e.org/docsx/",  # shares the base's letters, not its path
    "//e.org/news/",
]


def test_links_on_the_host_outside_the_base_are_not_reported_by_the_local_check(
    tmp_path: Path,
) -> None:
    inside = ["/docs/essays/x/", "https://www.e.org/docs/essays/x/", "https://e.org/docs"]
    code, rows = _links(_site(tmp_path, [*OUTSIDE, *inside], "https://e.org/docs/"), "--offline")
    assert code == 0, rows
    assert set(rows) == set(inside), rows
    assert {row["status"] for row in rows.values()} == {"ok"}


def test_a_root_relative_link_is_read_as_the_renderer_reads_it(tmp_path: Path) -> None:
    """``/essays/x/`` and ``/essays/x.md`` name a file of the content tree: the renderer links
    the page below the base (``../../essays/x/``), and the check finds it. ``/old/``, the
    alias ``/docs/old/`` written without the base, names no file: the page links the host's
    ``/old/``, the classic mistake, broken with the way to the site's own."""
    links = [*OUTSIDE, "/essays/x/", "/essays/x.md", "/old/"]
    config = _site(tmp_path, links, "https://e.org/docs/")
    code, rows = _links(config, "--offline")
    assert code == 2
    assert {u: r["status"] for u, r in rows.items()} == {
        "/essays/x/": "ok",
        "/essays/x.md": "ok",
        "/old/": "broken",
    }, rows
    assert rows["/old/"]["source"] == "content/essays/a.md:20"
    assert rows["/old/"]["suggestion"] == "did you mean /docs/old?"
    build = CliRunner().invoke(main, ["build", "--config", str(config), "--out", "out"])
    assert build.exit_code == 0, build.output
    page = (tmp_path / "out/essays/a/index.html").read_text(encoding="utf-8")
    assert page.count('href="../../essays/x/"') >= 2 and 'href="https://e.org/old/"' in page


def test_on_a_site_at_the_hosts_root_nothing_changes(tmp_path: Path) -> None:
    urls = ["https://e.org/blog/", "https://www.e.org/about/", "/elsewhere/", "/essays/x/"]
    code, rows = _links(_site(tmp_path, urls, "https://e.org/"), "--offline")
    assert code == 2
    assert {u: r["status"] for u, r in rows.items()} == {
        "https://e.org/blog/": "broken",
        "https://www.e.org/about/": "broken",
        "/elsewhere/": "broken",
        "/essays/x/": "ok",
    }


def test_a_build_gives_no_warning_for_links_outside_the_base(tmp_path: Path) -> None:
    config = _site(tmp_path, [*OUTSIDE, "/essays/x/", "nothere.md"], "https://e.org/docs/")
    args = ["build", "--config", str(config), "--out", str(tmp_path / "out")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    warned = [ln for ln in result.stderr.splitlines() if "points at nothing" in ln]
    assert len(warned) == 1 and "content/essays/a.md:18: link: nothere.md" in warned[0], warned


class _Host(BaseHTTPRequestHandler):
    """The rest of the host: a 200 for the paths in ``found``, a 404 for any other; each
    path asked for is noted in ``asked``."""

    found: ClassVar[frozenset[str]] = frozenset({"/blog/", "/elsewhere/"})
    asked: ClassVar[list[str]] = []

    def log_message(self, *args: Any) -> None:
        pass

    def _answer(self, body: bool) -> None:
        self.asked.append(self.path)
        code = 200 if self.path in self.found else 404
        self.send_response(code)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", "2")
        self.end_headers()
        if body:
            self.wfile.write(b"ok")

    def do_GET(self) -> None:
        self._answer(True)

    def do_HEAD(self) -> None:
        self._answer(False)


@pytest.fixture
def host() -> Iterator[str]:
    """``http://127.0.0.1:PORT``, answering as :class:`_Host`."""
    _Host.asked = []
    with serving(_Host) as url:
        yield url


def _checked_at(tmp_path: Path, urls: list[str], host: str) -> tuple[int, dict[str, Any]]:
    """``publish links`` (remote checks on, no retries) of a site at ``host``/docs/ whose page
    links ``urls``."""
    config = _site(tmp_path, urls, f"{host}/docs/")
    with config.open("a", encoding="utf-8") as f:
        f.write("\n[links]\nretries = 0\n")
    return _links(config)


def test_the_remote_check_fetches_links_outside_the_base_on_the_sites_host(
    tmp_path: Path, host: str
) -> None:
    """``/elsewhere/`` and ``/gone/`` are fetched at the base's scheme and host; the rows keep
    the URL as the page writes it."""
    urls = [f"{host}/blog/", "/elsewhere/", "/gone/", f"{host}/missing/", "/essays/x/"]
    code, rows = _checked_at(tmp_path, urls, host)
    assert code == 2
    assert {u: r["status"] for u, r in rows.items()} == {
        f"{host}/blog/": "ok",
        "/elsewhere/": "ok",
        "/gone/": "broken",
        f"{host}/missing/": "broken",
        "/essays/x/": "ok",
    }
    assert rows["/gone/"]["source"] == "content/essays/a.md:10"
    assert {"/blog/", "/elsewhere/", "/gone/", "/missing/"} <= set(_Host.asked)
    assert not any(p.startswith("/essays/") for p in _Host.asked)


def test_a_protocol_relative_link_is_fetched_with_the_sites_scheme(
    tmp_path: Path, host: str
) -> None:
    """``//host/blog/`` on an http site is fetched over http, as the renderer writes it into
    the page (``with_scheme``): the reader follows that URL, not an https one."""
    relative = "//" + host.removeprefix("http://")
    urls = [f"{relative}/blog/", f"{relative}/missing/"]
    code, rows = _checked_at(tmp_path, urls, host)
    assert code == 2
    assert {u: r["status"] for u, r in rows.items()} == {
        f"{relative}/blog/": "ok",
        f"{relative}/missing/": "broken",
    }
    assert {"/blog/", "/missing/"} <= set(_Host.asked)
