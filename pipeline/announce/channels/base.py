"""What every channel implements, and the records passed between the engine and a channel."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Protocol

from pipeline.errors import ConfigError, Problem
from pipeline.model import Item
from pipeline.newsletter.errors import DeliveryError
from pipeline.support.secrets import secret


@dataclass(frozen=True)
class Post:
    """One announcement, ready to send: the service's JSON body and the text a human reads."""

    channel: str
    kind: str
    key: str
    """The ledger key: ``<channel>/<item id>``."""
    item: Item
    payload: dict[str, Any] = field(hash=False)
    text: str
    """What readers see, for previews and reports."""

    @property
    def idempotency_key(self) -> str:
        """Derived from channel and item alone: every retry of this post carries the same
        (a test post's key differs: it never stands in for the real one)."""
        return hashlib.sha256(f"publish-announce\n{self.key}".encode()).hexdigest()[:40]


@dataclass(frozen=True)
class Posted:
    """A post as the service knows it."""

    id: str
    url: str = ""
    note: str = ""
    """What was left out of the post and why (an image that could not be attached)."""


class Unconfirmed(DeliveryError):
    """The request may have been applied but the answer was lost, and the service cannot be
    asked (a Discord webhook lists nothing): recorded as posted, never posted again."""


def post_key(channel: str, item_id: str) -> str:
    return f"{channel}/{item_id}"


def required_secret(name: str, channel: str, what: str) -> str:
    value = secret(name)
    if not value:
        raise ConfigError(
            [
                Problem(
                    "environment",
                    1,
                    name,
                    f"not set: announce channel {channel!r} needs {what} in it "
                    "(a repository secret in CI)",
                )
            ]
        )
    return value


class Channel(Protocol):
    """A place announcements go. Implementations: discord, mastodon."""

    name: str
    kind: str
    searchable: bool
    """True when :meth:`find` can see a post made by a run whose answer was lost."""

    def connect(self) -> None:
        """Check the credentials and read the service's limits (once per run)."""
        ...

    def compose(self, item: Item) -> Post:
        """The post for ``item``: pure, no network (previews use it before ``connect``)."""
        ...

    def find(self, post: Post, remote_id: str) -> Posted | None:
        """The post made earlier for ``post.key`` (``remote_id`` when the ledger has it)."""
        ...

    def publish(self, post: Post) -> Posted:
        """Make the post. Raises :class:`Unconfirmed` when it may have been made anyway."""
        ...
