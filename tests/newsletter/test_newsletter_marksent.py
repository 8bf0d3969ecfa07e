"""``publish digest --mark-sent [--before DATE]``: a start point, so the first real digest
holds only what is new. Through the real CLI, with the outbox and a real SMTP server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.newsletter.conftest import Mailbox, Tree, cli, ledger_lines

OLD_IDS = {
    "0b6a3f3e-1c1a-4f43-9b1e-6e0f7f0d0001",
    "0b6a3f3e-1c1a-4f43-9b1e-6e0f7f0d0002",
    "0b6a3f3e-1c1a-4f43-9b1e-6e0f7f0d0003",
}
NEW_ID = "0b6a3f3e-1c1a-4f43-9b1e-6e0f7f0d0009"


def _new_item(config: Path) -> None:
    (config.parent / "content" / "essays" / "fresh.md").write_text(
        f"---\ntitle: Fresh news\ndate: 2024-05-10\nid: {NEW_ID}\n---\nJust in.\n",
        encoding="utf-8",
    )


def _mark(config: Path, *args: str) -> dict[str, object]:
    result = cli(config, "--mark-sent", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    report: dict[str, object] = json.loads(result.stdout)
    return report


def test_mark_sent_records_the_catalogue_and_sends_nothing(tree: Tree) -> None:
    config = tree()
    report = _mark(config)
    assert report["action"] == "marked"
    items = report["items"]
    assert isinstance(items, list) and {i["id"] for i in items} == OLD_IDS
    (line,) = ledger_lines(config)
    assert line["state"] == "sent" and line["backend"] == "none"
    assert set(line["items"]) == OLD_IDS  # not the draft, not the scheduled item
    assert "without sending" in line["note"]
    assert not (config.parent / "outbox").exists()  # nothing composed
    again = cli(config, "--mark-sent")
    assert again.exit_code == 0 and "Nothing new" in again.stdout
    assert len(ledger_lines(config)) == 1
    preview = cli(config)
    assert preview.exit_code == 0 and "Nothing new since the last digest" in preview.stdout


def test_text_report_lists_what_was_marked(tree: Tree) -> None:
    result = cli(tree(), "--mark-sent")
    assert result.exit_code == 0, result.stderr
    assert "Recorded 3 items as announced; nothing sent:" in result.stdout
    assert "2024-05-06  Small groups <first>  (essays/small-groups.md)" in result.stdout
    assert result.stderr.strip().endswith("s") and "Digest: marked, 3 items" in result.stderr


def test_first_outbox_send_after_mark_sent_holds_only_new_items(tree: Tree) -> None:
    config = tree()
    _mark(config)
    _new_item(config)
    sent = cli(config, "--send", "--format", "json")
    assert sent.exit_code == 0, sent.stderr
    report = json.loads(sent.stdout)
    assert report["action"] == "sent"
    assert [i["id"] for i in report["items"]] == [NEW_ID]
    (eml,) = (config.parent / "outbox").glob("*.eml")
    raw = eml.read_bytes().decode("utf-8", "replace")
    assert "Fresh news" in raw
    assert "First steps" not in raw and "Decisions in the open" not in raw


def test_first_smtp_send_after_mark_sent_holds_only_new_items(
    tree: Tree, smtpd: tuple[Mailbox, int]
) -> None:
    mailbox, port = smtpd
    config = tree(
        backend="smtp",
        smtp_host="127.0.0.1",
        smtp_port=port,
        list_address="commons@lists.commons.example",
    )
    _mark(config)
    assert mailbox.raw == []  # marking contacts no server
    _new_item(config)
    sent = cli(config, "--send")
    assert sent.exit_code == 0, sent.stderr
    (msg,) = mailbox.messages()
    assert msg["Subject"] == "Fixture Commons: Fresh news"
    text = msg.get_body(preferencelist=("plain",)).get_content()
    assert "Fresh news" in text
    assert "First steps" not in text and "Small groups" not in text


def test_before_marks_only_older_items(tree: Tree) -> None:
    config = tree()
    report = _mark(config, "--before", "2024-05-03")
    items = report["items"]
    assert isinstance(items, list)
    assert [i["id"] for i in items] == ["0b6a3f3e-1c1a-4f43-9b1e-6e0f7f0d0001"]
    preview = json.loads(cli(config, "--format", "json").stdout)
    assert {i["id"] for i in preview["items"]} == OLD_IDS - {"0b6a3f3e-1c1a-4f43-9b1e-6e0f7f0d0001"}
    assert preview["warnings"] == []


def test_a_scheduled_item_is_announced_when_it_goes_live(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tree()
    _mark(config)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1893456000")  # 2030-01-01T00:00:00Z
    preview = json.loads(cli(config, "--format", "json").stdout)
    assert [i["title"] for i in preview["items"]] == ["Next year"]


@pytest.mark.parametrize(
    "args",
    [
        ["--mark-sent", "--send"],
        ["--mark-sent", "--test-to", "me@commons.example"],
        ["--mark-sent", "--since", "2024-01-01"],
        ["--before", "2024-05-03"],
        ["--mark-sent", "--before", "yesterday"],
    ],
)
def test_mark_sent_usage_errors_write_nothing(tree: Tree, args: list[str]) -> None:
    config = tree()
    result = cli(config, *args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert ledger_lines(config) == []
