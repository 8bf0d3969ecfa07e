"""The ledger's file keeps the permission bits an editor gave it: ``chmod 444`` stays 444
after a digest (it was 0644 again, renamed over; a helper's finding)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.mark.skipif(os.name != "posix", reason="permission bits are POSIX")
def test_the_ledger_made_read_only_stays_so(tmp_path: Path) -> None:
    from pipeline.newsletter.ledger import Entry, Ledger

    path = tmp_path / "sent.jsonl"
    path.write_text("", encoding="utf-8")
    path.chmod(0o444)
    entry = Entry("k1", "claimed", ("a",), "2024-01-01T00:00:00+00:00", "outbox", "2024-01-02")
    Ledger(path).append(entry)
    assert path.stat().st_mode & 0o777 == 0o444
    assert Ledger(path).latest()["k1"].state == "claimed"
