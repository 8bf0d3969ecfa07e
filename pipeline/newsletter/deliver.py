"""The delivery engine: claim in the ledger, find or create a draft, send only a draft,
record it sent. Exactly once with a service that keeps state (Buttondown, listmonk, the
outbox); with SMTP, per recipient, at most once (see below).

Why each step:

* The ledger lock (an OS ``flock``) serialises processes on one machine: a second
  ``--send`` waits, then reads what the first recorded and finds nothing new.
* The claim (``claimed`` line, written before anything is created) fixes the digest's key
  and items, so a later run finishes *that* digest rather than composing another.
* ``find(key)`` before ``create_draft`` makes the service authoritative: a run that crashed
  after sending but before writing ``sent`` finds the message already sent and only records
  it (healed, not re-sent); a draft left by a crashed run is reused, not duplicated.
* Services take the send only while the message is a draft.
* SMTP has no state to ask: the ledger keeps per-recipient progress (a ``sending`` line just
  before each message's last byte, ``delivered`` after the server's answer). A later run
  resumes the rest: it skips recipients delivered, and the one left ``sending`` when the run
  stopped (the server may have taken it: at most once, named in a warning).
  (A ``sending`` digest line with no per-recipient lines, written by versions before them,
  is marked sent with a warning, as those versions did.)
* Any failure writes a ``failed`` line with the redacted reason; the next ``--send`` retries
  (with SMTP: delivers to those not reached yet).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from pipeline.config import Config
from pipeline.errors import ConfigError, Problem
from pipeline.model import Item
from pipeline.newsletter import ledger as ledger_mod
from pipeline.newsletter.backends import DRAFT, SENDING, SENT, Backend, make_backend
from pipeline.newsletter.backends.outbox import write_preview
from pipeline.newsletter.compose import Digest, Selection, compose, select
from pipeline.newsletter.errors import DeliveryError
from pipeline.newsletter.ledger import Entry, Journal, Ledger
from pipeline.support.edge import DEFAULT_EDGE, Edge, Progress


class Action(StrEnum):
    """What a ``publish digest`` run did, closed; each is its own text in ``--format json``."""

    NOTHING = "nothing"
    PREVIEW = "preview"
    TEST_SENT = "test-sent"
    SENT = "sent"
    ALREADY_SENT = "already-sent"
    MARKED = "marked"
    """``--mark-sent``: items recorded as announced, nothing composed or sent."""


@dataclass(frozen=True)
class DigestRun:
    """What one ``publish digest`` run did."""

    action: Action
    backend: str
    digest: Digest | None = None
    items: tuple[Item, ...] = ()
    paths: tuple[Path, ...] = ()
    """Preview files written to the outbox."""
    remote_id: str = ""
    healed: tuple[str, ...] = ()
    """Keys of earlier unfinished digests this run completed or found already sent."""
    test_to: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Choice:
    """Which items a run takes: the options of ``publish digest`` that steer the selection."""

    since: datetime | None = None
    item_ids: Sequence[str] = ()
    include_older: bool = False
    """Also take never-sent items older than any announced one."""

    def select(self, published: Sequence[Item], ledger: Ledger, max_items: int) -> Selection:
        return select(
            published,
            ledger.used_ids(),
            passed_over=ledger.passed_over(),
            first_newest=ledger.first_newest(),
            include_older=self.include_older,
            since=self.since,
            item_ids=self.item_ids,
            max_items=max_items,
        )


def run_digest(
    config: Config,
    published: Sequence[Item],
    now: datetime,
    *,
    send: bool = False,
    test_to: Sequence[str] = (),
    choice: Choice = Choice(),
    backend: Backend | None = None,
    edge: Edge = DEFAULT_EDGE,
) -> DigestRun:
    """Compose the next digest from ``published`` (newest first) and preview, test or send it.

    ``now`` is the build time: it dates the message and the ledger lines, nothing else.
    ``choice`` steers which items it takes; ``backend`` replaces the configured one.
    """
    if send and test_to:
        raise ValueError("send and test_to are exclusive")
    if not send and not test_to:
        return preview_digest(config, published, now, choice)

    def get_backend() -> Backend:
        outbox = config.root / config.newsletter.outbox
        return backend or make_backend(
            config, now=now, outbox=outbox, session=edge.session, sleep=edge.sleep
        )

    if test_to:
        _check_addresses(test_to)
        if backend is None and config.newsletter.backend in NOTHING_SENT:
            # it said "Test copy sent" with nothing sent: the preview is all there is
            run = preview_digest(config, published, now, choice)
            said = (
                f"the {config.newsletter.backend!r} backend sends no email: no test copy went "
                f"to {', '.join(test_to)}; open the preview in the outbox"
            )
            return dataclasses.replace(run, warnings=(*run.warnings, said))
        return send_test_copy(config, published, now, choice, get_backend, test_to, edge.progress)
    chosen = get_backend()  # a missing key fails here, before the ledger's lock file exists
    return send_digest(config, published, now, choice, chosen, edge.lock_timeout, edge.progress)


NOTHING_SENT = ("outbox", "substack")
"""Backends whose "send" only writes files: a test copy through them would reach no one."""
_ADDRESS = re.compile(r"[^\s\x00-\x1f\x7f@<>,;\"]+@[^\s\x00-\x1f\x7f@<>,;\"]+")
"""One bare address: no whitespace or control character (a header break), no list."""


def _check_addresses(addresses: Sequence[str]) -> None:
    """``--test-to`` takes bare addresses only; the first bad one is never half-sent."""
    problems = [
        Problem("--test-to", 1, "address", f"{a!r} is not one email address (name@host)")
        for a in addresses
        if not _ADDRESS.fullmatch(a)
    ]
    if problems:
        raise ConfigError(problems)


def preview_digest(
    config: Config, published: Sequence[Item], now: datetime, choice: Choice
) -> DigestRun:
    """Compose the next digest and write it to the outbox; nothing sent or recorded."""
    nl = config.newsletter
    selection = choice.select(published, Ledger(config.root / nl.ledger), nl.max_items)
    items, warnings = selection.items, selection.warnings
    if not items:
        return DigestRun(Action.NOTHING, nl.backend, warnings=warnings)
    digest = compose(config, items, unsubscribe_link=None, now=now)
    paths = write_preview(config, digest, config.root / nl.outbox, now)
    warnings += digest.warnings
    return DigestRun(Action.PREVIEW, nl.backend, digest, items, paths, warnings=warnings)


def send_test_copy(
    config: Config,
    published: Sequence[Item],
    now: datetime,
    choice: Choice,
    get_backend: Callable[[], Backend],
    test_to: Sequence[str],
    progress: Progress,
) -> DigestRun:
    """A test copy of the next digest (its draft made or found at the service) to
    ``test_to``; the ledger is only read."""
    nl = config.newsletter
    selection = choice.select(published, Ledger(config.root / nl.ledger), nl.max_items)
    items, warnings = selection.items, selection.warnings
    if not items:
        return DigestRun(Action.NOTHING, nl.backend, warnings=warnings)
    chosen = get_backend()
    digest = compose(config, items, unsubscribe_link=chosen.unsubscribe_link, now=now)
    paths = write_preview(config, digest, config.root / nl.outbox, now)
    warnings += digest.warnings
    remote = chosen.find(digest.key)
    if remote is None:
        progress(f"creating draft {digest.key} at {chosen.name}")
        remote = chosen.create_draft(digest)
    elif remote.state == DRAFT:  # made by an earlier run: the items may have changed since
        remote = chosen.update_draft(remote, digest)
    if remote.state != DRAFT:
        raise DeliveryError(
            f"digest {digest.key} is already {remote.status!r} at {chosen.name}; "
            "test copies are only sent of drafts"
        )
    progress(f"sending a test copy to {', '.join(test_to)}")
    chosen.test_send(remote, test_to)
    return DigestRun(
        Action.TEST_SENT,
        chosen.name,
        digest,
        items,
        paths,
        remote.id,
        test_to=tuple(test_to),
        warnings=warnings,
    )


def send_digest(
    config: Config,
    published: Sequence[Item],
    now: datetime,
    choice: Choice,
    chosen: Backend,
    lock_timeout: float,
    progress: Progress,
) -> DigestRun:
    """Under the ledger's lock: finish what earlier runs left unfinished, then claim, send
    and record the next digest."""
    nl = config.newsletter
    with ledger_mod.locked(config.root / nl.ledger, timeout=lock_timeout) as ledger:
        healed, warnings = _finish_pending(config, published, now, ledger, chosen, progress)
        selection = choice.select(published, ledger, nl.max_items)
        items = selection.items
        warnings += selection.warnings
        if not items:
            return DigestRun(Action.NOTHING, chosen.name, healed=healed, warnings=warnings)
        digest = compose(config, items, unsubscribe_link=chosen.unsubscribe_link, now=now)
        warnings += digest.warnings
        paths = write_preview(config, digest, config.root / nl.outbox, now)
        known = ledger.latest().get(digest.key)
        if known is not None and known.state == "sent":
            return DigestRun(
                Action.ALREADY_SENT,
                chosen.name,
                digest,
                items,
                paths,
                known.remote_id,
                healed=healed,
                warnings=warnings,
            )
        entry = known or Entry(
            key=digest.key,
            state="claimed",
            items=digest.items,
            newest=digest.newest.isoformat(),
            backend=chosen.name,
            at=now.isoformat(),
            subject=digest.subject,
            passed_over=selection.passed_over,
        )
        if known is None:
            ledger.append(entry)
        warnings += _deliver(ledger, chosen, digest, entry, now, progress)
        sent = ledger.latest()[digest.key]
        return DigestRun(
            Action.SENT,
            chosen.name,
            digest,
            items,
            paths,
            sent.remote_id,
            healed=healed,
            warnings=warnings,
        )


def _finish_pending(
    config: Config,
    published: Sequence[Item],
    now: datetime,
    ledger: Ledger,
    chosen: Backend,
    progress: Progress,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Deliver each digest an earlier run claimed and did not finish: (keys, warnings)."""
    by_id = {i.id: i for i in published}
    healed: list[str] = []
    warnings: tuple[str, ...] = ()
    for entry in ledger.pending():
        items = tuple(by_id[i] for i in entry.items if i in by_id)
        progress(f"finishing digest {entry.key} (last state: {entry.state})")
        unfinished = (
            compose(config, items, key=entry.key, unsubscribe_link=chosen.unsubscribe_link, now=now)
            if items
            else None
        )
        warnings += _deliver(ledger, chosen, unfinished, entry, now, progress)
        healed.append(entry.key)
    return tuple(healed), warnings


