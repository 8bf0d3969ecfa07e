"""Delivery backends behind one interface (:class:`~.base.Backend`), chosen by config."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import requests

from pipeline.config import Config
from pipeline.newsletter.backends.base import DRAFT, SENDING, SENT, STOPPED, Backend, Remote

__all__ = ["DRAFT", "SENDING", "SENT", "STOPPED", "Backend", "Remote", "make_backend"]


def make_backend(
    config: Config,
    *,
    now: datetime,
    outbox: Path,
    session: requests.Session | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Backend:
    """The backend ``[newsletter] backend`` names (secrets read from the environment here)."""
    name = config.newsletter.backend
    if name == "smtp":
        from pipeline.newsletter.backends.smtp import SmtpBackend

        return SmtpBackend(config, now)
    if name == "ghost":
        from pipeline.newsletter.backends.ghost import GhostBackend

        return GhostBackend(config, session or requests.Session(), now=now, sleep=sleep)
    if name in ("buttondown", "listmonk"):
        session = session or requests.Session()
        if name == "buttondown":
            from pipeline.newsletter.backends.buttondown import ButtondownBackend

            return ButtondownBackend(config, session, sleep=sleep)
        from pipeline.newsletter.backends.listmonk import ListmonkBackend

        return ListmonkBackend(config, session, sleep=sleep)
    from pipeline.newsletter.backends.outbox import OutboxBackend, SubstackBackend

    if name == "substack":
        return SubstackBackend(config, outbox, now)
    return OutboxBackend(config, outbox, now)
