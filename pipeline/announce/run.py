"""The announce engine: per channel, claim the new items in the ledger, post each, record it.

The ledger is the digest's (:class:`pipeline.newsletter.ledger.Ledger`, same lock, same
states), in its own file; one key per channel and item (``<channel>/<item id>``):

* ``claimed``: chosen by a run, nothing sent. A later run posts it.
* ``sending``: written just before the request. A run that finds it knows an earlier one
  stopped mid-request: Mastodon is searched for the post (and re-posted with the same
  Idempotency-Key, which the server answers with the status it made); Discord is searched
  with a bot token (the channel's latest messages), and without one the post is recorded as
  made (unconfirmed, at most once).
* ``sent`` with the service's id; ``failed`` with the redacted reason (the service certainly
  did not post: the next run tries again).

The OS lock serialises runs: a second ``--send`` waits and finds everything recorded.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import requests

from pipeline.announce.channels import Channel, Post, Posted, Unconfirmed, make_channel
from pipeline.announce.channels.base import post_key
from pipeline.announce.compose import select
from pipeline.announce.media import Pictures
from pipeline.config import Config
from pipeline.errors import ConfigError, Problem
from pipeline.model import Item
from pipeline.newsletter import ledger as ledger_mod
from pipeline.newsletter.errors import DeliveryError
from pipeline.newsletter.ledger import Entry, Ledger
from pipeline.support.announce_config import LEDGER, AnnounceConfig
from pipeline.support.edge import DEFAULT_EDGE, Edge, Progress
from pipeline.support.output import write_if_changed
from pipeline.support.siteroot import content_folder


class Action(enum.StrEnum):
    """What happened to one item on one channel."""

    WOULD_POST = "would-post"
    """Listed only (no flags)."""
    PREVIEWED = "previewed"
    """Written to the outbox (``--preview``)."""
    POSTED = "posted"
    HEALED = "healed"
    """Found already posted by an earlier run that stopped; recorded, not posted again."""
    UNCONFIRMED = "unconfirmed"
    """May have been posted (answer lost, service cannot be asked); recorded, never re-posted."""
    FAILED = "failed"
    TESTED = "tested"
    """Posted to the channel's private test destination (``--test``); nothing recorded."""


@dataclass(frozen=True)
class Outcome:
    channel: str
    kind: str
    item: Item
    action: Action
    text: str = ""
    remote_id: str = ""
    url: str = ""
    note: str = ""
    paths: tuple[Path, ...] = ()


@dataclass(frozen=True)
class AnnounceRun:
    outcomes: tuple[Outcome, ...]
    warnings: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    """Redacted failures; the command exits 1 when there is any."""


def channels_of(config: Config, names: Sequence[str]) -> list[AnnounceConfig]:
    """The configured channels, or those named (an unknown name is a config error)."""
    known = {e.channel: e for e in config.announce}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ConfigError(
            [
                Problem(
                    "--channel",
                    1,
                    "channel",
                    f"no [[announce]] channel is named {n!r} (known: {', '.join(known) or 'none'})",
                )
                for n in unknown
            ]
        )
    return [known[n] for n in names] if names else list(config.announce)


def run_announce(
    config: Config,
    published: Sequence[Item],
    now: datetime,
    *,
    send: bool = False,
    preview: bool = False,
    names: Sequence[str] = (),
    content: Path | None = None,
    edge: Edge = DEFAULT_EDGE,
) -> AnnounceRun:
    """List, preview (``outbox/announce/``) or post the announcements of new items;
    ``content`` is the content folder items' local images are read from."""
    entries = channels_of(config, names)
    if not send:
        return list_announcements(config, published, now, entries, preview=preview)
    session = edge.session or requests.Session()
    pictures = _pictures(config, content, session)
    # secrets first: a missing one is a config error before the lock file or any claim exists
    channels = [
        make_channel(e, config, session=session, now=now, sleep=edge.sleep, pictures=pictures)
        for e in entries
    ]
    outcomes: list[Outcome] = []
    warnings: list[str] = []
    errors: list[str] = []
    with ledger_mod.locked(
        config.root / LEDGER, timeout=edge.lock_timeout, command="publish announce --send"
    ) as ledger:
        for entry, channel in zip(entries, channels, strict=True):
            todo = _todo(ledger, entry, channel, published, now, config, warnings)
            if not todo:
                continue
            try:
                edge.progress(f"connecting to {channel.name} ({channel.kind})")
                channel.connect()
            except DeliveryError as exc:
                errors.append(f"{channel.name}: {exc}")
                for _, item in todo:
                    outcomes.append(
                        Outcome(channel.name, channel.kind, item, Action.FAILED, note=str(exc))
                    )
                continue
            for line, item in todo:
                outcome = _announce_one(ledger, channel, line, item, now, edge.progress)
                outcomes.append(outcome)
                if outcome.action in (Action.UNCONFIRMED, Action.POSTED) and outcome.note:
                    warnings.append(f"{line.key}: {outcome.note}")
                if outcome.action is Action.FAILED:
                    errors.append(f"{line.key}: {outcome.note}")
                    break  # the next post would most likely fail the same way
    return AnnounceRun(tuple(outcomes), tuple(warnings), tuple(errors))


