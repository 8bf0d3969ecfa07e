"""``backend = "substack"``: no API for posting, so a paste-ready post in the outbox."""

from __future__ import annotations

import json

import html5lib

from tests.newsletter.conftest import Tree, cli, ledger_lines

NS = {"h": "http://www.w3.org/1999/xhtml"}


def test_send_writes_a_paste_ready_post_records_it_and_says_so(tree: Tree) -> None:
    config = tree(backend="substack")
    preview = cli(config, "--format", "json")
    assert preview.exit_code == 0, preview.stderr
    key = json.loads(preview.stdout)["key"]
    paste = config.parent / "outbox" / f"{key}.substack.html"
    assert f"outbox/{key}.substack.html" in json.loads(preview.stdout)["paths"]
    before = paste.read_bytes()
    doc = html5lib.parse(before.decode(), namespaceHTMLElements=True)
    titles = [h.findtext("h:a", namespaces=NS) for h in doc.iterfind(".//h:h2", NS)]
    assert titles == ["Small groups <first>", "Decisions in the open", "First steps"]
    hrefs = [a.get("href") for a in doc.iterfind(".//h:a", NS)]
    assert hrefs and all(h.startswith("https://commons.example/") for h in hrefs)
    assert b"<style" not in before and b"<table" not in before  # what Substack's editor keeps
    assert b"Small groups &lt;first&gt;" in before

    sent = cli(config, "--send")
    assert sent.exit_code == 0, sent.stderr
    assert "Substack has no API for posting: paste" in sent.stderr
    assert f"outbox/{key}.substack.html" in sent.stderr
    assert paste.read_bytes() == before  # byte-stable
    assert [line["state"] for line in ledger_lines(config)] == ["claimed", "sending", "sent"]
    again = cli(config, "--send", "--format", "json")
    assert json.loads(again.stdout)["action"] == "nothing"


def test_other_backends_write_no_paste_file(tree: Tree) -> None:
    config = tree()
    assert cli(config).exit_code == 0
    assert not list((config.parent / "outbox").glob("*.substack.html"))
