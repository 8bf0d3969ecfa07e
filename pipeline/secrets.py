"""Secrets come only from the environment and never reach output: everything printed,
logged or written by an error path goes through :func:`redact`."""

from __future__ import annotations

import os
import re

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


def redact(text: str) -> str:
    """Replace every secret value from the environment found in ``text`` with ``***``."""
    for value in _secret_values():
        if value in text:
            text = text.replace(value, "***")
    return text
