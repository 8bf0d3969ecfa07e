"""A local Discord webhook API written from its documented contract (Webhook resource,
Rate Limits, JSON error codes).

* ``GET /api/webhooks/{id}/{token}``: the webhook object; a wrong token is 401
  ``{"message": "Invalid Webhook Token", "code": 50027}``, an unknown id 404 (code 10015).
* ``POST /api/webhooks/{id}/{token}[?wait=true]``: content (≤ 2000) and/or up to 10 embeds
  (title ≤ 256, description ≤ 4096, footer ≤ 2048, 6000 characters in all), else 400
  ``{"code": 50035, "message": "Invalid Form Body", "errors": {...}}``; 204 without
  ``wait``, 200 with the created message (a snowflake id) with it. No idempotency key exists.
* Every answer carries ``X-RateLimit-Limit/-Remaining/-Reset/-Reset-After/-Bucket``; a call on
  an empty bucket is 429 with ``Retry-After`` and ``{"message", "retry_after", "global"}``.
* ``GET /api/webhooks/{id}/{token}/messages/{message_id}``: a message, or 404 (code 10008).
``messages`` holds what was posted (what the tests count); ``throttled`` counts 429s sent.
"""

from __future__ import annotations

import itertools
import re
import time
from typing import Any

from tests.contract.fakehttp import FakeHTTPServer, Request, Response, json_response

WEBHOOK_ID = "112233445566778899"


def _error(status: int, code: int, message: str, errors: Any = None) -> Response:
    body: dict[str, Any] = {"message": message, "code": code}
    if errors is not None:
        body["errors"] = errors
    return json_response(status, body)


class DiscordServer(FakeHTTPServer):
    error_body = staticmethod(lambda msg: {"message": msg, "code": 0})

    def __init__(self, token: str, bucket: int = 5, window: float = 0.3) -> None:
        super().__init__()
        self.token = token
        self.bucket = bucket
        self.window = window
        self.used = 0
        self.reset_at = 0.0
        self.throttled = 0
        self.messages: list[dict[str, Any]] = []
        self._ids = itertools.count(1_200_000_000_000_000_000)

    @property
    def webhook_url(self) -> str:
        return f"{self.url}/api/webhooks/{WEBHOOK_ID}/{self.token}"

    def _limits(self) -> dict[str, str]:
        now = time.time()
        if now >= self.reset_at:
            self.used, self.reset_at = 0, now + self.window
        return {
            "X-RateLimit-Limit": str(self.bucket),
            "X-RateLimit-Remaining": str(max(0, self.bucket - self.used)),
            "X-RateLimit-Reset": f"{self.reset_at:.3f}",
            "X-RateLimit-Reset-After": f"{max(0.0, self.reset_at - now):.3f}",
            "X-RateLimit-Bucket": "abcd1234",
        }

    def handle(self, req: Request) -> Response:
        m = re.fullmatch(r"/api(?:/v\d+)?/webhooks/(\d+)/([^/]+)(?:/messages/(\d+))?/?", req.path)
        if m is None:
            return _error(404, 0, "404: Not Found")
        if m.group(1) != WEBHOOK_ID:
            return _error(404, 10015, "Unknown Webhook")
        if m.group(2) != self.token:
            return _error(401, 50027, "Invalid Webhook Token")
        limits = self._limits()
        if limits["X-RateLimit-Remaining"] == "0":
            self.throttled += 1
            wait = float(limits["X-RateLimit-Reset-After"])
            status, headers, body = json_response(
                429,
                {"message": "You are being rate limited.", "retry_after": wait, "global": False},
                {**limits, "Retry-After": str(max(1, round(wait)))},
            )
            return status, headers, body
        self.used += 1
        limits = {**limits, "X-RateLimit-Remaining": str(self.bucket - self.used)}
        if m.group(3):
            found = [x for x in self.messages if x["id"] == m.group(3)]
            if not found:
                return _error(404, 10008, "Unknown Message")
            return json_response(200, found[0], limits)
        if req.method == "GET":
            hook = {"id": WEBHOOK_ID, "type": 1, "channel_id": "42", "name": "Commons"}
            return json_response(200, {**hook, "token": self.token}, limits)
        if req.method != "POST":
            return _error(405, 0, "405: Method Not Allowed")
        body = req.json()
        problems = self._validate(body)
        if problems:
            return _error(400, 50035, "Invalid Form Body", problems)
        message = {
            "id": str(next(self._ids)),
            "type": 0,
            "channel_id": "42",
            "webhook_id": WEBHOOK_ID,
            "content": body.get("content", ""),
            "embeds": body.get("embeds", []),
            "author": {"username": body.get("username") or "Commons", "bot": True},
        }
        self.messages.append(message)
        if dict(req.query).get("wait") != "true":
            return 204, limits, b""
        return json_response(200, message, limits)

    @staticmethod
    def _validate(body: Any) -> dict[str, Any]:
        if not isinstance(body, dict):
            return {"_errors": [{"code": "BASE_TYPE_REQUIRED"}]}
        errors: dict[str, Any] = {}
        content = body.get("content", "")
        embeds = body.get("embeds", [])
        if not content and not embeds:
            errors["content"] = {"_errors": [{"code": "BASE_TYPE_REQUIRED"}]}
        if len(content) > 2000:
            errors["content"] = {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH"}]}
        if len(embeds) > 10:
            errors["embeds"] = {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH"}]}
        total = 0
        for n, e in enumerate(embeds):
            for key, most in (("title", 256), ("description", 4096)):
                total += len(e.get(key, ""))
                if len(e.get(key, "")) > most:
                    errors[f"embeds.{n}.{key}"] = {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH"}]}
            total += len(e.get("footer", {}).get("text", ""))
            total += len(e.get("author", {}).get("name", ""))
        if total > 6000:
            errors["embeds"] = {"_errors": [{"code": "MAX_EMBED_SIZE_EXCEEDED"}]}
        return errors
