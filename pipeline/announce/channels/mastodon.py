"""Mastodon (and any Fediverse server with its API): ``POST /api/v1/statuses``.

Every post carries an ``Idempotency-Key`` derived from the channel and the item: the server
answers a repeated request with the status it already made (Mastodon keeps keys for an hour).
Before re-posting an item whose earlier answer was lost, the account's recent statuses are
searched for the item's link, so even after that hour nothing is posted twice.
The length limit and the characters a link counts for come from ``GET /api/v2/instance``;
the post is fitted to it by shortening the summary. Visibility, language and content warning
(``spoiler_text``) come from the channel's settings. The token is a secret.

The item's image is attached: ``POST /api/v2/media`` (multipart: the file, and the item's
title as its ``description``, the alt text), fitted to the server's ``image_size_limit``.
The server answers 200 when the file is processed, or 202 while it still works on it: then
``GET /api/v1/media/:id`` is polled (206 while processing) until 200, and the status is made
with its ``media_ids``. An image that cannot be had or processed in time is left out, with a
warning: the announcement is never held back for its picture. Rate limits: an answer with
``X-RateLimit-Remaining: 0`` waits for ``X-RateLimit-Reset`` (through :class:`ApiClient`).
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable
from typing import Any

import requests

from pipeline.announce.channels.base import Post, Posted, post_key, required_secret
from pipeline.announce.compose import PREVIEW_LIMIT, URL_CHARS, fit_status
from pipeline.announce.media import NoPicture, Pictures
from pipeline.config import Config
from pipeline.model import Item
from pipeline.newsletter.backends.http import ApiClient, Patience, shown
from pipeline.newsletter.errors import DeliveryError
from pipeline.support.announce_config import AnnounceConfig

SEARCHED = 40
"""Recent statuses of the account searched for an item's link (the API's page maximum)."""
_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _id_of(data: Any) -> str | None:
    """The ``id`` of an account or status object: a string of digits (an int from some
    servers); None for any other answer (``null``, ``true`` and ``NaN`` read as ids once)."""
    found = data.get("id") if isinstance(data, dict) else None
    if isinstance(found, bool) or not isinstance(found, str | int):
        return None
    return str(found) if _ID.fullmatch(str(found)) else None


IMAGE_BYTES = 16 * 1024 * 1024
"""Mastodon's default image size limit (the server's own ``image_size_limit`` wins)."""
DESCRIPTION_CHARS = 1500
"""Mastodon's default alt-text limit (``description_limit`` when the server says)."""
POLLS = 8
"""Polls of a media attachment still processing (waits double from ``backoff``, at most
``MAX_POLL_WAIT`` each) before the status is posted without it."""
MAX_POLL_WAIT = 5.0


