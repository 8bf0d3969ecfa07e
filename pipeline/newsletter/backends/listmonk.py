"""listmonk (self-hosted): the campaigns API.

listmonk has no idempotency key, so the campaign's ``name`` and a tag are the digest key and
``find`` looks them up before anything is created; a create that may have been applied
(a reset after the server acted) is re-checked with ``find`` before it is retried.
Responses are wrapped ``{"data": ...}``; errors are ``{"message": ...}``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import requests

from pipeline.config import Config
from pipeline.errors import ConfigError, Problem
from pipeline.newsletter.backends.base import DRAFT, SENDING, SENT, Journal, Remote, remote_of
from pipeline.newsletter.backends.http import ApiClient, shown
from pipeline.newsletter.compose import Digest
from pipeline.newsletter.errors import DeliveryError
from pipeline.support.secrets import secret

USER_ENV = "LISTMONK_USER"
TOKEN_ENV = "LISTMONK_TOKEN"
PER_PAGE = 100

_STATE = {"draft": DRAFT, "scheduled": SENDING, "running": SENDING, "finished": SENT}


def error_text(body: Any) -> str:
    if isinstance(body, dict) and "message" in body:
        return shown(body["message"])
    return shown(body)  # redacted and cut by the caller


def _data(body: Any) -> Any:
    if not isinstance(body, dict) or "data" not in body:
        raise DeliveryError('listmonk answered without its {"data": ...} envelope')
    return body["data"]


class ListmonkBackend:
    """listmonk campaigns: create (draft), ``/test``, status ``running`` to send."""

    name = "listmonk"
    stateful = True
    unsubscribe_link: str | None = "{{ UnsubscribeURL }}"

    def __init__(
        self,
        config: Config,
        session: requests.Session,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        nl = config.newsletter
        problems = [
            Problem("environment", 1, name, "not set; the listmonk backend needs it")
            for name in (USER_ENV, TOKEN_ENV)
            if not secret(name)
        ]
        where = str(config.path or "publish.toml")
        if not nl.api_url:
            problems.append(
                Problem(where, 1, "newsletter.api_url", "listmonk needs the URL of its server")
            )
        if not nl.listmonk_lists:
            problems.append(
                Problem(where, 1, "newsletter.listmonk_lists", "listmonk needs list ids")
            )
        if problems:
            raise ConfigError(problems)
        self.lists = list(nl.listmonk_lists)
        self.from_address = nl.from_address
        self.api = ApiClient.for_newsletter(
            "listmonk",
            nl.api_url,
            {
                "Authorization": f"token {secret(USER_ENV)}:{secret(TOKEN_ENV)}",
                "Accept": "application/json",
            },
            nl,
            session=session,
            error_text=error_text,
            sleep=sleep,
        )

    @staticmethod
    def _remote(campaign: Any) -> Remote:
        return remote_of(campaign, "listmonk", "a campaign object", _STATE)

    def _search(self, params: dict[str, str], key: str) -> Remote | None:
        page = 1
        while True:
            data = _data(
                self.api.request(
                    "GET",
                    "/api/campaigns",
                    params={**params, "page": str(page), "per_page": str(PER_PAGE)},
                )
            )
            results = data.get("results") if isinstance(data, dict) else None
            if not isinstance(results, list):
                raise DeliveryError("listmonk: GET /api/campaigns answered without 'results'")
            for c in results:
                if isinstance(c, dict) and (c.get("name") == key or key in (c.get("tags") or [])):
                    return self._remote(c)
            total = data.get("total", 0)
            if not results or not isinstance(total, int) or page * PER_PAGE >= total:
                return None
            page += 1

    def find(self, key: str) -> Remote | None:
        return self._search({"tags": key}, key) or self._search({"query": key}, key)

    def _fields(self, digest: Digest) -> dict[str, Any]:
        return {
            "name": digest.key,
            "subject": digest.subject,
            "lists": self.lists,
            "type": "regular",
            "content_type": "html",
            "body": digest.html,
            "altbody": digest.text,
            "from_email": self.from_address,
            "messenger": "email",
            "tags": [digest.key],
            "headers": [{"X-Digest-Key": digest.key}],
        }

    def create_draft(self, digest: Digest) -> Remote:
        result = self.api.request(
            "POST",
            "/api/campaigns",
            json=self._fields(digest),
            recheck=lambda: self.find(digest.key),
        )
        return result if isinstance(result, Remote) else self._remote(_data(result))

    def update_draft(self, remote: Remote, digest: Digest) -> Remote:
        result = self.api.request("PUT", f"/api/campaigns/{remote.id}", json=self._fields(digest))
        return result if isinstance(result, Remote) else self._remote(_data(result))

    def test_send(self, remote: Remote, addresses: Sequence[str]) -> None:
        campaign = _data(self.api.request("GET", f"/api/campaigns/{remote.id}"))
        if not isinstance(campaign, dict):
            raise DeliveryError("listmonk answered without a campaign object")
        lists = [
            entry["id"] if isinstance(entry, dict) else entry
            for entry in campaign.get("lists") or self.lists
        ]
        fields = {
            k: campaign[k]
            for k in (
                "name",
                "subject",
                "type",
                "content_type",
                "body",
                "altbody",
                "from_email",
                "messenger",
                "tags",
                "headers",
            )
            if k in campaign
        }
        self.api.request(
            "POST",
            f"/api/campaigns/{remote.id}/test",
            json={**fields, "lists": lists, "subscribers": list(addresses)},
        )

    def send(self, remote: Remote, journal: Journal | None = None) -> Remote:
        def applied() -> Remote | None:
            now = self.status(remote)
            return now if now.state != DRAFT else None

        result = self.api.request(
            "PUT",
            f"/api/campaigns/{remote.id}/status",
            json={"status": "running"},
            recheck=applied,
        )
        return result if isinstance(result, Remote) else self._remote(_data(result))

    def status(self, remote: Remote) -> Remote:
        return self._remote(_data(self.api.request("GET", f"/api/campaigns/{remote.id}")))
