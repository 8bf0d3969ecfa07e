"""The RFC 5322 message of a digest: multipart/alternative, text first, HTML last.

Headers: From, To, Subject, Date (the build time passed in, never the wall clock here),
a Message-ID derived from the digest key (receivers drop exact duplicates, and it is
greppable), List-Id, List-Unsubscribe (+ List-Unsubscribe-Post for https one-click) and
X-Digest-Key.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime

from pipeline.newsletter.compose import Digest

UNDISCLOSED = "undisclosed-recipients:;"


_WIRE = policy.SMTP.clone(max_line_length=998)
_WIRE_UTF8 = policy.SMTPUTF8.clone(max_line_length=998)


def wire_bytes(msg: EmailMessage, *, international: bool = False) -> bytes:
    """``msg`` as it goes on the wire (CRLF; UTF-8 headers when ``international``), each
    header on one line up to RFC 5322's 998 octets. Folded at 78, a header with a word longer
    than a line (an unsubscribe URL with its token) was written as RFC 2047 encoded words,
    which no client reads as a URL: Gmail's one-click unsubscribe found none. The body was
    encoded when it was set (quoted-printable lines of 76) and is written as it is."""
    return msg.as_bytes(policy=_WIRE_UTF8 if international else _WIRE)


def message_id(key: str, domain: str, *, test_to: str = "") -> str:
    """``<KEY@domain>``; a test copy gets its own id so it never shadows the real one."""
    if test_to:
        tag = hashlib.sha256(test_to.lower().encode("utf-8")).hexdigest()[:8]
        return f"<{key}.test-{tag}@{domain}>"
    return f"<{key}@{domain}>"


def build_message(
    digest: Digest,
    *,
    from_address: str,
    to: str,
    date: datetime,
    domain: str,
    test: bool = False,
    unsubscribe_override: str = "",
) -> EmailMessage:
    """The message one recipient (or the list address) gets.

    ``unsubscribe_override`` replaces List-Unsubscribe for per-subscriber tokens.
    """
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = from_address
    msg["To"] = to or UNDISCLOSED
    msg["Subject"] = f"[test] {digest.subject}" if test else digest.subject
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = (
        message_id(digest.key, domain, test_to=to) if test else message_id(digest.key, domain)
    )
    for name, value in digest.headers:
        if name == "List-Unsubscribe" and unsubscribe_override:
            value = unsubscribe_override
        msg[name] = value
    # quoted-printable: inlined HTML has lines far beyond SMTP's 998-octet limit
    msg.set_content(digest.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(digest.html, subtype="html", charset="utf-8", cte="quoted-printable")
    # a fixed boundary keeps the .eml preview byte-stable from run to run
    msg.set_boundary(f"=_{hashlib.sha256(digest.key.encode('utf-8')).hexdigest()[:24]}")
    return msg
