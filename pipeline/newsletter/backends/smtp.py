"""Plain SMTP: one multipart/alternative message to the list address, or one per subscriber.

SMTP keeps no state we can query, so ``find`` knows nothing and the engine relies on the
ledger alone (see :mod:`pipeline.newsletter.deliver` for how a crash is healed).
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import html
import smtplib
import ssl
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from pipeline.config import Config
from pipeline.errors import ConfigError, Problem
from pipeline.newsletter.backends.base import DRAFT, SENT, Remote
from pipeline.newsletter.compose import Digest, list_domain
from pipeline.newsletter.errors import DeliveryError
from pipeline.newsletter.message import build_message
from pipeline.secrets import redact, secret

UNSUBSCRIBE_SECRET_ENV = "NEWSLETTER_UNSUBSCRIBE_SECRET"
"""Key of the per-subscriber ``{token}`` in ``[newsletter] unsubscribe_url``."""

PASSWORD_ENV = "SMTP_PASSWORD"
TIMEOUT = 30.0


def read_subscribers(path: Path) -> list[str]:
    """One address per line; blank lines and ``#`` comments skipped, duplicates dropped."""
    seen: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        address = line.split("#", 1)[0].strip()
        if address and "@" in address:
            seen.setdefault(address.lower(), address)
    return list(seen.values())


class SmtpBackend:
    """Delivers through an SMTP server (TLS none/starttls/ssl, optional login)."""

    name = "smtp"
    stateful = False
    unsubscribe_link: str | None = None

    def __init__(self, config: Config, now: datetime) -> None:
        self.config = config
        self.nl = config.newsletter
        self.now = now
        self.domain = list_domain(config)
        self._digests: dict[str, Digest] = {}
        where = str(config.path or "publish.toml")
        if self.nl.smtp_user and not secret(PASSWORD_ENV):
            raise ConfigError(
                [Problem("environment", 1, PASSWORD_ENV, "not set; smtp_user needs a password")]
            )
        if not self.nl.list_address and not self.nl.subscribers_file:
            raise ConfigError(
                [
                    Problem(
                        where,
                        1,
                        "newsletter.list_address",
                        "smtp needs list_address or subscribers_file",
                    )
                ]
            )

    def recipients(self) -> list[str]:
        if self.nl.list_address:
            return [self.nl.list_address]
        path = self.config.root / self.nl.subscribers_file
        try:
            return read_subscribers(path)
        except (OSError, UnicodeDecodeError) as exc:
            raise DeliveryError(f"cannot read subscribers file {path}: {exc}") from None

    def _connect(self) -> smtplib.SMTP:
        nl = self.nl
        context = ssl.create_default_context()
        server: smtplib.SMTP
        if nl.smtp_tls == "ssl":
            server = smtplib.SMTP_SSL(nl.smtp_host, nl.smtp_port, timeout=TIMEOUT, context=context)
        else:
            server = smtplib.SMTP(nl.smtp_host, nl.smtp_port, timeout=TIMEOUT)
            if nl.smtp_tls == "starttls":
                server.starttls(context=context)
        if nl.smtp_user:
            server.login(nl.smtp_user, secret(PASSWORD_ENV))
        return server

    def find(self, key: str) -> Remote | None:
        return None

    def create_draft(self, digest: Digest) -> Remote:
        self._digests[digest.key] = digest
        return Remote(id=digest.key, state=DRAFT, status="composed")

    def _fill(self, url: str, address: str) -> str:
        """The unsubscribe URL of one subscriber: ``{email}`` and ``{token}`` filled in.

        ``{token}`` is an HMAC of the address keyed by ``$NEWSLETTER_UNSUBSCRIBE_SECRET``, so
        the site's unsubscribe endpoint can tell a real request from a forged one.
        """
        filled = url.replace("{email}", quote(address, safe=""))
        if "{token}" in filled:
            key = secret(UNSUBSCRIBE_SECRET_ENV)
            if not key:
                raise DeliveryError(
                    f"[newsletter] unsubscribe_url uses {{token}}: set ${UNSUBSCRIBE_SECRET_ENV}"
                )
            mac = hmac.new(key.encode(), address.lower().encode(), hashlib.sha256)
            filled = filled.replace("{token}", mac.hexdigest()[:32])
        return filled

    def _unsubscribe_for(self, address: str) -> str:
        url = self.nl.unsubscribe_url
        if "{email}" not in url and "{token}" not in url:
            return ""
        parts = [f"<{self._fill(url, address)}>"]
        if self.nl.unsubscribe_mailto:
            mailto = self.nl.unsubscribe_mailto
            if not mailto.startswith("mailto:"):
                mailto = f"mailto:{mailto}?subject=unsubscribe"
            parts.append(f"<{mailto}>")
        return ", ".join(parts)

    def _personal(self, digest: Digest, address: str) -> Digest:
        """Per-subscriber mode: the ``{email}`` of the unsubscribe URL filled in the body."""
        url = self.nl.unsubscribe_url
        if "{email}" not in url and "{token}" not in url:
            return digest
        mine = self._fill(url, address)
        escaped = html.escape(url, quote=True)
        return dataclasses.replace(
            digest,
            html=digest.html.replace(url, mine).replace(escaped, html.escape(mine, quote=True)),
            text=digest.text.replace(url, mine),
        )

    def _deliver(self, digest: Digest, addresses: Sequence[str], *, test: bool) -> Remote:
        delivered = 0
        refused: list[str] = []
        try:
            server = self._connect()
            try:
                for address in addresses:
                    msg = build_message(
                        self._personal(digest, address),
                        from_address=self.nl.from_address,
                        to=address,
                        date=self.now,
                        domain=self.domain,
                        test=test,
                        unsubscribe_override=self._unsubscribe_for(address),
                    )
                    try:
                        server.send_message(msg, from_addr=self.nl.from_address, to_addrs=[address])
                        delivered += 1
                    except smtplib.SMTPRecipientsRefused:
                        refused.append(address)
            finally:
                try:
                    server.quit()
                except (smtplib.SMTPException, OSError):
                    server.close()
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(
                f"SMTP {self.nl.smtp_host}:{self.nl.smtp_port}: {type(exc).__name__}: "
                f"{redact(str(exc), limit=300)} ({delivered} of {len(addresses)} delivered)",
                delivered=delivered,
            ) from None
        if not delivered:
            raise DeliveryError(f"SMTP refused every recipient: {', '.join(refused)}")
        note = f"refused: {', '.join(refused)}" if refused else ""
        return Remote(id=digest.key, state=SENT, status=f"delivered to {delivered}", note=note)

    def test_send(self, remote: Remote, addresses: Sequence[str]) -> None:
        self._deliver(self._digests[remote.id], addresses, test=True)

    def send(self, remote: Remote) -> Remote:
        return self._deliver(self._digests[remote.id], self.recipients(), test=False)

    def status(self, remote: Remote) -> Remote:
        return remote
