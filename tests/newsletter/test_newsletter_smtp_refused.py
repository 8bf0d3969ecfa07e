"""SMTP recipients the server will not take: the rest of the list still gets the digest, and
the committed ledger never names a subscriber (only stderr does)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.newsletter.conftest import Tree, cli, free_port, ledger_lines

BAD = "bounce@example.net"


class Refusing:
    """Refuses RCPT for ``BAD``; without SMTPUTF8 (as many servers), so a UTF-8 address
    cannot be sent to at all."""

    def __init__(self) -> None:
        self.got: list[str] = []

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address == BAD:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.got.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


@pytest.fixture
def refusing() -> Iterator[tuple[Refusing, int]]:
    handler = Refusing()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, enable_SMTPUTF8=False)
    controller.start()
    yield handler, port
    controller.stop()


def _config(tree: Tree, port: int, *subscribers: str) -> Path:
    config = tree(
        backend="smtp", smtp_host="127.0.0.1", smtp_port=port, subscribers_file="subscribers.txt"
    )
    (config.parent / "subscribers.txt").write_text("\n".join(subscribers) + "\n", "utf-8")
    return config


def _ledger_text(config: Path) -> str:
    return (config.parent / "newsletter" / "sent.jsonl").read_text(encoding="utf-8")


def test_a_refused_subscriber_is_named_on_stderr_never_in_the_ledger(
    tree: Tree, refusing: tuple[Refusing, int]
) -> None:
    server, port = refusing
    config = _config(tree, port, "ada@example.net", BAD, "ben@example.net")
    result = cli(config, "--send")
    assert result.exit_code == 0, result.stderr
    assert server.got == ["ada@example.net", "ben@example.net"]
    assert BAD in result.stderr  # the editor learns who
    assert ledger_lines(config)[-1]["state"] == "sent"
    assert ledger_lines(config)[-1]["note"] == "refused: 1 recipient"
    assert "@" not in _ledger_text(config)  # the committed file names no subscriber


def test_every_recipient_refused_fails_without_naming_them_in_the_ledger(
    tree: Tree, refusing: tuple[Refusing, int]
) -> None:
    server, port = refusing
    config = _config(tree, port, BAD)
    result = cli(config, "--send")
    assert result.exit_code == 1
    assert f"SMTP refused every recipient (1): {BAD}" in result.stderr
    assert "Traceback" not in result.stderr
    last = ledger_lines(config)[-1]
    assert last["state"] == "failed" and last["note"] == "SMTP refused every recipient (1)"
    assert "@" not in _ledger_text(config)
    assert server.got == []


def test_an_address_the_server_cannot_take_does_not_stop_the_rest_of_the_list(
    tree: Tree, refusing: tuple[Refusing, int]
) -> None:
    """A UTF-8 address and a server without SMTPUTF8: once failed the whole run, and the
    next, and the next, so everyone after it in the file never got a digest."""
    server, port = refusing
    config = _config(tree, port, "ada@example.net", "josé@example.net", "zoe@example.net")
    result = cli(config, "--send")
    assert result.exit_code == 0, result.stderr
    assert server.got == ["ada@example.net", "zoe@example.net"]
    assert "josé@example.net" in result.stderr
    assert ledger_lines(config)[-1]["state"] == "sent"
    assert "@" not in _ledger_text(config)
    again = cli(config, "--send")
    assert again.exit_code == 0 and "Nothing new" in again.stdout
    assert server.got == ["ada@example.net", "zoe@example.net"]


GREY = "grey@example.net"


class Greylisting:
    """Defers ``GREY`` once (450 at RCPT, or 451 at the message's end), then takes it, as a
    greylisting server or a full mailbox does."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.got: list[str] = []
        self.deferred = 0

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address == GREY and self.where == "rcpt" and not self.deferred:
            self.deferred += 1
            return "450 4.2.0 greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if envelope.rcpt_tos == [GREY] and self.where == "data" and not self.deferred:
            self.deferred += 1
            return "451 4.3.0 mailbox busy, try again later"
        self.got.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


@pytest.mark.parametrize("where", ["rcpt", "data"])
def test_a_recipient_deferred_for_now_gets_the_digest_on_the_next_send(
    tree: Tree, where: str
) -> None:
    """A 4xx is 'not now', not 'never': it was counted with the refused and the digest marked
    sent, so a greylisted subscriber never got it. Now the run says so and fails, and the
    next --send delivers to that subscriber alone."""
    handler = Greylisting(where)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        config = _config(tree, port, "ada@example.net", GREY, "ben@example.net")
        first = cli(config, "--send")
        assert first.exit_code != 0, first.stderr
        assert "deferred 1 recipient" in first.stderr and GREY in first.stderr
        assert "Traceback" not in first.stderr
        assert handler.got == ["ada@example.net", "ben@example.net"]
        assert ledger_lines(config)[-1]["state"] != "sent"
        assert "@" not in _ledger_text(config)
        second = cli(config, "--send")
        assert second.exit_code == 0, second.stderr
        assert handler.got == ["ada@example.net", "ben@example.net", GREY]
        assert ledger_lines(config)[-1]["state"] == "sent"
        assert "@" not in _ledger_text(config)
    finally:
        controller.stop()
