"""Ghost (Admin API v5) as a newsletter backend: the digest becomes a post, emailed once.

* Auth: a short-lived JWT (HS256, ``kid`` = the key's id, ``aud`` = ``/admin/``, 5 minutes)
  signed with the secret half of ``GHOST_ADMIN_KEY`` (``id:secret`` from Settings →
  Integrations → Custom integration). A fresh token per call; key and tokens are redacted.
* ``find``: ``GET /ghost/api/admin/posts/slug/<digest key>/``. The slug is the digest key in
  lower case (Ghost lower-cases slugs, and gives a taken one a ``-2`` suffix: that is why the
  post is looked up before anything is created).
* ``create_draft``: ``POST /ghost/api/admin/posts/?source=html`` with ``status: draft``.
* ``send``: ``PUT /ghost/api/admin/posts/<id>/?newsletter=<slug>&email_segment=<filter>``
  with ``status: published`` and the post's ``updated_at`` (Ghost refuses a stale one with
  409, so two runs cannot both publish). Ghost emails a post once, when it is first
  published with a newsletter; a published post is never sent again. ``email_segment`` is
  ``[newsletter] ghost_email_segment`` (an NQL member filter, ``all`` by default).
* Email-only mode (``ghost_email_only``): the post carries ``email_only: true`` from the
  draft on; publishing it emails it and Ghost sets its status to ``sent`` (never on the
  site). The flag is sent again with the publish, so a draft made before the option was set
  goes out email-only all the same.
* ``test_send``: ``POST /ghost/api/admin/email_previews/posts/<id>/`` with the addresses.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote

import jwt
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
from pipeline.support.secrets import register, secret

KEY_ENV = "GHOST_ADMIN_KEY"
ADMIN = "/ghost/api/admin"
TOKEN_SECONDS = 300
"""Ghost refuses tokens that live longer than five minutes."""
_STATE = {"draft": DRAFT, "scheduled": SENDING, "published": SENT, "sent": SENT}
EXCERPT_CHARS = 300
SLUG_MAX = 191
"""Ghost's longest slug: a longer digest key is fitted (the same on every run)."""


def error_text(body: Any) -> str:
    """Ghost errors: ``{"errors": [{"message", "type", "context"}]}``."""
    if isinstance(body, dict) and isinstance(body.get("errors"), list):
        parts = []
        for e in body["errors"]:
            if isinstance(e, dict):
                context = f" ({shown(e['context'])})" if e.get("context") else ""
                parts.append(f"{shown(e.get('type', ''))}: {shown(e.get('message', ''))}{context}")
        return "; ".join(parts)
    return shown(body)