def _deliver(
    ledger: Ledger,
    backend: Backend,
    digest: Digest | None,
    entry: Entry,
    now: datetime,
    progress: Progress,
) -> tuple[str, ...]:
    """Take one claimed digest to ``sent`` (or record why not and raise)."""
    key = entry.key
    remote = None
    try:
        remote = backend.find(key)
        if remote is None:
            if not backend.stateful and entry.state == "sending":
                # written by a version without per-recipient progress: nothing says who got it
                note = (
                    "healed: an earlier run handed this digest to the server and stopped "
                    "before recording it; not sent again (check the list archive)"
                )
                ledger.append(entry.advance("sent", now, note=note))
                return (f"digest {key}: {note}",)
            if digest is None:
                # not 'mark it failed': a failed digest is retried like any unfinished one
                raise DeliveryError(
                    f"digest {key} in {ledger.path} is unfinished but none of its items "
                    "are published any more; publish one of them again, or delete the "
                    f"lines of {key} from the ledger to drop it"
                )
            progress(f"creating draft {key} at {backend.name}")
            remote = backend.create_draft(digest)
        elif remote.state == DRAFT and digest is not None:  # an earlier run's: as it is now
            remote = backend.update_draft(remote, digest)
        if remote.state == DRAFT:
            journal = None
            if backend.stateful:
                ledger.append(entry.advance("sending", now, remote_id=remote.id))
            else:  # progress per recipient instead (SMTP)
                journal = Journal(ledger, entry, now)
            progress(f"sending {key} through {backend.name}")
            remote = backend.send(remote, journal)
            if remote.state not in (SENDING, SENT):  # answered, and not taken: not sent
                raise DeliveryError(
                    f"digest {key}: {backend.name} answered the send with {remote.status!r}, "
                    "not a sending or sent state: nothing was sent; see it there, then run again"
                )
            ledger.append(entry.advance("sent", now, remote_id=remote.id, note=remote.note))
            shown = (f"digest {key}: {remote.note}",) if remote.note else ()
            return shown + tuple(f"digest {key}: {w}" for w in remote.warnings)
        if remote.state in (SENDING, SENT):
            note = f"healed: found {remote.status!r} at {backend.name}; not sent again"
            ledger.append(entry.advance("sent", now, remote_id=remote.id, note=note))
            return (f"digest {key}: {note}",)
        raise DeliveryError(
            f"digest {key} is {remote.status!r} at {backend.name} (not a draft); "
            "resolve it there, then run again"
        )
    except DeliveryError as exc:
        remote_id = remote.id if remote is not None else entry.remote_id
        ledger.append(entry.advance("failed", now, remote_id=remote_id, note=exc.recorded))
        raise
