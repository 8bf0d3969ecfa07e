"""The ledger ``newsletter/sent.jsonl``: a committed, append-only record of every digest.

One JSON object per line, one line per state change of a digest: ``claimed`` (items taken,
nothing created yet), ``sending`` (handed to a service), ``sent``, ``failed`` (with the
redacted error). The last such line of a key is its state. Item ids in any entry are never
selected again.

SMTP has no state to ask, so its progress is kept per recipient: lines with a ``to`` field
(a hash of the address, never the address) say ``sending`` just before the message's final
``.`` is sent, then ``delivered`` (or ``refused``) once the server answers. A run that stops
part-way leaves these lines, and the next ``--send`` delivers to everyone else: a recipient
``delivered`` is skipped, and so is one left ``sending`` (the server may have taken the
message before the crash: at most once). The ``sent`` line of a digest replaces its
per-recipient lines, so the committed ledger stays one line per state.

State lines replace the whole file atomically (temp file + rename), so a crash leaves either
the old or the new ledger; per-recipient lines are appended with one ``write``. Processes
serialise on an OS lock on a sibling ``.lock`` file (not the ledger itself, whose inode the
rename replaces).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from pipeline.errors import ContentError, LockedError, Problem
from pipeline.support import jsontext
from pipeline.support.output import NOT_REGULAR, write_if_changed
from pipeline.support.secrets import redact

STATES = ("claimed", "sending", "sent", "failed", "delivered", "refused", "deferred")
_LINE_BREAKS = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}
"""Line separators JSON may leave raw but a line reader splits at."""
PENDING = ("claimed", "sending", "failed")
"""States of a digest that a later ``--send`` run must finish (or heal) first."""


@dataclass(frozen=True)
class Entry:
    """One line of the ledger."""

    key: str
    state: str
    items: tuple[str, ...]
    newest: str
    """ISO date of the digest's newest item."""
    backend: str
    at: str
    """ISO time of the build that wrote the line (the clock passed in, not the wall)."""
    remote_id: str = ""
    subject: str = ""
    note: str = ""
    """Why: the redacted error of a ``failed`` line, or how a ``sent`` line was healed."""
    to: tuple[str, ...] = ()
    """Per-recipient progress (SMTP): the :func:`recipient_id` this line is about."""
    passed_over: tuple[str, ...] = ()
    """Ids of never-sent items older than any announced one, warned about once and left out."""

    @property
    def progress(self) -> bool:
        """A per-recipient line, not a state of the digest."""
        return bool(self.to)

    def to_json(self) -> str:
        data = {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}
        data = {k: v for k, v in data.items() if v not in ("", None, []) or k == "items"}
        if self.progress:
            data.pop("items")
        text = json.dumps(data, sort_keys=True, ensure_ascii=False)
        # JSON leaves these unescaped, yet Python's splitlines(), editors and diff tools end a
        # line at them: escaped, an id or service message holding one cannot split a line
        return text.translate(_LINE_BREAKS)

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
        if not self.path.is_file():  # written by a rename, a device would become a file
            message = f"{NOT_REGULAR}; expected the ledger's JSON lines"
            raise ContentError([Problem(str(self.path), 1, "ledger", message)])
        raw = self.path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            at = raw.count(b"\n", 0, exc.start) + 1
            message = f"not UTF-8 (byte {raw[exc.start]:#04x}); fix by hand"
            raise ContentError([Problem(str(self.path), at, "ledger", message)]) from None
        # one line per "\n" only: a ledger written before U+2028 and friends were escaped
        # stays readable (splitlines() would cut such a line in two)
        for n, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                continue
            try:
                data = jsontext.loads(line)
                if data.get("state") not in STATES:
                    raise ValueError(f"state must be one of {', '.join(STATES)}")
                _check_newest(data.get("newest", ""))
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
                        to=tuple(str(i) for i in data.get("to", [])),
                        passed_over=tuple(str(i) for i in data.get("passed_over", [])),
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
        """The current state of each digest, in the order digests were first claimed
        (per-recipient lines are progress within a state, not states)."""
        state: dict[str, Entry] = {}
        for e in self.entries:
            if not e.progress:
                state[e.key] = e
        return state

    def pending(self) -> list[Entry]:
        return [e for e in self.latest().values() if e.state in PENDING]

    def used_ids(self) -> set[str]:
        return {i for e in self.entries for i in e.items}

    def passed_over(self) -> set[str]:
        return {i for e in self.entries for i in e.passed_over}

    def first_newest(self) -> datetime | None:
        """The newest item of the first digest ever recorded (None for an empty ledger)."""
        dates = [datetime.fromisoformat(e.newest) for e in self.entries if e.newest]
        return min(dates) if dates else None

    def append(self, entry: Entry) -> None:
        """Add a state line and atomically replace the file (only while holding the lock).

        A ``sent`` line replaces the digest's per-recipient lines (their count is in its note).
        """
        if entry.state == "sent":
            self.entries = [e for e in self.entries if not (e.progress and e.key == entry.key)]
        self.entries.append(entry)
        data = "".join(e.to_json() + "\n" for e in self.entries)
        write_if_changed(self.path, data.encode("utf-8"), keep_mode=True)

    def append_progress(self, entry: Entry) -> None:
        """Append one per-recipient line with a single ``write`` (only while holding the lock):
        a digest to thousands of addresses does not rewrite the ledger thousands of times."""
        self.entries.append(entry)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, (entry.to_json() + "\n").encode("utf-8"))
        finally:
            os.close(fd)