def _pictures(config: Config, content: Path | None, session: requests.Session) -> Pictures:
    return Pictures(content_folder(config.root, config.content.folder, content), session)


def list_announcements(
    config: Config,
    published: Sequence[Item],
    now: datetime,
    entries: Sequence[AnnounceConfig],
    *,
    preview: bool,
) -> AnnounceRun:
    """What each channel would post (and, ``preview``, the outbox files); nothing recorded."""
    current = Ledger(config.root / LEDGER)
    outcomes: list[Outcome] = []
    warnings: list[str] = []
    for entry in entries:
        picked = select(entry, published, *_history(current, entry.channel), config=config)
        warnings += picked.warnings
        for item in picked.items:
            post = _offline_post(entry, item, config, now)
            paths = _write_preview(config, post) if preview else ()
            action = Action.PREVIEWED if preview else Action.WOULD_POST
            outcomes.append(
                Outcome(entry.channel, entry.kind, item, action, post.text, paths=paths)
            )
    return AnnounceRun(tuple(outcomes), tuple(warnings))


def _todo(
    ledger: Ledger,
    entry: AnnounceConfig,
    channel: Channel,
    published: Sequence[Item],
    now: datetime,
    config: Config,
    warnings: list[str],
) -> list[tuple[Entry, Item]]:
    """The channel's unfinished lines, then its new items, claimed here (under the lock)."""
    by_id = {i.id: i for i in published}
    todo: list[tuple[Entry, Item]] = []
    for line in ledger.pending():
        if line.backend != channel.name:
            continue
        found = by_id.get(line.items[0]) if line.items else None
        if found is None:
            warnings.append(
                f"{channel.name}: {line.key} is unfinished ({line.state}) but its item "
                "is not published any more; left as it is"
            )
            continue
        todo.append((line, found))
    picked = select(entry, published, *_history(ledger, channel.name), config=config)
    warnings += picked.warnings
    for item in picked.items:  # the claim: these items are this run's to post
        line = Entry(
            key=post_key(channel.name, item.id),
            state="claimed",
            items=(item.id,),
            newest=item.date.isoformat() if item.date else "",
            backend=channel.name,
            at=now.isoformat(),
            subject=item.title,
        )
        ledger.append(line)
        todo.append((line, item))
    return todo


def _offline_post(entry: AnnounceConfig, item: Item, config: Config, now: datetime) -> Post:
    """The post as it would be made, without the network (Mastodon's limit from the
    channel's ``max_characters`` or the default 500)."""
    from pipeline.announce.channels import bluesky, discord, mastodon
    from pipeline.announce.compose import PREVIEW_LIMIT

    if entry.kind == "discord":
        body, text = discord.payload(entry, item, config)
    elif entry.kind == "bluesky":
        body, text = bluesky.create_body(entry, item, config, now, entry.handle)
    else:
        body, text = mastodon.payload(entry, item, config, entry.max_characters or PREVIEW_LIMIT)
    return Post(entry.channel, entry.kind, post_key(entry.channel, item.id), item, body, text)


def _announced(ledger: Ledger, channel: str) -> set[str]:
    return {i for e in ledger.entries if e.backend == channel for i in e.items}


def _history(ledger: Ledger, channel: str) -> tuple[set[str], datetime | None]:
    """Item ids the channel ever took, and the oldest date among them (as recorded)."""
    dates = [
        datetime.fromisoformat(e.newest)
        for e in ledger.entries
        if e.backend == channel and e.newest
    ]
    return _announced(ledger, channel), min(dates) if dates else None


