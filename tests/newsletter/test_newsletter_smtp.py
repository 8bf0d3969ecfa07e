"""SMTP delivery against a real aiosmtpd server on 127.0.0.1, through the real CLI."""

from __future__ import annotations

import json
import signal
import socket
import time
from pathlib import Path

import pytest

from tests.newsletter.conftest import (
    SMTP_PASSWORD,
    Mailbox,
    Tree,
    assert_no_secret,
    cli,
    ledger_lines,
    spawn,
    subscribers_config,
)


def smtp_config(tree: Tree, port: int, **more: object) -> Path:
    return tree(
        backend="smtp",
        smtp_host="127.0.0.1",
        smtp_port=port,
        list_address="commons@lists.commons.example",
        **more,
    )


def test_send_delivers_one_message_with_both_parts_and_all_headers(
    tree: Tree, smtpd: tuple[Mailbox, int]
) -> None:
    mailbox, port = smtpd
    config = smtp_config(tree, port, smtp_user="digestbot")
    result = cli(config, "--send", "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["action"] == "sent"
    assert len(mailbox.raw) == 1
    mail_from, rcpt, raw = mailbox.raw[0]
    assert mail_from == "digest@commons.example"
    assert rcpt == ["commons@lists.commons.example"]
    msg = mailbox.messages()[0]
    key = report["key"]
    assert msg["Message-ID"] == f"<{key}@commons.example>"
    assert msg["X-Digest-Key"] == key
    assert msg["Date"] == "Sun, 12 May 2024 07:46:40 +0000"  # SOURCE_DATE_EPOCH, the build time
    assert msg["To"] == "commons@lists.commons.example"
    assert msg["Subject"] == "Fixture Commons: Small groups <first> and 2 more"
    assert msg["List-Id"] == "Commons digest <commons-digest.commons.example>"
    assert msg["List-Unsubscribe"] == (
        "<https://commons.example/unsubscribe>, <mailto:leave@commons.example?subject=unsubscribe>"
    )
    # one message to the list address: RFC 8058's POST must unsubscribe its recipient, which
    # only the list manager knows here (reference: don't add one-click you can't honour)
    assert msg["List-Unsubscribe-Post"] is None
    text, html = list(msg.iter_parts())
    assert text.get_content_type() == "text/plain" and html.get_content_type() == "text/html"
    assert "Read: https://commons.example/essays/small-groups/" in text.get_content()
    assert "Decisions in the open" in text.get_content()
    assert 'href="https://commons.example/essays/first-steps/"' in html.get_content()
    assert "Not ready" not in raw.decode() and "Next year" not in raw.decode()
    states = [(line["key"], line["state"]) for line in ledger_lines(config)]
    # per-recipient progress lines (sending, delivered) are folded into the 'sent' line
    assert states == [(key, "claimed"), (key, "sent")]
    assert_no_secret(result.stdout, result.stderr, raw, folder=config.parent)


def test_rerun_sends_nothing_and_says_so(tree: Tree, smtpd: tuple[Mailbox, int]) -> None:
    mailbox, port = smtpd
    config = smtp_config(tree, port)
    assert cli(config, "--send").exit_code == 0
    again = cli(config, "--send")
    assert again.exit_code == 0
    assert "Nothing new since the last digest" in again.stdout
    preview = cli(config)
    assert "Nothing new" in preview.stdout
    assert len(mailbox.raw) == 1


def test_a_new_item_after_a_send_makes_a_digest_of_that_item_only(
    tree: Tree, smtpd: tuple[Mailbox, int]
) -> None:
    mailbox, port = smtpd
    config = smtp_config(tree, port)
    assert cli(config, "--send").exit_code == 0
    essays = config.parent / "content" / "essays"
    # editing a sent item's date must not send it again
    first = essays / "first-steps.md"
    first.write_text(first.read_text().replace("date: 2024-05-01", "date: 2024-05-09"))
    (essays / "late.md").write_text(
        "---\ntitle: Late news\ndate: 2024-05-10\nid: late-1\n---\nNews.\n"
    )
    result = cli(config, "--send", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert [i["id"] for i in json.loads(result.stdout)["items"]] == ["late-1"]
    assert len(mailbox.raw) == 2


def test_subscriber_file_gets_one_message_per_address(
    tree: Tree, smtpd: tuple[Mailbox, int]
) -> None:
    mailbox, port = smtpd
    config = subscribers_config(
        tree,
        port,
        "https://commons.example/unsubscribe?email={email}",
        "# readers\nada@example.net\n\nben@example.net # board\nADA@example.net\n",
    )
    result = cli(config, "--send")
    assert result.exit_code == 0, result.stderr
    assert sorted(r[0] for _, r, _ in mailbox.raw) == ["ada@example.net", "ben@example.net"]
    by_to = {m["To"]: m for m in mailbox.messages()}
    ben = by_to["ben@example.net"]
    assert (
        ben["List-Unsubscribe"]
        .strip()
        .startswith("<https://commons.example/unsubscribe?email=ben%40example.net>")
    )
    assert ben["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"  # per recipient: honoured
    text, html = ben.iter_parts()
    assert "Unsubscribe: https://commons.example/unsubscribe?email=ben%40example.net" in (
        text.get_content()
    )
    assert "unsubscribe?email=ben%40example.net" in html.get_content()
    assert "{email}" not in html.get_content()


def test_unsubscribe_tokens_are_signed_per_subscriber_and_the_key_never_shows(
    tree: Tree, smtpd: tuple[Mailbox, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib
    import hmac

    mailbox, port = smtpd
    key = "unsub-key-SECRET-4f1d9a"
    config = subscribers_config(
        tree,
        port,
        "https://commons.example/unsubscribe?email={email}&t={token}",
        "ada@example.net\nben@example.net\n",
    )
    missing = cli(config, "--send")
    assert missing.exit_code != 0 and "NEWSLETTER_UNSUBSCRIBE_SECRET" in missing.stderr
    assert not mailbox.raw
    monkeypatch.setenv("NEWSLETTER_UNSUBSCRIBE_SECRET", key)
    result = cli(config, "--send")
    assert result.exit_code == 0, result.stderr
    by_to = {m["To"]: m for m in mailbox.messages()}
    for address in ("ada@example.net", "ben@example.net"):
        token = hmac.new(key.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]
        header = by_to[address]["List-Unsubscribe"]
        assert f"t={token}>" in header.replace("\n", "").replace(" ", "")
    raw = b"".join(data for *_, data in mailbox.raw)
    assert key.encode() not in raw and key not in result.stdout + result.stderr


def test_test_copy_goes_only_to_the_test_address_and_records_nothing(
    tree: Tree, smtpd: tuple[Mailbox, int]
) -> None:
    mailbox, port = smtpd
    config = smtp_config(tree, port)
    result = cli(config, "--test-to", "editor@example.net")
    assert result.exit_code == 0, result.stderr
    assert [r for _, r, _ in mailbox.raw] == [["editor@example.net"]]
    msg = mailbox.messages()[0]
    assert msg["Subject"].startswith("[test] ")
    assert ".test-" in msg["Message-ID"]
    assert ledger_lines(config) == []
    assert cli(config, "--send").exit_code == 0
    assert len(mailbox.raw) == 2


def test_wrong_password_fails_cleanly_leaves_ledger_true_and_never_shows_it(
    tree: Tree, smtpd: tuple[Mailbox, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    mp = monkeypatch
    mailbox, port = smtpd
    config = smtp_config(tree, port, smtp_user="digestbot")
    mp.setenv("SMTP_PASSWORD", SMTP_PASSWORD + "-wrong")
    result = cli(config, "--send")
    assert result.exit_code == 1
    assert "error: SMTP 127.0.0.1" in result.stderr and "535" in result.stderr
    assert mailbox.raw == []
    assert [line["state"] for line in ledger_lines(config)] == ["claimed", "failed"]
    assert_no_secret(result.stdout, result.stderr, folder=config.parent)
    assert (SMTP_PASSWORD + "-wrong") not in result.stderr + (
        config.parent / "newsletter" / "sent.jsonl"
    ).read_text()
    mp.setenv("SMTP_PASSWORD", SMTP_PASSWORD)
    retry = cli(config, "--send")
    assert retry.exit_code == 0, retry.stderr
    assert len(mailbox.raw) == 1
    assert ledger_lines(config)[-1]["state"] == "sent"


def test_unreachable_server_is_an_error_not_a_traceback(tree: Tree) -> None:
    from tests.newsletter.conftest import free_port

    config = smtp_config(tree, free_port())
    result = cli(config, "--send")
    assert result.exit_code == 1
    assert "error: SMTP 127.0.0.1" in result.stderr  # the OS's own wording after it is not ours
    assert "Traceback" not in result.stderr
    assert ledger_lines(config)[-1]["state"] == "failed"


def test_two_processes_racing_send_exactly_one_message(
    tree: Tree, smtpd: tuple[Mailbox, int]
) -> None:
    mailbox, port = smtpd
    config = smtp_config(tree, port)
    procs = [spawn(config, "--send", "--format", "json") for _ in range(2)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [e.decode() for _, e in outs]
    actions = sorted(json.loads(o)["action"] for o, _ in outs)
    assert actions == ["nothing", "sent"]
    assert len(mailbox.raw) == 1


def test_a_crash_after_handing_over_is_healed_without_a_second_message(
    tree: Tree, smtpd: tuple[Mailbox, int]
) -> None:
    mailbox, port = smtpd
    mailbox.holding = True  # the server takes the DATA and keeps the client waiting
    config = smtp_config(tree, port)
    proc = spawn(config, "--send")
    assert mailbox.received.wait(30)
    time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)  # killed between the hand-over and the ledger's 'sent'
    proc.wait(10)
    mailbox.holding = False
    mailbox.hold.set()
    assert [line["state"] for line in ledger_lines(config)] == ["claimed", "sending"]
    result = cli(config, "--send")
    assert result.exit_code == 0, result.stderr
    assert "commons@lists.commons.example: handed to the server" in result.stderr
    assert "not sent again" in result.stderr
    assert len(mailbox.raw) == 1
    assert ledger_lines(config)[-1]["state"] == "sent"
    assert "Nothing new" in cli(config, "--send").stdout


def test_unsubscribe_urls_beyond_ascii_go_into_headers_as_uris(
    tree: Tree, smtpd: tuple[Mailbox, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unsubscribe page at a non-ASCII path or host: a mail header holds ASCII only, and
    mail clients read the URL between ``<>`` as written (RFC 2369), so it goes in as a URI:
    the host in IDNA, the path percent-encoded, per subscriber after its token is filled."""
    mailbox, port = smtpd
    monkeypatch.setenv("NEWSLETTER_UNSUBSCRIBE_SECRET", "unsub-key-5e2a")
    config = subscribers_config(
        tree,
        port,
        "https://bücher.example/désinscription?email={email}&t={token}",
        "ada@example.net\n",
    )
    result = cli(config, "--send")
    assert result.exit_code == 0, result.stderr
    ((_, _, raw),) = mailbox.raw
    head = raw.split(b"\r\n\r\n", 1)[0].replace(b"\r\n ", b" ").replace(b"\r\n\t", b" ")
    (line,) = [ln for ln in head.split(b"\r\n") if ln.startswith(b"List-Unsubscribe:")]
    assert line.isascii(), line
    assert line.startswith(
        b"List-Unsubscribe: <https://xn--bcher-kva.example/d%C3%A9sinscription?email=ada%40"
    ), line
    assert b"&t=" in line and b"{token}" not in line, line


def test_the_connection_sends_each_write_at_once(tree: Tree, smtpd: tuple[Mailbox, int]) -> None:
    """smtplib writes a message and its closing "." in two sends; with Nagle's algorithm on,
    the "." waited for the server's delayed ACK: 45 ms a recipient, 10,000 in 8 minutes."""
    from datetime import UTC, datetime

    from pipeline.config import load_config
    from pipeline.newsletter.backends.smtp import SmtpBackend

    _, port = smtpd
    backend = SmtpBackend(load_config(smtp_config(tree, port)), datetime.now(UTC))
    server = backend._connect()
    try:
        assert server.sock is not None
        assert server.sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        server.quit()
