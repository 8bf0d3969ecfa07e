"""Secrets come only from the environment and never reach output: everything printed,
logged or written by an error path goes through :func:`redact`."""

from __future__ import annotations

import base64
import json
import os
import re
from urllib.parse import quote

SECRET_ENV_VARS = (
    "BUTTONDOWN_API_KEY",
    "LISTMONK_TOKEN",
    "LISTMONK_USER",
    "SMTP_PASSWORD",
    "NEWSLETTER_UNSUBSCRIBE_SECRET",
    "GITHUB_TOKEN",
)
_SECRET_NAME = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD|PASS)$")


def secret(name: str) -> str:
    """Read a secret from the environment ('' when unset)."""
    return os.environ.get(name, "")


def _secret_values() -> list[str]:
    values = {os.environ.get(n, "") for n in SECRET_ENV_VARS}
    values |= {v for k, v in os.environ.items() if _SECRET_NAME.search(k)}
    return sorted((v for v in values if len(v) >= 4), key=len, reverse=True)


def _spellings(value: str) -> set[str]:
    """How a server may echo a secret back: as sent, percent-encoded, JSON-escaped, or in
    base64 (an ``Authorization: Basic`` header)."""
    b64 = base64.b64encode(value.encode()).decode()
    return {value, quote(value, safe=""), json.dumps(value)[1:-1], b64, b64.rstrip("=")}


def _basic_pairs() -> set[str]:
    user, token = os.environ.get("LISTMONK_USER", ""), os.environ.get("LISTMONK_TOKEN", "")
    return {base64.b64encode(f"{user}:{token}".encode()).decode()} if user and token else set()


def redact(text: str, limit: int | None = None) -> str:
    """Replace every secret value from the environment found in ``text`` with ``***``, in any
    spelling a server may echo; then, with ``limit``, cut to that many characters, so a cut
    never leaves the start of a secret behind (the cut comes after the redaction, and a tail
    that begins a secret is dropped too)."""
    values = _secret_values()
    spellings = sorted(
        {s for v in values for s in _spellings(v) if len(s) >= 4} | _basic_pairs(),
        key=len,
        reverse=True,
    )
    for spelling in spellings:
        if spelling in text:
            text = text.replace(spelling, "***")
    if limit is None or len(text) <= limit:
        return text
    text = text[:limit]
    for spelling in spellings:
        for n in range(min(len(spelling), len(text)), 3, -1):
            if text.endswith(spelling[:n]):
                text = text[:-n]
                break
    return text + "…"
