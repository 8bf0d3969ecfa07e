"""SMTP delivery killed part-way (a real ``kill -9`` of ``publish digest --send``) and resumed.

A real aiosmtpd server on 127.0.0.1 takes some messages and then stalls, either at the RCPT
of the next one (nothing of it handed over yet) or after taking its DATA without confirming
it (handed over, unconfirmed). The sender is killed there; the next ``--send`` must deliver
to everyone else, skip the one in flight (at most once), and say so in the ledger.
"""

from __future__ import annotations

import asyncio
import json
import signal
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.newsletter.conftest import (
    Tree,
    cli,
    free_port,
    ledger_lines,
    spawn,
    subscribers_config,
)

SUBSCRIBERS = [f"reader{n:02d}@example.net" for n in range(12)]


class StallingServer:
    """Takes ``take`` messages, then stalls at ``where`` (``rcpt`` or ``data``) until released,
    or (``drop``) closes the connection once."""

    def __init__(self, take: int, where: str) -> None:
        self.take = take
        self.where = where
        self.got: list[str] = []
        """Envelope recipient of every message taken, in order."""
        self.stalled = threading.Event()
        self.release = threading.Event()

    async def _stall(self) -> None:
        self.stalled.set()
        while not self.release.is_set():
            await asyncio.sleep(0.02)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.where == "drop" and len(self.got) >= self.take and not self.release.is_set():
            self.release.set()  # once: the connection drops, the next one is served
            server.transport.close()
            return "421 closing"
        if self.where == "rcpt" and len(self.got) >= self.take and not self.release.is_set():
            await self._stall()
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.got.extend(envelope.rcpt_tos)
        if self.where == "data" and len(self.got) > self.take and not self.release.is_set():
            await self._stall()  # the message is taken; its "250" never reaches the sender
        return "250 Message accepted for delivery"


@pytest.fixture
def stalling(request: pytest.FixtureRequest) -> Iterator[tuple[StallingServer, int]]:
    take, where = request.param
    handler = StallingServer(take, where)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    handler.release.set()
    controller.stop()


def _kill_mid_delivery(config: Path, server: StallingServer) -> None:
    proc = spawn(config, "--send")
    try:
        assert server.stalled.wait(60), proc.communicate(timeout=5)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    assert proc.returncode == -signal.SIGKILL
    server.release.set()


@pytest.mark.parametrize(
    ("stalling", "in_flight"),
    [((5, "rcpt"), False), ((5, "data"), True)],
    ids=["killed-before-the-data", "killed-after-the-data-before-its-answer"],
    indirect=["stalling"],
)
def test_a_killed_send_to_subscribers_is_resumed_for_everyone_not_reached(
    tree: Tree, stalling: tuple[StallingServer, int], in_flight: bool
) -> None:
    server, port = stalling
    url = "https://commons.example/unsubscribe?email={email}"
    config = subscribers_config(tree, port, url, "\n".join(SUBSCRIBERS) + "\n")
    _kill_mid_delivery(config, server)
    taken_before = len(server.got)
    assert taken_before == (6 if in_flight else 5)
    lines = ledger_lines(config)
    assert [line["state"] for line in lines if "to" not in line] == ["claimed"]
    assert Counter(line["state"] for line in lines if "to" in line) == {
        "sending": taken_before,
        "delivered": 5,
    }

    result = cli(config, "--send", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["action"] == "nothing"  # the earlier digest was finished
    got = Counter(server.got)
    assert got == dict.fromkeys(SUBSCRIBERS, 1)  # none missing, none twice
    last = ledger_lines(config)[-1]
    assert last["state"] == "sent"
    if in_flight:
        assert last["note"] == (
            "resumed: 5 delivered by an earlier run, 6 by this one; 1 handed over when an "
            "earlier run stopped, not sent again (at most once)"
        )
        assert f"{server.got[5]}: handed to the server when an earlier run stopped" in (
            result.stderr
        )
    else:
        assert last["note"] == "resumed: 5 delivered by an earlier run, 7 by this one"
    ledger = (config.parent / "newsletter" / "sent.jsonl").read_text()
    assert "example.net" not in ledger  # the committed ledger holds hashes, not addresses
    assert [line["state"] for line in ledger_lines(config)] == ["claimed", "sent"]
    again = cli(config, "--send")
    assert again.exit_code == 0 and "Nothing new" in again.stdout
    assert len(server.got) == len(SUBSCRIBERS)


@pytest.mark.parametrize("stalling", [(0, "rcpt")], indirect=True)
def test_a_send_to_the_list_address_killed_before_its_data_goes_out_on_the_next_run(
    tree: Tree, stalling: tuple[StallingServer, int]
) -> None:
    server, port = stalling
    config = tree(
        backend="smtp",
        smtp_host="127.0.0.1",
        smtp_port=port,
        list_address="commons@lists.commons.example",
    )
    _kill_mid_delivery(config, server)
    assert server.got == []
    result = cli(config, "--send")
    assert result.exit_code == 0, result.stderr
    assert server.got == ["commons@lists.commons.example"]
    assert ledger_lines(config)[-1]["state"] == "sent"


@pytest.mark.parametrize("stalling", [(4, "drop")], indirect=True)
def test_a_connection_lost_part_way_fails_and_the_next_run_delivers_the_rest(
    tree: Tree, stalling: tuple[StallingServer, int]
) -> None:
    server, port = stalling
    config = tree(
        backend="smtp", smtp_host="127.0.0.1", smtp_port=port, subscribers_file="subscribers.txt"
    )
    (config.parent / "subscribers.txt").write_text("\n".join(SUBSCRIBERS) + "\n")
    first = cli(config, "--send")
    assert first.exit_code == 1
    assert "(4 of 12 delivered; the next --send delivers to the rest)" in first.stderr
    assert "Traceback" not in first.stderr
    assert [line["state"] for line in ledger_lines(config) if "to" not in line] == [
        "claimed",
        "failed",
    ]
    second = cli(config, "--send")
    assert second.exit_code == 0, second.stderr
    assert Counter(server.got) == dict.fromkeys(SUBSCRIBERS, 1)
    assert ledger_lines(config)[-1]["note"] == (
        "resumed: 4 delivered by an earlier run, 8 by this one"
    )
