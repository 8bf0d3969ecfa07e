"""``publish serve`` answering odd addresses as a static host would: a folder's URL without its
slash (letters of any script in it, or an encoded slash) is redirected inside the preview, and a
missing page is the site's own 404 page."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import requests

from tests.preview.serving import WAIT, ServeProcess


def _get(server: ServeProcess, path: str) -> requests.Response:
    """``path`` sent as it is (already percent-encoded), redirects not followed."""
    return requests.get(server.origin + path.lstrip("/"), timeout=WAIT, allow_redirects=False)


def test_a_folder_without_its_slash_is_redirected_inside_the_preview(
    site: Path, tmp_path: Path
) -> None:
    (site / "content/über-uns.md").write_text("---\ntitle: Über uns\n---\nHallo.\n", "utf-8")
    (site / "content/שלום").mkdir()
    (site / "content/שלום/index.md").write_text("---\ntitle: Shalom\n---\nHi.\n", "utf-8")
    server = ServeProcess(site, tmp_path / "tmp")
    try:
        for folder in ("über-uns", "שלום"):
            moved = _get(server, "/" + quote(folder))
            assert moved.status_code == 301, folder
            assert moved.headers["Location"] == "/" + quote(folder) + "/"
            page = requests.get(server.origin + quote(folder) + "/", timeout=WAIT)
            assert page.status_code == 200
        kept = _get(server, "/essays?page=2")
        assert (kept.status_code, kept.headers["Location"]) == (301, "/essays/?page=2")
        # an encoded slash is a slash: "//essays/" would send the browser to a host "essays"
        for sneaky in ("/%2Fessays", "/%2F%2Fessays", "//%2Fessays"):
            moved = _get(server, sneaky)
            assert (moved.status_code, moved.headers["Location"]) == (301, "/essays/"), sneaky
    finally:
        code, stderr = server.stop()
    assert code == 0
    assert not any("Traceback" in line for line in stderr), stderr


def test_a_missing_page_is_the_sites_404_page(site: Path, tmp_path: Path) -> None:
    server = ServeProcess(site, tmp_path / "tmp")
    try:
        missing = server.get("/no/such/page/")
        assert missing.status_code == 404
        assert "<title>Page not found · The Commons</title>" in missing.text
        assert 'href="/essays/"' in missing.text  # the menu, rooted
        assert '<script src="/_preview/live.js"' in missing.text  # back when it is written
        assert server.get("/../publish.toml").status_code == 404
        # a name longer than the file system takes: once no answer and a traceback
        for long in ("/" + "a" * 300, "/a" * 3000, "/" + "b" * 300 + "/"):
            assert _get(server, long).status_code == 404, long[:20]
    finally:
        code, stderr = server.stop()
    assert code == 0
    assert not any("Traceback" in line or "Errno 36" in line for line in stderr), stderr


def test_an_odd_build_number_asked_for_is_the_current_one(site: Path, tmp_path: Path) -> None:
    """``?after=`` (or Last-Event-ID) that is not a plain number: the stream starts as usual,
    no traceback in the terminal."""
    server = ServeProcess(site, tmp_path / "tmp")
    try:
        for odd in ("%C2%B2", "9" * 5000, "-1", ""):
            with requests.get(
                server.origin + "_preview/events?after=" + odd, stream=True, timeout=WAIT
            ) as stream:
                assert stream.status_code == 200
                assert next(stream.iter_lines(chunk_size=1)) == b"retry: 1000"
        assert server.get("/_preview/status").status_code == 200
    finally:
        code, stderr = server.stop()
    assert code == 0
    assert not any("Traceback" in line for line in stderr), stderr
