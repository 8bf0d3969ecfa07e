"""Plain SMTP: one multipart/alternative message to the list address, or one per subscriber.

SMTP keeps no state we can query, so ``find`` knows nothing and the ledger keeps progress
per recipient (a :class:`~.base.Journal`): each message is written up to its final ``.``,
the ledger says ``sending`` for that recipient, the ``.`` goes, and the server's answer is
recorded. A run that stops part-way is resumed by the next: recipients delivered are
skipped, and so is the one whose ``.`` had gone without an answer recorded (the server may
have taken it: at most once). A crash anywhere before the ``.`` leaves nothing half-sent.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import html
import re
import smtplib
import socket
import ssl
from collections.abc import Sequence
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote

from pipeline.config import Config
from pipeline.errors import ConfigError, Problem
from pipeline.newsletter.backends.base import DRAFT, SENT, Journal, Remote
from pipeline.newsletter.compose import Digest, header_uris, list_domain, unsubscribe_mailto
from pipeline.newsletter.errors import DeliveryError
from pipeline.newsletter.message import build_message, wire_bytes
from pipeline.support.secrets import redact, secret
from pipeline.support.text import counted

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
        if "{token}" in self.nl.unsubscribe_url:
            secret(UNSUBSCRIBE_SECRET_ENV)  # one it refuses is refused before anything is claimed
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
        # smtplib writes a message and its closing "." in two sends: with Nagle's algorithm
        # the "." waited for the server's delayed ACK, 40 ms a recipient (10,000: 8 minutes)
        if server.sock is not None and server.sock.family in (socket.AF_INET, socket.AF_INET6):
            server.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
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

    def update_draft(self, remote: Remote, digest: Digest) -> Remote:
        self._digests[digest.key] = digest
        return remote

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
        urls = [self._fill(url, address)]
        if self.nl.unsubscribe_mailto:
            urls.append(unsubscribe_mailto(self.nl.unsubscribe_mailto))
        return header_uris(urls)

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

    def _deliver(
        self,
        digest: Digest,
        addresses: Sequence[str],
        *,
        test: bool,
        journal: Journal | None = None,
    ) -> Remote:
        earlier = 0
        refused: list[str] = []
        unsure: list[str] = []
        todo = []
        for address in addresses:
            done = journal.status(address) if journal is not None else ""
            if done == "delivered":
                earlier += 1
            elif done == "in-flight":
                unsure.append(address)
            else:
                todo.append(address)
        accepted: list[str] = []
        deferred: list[str] = []
        try:
            if todo:
                self._send_each(digest, todo, test, journal, accepted, (refused, deferred))
        except (smtplib.SMTPException, OSError) as exc:
            rest = "; the next --send delivers to the rest" if journal is not None else ""
            raise DeliveryError(
                f"SMTP {self.nl.smtp_host}:{self.nl.smtp_port}: {type(exc).__name__}: "
                f"{redact(str(exc), limit=300)} ({earlier + len(accepted)} of {len(addresses)} "
                f"delivered{rest})"
            ) from None
        delivered = len(accepted)
        if deferred:  # 4xx: greylisting, a full mailbox: the same message is tried again
            n = len(deferred)
            raise DeliveryError(
                f"SMTP deferred {counted(n, 'recipient')} for now (a 4xx answer: "
                f"greylisting or a full mailbox; {earlier + delivered} of {len(addresses)} "
                "delivered); run --send again later: it delivers to them and no one else",
                unrecorded=f": {', '.join(deferred)}",
            )
        if not delivered and not earlier and not unsure:
            # the ledger is committed: it counts subscribers, only the screen names them
            raise DeliveryError(
                f"SMTP refused every recipient ({len(refused)})",
                unrecorded=f": {', '.join(refused)}",
            )
        notes = []
        if journal is not None and journal.resumed:
            notes.append(f"resumed: {earlier} delivered by an earlier run, {delivered} by this one")
        if unsure:
            notes.append(
                f"{len(unsure)} handed over when an earlier run stopped, not sent again "
                "(at most once)"
            )
        if refused:
            notes.append(f"refused: {counted(len(refused), 'recipient')}")
        warnings = tuple(
            f"{a}: handed to the server when an earlier run stopped, before the server "
            "confirmed it; not sent again (at most once: check that it arrived)"
            for a in unsure
        )
        if refused:  # said on stderr only: the ledger is committed, addresses stay out of it
            warnings += (f"not delivered, refused by the server: {', '.join(refused)}",)
        return Remote(
            id=digest.key,
            state=SENT,
            status=f"delivered to {earlier + delivered}",
            note="; ".join(notes),
            warnings=warnings,
        )

    def _send_each(
        self,
        digest: Digest,
        addresses: Sequence[str],
        test: bool,
        journal: Journal | None,
        accepted: list[str],
        not_taken: tuple[list[str], list[str]],
    ) -> None:
        """One connection, one transaction per address; outcomes appended as they happen
        (``not_taken``: the refused, and the deferred, whom the journal leaves to be tried
        again)."""
        refused, deferred = not_taken
        server = self._connect()
        try:
            for address in addresses:
                try:
                    msg = build_message(
                        self._personal(digest, address),
                        from_address=self.nl.from_address,
                        to=address,
                        date=self.now,
                        domain=self.domain,
                        test=test,
                        unsubscribe_override=self._unsubscribe_for(address),
                    )
                except ValueError:  # an address no header can hold: that subscriber only
                    outcome = REFUSED
                else:
                    outcome = _hand_over(server, msg, self.nl.from_address, address, journal)
                if outcome == REFUSED and journal is not None:
                    journal.refused(address)
                {ACCEPTED: accepted, REFUSED: refused, DEFERRED: deferred}[outcome].append(address)
        finally:
            try:
                server.quit()
            except (smtplib.SMTPException, OSError):
                server.close()

    def test_send(self, remote: Remote, addresses: Sequence[str]) -> None:
        self._deliver(self._digests[remote.id], addresses, test=True)

    def send(self, remote: Remote, journal: Journal | None = None) -> Remote:
        return self._deliver(
            self._digests[remote.id], self.recipients(), test=False, journal=journal
        )

    def status(self, remote: Remote) -> Remote:
        return remote


def _hand_over(
    server: smtplib.SMTP,
    msg: EmailMessage,
    sender: str,
    address: str,
    journal: Journal | None,
) -> str:
    """One SMTP transaction (what ``send_message`` does), with the journal told just before
    the final ``.``: until then the server discards the message if we vanish, after it the
    message may be delivered. :data:`ACCEPTED`; :data:`REFUSED` when the server refuses the
    recipient or the message for good (5xx), :data:`DEFERRED` for now (4xx)."""
    international = not (sender.isascii() and address.isascii())
    options = ["SMTPUTF8", "BODY=8BITMIME"] if international else []
    data = wire_bytes(msg, international=international)
    server.ehlo_or_helo_if_needed()
    try:
        code, answer = server.mail(sender, options)
    except smtplib.SMTPNotSupportedError:
        # an address in UTF-8 and a server without SMTPUTF8: nothing was sent, and this
        # one address must not stop the rest of the list (run after run)
        return REFUSED
    if code != 250:
        server.rset()
        raise smtplib.SMTPSenderRefused(code, answer, sender)
    code, answer = server.rcpt(address)
    if code not in (250, 251):
        server.rset()
        return _not_taken(code)
    code, answer = server.docmd("DATA")
    if code != 354:
        server.rset()
        raise smtplib.SMTPDataError(code, answer)
    data = _LEADING_DOT.sub(b"..", data)
    server.send(data if data.endswith(b"\r\n") else data + b"\r\n")
    if journal is not None:
        journal.handing_over(address)
    server.send(b".\r\n")
    code, answer = server.getreply()
    if code != 250:
        server.rset()
        if journal is not None and 400 <= code < 500:
            journal.deferred(address)  # not taken after all: tried again
        return _not_taken(code)
    if journal is not None:
        journal.accepted(address)
    return ACCEPTED


ACCEPTED, REFUSED, DEFERRED = "accepted", "refused", "deferred"
"""What the server did with one recipient's message."""


def _not_taken(code: int) -> str:
    return DEFERRED if 400 <= code < 500 else REFUSED


_LEADING_DOT = re.compile(rb"(?m)^\.")
"""RFC 5321 4.5.2 transparency: a line starting with ``.`` gets a second one."""
