"""Bluesky (AT Protocol): an app password, ``com.atproto.server.createSession``, then
``com.atproto.repo.createRecord`` of an ``app.bsky.feed.post``.

Each post has a **deterministic record key**: a TID (the protocol's timestamp id) made from
the item's date and a hash of channel and item, so every run computes the same key. Before
posting, ``com.atproto.repo.getRecord`` looks the key up: a post made by a run whose answer was
lost is found, never made twice, and the server itself refuses a second record with that key.
The post carries a link facet (byte offsets into the UTF-8 text, as the protocol wants) and
an external embed (the link card: URL, title, description, and the item's image as its
thumbnail: ``com.atproto.repo.uploadBlob``, at most 1,000,000 bytes as the lexicon allows,
then ``embed.external.thumb``). Text is fitted to 300 characters by shortening the summary.
Rate limits: the PDS's ``RateLimit-Remaining: 0`` waits for ``RateLimit-Reset`` before the
next call, and a 429 for its reset (through :class:`ApiClient`). The app password and the
session token are secrets.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import requests

from pipeline.announce.channels.base import Post, Posted, post_key, required_secret
from pipeline.announce.compose import fit_status, links
from pipeline.announce.media import NoPicture, Pictures
from pipeline.config import Config
from pipeline.model import Item
from pipeline.newsletter.backends.http import ApiClient, Patience, shown
from pipeline.newsletter.errors import DeliveryError
from pipeline.support.announce_config import AnnounceConfig
from pipeline.support.secrets import register
from pipeline.syndication.common import summary

POST = "app.bsky.feed.post"
LIMIT = 300
"""Characters (graphemes) in a post's text."""
CARD_CHARS = 300
THUMB_BYTES = 1_000_000
"""``app.bsky.embed.external#external.thumb``: ``maxSize`` in the lexicon."""
_B32 = "234567abcdefghijklmnopqrstuvwxyz"
_DID = re.compile(r"did:[a-z]+:[A-Za-z0-9._:%-]{1,2000}")


def record_key(channel: str, item: Item) -> str:
    """The post's TID: 53 bits of microseconds (the item's date, plus up to 1 ms from the
    hash) and a 10-bit clock id from the hash. Same channel and item: same key, always."""
    digest = int.from_bytes(hashlib.sha256(f"{channel}\n{item.id}".encode()).digest()[:8], "big")
    base = int(item.date.timestamp() * 1_000_000) if item.date else 0
    micros = (base + digest % 1000) & ((1 << 53) - 1)
    n = (micros << 10) | ((digest >> 10) & 1023)
    return "".join(_B32[(n >> (5 * i)) & 31] for i in reversed(range(13)))


def payload(
    entry: AnnounceConfig, item: Item, config: Config, now: datetime
) -> tuple[dict[str, Any], str]:
    """The ``app.bsky.feed.post`` record for ``item`` and its text."""
    text = fit_status(entry, item, config, LIMIT, None)
    record: dict[str, Any] = {
        "$type": POST,
        "text": text,
        "createdAt": now.isoformat().replace("+00:00", "Z"),
        "langs": [(entry.language or config.site.language).split("-")[0].lower()],
        "embed": {
            "$type": "app.bsky.embed.external",
            "external": {
                "uri": item.url,
                "title": item.title,
                "description": summary(item, CARD_CHARS),
            },
        },
    }
    facets = [
        {
            "index": {"byteStart": start, "byteEnd": end},
            "features": [{"$type": "app.bsky.richtext.facet#link", "uri": url}],
        }
        for start, end, url in links(text)
    ]
    if facets:
        record["facets"] = facets
    return record, text


def create_body(
    entry: AnnounceConfig, item: Item, config: Config, now: datetime, repo: str
) -> tuple[dict[str, Any], str]:
    """The ``createRecord`` input for ``item`` (its record key deterministic) and its text."""
    record, text = payload(entry, item, config, now)
    body = {"repo": repo, "collection": POST, "rkey": record_key(entry.channel, item)}
    return {**body, "record": record}, text


def _error_text(data: Any) -> str:
    if isinstance(data, dict) and "error" in data:
        return f"{shown(data['error'])}: {shown(data.get('message', ''))}"
    return shown(data)