def _check_newest(value: object) -> None:
    """``newest`` is compared with item dates: an ISO date-time with its offset, or absent."""
    if value in ("", None):
        return
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise ValueError(
            f"'newest' must be an ISO 8601 date-time with its offset "
            f"(e.g. 2024-05-06T00:00:00+00:00), not {value!r}"
        )


def recipient_id(address: str) -> str:
    """What the committed ledger says about a subscriber: a hash, never the address."""
    return hashlib.sha256(address.strip().lower().encode("utf-8")).hexdigest()[:16]


class Journal:
    """Per-recipient progress of one digest, kept in the ledger (what SMTP cannot tell us).

    ``status`` says what an earlier run did for an address: ``delivered``, ``in-flight``
    (handed over, no answer recorded: maybe delivered, never sent again) or ``""``.
    """

    def __init__(self, ledger: Ledger, entry: Entry, now: datetime) -> None:
        self.ledger = ledger
        self.entry = entry
        self.at = now.isoformat()
        self._done: set[str] = set()
        self._in_flight: set[str] = set()
        for e in ledger.entries:
            if e.key != entry.key or not e.progress:
                continue
            for rid in e.to:
                self._in_flight.discard(rid)
                if e.state == "sending":
                    self._in_flight.add(rid)
                elif e.state == "delivered":
                    self._done.add(rid)
        self.resumed = bool(self._done or self._in_flight)
        """An earlier run of this digest stopped part-way."""

    def status(self, address: str) -> str:
        rid = recipient_id(address)
        if rid in self._done:
            return "delivered"
        return "in-flight" if rid in self._in_flight else ""

    def _line(self, state: str, address: str) -> None:
        e = self.entry
        self.ledger.append_progress(
            Entry(e.key, state, (), "", e.backend, self.at, to=(recipient_id(address),))
        )

    def handing_over(self, address: str) -> None:
        """Just before the message's last byte: from here on it may be delivered."""
        self._line("sending", address)

    def accepted(self, address: str) -> None:
        self._line("delivered", address)

    def refused(self, address: str) -> None:
        self._line("refused", address)

    def deferred(self, address: str) -> None:
        """The server answered the message's end with a 4xx: it did not take it, so the
        next run sends it again (the ``sending`` line before no longer holds)."""
        self._line("deferred", address)


@contextlib.contextmanager
def waiting_lock(
    lock_path: Path, *, timeout: float = 600.0, poll: float = 0.05, command: str
) -> Iterator[None]:
    """Hold an OS lock on ``lock_path``, waiting up to ``timeout`` for another process
    (``command`` names it in the error when the wait is over)."""
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
                        f"another '{command}' holds {lock_path} for over "
                        f"{timeout:.0f} s; wait for it to finish and run again"
                    ) from None
                time.sleep(poll)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


@contextlib.contextmanager
def locked(
    path: Path,
    *,
    timeout: float = 600.0,
    poll: float = 0.05,
    command: str = "publish digest --send",
) -> Iterator[Ledger]:
    """Hold the ledger's OS lock, yielding the ledger as read under the lock.

    A second process waits (up to ``timeout``) and then sees what the first one recorded,
    so two ``--send`` runs started together send one email.
    """
    lock_path = path.with_name(f".{path.name}.lock")
    with waiting_lock(lock_path, timeout=timeout, poll=poll, command=command):
        yield Ledger(path)
