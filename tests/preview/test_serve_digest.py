"""``/_preview/digest`` on the real ``publish serve``: the digest ``publish digest`` would send
now, both parts, composed with the newsletter's own code and written nowhere."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import html5lib
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.preview.inject import SCRIPT
from tests.preview.serving import ServeProcess
from tests.preview.test_serve import snapshot

PRODUCTION = "https://commons.example.org/"
EPOCH = "1735000000"  # 2024-12-24: every dated item of the example site is published


def _text_of(tree: object, element_id: str) -> str:
    found = tree.find(f".//*[@id='{element_id}']")  # type: ignore[attr-defined]
    assert found is not None, element_id
    return "".join(found.itertext())


def test_digest_preview_is_what_publish_digest_would_send_and_writes_nothing(
    site: Path,
    tmp_path_factory: pytest.TempPathFactory,
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    twin = tmp_path_factory.mktemp("twin") / "site"  # for the real `publish digest` to write in
    shutil.copytree(site, twin)
    before = snapshot(site)
    server = ServeProcess(site, tmp_path_factory.mktemp("tmp"), "--drafts", "--future")
    try:
        page = server.get("/_preview/digest")
        assert page.status_code == 200
        assert page.headers["Content-Type"] == "text/html; charset=utf-8"
        assert SCRIPT.decode() in page.text  # reloads with the rest of the preview
        tree = html5lib.parse(page.text, namespaceHTMLElements=False)
        part_html = server.get("/_preview/digest.html")
        part_text = server.get("/_preview/digest.txt")
        assert part_html.status_code == part_text.status_code == 200
        assert part_text.headers["Content-Type"] == "text/plain; charset=utf-8"
        assert SCRIPT not in part_html.content  # the HTML part exactly as composed
        assert _text_of(tree, "text-part") == part_text.text
        frame = tree.find(".//iframe[@id='html-part']")
        assert frame is not None and frame.get("src") == "/_preview/digest.html"
        subject, key = _text_of(tree, "subject"), _text_of(tree, "key")
        listed = [a.get("href") for a in tree.findall(".//ul[@id='items']/li/a")]
        # drafts and scheduled items are previewed as pages, but not put in the digest
        assert listed and all(h.startswith(server.origin) for h in listed)
        assert not any("a-draft-about-money" in h or "future-announcement" in h for h in listed)

        # the same digest `publish digest` writes to its outbox, but for the preview's origin
        os.chdir(twin)
        result = runner.invoke(main, ["digest", "--format", "json"])
        assert result.exit_code == 0, result.output
        outbox = twin / "outbox"
        assert (outbox / f"{key}.html").read_text(encoding="utf-8") == part_html.text.replace(
            server.origin, PRODUCTION
        )
        assert (outbox / f"{key}.txt").read_text(encoding="utf-8") == part_text.text.replace(
            server.origin, PRODUCTION
        )
        assert f'"subject": "{subject}"' in result.output
        assert snapshot(site) == before  # no outbox, no ledger, no cache: nothing written

        # the ledger is read on each request: once everything is recorded as sent, nothing
        os.chdir(site)
        assert runner.invoke(main, ["digest", "--mark-sent", "-q"]).exit_code == 0
        tree = html5lib.parse(server.get("/_preview/digest").text, namespaceHTMLElements=False)
        assert _text_of(tree, "nothing") == "Nothing new since the last digest; nothing to send."
        gone = server.get("/_preview/digest.html")
        assert gone.status_code == 404
        assert gone.text == "Nothing new since the last digest; nothing to send.\n"

        # a newsletter template mistake is shown as path:line, and the server goes on
        templates = site / "templates" / "newsletter"
        templates.mkdir(parents=True)
        (templates / "digest.txt.j2").write_text("Hello\n{{ broken\n", encoding="utf-8")
        (site / "newsletter" / "sent.jsonl").unlink()
        tree = html5lib.parse(server.get("/_preview/digest").text, namespaceHTMLElements=False)
        problems = [li.text for li in tree.findall(".//section[@class='problems']/ul/li")]
        assert len(problems) == 1
        assert problems[0].startswith("templates/newsletter/digest.txt.j2:2: template: "), problems
        assert server.get("/_preview/digest.txt").text == problems[0] + "\n"
        assert server.get("/essays/why-we-gather/").status_code == 200
    finally:
        code, stderr = server.stop()
    assert code == 0, stderr
