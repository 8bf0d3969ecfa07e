"""The schema and value rules of ``[[announce]]`` (one table per channel) and ``[notify]``.

Kept apart from :mod:`pipeline.config` (which only lists them), in ``support/`` as the
podcast's value rules are, so that config imports no stage package; a new channel kind adds
its keys here. Secrets are never in the file: each entry names the environment variable that
holds its webhook URL, token or app password.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

KINDS = ("discord", "mastodon", "bluesky")
VISIBILITIES = ("public", "unlisted", "private", "direct")
LEDGER = "announce/sent.jsonl"
"""The announcement ledger, relative to ``publish.toml`` (committed, like the digest's)."""


@dataclass(frozen=True)
class AnnounceConfig:
    """One channel that announces new items."""

    kind: str = ""
    """``discord`` (an incoming webhook), ``mastodon`` (any server with the Mastodon API) or
    ``bluesky`` (AT Protocol, an app password)."""
    name: str = ""
    """Unique name of the channel (lower-case letters, digits, ``-``); defaults to the kind.
    It keys the ledger: renaming a channel announces everything again."""
    sections: list[str] = field(default_factory=list)
    """Sections announced (e.g. ``["essays"]``); empty: every feed section."""
    tags: list[str] = field(default_factory=list)
    """Only items with at least one of these tags; empty: any."""
    template: str = ""
    """Jinja2 text of the message (Discord: the text above the embed; Mastodon: the post).
    Variables: title url summary description tags hashtags section kind authors date site."""
    since: str = ""
    """``YYYY-MM-DD``: items dated before are never announced here. Without it, a channel's
    first run announces only the newest item (the back catalogue is named, not posted)."""
    max_per_run: int = 5
    """At most this many posts per run and channel; the rest wait for the next run."""
    webhook_env: str = "DISCORD_WEBHOOK_URL"
    """Discord: the environment variable holding the webhook URL (its token is a secret)."""
    test_webhook_env: str = "DISCORD_TEST_WEBHOOK_URL"
    """Discord: the variable holding a webhook into a private test channel (``--test``)."""
    bot_token_env: str = "DISCORD_BOT_TOKEN"
    """Discord: the variable holding a bot token that can read the webhook's channel; with
    it, a post whose answer was lost is looked up there (exactly once), without it the post
    is never repeated (at most once)."""
    channel_id: str = ""
    """Discord: the channel the webhook posts to (default: read from the webhook); checked
    against the webhook's own."""
    username: str = ""
    """Discord: the name shown on the message instead of the webhook's."""
    avatar_url: str = ""
    instance: str = ""
    """Mastodon: the server's base URL, e.g. ``https://social.example``."""
    token_env: str = "MASTODON_TOKEN"
    """Mastodon: the environment variable holding the access token (scope write:statuses)."""
    visibility: str = "public"
    """Mastodon: public, unlisted, private or direct."""
    language: str = ""
    """Mastodon: ISO 639 language of posts; defaults to ``[site] language``."""
    spoiler_text: str = ""
    """Mastodon: a content warning shown before each post."""
    max_characters: int = 0
    """Mastodon: the post length limit; 0 reads it from the server (500 in previews)."""
    handle: str = ""
    """Bluesky: the account's handle (``commons.bsky.social``) or DID."""
    service: str = "https://bsky.social"
    """Bluesky: the account's PDS (its host), where the session is made."""
    password_env: str = "BLUESKY_APP_PASSWORD"
    """Bluesky: the environment variable holding an app password (never the account's)."""
    timeout: float = 30.0
    """Seconds to wait for each answer."""
    retries: int = 3
    """Retries after a 429, 5xx or dropped connection (never re-posting a post that may
    have been made: see docs/announce.md)."""
    backoff: float = 2.0
    """Seconds before the first retry, doubled each time (the service's own wait wins)."""

    @property
    def channel(self) -> str:
        return self.name or self.kind


@dataclass(frozen=True)
class NotifyConfig:
    """``[notify]``: who ``publish notify`` pings after a deploy (docs/announce.md)."""

    websub: bool = True
    """Ping ``[site] websub_hub`` (when set) for every feed that changed."""
    podcast_index: bool = True
    """Ping Podcast Index's ``hub/pubnotify`` when ``podcast.xml`` changed."""
    podcast_index_url: str = "https://api.podcastindex.org/api/1.0/hub/pubnotify"
    timeout: float = 10.0
    """Seconds to wait for each hub (a slow hub is a warning, never a failed deploy)."""
    retries: int = 2
    backoff: float = 1.0


def notify_problems(n: NotifyConfig) -> list[tuple[str, str]]:
    out = []
    if n.timeout <= 0:
        out.append(("timeout", "expected a positive number of seconds"))
    if n.retries < 0:
        out.append(("retries", "expected 0 or a positive integer"))
    if n.backoff < 0:
        out.append(("backoff", "expected 0 or a positive number of seconds"))
    if not re.match(r"^https?://[^/\s]+", n.podcast_index_url):
        out.append(("podcast_index_url", "expected an absolute http(s) URL"))
    return out


_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
_SECRET_VAR = re.compile(r"[A-Z][A-Z0-9_]*(KEY|TOKEN|SECRET|PASSWORD|WEBHOOK_URL)")
"""Names :func:`pipeline.support.secrets.redact` treats as secrets: a channel's secret must
have one, or an error message could show it."""
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def entry_problems(entries: list[AnnounceConfig]) -> list[tuple[int, str, str]]:
    """(index, key, message) of each value the types alone cannot check."""
    out: list[tuple[int, str, str]] = []
    seen: dict[str, int] = {}
    for n, e in enumerate(entries):
        if e.kind not in KINDS:
            out.append((n, "kind", f"expected one of {', '.join(KINDS)}, got {e.kind!r}"))
            continue
        if not _NAME.fullmatch(e.channel):
            out.append((n, "name", "expected lower-case letters, digits and '-' (at most 63)"))
        elif e.channel in seen:
            message = f"channel {e.channel!r} is already defined by entry {seen[e.channel] + 1}"
            out.append((n, "name", message))
        seen.setdefault(e.channel, n)
        out.extend((n, key, message) for key, message in _value_problems(e))
    return out


def _value_problems(e: AnnounceConfig) -> Iterator[tuple[str, str]]:
    """(key, message) of each value of one entry that is not what its kind needs."""
    if e.since:
        try:
            if not _DATE.fullmatch(e.since):
                raise ValueError
            date.fromisoformat(e.since)
        except ValueError:
            yield "since", f"expected a date YYYY-MM-DD, got {e.since!r}"
    if e.max_per_run < 1:
        yield "max_per_run", "expected a positive integer"
    if e.timeout <= 0:
        yield "timeout", "expected a positive number of seconds"
    if e.retries < 0:
        yield "retries", "expected 0 or a positive integer"
    if e.backoff < 0:
        yield "backoff", "expected 0 or a positive number of seconds"
    if e.kind == "discord":
        for key in ("webhook_env", "test_webhook_env"):
            if not _SECRET_VAR.fullmatch(getattr(e, key)):
                yield key, "expected an environment variable name ending in WEBHOOK_URL"
        if not _SECRET_VAR.fullmatch(e.bot_token_env):
            yield "bot_token_env", "expected an environment variable name ending in TOKEN"
    if e.channel_id and not re.fullmatch(r"\d{1,25}", e.channel_id):
        yield "channel_id", f"expected a Discord channel id (digits), got {e.channel_id!r}"
    if e.kind == "mastodon":
        yield from _mastodon_problems(e)
    if e.kind == "bluesky":
        yield from _bluesky_problems(e)
    if e.avatar_url and not re.match(r"^https://[^/\s]+", e.avatar_url):
        yield "avatar_url", "expected an absolute https URL"
    for key in ("template", "username", "spoiler_text"):
        if "\x00" in getattr(e, key):
            yield key, "contains a NUL character"


def _mastodon_problems(e: AnnounceConfig) -> Iterator[tuple[str, str]]:
    if not re.match(r"^https?://[^/\s]+/?$", e.instance):
        yield "instance", f"expected the server's base URL (https://host), got {e.instance!r}"
    if not _SECRET_VAR.fullmatch(e.token_env):
        yield "token_env", "expected an environment variable name ending in TOKEN"
    if e.visibility not in VISIBILITIES:
        yield "visibility", f"expected one of {', '.join(VISIBILITIES)}"
    if e.max_characters < 0:
        yield "max_characters", "expected 0 (ask the server) or a positive integer"
    if len(e.spoiler_text) > 200:
        yield "spoiler_text", "longer than 200 characters"


def _bluesky_problems(e: AnnounceConfig) -> Iterator[tuple[str, str]]:
    if not re.fullmatch(r"(did:[a-z]+:[A-Za-z0-9._:%-]{1,2000}|[A-Za-z0-9.-]{3,253})", e.handle):
        yield "handle", "expected the account's handle (name.bsky.social) or DID"
    if not re.match(r"^https?://[^/\s]+/?$", e.service):
        yield "service", f"expected the PDS base URL (https://host), got {e.service!r}"
    if not _SECRET_VAR.fullmatch(e.password_env):
        yield "password_env", "expected an environment variable name ending in PASSWORD"


def announce_problems(
    entries: list[AnnounceConfig], notify: NotifyConfig
) -> list[tuple[str, str, str]]:
    """(section, key, message) of every ``[[announce]]`` and ``[notify]`` value problem;
    ``announce[2]`` is the third ``[[announce]]`` table."""
    out = [("notify", key, message) for key, message in notify_problems(notify)]
    out += [(f"announce[{n}]", key, message) for n, key, message in entry_problems(entries)]
    return out
