"""``publish serve``: the real server in a subprocess, driven over HTTP; and its parts."""

from __future__ import annotations

import os
import re
import signal
import socket
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import html5lib
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.podcast.show import podcast_guid_for
from pipeline.preview.inject import SCRIPT, inject
from pipeline.preview.news import Newsroom, kind_of_change
from pipeline.preview.watch import watched_paths
from tests.conftest import REPO
from tests.preview.serving import EventStream, ServeProcess


def write_atomically(path: Path, text: str, spare: Path) -> None:
    """As an editor saves: the whole new text appears at once (never a half-written file)."""
    tmp = spare / (path.name + ".new")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def until(stream: EventStream, wanted: str) -> dict[str, object]:
    """Read events until one named ``wanted`` (a save may come as more than one burst)."""
    while True:
        event, data = stream.next()
        if event == wanted:
            return data


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``root`` with its bytes and mtime."""
    return {
        str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def unpinned(site: Path) -> Path:
    """The example site as a production build would change it: no id ledger yet (the guide has
    no ``id``) and no pinned podcast GUID."""
    (site / "content" / ".publish-ids.json").unlink()
    toml = site / "publish.toml"
    toml.write_text(
        "".join(
            line
            for line in toml.read_text(encoding="utf-8").splitlines(keepends=True)
            if not line.startswith("guid =")
        ),
        encoding="utf-8",
    )
    return site


def test_serve_rebuilds_reloads_shows_errors_and_writes_nothing_outside(
    unpinned: Path, tmp_path: Path, runner: CliRunner
) -> None:
    site, spare = unpinned, tmp_path / "spare"
    spare.mkdir()
    before = snapshot(site)
    server = ServeProcess(site, tmp_path / "tmp", "--drafts", "--future")
    try:
        origin = server.origin
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", origin)
        work = [p for p in (tmp_path / "tmp").iterdir() if p.name.startswith("publish-serve-")]
        assert len(work) == 1

        # served HTML has the reload script; the file on disk does not
        home = server.get("/")
        assert home.status_code == 200
        assert SCRIPT.decode() in home.text
        assert SCRIPT not in (work[0] / "site" / "index.html").read_bytes()
        html5lib.parse(home.text, namespaceHTMLElements=False)
        # every permalink on the preview's origin, none on the production host
        page = server.get("/essays/why-we-gather/")
        assert f'href="{origin}essays/why-we-gather/"' in page.text
        assert "commons.example.org" not in page.text

        # drafts and scheduled items: served, bannered, and so titled in the feeds
        draft = server.get("/essays/a-draft-about-money/")
        assert draft.status_code == 200
        assert 'class="publish-preview-banner" role="status"' in draft.text
        assert ">Draft</div>" in draft.text
        titles = [e.title for e in feedparser.parse(server.get("/rss.xml").content).entries]
        assert any(t.startswith("Draft: ") for t in titles)
        assert any(t.startswith("Scheduled for ") for t in titles)
        scheduled = server.get("/updates/future-announcement/")
        assert "Scheduled for " in scheduled.text, scheduled.status_code
        # the podcast feed carries the GUID production will pin, taken from the production URL
        podcast = server.get("/podcast.xml").text
        assert podcast_guid_for("https://commons.example.org/podcast.xml") in podcast

        # a save: rebuilt, and the open pages told to reload
        stream = server.events()
        essay = site / "content" / "essays" / "why-we-gather.md"
        text = essay.read_text(encoding="utf-8")
        write_atomically(essay, text.replace("title: Why we gather", "title: Why we meet"), spare)
        until(stream, "reload")
        assert "<h1>Why we meet</h1>" in server.get("/essays/why-we-gather/").text

        # a YAML error: the problem (path:line: field) pushed and in /status; the page stays
        bad = site / "content" / "essays" / "bad.md"
        write_atomically(bad, "---\ntitle: [broken\ndate: 2024-01-01\n---\nText\n", spare)
        data = until(stream, "problems")
        problems = data["problems"]
        assert isinstance(problems, list)
        assert any(p.startswith("content/essays/bad.md:3: front matter: ") for p in problems), (
            problems
        )
        assert server.get("/_preview/status").json()["problems"] == problems
        assert "<h1>Why we meet</h1>" in server.get("/essays/why-we-gather/").text

        # fixed: the problems cleared
        write_atomically(bad, "---\ntitle: Fixed now\ndate: 2024-01-01\n---\nText\n", spare)
        while True:
            event, data = stream.next()
            if event in ("reload", "problems") and not data["problems"]:
                break
        assert server.get("/_preview/status").json()["problems"] == []
        assert "Fixed now" in server.get("/essays/bad/").text
        stream.close()
    finally:
        code, stderr = server.stop()
    assert code == 0, stderr
    assert stderr[-1] == "Stopped; the preview folder is removed."
    assert not any("Traceback" in line for line in stderr)
    assert list((tmp_path / "tmp").iterdir()) == []

    # nothing outside the temporary folder changed but the two files the test wrote
    after = snapshot(site)
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    assert changed == {"content/essays/why-we-gather.md", "content/essays/bad.md"}
    assert not (site / "feeds").exists() and not (site / ".publish-cache").exists()
    # ... where a production build does write the ledger and pin the GUID (the check bites)
    os.chdir(site)
    assert runner.invoke(main, ["build", "-q"]).exit_code == 0
    assert (site / "content" / ".publish-ids.json").is_file()
    assert "guid =" in (site / "publish.toml").read_text(encoding="utf-8")


def test_serve_hides_drafts_and_scheduled_by_default(site: Path, tmp_path: Path) -> None:
    server = ServeProcess(site, tmp_path / "tmp")
    try:
        assert server.get("/essays/a-draft-about-money/").status_code == 404
        assert server.get("/essays/why-we-gather/").status_code == 200
        titles = [e.title for e in feedparser.parse(server.get("/rss.xml").content).entries]
        assert titles and not any(t.startswith(("Draft", "Scheduled")) for t in titles)
        assert server.get("/essays/why-we-gather").status_code == 200  # redirected to the slash
        assert server.get("/../publish.toml").status_code == 404
        assert server.get("/%2e%2e/publish.toml").status_code == 404
    finally:
        code, _ = server.stop()
    assert code == 0


def test_serve_starts_with_an_error_and_keeps_running(site: Path, tmp_path: Path) -> None:
    bad = site / "content" / "essays" / "bad.md"
    bad.write_text("---\ntitle: x\ndate: not a date\n---\nText\n", encoding="utf-8")
    server = ServeProcess(site, tmp_path / "tmp")
    try:
        problems = server.get("/_preview/status").json()["problems"]
        assert problems and all(p.startswith("content/essays/bad.md:3: date: ") for p in problems)
        # no build was good yet: every address is Not found until the fix (it spoke of "the
        # last good build")
        said = "\n".join(server.stderr)
        assert "Build failed; nothing to serve until it is fixed" in said
        assert "last good build" not in said
        assert problems[0] in server.stderr  # the same text in the terminal
        number = server.get("/_preview/status").json()["number"]
        page = server.get("/essays/why-we-gather/").text
        assert f'<script src="/_preview/live.js" data-build="{number}"></script>' in page
        bad.unlink()
        while server.get("/_preview/status").json()["number"] == number:
            time.sleep(0.05)  # the rebuild is done before the page's script connects...
        stream = EventStream(server.origin + f"_preview/events?after={number}")
        data = until(stream, "reload")  # ... and the page is still told to reload
        assert data["problems"] == []
        assert server.get("/essays/why-we-gather/").status_code == 200
        stream.close()
    finally:
        code, _ = server.stop()
    assert code == 0


def test_serve_port_in_use_is_one_line(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runner: CliRunner
) -> None:
    monkeypatch.chdir(site)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(main, ["serve", "--port", str(port)])
    assert result.exit_code == 3
    assert result.output.strip().splitlines() == [
        f"error: cannot listen on 127.0.0.1:{port}: the port is in use; choose another --port"
    ]
    assert [p for p in tmp_path.iterdir() if p.name.startswith("publish-serve-")] == []


def test_serve_missing_content_folder(site: Path, runner: CliRunner) -> None:
    os.chdir(site)
    result = runner.invoke(main, ["serve", "--content", "nowhere"])
    assert result.exit_code == 3
    assert "content folder not found: " in result.output
    assert f"{site / 'nowhere'} (given by --content)" in result.output
    assert "Traceback" not in result.output


def test_inject_places_script_and_banner_and_leaves_other_bytes() -> None:
    page = b"<!doctype html><html><BODY class=x><p>Hi</p></BODY></html>"
    out = inject(page, 7, "Scheduled for <soon>")
    assert out.startswith(b"<!doctype html><html><BODY class=x><div class=")
    tag = b'<script src="/_preview/live.js" data-build="7"></script>'
    assert b"Scheduled for &lt;soon&gt;</div><p>Hi</p>" + tag + b"</BODY></html>" in out
    assert inject(b"<p>bare</p>", 0) == b"<p>bare</p>" + tag.replace(b"7", b"0")


def test_kind_of_change() -> None:
    assert kind_of_change([]) is None
    assert kind_of_change(["site.css", "a/b.css"]) == "css"
    assert kind_of_change(["site.css", "index.html"]) == "reload"
    # a saved stylesheet rewrites every page (its ?v= version): still a swap
    assert kind_of_change(["static/x.css", "index.html"], ["/s/static/x.css"]) == "css"
    assert kind_of_change(["static/x.css", "a/index.html"], ["/s/x.css", "/s/a.md"]) == "reload"
    assert kind_of_change([], ["/s/static/x.css"]) is None


def test_a_stylesheet_saved_through_a_temp_file_is_still_swapped(tmp_path: Path) -> None:
    """vim's save (its "4913" probe) and a temp file renamed over the sheet left names in the
    changes that are gone: the page was reloaded, its scroll and menu lost (a helper's)."""
    sheet = tmp_path / "static/x.css"
    sheet.parent.mkdir()
    sheet.write_text("a{}")
    gone = [str(tmp_path / "static/4913"), str(tmp_path / "static/.x.css.tmp1")]
    assert kind_of_change(["static/x.css", "index.html"], [str(sheet), *gone]) == "css"
    page = str(tmp_path / "a.md")  # a page removed: a change of the site
    assert kind_of_change(["static/x.css", "index.html"], [str(sheet), page]) == "reload"


def test_newsroom_tells_errors_and_their_fix() -> None:
    news = Newsroom()
    news.after_build(True, ["index.html"], [])
    assert news.wait(0, 0) is not None and news.number == 1
    news.after_build(True, [], [])  # nothing changed: nothing to tell
    assert news.wait(1, 0) is None
    news.after_build(False, [], ["a.md:1: title: missing"])
    told = news.wait(1, 0)
    assert told is not None and told.event == "problems"
    assert b'"problems": ["a.md:1: title: missing"]' in told.frame()
    news.after_build(True, [], [])  # fixed, though no output changed: the overlay goes
    told = news.wait(2, 0)
    assert told is not None and told.event == "problems" and told.problems == ()
    news.close()
    assert news.wait(3, 5) is None


def test_watched_paths_skip_nested_and_keep_missing(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "templates").mkdir(parents=True)
    config = tmp_path / "publish.toml"
    config.write_text("", encoding="utf-8")
    found = watched_paths(config, content, [content / "templates", tmp_path / "static"])
    assert found == [content.resolve(), config.resolve(), (tmp_path / "static").resolve()]


def test_serve_updates_the_search_index_after_the_reload(site: Path, tmp_path: Path) -> None:
    spare = tmp_path / "spare"
    spare.mkdir()
    server = ServeProcess(site, tmp_path / "tmp")

    def settled() -> dict[str, object]:
        while True:
            status = server.get("/_preview/status").json()
            if not status["busy"]:
                return dict(status)
            time.sleep(0.05)

    try:
        settled()
        entry = server.get("/search/manifest.json")
        assert entry.status_code == 200, "the preview has a search index"
        stream = server.events()
        essay = site / "content" / "essays" / "why-we-gather.md"
        text = essay.read_text(encoding="utf-8")
        write_atomically(essay, text.replace("title: Why we gather", "title: Why we meet"), spare)
        until(stream, "reload")
        settled()
        assert server.get("/search/manifest.json").json() != entry.json()
        stream.close()
    finally:
        code, stderr = server.stop()
    assert code == 0, stderr
    assert list((tmp_path / "tmp").iterdir()) == []


def test_serve_starts_again_at_once_on_the_port_it_left(site: Path, tmp_path: Path) -> None:
    """Stopped with a page open, the server closes that page's connection first; the port
    then holds it (TIME_WAIT, a minute) and a restart said "the port is in use" for a minute.
    A live server on the port is still refused (``test_serve_port_in_use_is_one_line``)."""
    first = ServeProcess(site, tmp_path / "a")
    port = urlsplit(first.origin).port
    assert port is not None
    stream = first.events()
    try:
        with socket.create_connection(("127.0.0.1", port)) as page:  # the server closes it
            page.sendall(b"GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
            while page.recv(65536):
                pass
    finally:
        code, _ = first.stop()
        stream.close()
    assert code == 0
    again = ServeProcess(site, tmp_path / "b", "--port", str(port))
    try:
        assert again.origin == first.origin
        assert again.get("/").status_code == 200
    finally:
        code, _ = again.stop()
    assert code == 0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["term", "hangup"])
def test_serve_stopped_by_a_signal_removes_its_folder(
    site: Path, tmp_path: Path, sig: signal.Signals
) -> None:
    """The terminal closed (SIGHUP) ended the preview with 129 and left its folder (and the
    whole built site) in the temporary folder; SIGTERM already stopped it as Ctrl-C does."""
    server = ServeProcess(site, tmp_path / "tmp")
    assert server.get("/").status_code == 200
    server.proc.send_signal(sig)
    assert server.proc.wait(timeout=60) == 0
    assert [p for p in (tmp_path / "tmp").iterdir() if p.name.startswith("publish-serve-")] == []


def test_serve_on_an_address_this_machine_lacks_says_so(site: Path, runner: CliRunner) -> None:
    """A bad --bind said "choose another --port"."""
    os.chdir(site)
    result = runner.invoke(main, ["serve", "--bind", "192.0.2.1", "--port", "0"])
    assert result.exit_code == 3, result.output
    (line,) = result.output.strip().splitlines()
    assert line.startswith("error: cannot listen on 192.0.2.1:0: ") and line.endswith(
        "check --bind"
    )


def test_a_draft_whose_address_is_beyond_ascii_has_its_banner(site: Path, tmp_path: Path) -> None:
    """``café-notes.md`` or ``slug: über-uns``: served without the Draft banner (the banners
    were looked up by the encoded path, the server asks with the decoded one)."""
    essays = site / "content" / "essays"
    for name, extra in (("café-notes.md", ""), ("x.md", "slug: über-uns\n")):
        title = name.removesuffix(".md")
        text = f"---\ntitle: {title}\ndate: 2025-01-03\ndraft: true\n{extra}---\n\nDraft.\n"
        (essays / name).write_text(text, encoding="utf-8")
    server = ServeProcess(site, tmp_path / "tmp", "--drafts")
    try:
        for path in ("/essays/caf%C3%A9-notes/", "/essays/%C3%BCber-uns/"):
            page = server.get(path)
            assert page.status_code == 200, path
            assert 'class="publish-preview-banner" role="status"' in page.text, path
    finally:
        code, _ = server.stop()
    assert code == 0


def test_serve_names_the_builds_warnings_each_once(site: Path, tmp_path: Path) -> None:
    """A link or image that points at nothing: ``publish build`` names it, the preview said
    nothing (the page just showed a broken image). Each warning is said once, not again at
    every save."""
    essay = site / "content" / "essays" / "why-we-gather.md"
    original = essay.read_text(encoding="utf-8")
    essay.write_text(original + "\n![diagram](diagram.png)\n", encoding="utf-8")
    server = ServeProcess(site, tmp_path / "tmp")
    try:
        essay.write_text(original + "\n![diagram](diagram.png) ![photo](photo.jpg)\n", "utf-8")
        for _ in server._until("Rebuilt in"):
            pass
    finally:
        code, lines = server.stop()
    assert code == 0
    said = [line for line in lines if line.startswith("warning: ") and "points at nothing" in line]
    assert len(said) == 2, lines
    assert "image: diagram.png points at nothing" in said[0]
    assert "image: photo.jpg points at nothing" in said[1]


def test_a_folder_the_configuration_names_while_serving_is_watched(
    site: Path, tmp_path: Path
) -> None:
    """``[theme] templates = "tpl2"`` added while serving: the rebuild used it, but saves in
    tpl2/ were never seen (the folders watched were those named at the start)."""
    shipped = REPO / "pipeline" / "templates" / "site" / "page.html.j2"
    (site / "tpl2").mkdir()
    page = site / "tpl2" / "page.html.j2"

    def template(mark: str) -> None:
        text = shipped.read_text().replace("{% block main %}", f"{{% block main %}}<p>{mark}</p>")
        (tmp_path / "t").write_text(text)
        os.replace(tmp_path / "t", page)

    def shows(server: ServeProcess, mark: str) -> bool:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if mark in server.get("/essays/why-we-gather/").text:
                return True
            time.sleep(0.1)
        return False

    template("TPL-ONE")
    server = ServeProcess(site, tmp_path / "tmp")
    try:
        config = site / "publish.toml"
        config.write_text(config.read_text() + '\n[theme]\ntemplates = "tpl2"\n')
        assert shows(server, "TPL-ONE")
        template("TPL-TWO")
        assert shows(server, "TPL-TWO")
    finally:
        code, _ = server.stop()
    assert code == 0
