"""Discord through an incoming webhook: ``POST /api/webhooks/{id}/{token}?wait=true``.

One message per item: the channel's text (empty by default) and an embed with the title,
summary, link, date, authors and image; mentions are disabled (an essay titled
"@everyone" pings nobody). ``?wait=true`` makes Discord answer with the created message, whose
id the ledger records. Rate limits: a 429 waits for ``Retry-After`` (or
``X-RateLimit-Reset-After``), and an answer with ``X-RateLimit-Remaining: 0`` makes the next
call wait until the bucket resets.

A webhook cannot list messages, so a post whose answer was lost cannot be looked up: it is
recorded as posted, unconfirmed, and never posted again (at most once; the warning says so).
The webhook URL is a secret (its token authorises posting): it is read from the environment
and every message that could show it is redacted.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any, NoReturn
from urllib.parse import urljoin, urlsplit

import requests

from pipeline.announce.channels.base import Post, Posted, Unconfirmed, post_key, required_secret
from pipeline.announce.compose import render
from pipeline.config import Config
from pipeline.errors import ConfigError, Problem
from pipeline.model import Item
from pipeline.newsletter.backends.http import ApiClient, MalformedAnswer, shown
from pipeline.newsletter.errors import DeliveryError
from pipeline.support.announce_config import AnnounceConfig
from pipeline.support.retryafter import exhausted_wait
from pipeline.syndication.common import summary

CONTENT_CHARS = 2000
TITLE_CHARS = 256
DESCRIPTION_CHARS = 1000
"""Discord allows 4096; a summary that long drowns a channel."""
FOOTER_CHARS = 2048
NAME_CHARS = 256
MAX_WAIT = 120.0
"""Longest rate-limit wait honoured before giving up (the next run posts the rest)."""

_WEBHOOK = re.compile(
    r"(https?://[^/?#]+)(/api(?:/v\d+)?/webhooks/\d{1,25}/[A-Za-z0-9_.-]{1,200})/?"
)
_MESSAGE_ID = re.compile(r"\d{1,25}")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def payload(entry: AnnounceConfig, item: Item, config: Config) -> tuple[dict[str, Any], str]:
    """The webhook body for ``item`` and its text for humans."""
    text = _cut(render(entry, item, config), CONTENT_CHARS)
    embed: dict[str, Any] = {
        "title": _cut(item.title, TITLE_CHARS),
        "url": item.url,
        "description": _cut(summary(item), DESCRIPTION_CHARS),
        "footer": {"text": _cut(config.site.title, FOOTER_CHARS)},
    }
    if item.date is not None:
        embed["timestamp"] = item.date.isoformat()
    if item.authors:
        embed["author"] = {"name": _cut(", ".join(item.authors), NAME_CHARS)}
    if item.image:
        embed["image"] = {"url": urljoin(item.url, item.image)}
    body: dict[str, Any] = {"content": text, "embeds": [embed], "allowed_mentions": {"parse": []}}
    if entry.username:
        body["username"] = _cut(entry.username, 80)
    if entry.avatar_url:
        body["avatar_url"] = entry.avatar_url
    readable = "\n".join(
        p for p in (text, f"[{embed['title']}]({item.url})", embed["description"]) if p
    )
    return body, readable


def _error_text(data: Any) -> str:
    if isinstance(data, dict) and "message" in data:
        code = f" (code {shown(data['code'])})" if "code" in data else ""
        errors = f": {shown(data['errors'])}" if data.get("errors") else ""
        return f"{shown(data['message'])}{code}{errors}"
    return shown(data)


class DiscordChannel:
    kind = "discord"
    searchable = False

    def __init__(
        self,
        entry: AnnounceConfig,
        config: Config,
        *,
        session: requests.Session,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.entry = entry
        self.config = config
        self.name = entry.channel
        url = required_secret(entry.webhook_env, self.name, "the webhook URL")
        m = _WEBHOOK.fullmatch(url)
        split = urlsplit(url)
        loopback = split.hostname in ("127.0.0.1", "localhost", "::1")
        if m is None or (split.scheme != "https" and not loopback):
            raise ConfigError(
                [
                    Problem(
                        "environment",
                        1,
                        entry.webhook_env,
                        "not a Discord webhook URL (https://discord.com/api/webhooks/ID/TOKEN, "
                        "from Server Settings → Integrations → Webhooks → Copy Webhook URL)",
                    )
                ]
            )
        self._path = m.group(2)
        self.sleep = sleep
        self._ready_at = 0.0
        self.api = ApiClient(
            "Discord",
            m.group(1),
            {"User-Agent": "publish-announce (https://github.com, 1)"},
            session=session,
            error_text=_error_text,
            timeout=entry.timeout,
            retries=entry.retries,
            backoff=entry.backoff,
            max_wait=MAX_WAIT,
            sleep=sleep,
        )

    def _request(self, method: str, path: str, **kw: Any) -> Any:
        wait = self._ready_at - time.time()
        if wait > 0:
            self.sleep(wait)
        try:
            return self.api.request(method, path, **kw)
        finally:
            after = exhausted_wait(self.api.last_headers, time.time())
            self._ready_at = time.time() + min(after, MAX_WAIT) if after else 0.0

    def connect(self) -> None:
        """``GET`` the webhook: a wrong or deleted one fails here, before any post."""
        data = self._request("GET", self._path, ok=(200,))
        if not isinstance(data, dict) or "id" not in data:
            raise DeliveryError("Discord answered GET webhook without a webhook object")

    def compose(self, item: Item) -> Post:
        body, text = payload(self.entry, item, self.config)
        return Post(self.name, self.kind, post_key(self.name, item.id), item, body, text)

    def find(self, post: Post, remote_id: str) -> Posted | None:
        if not remote_id:
            return None  # a webhook lists nothing: only a recorded id can be looked up
        data = self._request("GET", f"{self._path}/messages/{remote_id}", ok=(200,))
        return self._posted(data)

    def publish(self, post: Post) -> Posted:
        def lost() -> NoReturn:
            raise Unconfirmed(
                "Discord may have posted the message but its answer was lost; recorded as "
                "posted and not posted again (check the channel)"
            )

        try:
            data = self._request(
                "POST",
                self._path,
                params={"wait": "true"},
                json=post.payload,
                ok=(200,),
                recheck=lost,
            )
        except MalformedAnswer:
            lost()
        return self._posted(data)

    def _posted(self, data: Any) -> Posted:
        if not isinstance(data, dict) or not _MESSAGE_ID.fullmatch(str(data.get("id", ""))):
            raise Unconfirmed(
                "Discord answered without a message id; recorded as posted, not posted again"
            )
        return Posted(str(data["id"]))
