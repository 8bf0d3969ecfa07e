"""Discord through an incoming webhook: ``POST /api/webhooks/{id}/{token}?wait=true``.

One message per item: the channel's text (empty by default) and an embed with the title,
summary, link, date, authors and image; mentions are disabled (an essay titled
"@everyone" pings nobody). ``?wait=true`` makes Discord answer with the created message, whose
id the ledger records. Rate limits: a 429 waits for ``Retry-After`` (or
``X-RateLimit-Reset-After``), and an answer with ``X-RateLimit-Remaining: 0`` makes the next
call wait until the bucket resets.

A webhook cannot list messages. With a **bot token** (``DISCORD_BOT_TOKEN``, a bot in the
server with View Channel and Read Message History on the webhook's channel), a post whose
answer was lost is looked up among the channel's latest messages
(``GET /channels/{channel.id}/messages?limit=100``, ``Authorization: Bot …``): a message from
this webhook (``webhook_id``) whose embed links the item is the post (recorded with its id);
none means it was not made, and it is posted: exactly once. Without a bot token such a post
is recorded as posted, unconfirmed, and never posted again (at most once; the warning says
so). The webhook URL and the bot token are secrets: read from the environment, and every
message that could show them is redacted.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from pipeline.announce.channels.base import Post, Posted, Unconfirmed, post_key, required_secret
from pipeline.announce.compose import render
from pipeline.config import Config
from pipeline.errors import ConfigError, Problem
from pipeline.model import Item
from pipeline.newsletter.backends.http import ApiClient, MalformedAnswer, Patience, shown
from pipeline.newsletter.errors import DeliveryError
from pipeline.support.announce_config import AnnounceConfig
from pipeline.support.secrets import secret
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
API = "/api/v10"
"""The versioned API base of the bot endpoints (the webhook URL keeps its own path)."""
SEARCHED = 100
"""The channel's latest messages searched for a post whose answer was lost (the API's most)."""


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
        self._bot = secret(entry.bot_token_env)
        self.searchable = bool(self._bot)
        """With a bot token the channel's messages can be read: a lost answer is looked up."""
        self.webhook_id = ""
        self.channel_id = entry.channel_id
        self.api = ApiClient(
            "Discord",
            m.group(1),
            {"User-Agent": "publish-announce (https://github.com, 1)"},
            session=session,
            error_text=_error_text,
            patience=Patience(
                timeout=entry.timeout,
                retries=entry.retries,
                backoff=entry.backoff,
                max_wait=MAX_WAIT,
            ),
            sleep=sleep,
        )

    def connect(self) -> None:
        """``GET`` the webhook: a wrong or deleted one fails here, before any post; with a bot
        token, read one message of its channel, so a token that cannot fails here too."""
        data = self.api.request("GET", self._path, ok=(200,))
        if not isinstance(data, dict) or not _MESSAGE_ID.fullmatch(str(data.get("id", ""))):
            raise DeliveryError("Discord answered GET webhook without a webhook object")
        self.webhook_id = str(data["id"])
        hooked = str(data.get("channel_id", ""))
        if self.channel_id and hooked and hooked != self.channel_id:
            raise DeliveryError(
                f"the webhook posts to channel {hooked}, not to channel_id {self.channel_id} "
                "set for this channel in publish.toml"
            )
        self.channel_id = self.channel_id or hooked
        if self._bot:
            if not _MESSAGE_ID.fullmatch(self.channel_id):
                raise DeliveryError("Discord answered GET webhook without its channel id")
            if not self._messages(1):
                self._check_history()

    def _check_history(self) -> None:
        """An empty list is what a bot without Read Message History gets (a search would
        find nothing and re-post): when the channel has a last message, read it, which
        answers 403 to such a bot (404 when that message was deleted)."""
        auth = {"Authorization": f"Bot {self._bot}"}
        base = f"{API}/channels/{self.channel_id}"
        channel = self.api.request("GET", base, headers=auth, ok=(200,))
        last = channel.get("last_message_id") if isinstance(channel, dict) else None
        if isinstance(last, str) and _MESSAGE_ID.fullmatch(last):
            self.api.request("GET", f"{base}/messages/{last}", headers=auth, ok=(200, 404))

    def _messages(self, limit: int) -> list[Any]:
        """The channel's latest messages, newest first (bot token only)."""
        rows = self.api.request(
            "GET",
            f"{API}/channels/{self.channel_id}/messages",
            params={"limit": str(limit)},
            headers={"Authorization": f"Bot {self._bot}"},
            ok=(200,),
        )
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            # a list of something else is no answer either: skipped, the post looked absent
            raise DeliveryError("Discord answered GET channel messages without a list of them")
        return rows

    def compose(self, item: Item) -> Post:
        body, text = payload(self.entry, item, self.config)
        return Post(self.name, self.kind, post_key(self.name, item.id), item, body, text)

    def find(self, post: Post, remote_id: str) -> Posted | None:
        if remote_id:
            data = self.api.request("GET", f"{self._path}/messages/{remote_id}", ok=(200,))
            return self._posted(data)
        if not self._bot:
            return None  # a webhook lists nothing: only a recorded id can be looked up
        for row in self._messages(SEARCHED):
            if isinstance(row, dict) and self._is_post_of(row, post.item.url):
                return self._posted(row)
        return None

    def _is_post_of(self, message: dict[str, Any], url: str) -> bool:
        """A message this webhook made whose embed links ``url``."""
        author = message.get("author")
        made_by = str(message.get("webhook_id", "")) or (
            str(author.get("id", "")) if isinstance(author, dict) else ""
        )
        embeds = message.get("embeds")
        linked = isinstance(embeds, list) and any(
            isinstance(e, dict) and e.get("url") == url for e in embeds
        )
        return made_by == self.webhook_id and linked

    def publish(self, post: Post) -> Posted:
        def lost() -> Posted | None:
            if self._bot:
                return self.find(post, "")  # not in the channel: not made, safe to retry
            raise Unconfirmed(
                "Discord may have posted the message but its answer was lost; recorded as "
                "posted and not posted again (check the channel, or set a bot token: "
                "docs/announce.md)"
            )

        try:
            data = self.api.request(
                "POST",
                self._path,
                params={"wait": "true"},
                json=post.payload,
                ok=(200,),
                recheck=lost,
            )
        except MalformedAnswer:
            data = None
        if isinstance(data, Posted):
            return data
        if isinstance(data, dict) and _MESSAGE_ID.fullmatch(str(data.get("id", ""))):
            return Posted(str(data["id"]))
        found = lost()  # a 200 without a message: look for it (or, without a bot, raise)
        if found is None:
            raise DeliveryError(
                "Discord answered the post without a message, and none is in the channel; "
                "the next run posts it"
            )
        return found

    def _posted(self, data: Any) -> Posted:
        if not isinstance(data, dict) or not _MESSAGE_ID.fullmatch(str(data.get("id", ""))):
            raise Unconfirmed(
                "Discord answered without a message id; recorded as posted, not posted again"
            )
        return Posted(str(data["id"]))
