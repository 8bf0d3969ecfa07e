"""The outbox: preview files named by the digest key, and the no-account backend.

Every run writes ``<key>.eml``, ``.html``, ``.txt`` and ``.json`` to the outbox folder
(git-ignored) so editors can open the message before anything is sent. With
``backend = "outbox"`` a ``--send`` only records the digest as sent (the ``.html`` is what a
community pastes into a service with no API, such as Substack).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from pipeline.config import Config
from pipeline.newsletter.backends.base import DRAFT, SENT, Journal, Remote
from pipeline.newsletter.compose import Digest, list_domain
from pipeline.newsletter.message import build_message, wire_bytes
from pipeline.support.output import write_if_changed

PASTE = ".substack.html"
"""The paste-ready post the ``substack`` backend writes beside the previews."""


def write_preview(config: Config, digest: Digest, outbox: Path, now: datetime) -> tuple[Path, ...]:
    """Write the four preview files atomically; returns their paths."""
    nl = config.newsletter
    msg = build_message(
        digest,
        from_address=nl.from_address,
        to=nl.list_address,
        date=now,
        domain=list_domain(config),
    )
    meta = {
        "key": digest.key,
        "list": digest.list,
        "period": digest.period,
        "items": list(digest.items),
        "subject": digest.subject,
        "preheader": digest.preheader,
        "headers": dict(digest.headers),
        "html_bytes": len(digest.html.encode("utf-8")),
        "warnings": list(digest.warnings),
    }
    files = {
        ".eml": wire_bytes(msg),
        ".html": digest.html.encode("utf-8"),
        ".txt": digest.text.encode("utf-8"),
        ".json": (json.dumps(meta, indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
    }
    if digest.paste_html:
        files[PASTE] = digest.paste_html.encode("utf-8")
    paths = []
    for suffix, data in files.items():
        path = outbox / f"{digest.key}{suffix}"
        write_if_changed(path, data)
        paths.append(path)
    return tuple(paths)


class OutboxBackend:
    """No account: the preview is the deliverable; a ``.sent`` marker records the send."""

    name = "outbox"
    stateful = True
    unsubscribe_link: str | None = None

    def __init__(self, config: Config, outbox: Path, now: datetime) -> None:
        self.config = config
        self.outbox = outbox
        self.now = now

    def _marker(self, key: str) -> Path:
        return self.outbox / f"{key}.sent"

    def find(self, key: str) -> Remote | None:
        if self._marker(key).exists():
            return Remote(id=key, state=SENT, status="sent")
        if (self.outbox / f"{key}.eml").exists():
            return Remote(id=key, state=DRAFT, status="preview")
        return None

    def create_draft(self, digest: Digest) -> Remote:
        write_preview(self.config, digest, self.outbox, self.now)
        return Remote(id=digest.key, state=DRAFT, status="preview")

    def update_draft(self, remote: Remote, digest: Digest) -> Remote:
        write_preview(self.config, digest, self.outbox, self.now)
        return remote

    def test_send(self, remote: Remote, addresses: Sequence[str]) -> None:
        """Nothing to send through: the preview files already are the test copy."""

    def send(self, remote: Remote, journal: Journal | None = None) -> Remote:
        write_if_changed(self._marker(remote.id), f"{self.now.isoformat()}\n".encode())
        return Remote(id=remote.id, state=SENT, status="sent")

    def status(self, remote: Remote) -> Remote:
        return self.find(remote.id) or remote


class SubstackBackend(OutboxBackend):
    """Substack has no API for posting: ``--send`` leaves a paste-ready post in the outbox
    (``<key>.substack.html``: the items with absolute links and images by URL), records the
    digest as sent, and says to paste it."""

    name = "substack"

    def send(self, remote: Remote, journal: Journal | None = None) -> Remote:
        sent = super().send(remote, journal)
        path = self.outbox / f"{remote.id}{PASTE}"
        try:
            shown = path.relative_to(self.config.root)
        except ValueError:
            shown = path
        note = (
            f"Substack has no API for posting: paste {shown} into a new post on Substack "
            "(open it in a browser, select all, copy, paste)"
        )
        return Remote(sent.id, sent.state, sent.status, note=note)