def _announce_one(
    ledger: Ledger, channel: Channel, line: Entry, item: Item, now: datetime, progress: Progress
) -> Outcome:
    """Take one claimed announcement to ``sent`` (or record why not)."""

    def done(action: Action, posted: Posted | None, post: Post | None, note: str = "") -> Outcome:
        remote = posted.id if posted else line.remote_id
        ledger.append(line.advance("sent", now, remote_id=remote, note=note))
        return Outcome(
            channel.name,
            channel.kind,
            item,
            action,
            post.text if post else "",
            remote,
            posted.url if posted else "",
            note,
        )

    post = None
    try:
        post = channel.compose(item)
        if line.state in ("sending", "failed"):
            found = channel.find(post, line.remote_id)
            if found is not None:
                note = f"healed: found already posted on {channel.name}; not posted again"
                return done(Action.HEALED, found, post, note)
            if line.state == "sending" and not channel.searchable:
                note = (
                    f"unconfirmed: an earlier run was posting this to {channel.name} and stopped "
                    "before the answer; not posted again (check the channel)"
                )
                return done(Action.UNCONFIRMED, None, post, note)
        ledger.append(line.advance("sending", now))
        progress(f"posting {item.source} to {channel.name}")
        posted = channel.publish(post)
        return done(Action.POSTED, posted, post, posted.note)
    except Unconfirmed as exc:
        return done(Action.UNCONFIRMED, None, post, str(exc))
    except DeliveryError as exc:
        ledger.append(line.advance("failed", now, note=str(exc)))
        return Outcome(channel.name, channel.kind, item, Action.FAILED, note=str(exc))


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _write_preview(config: Config, post: Post) -> tuple[Path, ...]:
    """``outbox/announce/<channel>/<item id>.json`` (the exact request body) and ``.txt``."""
    import json

    folder = config.root / config.newsletter.outbox / "announce" / post.channel
    stem = _UNSAFE.sub("-", post.item.id).strip("-.") or "item"
    body = json.dumps(
        {"channel": post.channel, "kind": post.kind, "key": post.key, "payload": post.payload},
        indent=2,
        ensure_ascii=False,
        sort_keys=True,
    )
    paths = (folder / f"{stem}.json", folder / f"{stem}.txt")
    folder.mkdir(parents=True, exist_ok=True)
    write_if_changed(paths[0], (body + "\n").encode("utf-8"))
    write_if_changed(paths[1], (post.text + "\n").encode("utf-8"))
    return paths


def run_test(
    config: Config,
    published: Sequence[Item],
    now: datetime,
    *,
    names: Sequence[str] = (),
    content: Path | None = None,
    edge: Edge = DEFAULT_EDGE,
) -> AnnounceRun:
    """Post each channel's next announcement (or, with nothing new, its newest) to a private
    test destination, recording nothing: Discord through ``test_webhook_env``; Mastodon as a
    ``direct`` post (only the account sees it). Bluesky has no private posts: use a test
    account as a second channel."""
    session = edge.session or requests.Session()
    pictures = _pictures(config, content, session)
    current = Ledger(config.root / LEDGER)
    outcomes: list[Outcome] = []
    warnings: list[str] = []
    errors: list[str] = []
    for entry in channels_of(config, names):
        if entry.kind == "bluesky":
            warnings.append(
                f"{entry.channel}: Bluesky has no private posts; to test, add a second "
                "[[announce]] channel for a test account and run --send --channel NAME"
            )
            continue
        picked = select(entry, published, *_history(current, entry.channel), config=config).items
        fits = select(replace(entry, since="1970-01-01"), published, (), config=config).items
        items = picked[:1] or fits[-1:]
        if not items:
            continue
        if entry.kind == "discord":
            # a test post needs no look-up: the bot may not see the private test channel
            test_entry = replace(
                entry, webhook_env=entry.test_webhook_env, bot_token_env="", channel_id=""
            )
        else:
            test_entry = replace(entry, visibility="direct")
        channel = make_channel(
            test_entry, config, session=session, now=now, sleep=edge.sleep, pictures=pictures
        )
        outcome = _test_one(channel, items[0], now, edge.progress)
        outcomes.append(outcome)
        if outcome.action is Action.FAILED:
            errors.append(f"{channel.name}: test: {outcome.note}")
    return AnnounceRun(tuple(outcomes), tuple(warnings), tuple(errors))


def _test_one(channel: Channel, item: Item, now: datetime, progress: Progress) -> Outcome:
    """Post ``item`` once to the channel's test destination, under a key of its own."""
    try:
        progress(f"posting a test of {item.source} to {channel.name} ({channel.kind})")
        channel.connect()
        post = channel.compose(item)
        post = replace(post, key=f"test/{post.key}/{now.isoformat()}")
        posted = channel.publish(post)
    except DeliveryError as exc:
        return Outcome(channel.name, channel.kind, item, Action.FAILED, note=str(exc))
    return Outcome(
        channel.name, channel.kind, item, Action.TESTED, post.text, posted.id, posted.url
    )
