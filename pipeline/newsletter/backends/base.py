"""The one small interface every delivery backend implements.

The engine only ever asks: is there a message under this key (``find``)? make a draft
(``create_draft``), send a test copy, send the draft, what is its state now. A new service
(Mailchimp, Kit, Ghost) is one more class, nothing else changes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pipeline.newsletter.compose import Digest
from pipeline.newsletter.errors import DeliveryError

DRAFT = "draft"
"""Created and not sent: ours to send (once)."""
SENDING = "sending"
"""Handed over (queued, scheduled, running): counts as sent, never send again."""
SENT = "sent"
STOPPED = "stopped"
"""Paused, cancelled, deleted or errored at the service: a human must decide."""


@dataclass(frozen=True)
class Remote:
    """A digest as the backend knows it."""

    id: str
    state: str
    """One of DRAFT, SENDING, SENT, STOPPED (normalised across services)."""
    status: str
    """The service's own status word, for messages."""
    note: str = ""
    """Anything worth recording in the ledger (e.g. refused recipients)."""
    warnings: tuple[str, ...] = ()
    """Said on stderr, not recorded (they may name subscribers; the ledger is committed)."""


class Journal(Protocol):
    """Per-recipient progress a stateless backend (SMTP) records as it goes, so a run that
    stopped part-way can be resumed (:class:`pipeline.newsletter.ledger.Journal`)."""

    resumed: bool

    def status(self, address: str) -> str:
        """``delivered``, ``in-flight`` (handed over by an earlier run, unconfirmed) or ``""``."""
        ...

    def handing_over(self, address: str) -> None:
        """Called just before the message's last byte goes to the server."""
        ...

    def accepted(self, address: str) -> None: ...

    def refused(self, address: str) -> None: ...

    def deferred(self, address: str) -> None:
        """The server did not take the message after all (4xx at its end): send it again."""
        ...


class Backend(Protocol):
    """Where digests go. Implementations: outbox, smtp, buttondown, listmonk."""

    name: str
    stateful: bool
    """True when ``find`` can see a message that was already sent (a service's own store)."""
    unsubscribe_link: str | None
    """The service's merge tag for the unsubscribe link, put in the body; None for ours."""

    def find(self, key: str) -> Remote | None:
        """The message created earlier under ``key``, in whatever state, or None."""
        ...

    def create_draft(self, digest: Digest) -> Remote:
        """Create the message under ``digest.key`` without sending it."""
        ...

    def update_draft(self, remote: Remote, digest: Digest) -> Remote:
        """Make a draft found under ``digest.key`` say what ``digest`` says (an item edited
        since an earlier run made it, a test copy's): the key is the items' ids, not their
        text, and the list was sent the draft as an earlier run left it."""
        ...

    def test_send(self, remote: Remote, addresses: Sequence[str]) -> None:
        """Send a test copy of a draft to these addresses only."""
        ...

    def send(self, remote: Remote, journal: Journal | None = None) -> Remote:
        """Send a draft to the list; the engine calls it only while the draft is a draft.

        A stateless backend gets a ``journal`` to record and resume per-recipient progress.
        """
        ...

    def status(self, remote: Remote) -> Remote:
        """Refresh the state of a message."""
        ...


def remote_of(payload: Any, service: str, noun: str, states: Mapping[str, str]) -> Remote:
    """The Remote an API answered with (``{"id": ..., "status": ...}``), its status mapped
    through ``states``; a status it does not know is STOPPED, so a human decides, never a guess."""
    if not isinstance(payload, dict) or "id" not in payload:
        raise DeliveryError(f"{service} answered without {noun}")
    remote_id = payload["id"]
    if isinstance(remote_id, bool) or not isinstance(remote_id, (str, int)):
        raise DeliveryError(f"{service} answered with {noun} whose id is not text or a number")
    if not _REMOTE_ID.fullmatch(str(remote_id)):
        # the id goes into request paths: "x/../../y" would reach another endpoint
        raise DeliveryError(f"{service} answered with {noun} whose id is not a plain identifier")
    status = str(payload.get("status", ""))
    return Remote(id=str(remote_id), state=states.get(status, STOPPED), status=status)


_REMOTE_ID = re.compile(r"(?!\.+\Z)[A-Za-z0-9_.:-]{1,200}")
"""What an API's object ids look like (Buttondown's UUIDs, listmonk's integers)."""


def fitted(key: str, limit: int) -> str:
    """``key`` as a service's slug or idempotency key of at most ``limit`` characters: as it
    is when it fits, else cut and ended with a hash of the whole key (still unique, still
    the same on every run)."""
    if len(key) <= limit:
        return key
    tail = hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
    return f"{key[: limit - len(tail) - 1].rstrip('-')}-{tail}"
