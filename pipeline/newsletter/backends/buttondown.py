"""Buttondown (API v1): drafts created explicitly, sent by a status change.

Buttondown's ``status`` defaults to ``about_to_send`` (it sends!), so every create says
``"status": "draft"`` and carries ``X-Idempotency-Key: <digest key>``; the slug and
``metadata.digest_key`` are the key too, so ``find`` sees a draft made by an earlier run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import requests

from pipeline.config import Config
from pipeline.errors import ConfigError, Problem
from pipeline.newsletter.backends.base import (
    DRAFT,
    SENDING,
    SENT,
    Journal,
    Remote,
    fitted,
    remote_of,
)
from pipeline.newsletter.backends.http import ApiClient, shown
from pipeline.newsletter.compose import Digest
from pipeline.newsletter.errors import DeliveryError
from pipeline.support.secrets import secret

DEFAULT_API = "https://api.buttondown.com"
KEY_ENV = "BUTTONDOWN_API_KEY"

_STATE = {
    "draft": DRAFT,
    "about_to_send": SENDING,
    "scheduled": SENDING,
    "in_flight": SENDING,
    "throttled": SENDING,
    "resending": SENDING,
    "sent": SENT,
    "imported": SENT,
}
LISTED = (
    "draft",
    "about_to_send",
    "scheduled",
    "in_flight",
    "throttled",
    "resending",
    "paused",
    "errored",
    "sent",
)
"""Statuses ``find`` asks for (everything a digest of ours could be in)."""
SLUG_MAX = 100
IDEMPOTENCY_KEY_MAX = 200
"""Buttondown's limits (longer is a 400, run after run): a longer digest key is fitted."""


def error_text(body: Any) -> str:
    """Buttondown errors: ``{"code","detail"}``, or 422 ``{"detail": [{"loc","msg"}]}``."""
    if not isinstance(body, dict):
        return shown(body)  # redacted and cut by the caller
    detail = body.get("detail", "")
    if isinstance(detail, list):
        detail = "; ".join(
            f"{'.'.join(shown(p) for p in d.get('loc', []))}: {shown(d.get('msg', ''))}"
            if isinstance(d, dict) and isinstance(d.get("loc", []), list)
            else shown(d)
            for d in detail
        )
    code = body.get("code")
    return f"{shown(detail)} ({shown(code)})" if code else shown(detail)


class ButtondownBackend:
    """Buttondown: ``POST /v1/emails`` (draft), ``PATCH`` status to send, ``send-draft`` test."""

    name = "buttondown"
    stateful = True
    unsubscribe_link: str | None = "{{ unsubscribe_url }}"

    def __init__(
        self,
        config: Config,
        session: requests.Session,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        key = secret(KEY_ENV)
        if not key:
            raise ConfigError(
                [Problem("environment", 1, KEY_ENV, "not set; the buttondown backend needs it")]
            )
        nl = config.newsletter
        self.api = ApiClient.for_newsletter(
            "Buttondown",
            nl.api_url or DEFAULT_API,
            {"Authorization": f"Token {key}", "Accept": "application/json"},
            nl,
            session=session,
            error_text=error_text,
            sleep=sleep,
        )

    @staticmethod
    def _remote(email: Any) -> Remote:
        return remote_of(email, "Buttondown", "an email object", _STATE)

    def find(self, key: str) -> Remote | None:
        params = [("status", s) for s in LISTED]
        page: Any = self.api.request("GET", "/v1/emails", params=params)
        seen: set[str] = set()
        while True:
            if not isinstance(page, dict) or not isinstance(page.get("results"), list):
                raise DeliveryError("Buttondown: GET /v1/emails answered without 'results'")
            for email in page["results"]:
                if not isinstance(email, dict):
                    continue
                meta = email.get("metadata") or {}
                if email.get("slug") in (key, fitted(key, SLUG_MAX)) or (
                    isinstance(meta, dict) and meta.get("digest_key") == key
                ):
                    return self._remote(email)
            if not page.get("next"):
                return None
            link = str(page["next"])
            if link in seen:  # a server pointing back at a page it gave: never a loop
                raise DeliveryError("Buttondown: GET /v1/emails: its 'next' link goes in a circle")
            seen.add(link)
            page = self.api.request("GET", link)

    @staticmethod
    def _content(digest: Digest) -> dict[str, Any]:
        return {
            "subject": digest.subject,
            "body": "<!-- buttondown-editor-mode: plaintext -->\n" + digest.html,
            "description": digest.preheader,
            "metadata": {"digest_key": digest.key, "items": ",".join(digest.items)},
        }

    def update_draft(self, remote: Remote, digest: Digest) -> Remote:
        email = self.api.request("PATCH", f"/v1/emails/{remote.id}", json=self._content(digest))
        return email if isinstance(email, Remote) else self._remote(email)

    def create_draft(self, digest: Digest) -> Remote:
        body = {
            **self._content(digest),
            "status": "draft",
            "slug": fitted(digest.key, SLUG_MAX),
        }
        try:
            email = self.api.request(
                "POST",
                "/v1/emails",
                json=body,
                headers={"X-Idempotency-Key": fitted(digest.key, IDEMPOTENCY_KEY_MAX)},
                recheck=lambda: self.find(digest.key),
            )
        except DeliveryError as exc:
            # someone (another run) created it between our find and this create
            if "email_duplicate" in str(exc) or "slug_invalid" in str(exc):
                found = self.find(digest.key)
                if found is not None:
                    return found
            raise
        if isinstance(email, Remote):
            return email
        # an idempotent replay answers with the snapshot of the first create, which may be
        # stale (sent since): always ask for the current state before anyone acts on it
        return self.status(self._remote(email))

    def test_send(self, remote: Remote, addresses: Sequence[str]) -> None:
        self.api.request(
            "POST", f"/v1/emails/{remote.id}/send-draft", json={"recipients": list(addresses)}
        )

    def send(self, remote: Remote, journal: Journal | None = None) -> Remote:
        def applied() -> Remote | None:
            now = self.status(remote)
            return now if now.state != DRAFT else None

        result = self.api.request(
            "PATCH", f"/v1/emails/{remote.id}", json={"status": "about_to_send"}, recheck=applied
        )
        return result if isinstance(result, Remote) else self._remote(result)

    def status(self, remote: Remote) -> Remote:
        return self._remote(self.api.request("GET", f"/v1/emails/{remote.id}"))