def _positive(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def payload(
    entry: AnnounceConfig, item: Item, config: Config, limit: int, url_chars: int = URL_CHARS
) -> tuple[dict[str, Any], str]:
    """The status body for ``item`` (JSON) and its text."""
    text = fit_status(entry, item, config, limit, url_chars)
    body: dict[str, Any] = {
        "status": text,
        "visibility": entry.visibility,
        "language": (entry.language or config.site.language).split("-")[0].lower(),
    }
    if entry.spoiler_text:
        body["spoiler_text"] = entry.spoiler_text
    shown_text = f"CW: {entry.spoiler_text}\n{text}" if entry.spoiler_text else text
    return body, shown_text


def _error_text(data: Any) -> str:
    if isinstance(data, dict) and "error" in data:
        more = f" ({shown(data['error_description'])})" if data.get("error_description") else ""
        return f"{shown(data['error'])}{more}"
    return shown(data)


class MastodonChannel:
    kind = "mastodon"
    searchable = True

    def __init__(
        self,
        entry: AnnounceConfig,
        config: Config,
        *,
        session: requests.Session,
        sleep: Callable[[float], None] = time.sleep,
        pictures: Pictures,
    ) -> None:
        self.entry = entry
        self.config = config
        self.pictures = pictures
        self.sleep = sleep
        self.image_bytes = IMAGE_BYTES
        self.description_chars = DESCRIPTION_CHARS
        self.name = entry.channel
        token = required_secret(entry.token_env, self.name, "an access token (write:statuses)")
        self.limit = entry.max_characters or PREVIEW_LIMIT
        self.url_chars = URL_CHARS
        self.account = ""
        self.api = ApiClient(
            "Mastodon",
            entry.instance,
            {"Authorization": f"Bearer {token}", "User-Agent": "publish-announce"},
            session=session,
            error_text=_error_text,
            patience=Patience(timeout=entry.timeout, retries=entry.retries, backoff=entry.backoff),
            sleep=sleep,
        )

    def connect(self) -> None:
        """Read the server's limits, then check the token (and learn whose it is)."""
        info = self.api.request("GET", "/api/v2/instance", ok=(200,))
        statuses = (
            info.get("configuration", {}).get("statuses", {}) if isinstance(info, dict) else {}
        )
        if not self.entry.max_characters:
            limit = statuses.get("max_characters") if isinstance(statuses, dict) else None
            if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0:
                self.limit = limit
        reserved = (
            statuses.get("characters_reserved_per_url") if isinstance(statuses, dict) else None
        )
        if isinstance(reserved, int) and not isinstance(reserved, bool) and reserved >= 0:
            self.url_chars = reserved
        settings = info.get("configuration") if isinstance(info, dict) else None
        media = settings.get("media_attachments") if isinstance(settings, dict) else None
        if isinstance(media, dict):
            self.image_bytes = _positive(media.get("image_size_limit")) or IMAGE_BYTES
            self.description_chars = _positive(media.get("description_limit")) or DESCRIPTION_CHARS
        me = self.api.request("GET", "/api/v1/accounts/verify_credentials", ok=(200,))
        account = _id_of(me)
        if account is None:
            raise DeliveryError("Mastodon answered verify_credentials without an account id")
        self.account = account

    def compose(self, item: Item) -> Post:
        body, text = payload(self.entry, item, self.config, self.limit, self.url_chars)
        return Post(self.name, self.kind, post_key(self.name, item.id), item, body, text)

    def find(self, post: Post, remote_id: str) -> Posted | None:
        """A recent status of ours linking to the item (or the one recorded)."""
        if remote_id and _ID.fullmatch(remote_id):
            data = self.api.request("GET", f"/api/v1/statuses/{remote_id}", ok=(200, 404))
            if isinstance(data, dict) and "id" in data and "content" in data:
                return self._posted(data)
        rows = self.api.request(
            "GET",
            f"/api/v1/accounts/{self.account}/statuses",
            params={"limit": str(SEARCHED), "exclude_replies": "true", "exclude_reblogs": "true"},
            ok=(200,),
        )
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            # not "none of ours": an answer that cannot be read, and a status may exist
            raise DeliveryError("Mastodon answered GET account statuses without a list of them")
        link = f'href="{html.escape(post.item.url)}"'
        for row in rows:
            if link in str(row.get("content", "")):
                return self._posted(row)
        return None

    def _media(self, item: Item) -> tuple[str, str]:
        """The id of the item's image uploaded and processed (or ``""``), and why not."""
        try:
            picture = self.pictures.load(item, self.image_bytes)
        except NoPicture as exc:
            return "", f"posted without its image: {exc}"
        if picture is None:
            return "", ""
        try:
            data = self.api.request(
                "POST",
                "/api/v2/media",
                files={"file": (picture.name, picture.data, picture.mime)},
                data={"description": picture.alt[: self.description_chars]},
                ok=(200, 202),
            )
            media_id = str(data.get("id", "")) if isinstance(data, dict) else ""
            if not _ID.fullmatch(media_id):
                return "", "posted without its image: the server answered without a media id"
            for n in range(POLLS + 1):
                if isinstance(data, dict) and data.get("url"):
                    return media_id, ""  # processed: it has its URL
                if n == POLLS:
                    break
                self.sleep(min(self.entry.backoff * 2**n, MAX_POLL_WAIT))
                data = self.api.request("GET", f"/api/v1/media/{media_id}", ok=(200, 206))
        except DeliveryError as exc:
            return "", f"posted without its image: {exc}"
        return "", "posted without its image: the server was still processing it"

    def publish(self, post: Post) -> Posted:
        # a retry of a call that may have been applied is safe: the server answers a known
        # Idempotency-Key with the status it made, so no recheck is needed
        media_id, note = self._media(post.item)
        body = {**post.payload, "media_ids": [media_id]} if media_id else post.payload
        data = self.api.request(
            "POST",
            "/api/v1/statuses",
            json=body,
            headers={"Idempotency-Key": post.idempotency_key},
            ok=(200,),
        )
        posted = self._posted(data)
        return Posted(posted.id, posted.url, note)

    def _posted(self, data: Any) -> Posted:
        found = _id_of(data)
        if found is None:
            raise DeliveryError("Mastodon answered without a status id")
        url = data.get("url")
        return Posted(found, url if isinstance(url, str) else "")