class GhostBackend:
    """Ghost: a draft post, published with a newsletter to email it (once)."""

    name = "ghost"
    stateful = True
    unsubscribe_link: str | None = None  # Ghost's own email footer carries one as well

    def __init__(
        self,
        config: Config,
        session: requests.Session,
        *,
        now: datetime,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        key = secret(KEY_ENV)
        key_id, _, hex_secret = key.partition(":")
        try:
            self._secret = bytes.fromhex(hex_secret)
        except ValueError:
            self._secret = b""
        if not key_id or not self._secret:
            what = "not set" if not key else "not an Admin API key (id:secret, the secret in hex)"
            raise ConfigError(
                [Problem("environment", 1, KEY_ENV, f"{what}; the ghost backend needs it")]
            )
        if not config.newsletter.api_url:
            raise ConfigError(
                [
                    Problem(
                        str(config.path or "publish.toml"),
                        1,
                        "newsletter.api_url",
                        "the ghost backend needs the site's URL (https://host)",
                    )
                ]
            )
        register(hex_secret)
        self._id = key_id
        self.config = config
        self.session = session
        self.sleep = sleep

    def _api(self) -> ApiClient:
        issued = int(time.time())  # auth only: never reaches an output
        token = jwt.encode(
            {"iat": issued, "exp": issued + TOKEN_SECONDS, "aud": "/admin/"},
            self._secret,
            algorithm="HS256",
            headers={"kid": self._id},
        )
        register(token)
        nl = self.config.newsletter
        return ApiClient.for_newsletter(
            "Ghost",
            nl.api_url,
            {"Authorization": f"Ghost {token}", "Accept-Version": "v5.0"},
            nl,
            session=self.session,
            error_text=error_text,
            sleep=self.sleep,
        )

    @staticmethod
    def _post(data: Any) -> dict[str, Any]:
        posts = data.get("posts") if isinstance(data, dict) else None
        post = posts[0] if isinstance(posts, list) and posts else None
        if not isinstance(post, dict):
            raise DeliveryError("Ghost answered without a post")
        return post

    @classmethod
    def _remote(cls, data: Any) -> Remote:
        return remote_of(cls._post(data), "Ghost", "a post", _STATE)

    def find(self, key: str) -> Remote | None:
        slug = quote(fitted(key.lower(), SLUG_MAX), safe="")
        data = self._api().request("GET", f"{ADMIN}/posts/slug/{slug}/", ok=(200, 404))
        if isinstance(data, dict) and data.get("posts"):
            return self._remote(data)
        if isinstance(data, dict) and isinstance(data.get("errors"), list):
            return None
        raise DeliveryError("Ghost answered GET post by slug with neither a post nor an error")

    def create_draft(self, digest: Digest) -> Remote:
        post: dict[str, Any] = {
            "title": digest.subject,
            "slug": fitted(digest.key.lower(), SLUG_MAX),
            "html": digest.html,
            "status": "draft",
            "custom_excerpt": digest.preheader[:EXCERPT_CHARS],
        }
        if self.config.newsletter.ghost_email_only:
            post["email_only"] = True
        data = self._api().request(
            "POST",
            f"{ADMIN}/posts/",
            params={"source": "html"},
            json={"posts": [post]},
            recheck=lambda: self.find(digest.key),
        )
        return data if isinstance(data, Remote) else self._remote(data)

    def update_draft(self, remote: Remote, digest: Digest) -> Remote:
        post = self._post(self._api().request("GET", f"{ADMIN}/posts/{remote.id}/"))
        change = {
            "title": digest.subject,
            "html": digest.html,
            "custom_excerpt": digest.preheader[:EXCERPT_CHARS],
            "updated_at": str(post.get("updated_at", "")),  # Ghost refuses a stale one (409)
        }
        data = self._api().request(
            "PUT",
            f"{ADMIN}/posts/{remote.id}/",
            params={"source": "html"},
            json={"posts": [change]},
        )
        return data if isinstance(data, Remote) else self._remote(data)

    def test_send(self, remote: Remote, addresses: Sequence[str]) -> None:
        self._api().request(
            "POST", f"{ADMIN}/email_previews/posts/{remote.id}/", json={"emails": list(addresses)}
        )

    def send(self, remote: Remote, journal: Journal | None = None) -> Remote:
        post = self._post(self._api().request("GET", f"{ADMIN}/posts/{remote.id}/"))
        current = remote_of(post, "Ghost", "a post", _STATE)
        if current.state != DRAFT:
            return current
        updated_at = str(post.get("updated_at", ""))  # Ghost refuses a stale one (409)
        change: dict[str, Any] = {"status": "published", "updated_at": updated_at}
        if self.config.newsletter.ghost_email_only:
            change["email_only"] = True

        def applied() -> Remote | None:
            now = self.status(remote)
            return now if now.state != DRAFT else None

        data = self._api().request(
            "PUT",
            f"{ADMIN}/posts/{remote.id}/",
            params={
                "newsletter": self.config.newsletter.ghost_newsletter,
                "email_segment": self.config.newsletter.ghost_email_segment,
            },
            json={"posts": [change]},
            recheck=applied,
        )
        return data if isinstance(data, Remote) else self._remote(data)

    def status(self, remote: Remote) -> Remote:
        return self._remote(self._api().request("GET", f"{ADMIN}/posts/{remote.id}/"))
