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


def test_files_are_served_in_parts_as_a_static_host_serves_them(site: Path, tmp_path: Path) -> None:
    """An episode's player seeks by asking for a part of the audio: the preview answered
    every Range with the whole file (200, no Accept-Ranges), so the player could not seek
    (Safari plays no such media at all); a browser dropping a download printed a traceback
    (a helper's findings). Also: HEAD on the event stream, an .opml's type, and the build's
    own files."""
    audio = (site / "content/episodes/media/001-welcome.mp3").read_bytes()
    server = ServeProcess(site, tmp_path / "tmp")
    path = server.origin + "episodes/001-welcome/001-welcome.mp3"
    try:
        whole = requests.get(path, timeout=WAIT)
        assert (whole.status_code, whole.content) == (200, audio)
        assert whole.headers["Accept-Ranges"] == "bytes"
        for asked, start, end in (
            ("0-99", 0, 99),
            ("100-", 100, len(audio) - 1),
            ("-10", -10, None),
        ):
            part = requests.get(path, headers={"Range": f"bytes={asked}"}, timeout=WAIT)
            assert part.status_code == 206, asked
            assert part.content == audio[start : None if end is None else end + 1], asked
            first = start % len(audio)
            last = len(audio) - 1 if end is None else end
            assert part.headers["Content-Range"] == f"bytes {first}-{last}/{len(audio)}"
        past = requests.get(path, headers={"Range": f"bytes={len(audio)}-"}, timeout=WAIT)
        assert (past.status_code, past.headers["Content-Range"]) == (416, f"bytes */{len(audio)}")
        several = requests.get(path, headers={"Range": "bytes=0-1,5-6"}, timeout=WAIT)
        assert (several.status_code, several.content) == (200, audio)
        # HEAD ignores Range (RFC 9110 14.2): the whole file's headers
        head = requests.head(path, headers={"Range": "bytes=0-0"}, timeout=WAIT)
        assert (head.status_code, head.headers["Content-Length"]) == (200, str(len(audio)))
        # a download dropped half-way: no traceback
        with requests.get(path, stream=True, timeout=WAIT) as dropped:
            dropped.raw.read(10)
        head = requests.head(server.origin + "_preview/events", timeout=WAIT)
        assert (head.status_code, head.headers["Content-Type"]) == (200, "text/event-stream")
        opml = server.get("/feeds.opml")
        assert opml.headers["Content-Type"] == "text/x-opml; charset=utf-8"
        assert server.get("/.publish-manifest.json").status_code == 404
    finally:
        code, stderr = server.stop()
    assert code == 0
    assert not any("Traceback" in line or "Error" in line for line in stderr), stderr


def test_a_second_ctrl_c_while_stopping_leaves_no_folder_behind(site: Path, tmp_path: Path) -> None:
    """Two Ctrl-C close together (a terminal's impatient user): the second one came while
    the server stopped, and the preview folder was left in the temp folder (a helper's
    finding)."""
    import signal
    import time

    tmp = tmp_path / "tmp"
    server = ServeProcess(site, tmp)
    server.proc.send_signal(signal.SIGINT)
    for _ in range(5):
        time.sleep(0.02)
        if server.proc.poll() is None:
            server.proc.send_signal(signal.SIGINT)
    server.stop()
    assert [p.name for p in tmp.iterdir() if p.name.startswith("publish-serve-")] == []
