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
* Bot endpoints (``Authorization: Bot <token>``, else 401 ``{"message": "401: Unauthorized",
  "code": 0}``), under ``/api/v10``: ``GET /channels/{id}`` (the channel, with its
  ``last_message_id``), ``GET /channels/{id}/messages?limit=1..100`` (newest first; 400 code
  50035 for another limit), ``GET /channels/{id}/messages/{message_id}``. An unknown channel
  is 404 (code 10003); a bot that cannot see the channel gets 403 ``Missing Access`` (code
  50001); one without Read Message History gets an empty list (as documented) and 403 for
  a single message. Each route has its own rate-limit bucket.
``messages`` holds what was posted (what the tests count, oldest first; ``others`` are messages
posted by people, also in the channel); ``throttled`` counts 429s sent.
"""

from __future__ import annotations

import itertools
import re
import time
from typing import Any

from tests.contract.fakehttp import FakeHTTPServer, Request, Response, json_response

WEBHOOK_ID = "112233445566778899"
CHANNEL_ID = "42"


def _error(status: int, code: int, message: str, errors: Any = None) -> Response:
    body: dict[str, Any] = {"message": message, "code": code}
    if errors is not None:
        body["errors"] = errors
    return json_response(status, body)


class DiscordServer(FakeHTTPServer):
    error_body = staticmethod(lambda msg: {"message": msg, "code": 0})

    def __init__(
        self, token: str, bucket: int = 5, window: float = 0.3, bot_token: str = ""
    ) -> None:
        super().__init__()
        self.token = token
        self.bot_token = bot_token
        self.bot_sees_channel = True
        self.bot_reads_history = True
        self.hook_channel = CHANNEL_ID
        """The channel the webhook object names (another one: the bot API does not know it)."""
        self.bucket = bucket
        self.window = window
        self.used: dict[str, int] = {}
        self.reset_at: dict[str, float] = {}
        self.throttled = 0
        self.messages: list[dict[str, Any]] = []
        self.others: list[dict[str, Any]] = []
        self._ids = itertools.count(1_200_000_000_000_000_000)

    @property
    def webhook_url(self) -> str:
        return f"{self.url}/api/webhooks/{WEBHOOK_ID}/{self.token}"

    def post_by_hand(self, url: str, webhook: bool = False) -> dict[str, Any]:
        """A message in the channel from a person (or, ``webhook``, from this webhook)."""
        author = {"id": WEBHOOK_ID if webhook else "555", "username": "someone"}
        message = {
            "id": str(next(self._ids)),
            "channel_id": CHANNEL_ID,
            "content": url,
            "embeds": [{"type": "link", "url": url}],
            "author": author,
            **({"webhook_id": WEBHOOK_ID} if webhook else {}),
        }
        self.others.append(message)
        return message

    def _limits(self, bucket: str) -> dict[str, str]:
        now = time.time()
        if now >= self.reset_at.get(bucket, 0.0):
            self.used[bucket], self.reset_at[bucket] = 0, now + self.window
        return {
            "X-RateLimit-Limit": str(self.bucket),
            "X-RateLimit-Remaining": str(max(0, self.bucket - self.used[bucket])),
            "X-RateLimit-Reset": f"{self.reset_at[bucket]:.3f}",
            "X-RateLimit-Reset-After": f"{max(0.0, self.reset_at[bucket] - now):.3f}",
            "X-RateLimit-Bucket": bucket,
        }

    def _spend(self, bucket: str) -> tuple[Response | None, dict[str, str]]:
        """A 429 when the bucket is empty, else the headers after this call."""
        limits = self._limits(bucket)
        if limits["X-RateLimit-Remaining"] == "0":
            self.throttled += 1
            wait = float(limits["X-RateLimit-Reset-After"])
            return json_response(
                429,
                {"message": "You are being rate limited.", "retry_after": wait, "global": False},
                {**limits, "Retry-After": str(max(1, round(wait)))},
            ), limits
        self.used[bucket] += 1
        return None, {**limits, "X-RateLimit-Remaining": str(self.bucket - self.used[bucket])}

    def _bot(self, req: Request) -> Response:
        m = re.fullmatch(r"/api/v10/channels/(\d+)(/messages(?:/(\d+))?)?/?", req.path)
        if m is None:
            return _error(404, 0, "404: Not Found")
        if not self.bot_token or req.headers.get("Authorization") != f"Bot {self.bot_token}":
            return _error(401, 0, "401: Unauthorized")
        if req.method != "GET":
            return _error(405, 0, "405: Method Not Allowed")
        if m.group(1) != CHANNEL_ID:
            return _error(404, 10003, "Unknown Channel")
        if not self.bot_sees_channel:
            return _error(403, 50001, "Missing Access")
        route = "channel" if not m.group(2) else "message" if m.group(3) else "messages"
        throttled, limits = self._spend(route)
        if throttled is not None:
            return throttled
        everything = sorted(self.messages + self.others, key=lambda x: int(x["id"]))
        if not m.group(2):
            last = everything[-1]["id"] if everything else None
            channel = {"id": CHANNEL_ID, "type": 0, "name": "news", "last_message_id": last}
            return json_response(200, channel, limits)
        if m.group(3):
            if not self.bot_reads_history:
                return _error(403, 50001, "Missing Access")
            found = [x for x in everything if x["id"] == m.group(3)]
            if not found:
                return _error(404, 10008, "Unknown Message")
            return json_response(200, found[0], limits)
        limit = dict(req.query).get("limit", "50")
        if not limit.isdigit() or not 1 <= int(limit) <= 100:
            errors = {"limit": {"_errors": [{"code": "NUMBER_TYPE_MAX"}]}}
            return _error(400, 50035, "Invalid Form Body", errors)
        newest = everything[::-1][: int(limit)] if self.bot_reads_history else []
        return json_response(200, newest, limits)

    def handle(self, req: Request) -> Response:
        if req.path.startswith("/api/v10/channels/"):
            return self._bot(req)
        m = re.fullmatch(r"/api(?:/v\d+)?/webhooks/(\d+)/([^/]+)(?:/messages/(\d+))?/?", req.path)
        if m is None:
            return _error(404, 0, "404: Not Found")
        if m.group(1) != WEBHOOK_ID:
            return _error(404, 10015, "Unknown Webhook")
        if m.group(2) != self.token:
            return _error(401, 50027, "Invalid Webhook Token")
        throttled, limits = self._spend("webhook")
        if throttled is not None:
            return throttled
        if m.group(3):
            found = [x for x in self.messages + self.others if x["id"] == m.group(3)]
            if not found:
                return _error(404, 10008, "Unknown Message")
            return json_response(200, found[0], limits)
        if req.method == "GET":
            hook = {"id": WEBHOOK_ID, "type": 1, "channel_id": self.hook_channel, "name": "Commons"}
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
            "channel_id": CHANNEL_ID,
            "webhook_id": WEBHOOK_ID,
            "content": body.get("content", ""),
            "embeds": body.get("embeds", []),
            "author": {
                "id": WEBHOOK_ID,
                "username": body.get("username") or "Commons",
                "bot": True,
            },
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
