"""The ledger ``newsletter/sent.jsonl``: a committed, append-only record of every digest.

One JSON object per line, one line per state change of a digest: ``claimed`` (items taken,
nothing created yet), ``sending`` (handed to the backend), ``sent``, ``failed`` (with the
redacted error). The last line of a key is its state. Item ids in any entry are never
selected again, and the newest item date is the watermark for the next selection.

Writes replace the whole file atomically (temp file + rename), so a crash leaves either the
old or the new ledger. Processes serialise on an OS lock on a sibling ``.lock`` file (not the
ledger itself, whose inode the rename replaces).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from pipeline.errors import ContentError, LockedError, Problem
from pipeline.output import write_if_changed
from pipeline.secrets import redact

STATES = ("claimed", "sending", "sent", "failed")
PENDING = ("claimed", "sending", "failed")
"""States of a digest that a later ``--send`` run must finish (or heal) first."""


@dataclass(frozen=True)
class Entry:
    """One line of the ledger."""

    key: str
    state: str
    items: tuple[str, ...]
    newest: str
    """ISO date of the digest's newest item (the watermark)."""
    backend: str
    at: str
    """ISO time of the build that wrote the line (the clock passed in, not the wall)."""
    remote_id: str = ""
    subject: str = ""
    note: str = ""
    """Why: the redacted error of a ``failed`` line, or how a ``sent`` line was healed."""

    def to_json(self) -> str:
        data = asdict(self)
        data["items"] = list(self.items)
        data = {k: v for k, v in data.items() if v not in ("", None)}
        return json.dumps(data, sort_keys=True, ensure_ascii=False)

    def advance(self, state: str, at: datetime, **changes: Any) -> Entry:
        """The next line for this digest; notes are always redacted."""
        if "note" in changes:
            changes["note"] = redact(str(changes["note"]))
        return replace(self, state=state, at=at.isoformat(), **{"note": "", **changes})


class Ledger:
    """The parsed ledger file; re-read after taking the lock."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: list[Entry] = self._read()

    def _read(self) -> list[Entry]:
        if not self.path.exists():
            return []
        problems: list[Problem] = []
        out: list[Entry] = []
        text = self.path.read_text(encoding="utf-8")
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                if data.get("state") not in STATES:
                    raise ValueError(f"state must be one of {', '.join(STATES)}")
                out.append(
                    Entry(
                        key=str(data["key"]),
                        state=str(data["state"]),
                        items=tuple(str(i) for i in data.get("items", [])),
                        newest=str(data.get("newest", "")),
                        backend=str(data.get("backend", "")),
                        at=str(data.get("at", "")),
                        remote_id=str(data.get("remote_id", "")),
                        subject=str(data.get("subject", "")),
                        note=str(data.get("note", "")),
                    )
                )
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                problems.append(
                    Problem(str(self.path), n, "ledger", f"not a ledger line ({exc}); fix by hand")
                )
        if problems:
            raise ContentError(problems)
        return out

    def latest(self) -> dict[str, Entry]:
        """The current state of each digest, in the order digests were first claimed."""
        state: dict[str, Entry] = {}
        for e in self.entries:
            state[e.key] = e
        return state

    def pending(self) -> list[Entry]:
        return [e for e in self.latest().values() if e.state in PENDING]

    def used_ids(self) -> set[str]:
        return {i for e in self.entries for i in e.items}

    def watermark(self) -> datetime | None:
        dates = [datetime.fromisoformat(e.newest) for e in self.entries if e.newest]
        return max(dates) if dates else None

    def append(self, entry: Entry) -> None:
        """Add a line and atomically replace the file (call only while holding the lock)."""
        self.entries.append(entry)
        data = "".join(e.to_json() + "\n" for e in self.entries)
        write_if_changed(self.path, data.encode("utf-8"))


@contextlib.contextmanager
def locked(path: Path, *, timeout: float = 600.0, poll: float = 0.05) -> Iterator[Ledger]:
    """Hold the ledger's OS lock, yielding the ledger as read under the lock.

    A second process waits (up to ``timeout``) and then sees what the first one recorded,
    so two ``--send`` runs started together send one email.
    """
    lock_path = path.with_name(f".{path.name}.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as fh:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise LockedError(
                        f"another 'publish digest --send' holds {lock_path} for over "
                        f"{timeout:.0f} s; wait for it to finish and run again"
                    ) from None
                time.sleep(poll)
        try:
            yield Ledger(path)
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