class BlueskyChannel:
    kind = "bluesky"
    searchable = True

    def __init__(
        self,
        entry: AnnounceConfig,
        config: Config,
        *,
        session: requests.Session,
        now: datetime,
        sleep: Callable[[float], None] = time.sleep,
        pictures: Pictures,
    ) -> None:
        self.entry = entry
        self.pictures = pictures
        self.config = config
        self.name = entry.channel
        self.now = now
        self.session = session
        self.sleep = sleep
        self._password = required_secret(entry.password_env, self.name, "an app password")
        self.did = ""
        self.api = self._client({})

    def _client(self, headers: dict[str, str]) -> ApiClient:
        return ApiClient(
            "Bluesky",
            self.entry.service,
            {"User-Agent": "publish-announce", **headers},
            session=self.session,
            error_text=_error_text,
            patience=Patience(
                timeout=self.entry.timeout, retries=self.entry.retries, backoff=self.entry.backoff
            ),
            sleep=self.sleep,
        )

    def connect(self) -> None:
        """Make a session with the app password; its token is registered as a secret."""
        data = self.api.request(
            "POST",
            "/xrpc/com.atproto.server.createSession",
            json={"identifier": self.entry.handle, "password": self._password},
            ok=(200,),
        )
        token = data.get("accessJwt") if isinstance(data, dict) else None
        did = data.get("did") if isinstance(data, dict) else None
        if not isinstance(token, str) or not isinstance(did, str) or not _DID.fullmatch(did):
            raise DeliveryError("Bluesky answered createSession without a session")
        register(token)
        if isinstance(data.get("refreshJwt"), str):
            register(data["refreshJwt"])
        self.did = did
        self.api = self._client({"Authorization": f"Bearer {token}"})

    def compose(self, item: Item) -> Post:
        repo = self.did or self.entry.handle
        body, text = create_body(self.entry, item, self.config, self.now, repo)
        return Post(self.name, self.kind, post_key(self.name, item.id), item, body, text)

    def find(self, post: Post, remote_id: str) -> Posted | None:
        data = self.api.request(
            "GET",
            "/xrpc/com.atproto.repo.getRecord",
            params={"repo": self.did, "collection": POST, "rkey": post.payload["rkey"]},
            ok=(200, 400),
        )
        if isinstance(data, dict) and isinstance(data.get("uri"), str):
            return Posted(data["uri"])
        if isinstance(data, dict) and data.get("error") == "RecordNotFound":
            return None
        raise DeliveryError(f"Bluesky refused getRecord: {_error_text(data)}")

    def _thumb(self, item: Item) -> tuple[dict[str, Any] | None, str]:
        """The uploaded blob of the item's image for the link card, or None and why not."""
        try:
            picture = self.pictures.load(item, THUMB_BYTES)
        except NoPicture as exc:
            return None, f"posted without a link-card image: {exc}"
        if picture is None:
            return None, ""
        try:
            data = self.api.request(
                "POST",
                "/xrpc/com.atproto.repo.uploadBlob",
                data=picture.data,
                headers={"Content-Type": picture.mime},
                ok=(200,),
            )
        except DeliveryError as exc:
            return None, f"posted without a link-card image: {exc}"
        blob = data.get("blob") if isinstance(data, dict) else None
        if not isinstance(blob, dict) or not isinstance(blob.get("ref"), dict):
            return None, "posted without a link-card image: uploadBlob answered without a blob"
        return blob, ""

    def publish(self, post: Post) -> Posted:
        def recheck() -> Any:
            found = self.find(post, "")
            return {"uri": found.id} if found else None

        body: dict[str, Any] = {**post.payload, "repo": self.did}
        thumb, note = self._thumb(post.item)
        if thumb is not None:
            record = dict(body["record"])
            embed = dict(record["embed"])
            embed["external"] = {**embed["external"], "thumb": thumb}
            body["record"] = {**record, "embed": embed}
        try:
            data = self.api.request(
                "POST",
                "/xrpc/com.atproto.repo.createRecord",
                json=body,
                ok=(200,),
                recheck=recheck,
            )
        except DeliveryError:
            found = self.find(post, "")  # the key is taken: an earlier attempt made it
            if found is None:
                raise
            return found
        uri = data.get("uri") if isinstance(data, dict) else None
        if not isinstance(uri, str) or not uri.startswith("at://"):
            raise DeliveryError("Bluesky answered createRecord without the record's at:// uri")
        return Posted(uri, note=note)
