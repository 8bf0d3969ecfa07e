"""``publish notify``: tell hubs that feeds changed, right after a deploy.

* **WebSub**: ``POST`` to ``[site] websub_hub`` (the hub the feeds advertise with
  ``rel="hub"``) with ``hub.mode=publish`` and ``hub.url=<feed URL>``, for every feed whose
  bytes changed; subscribers then hear within seconds instead of at their next poll.
* **Podcast Index**: ``GET hub/pubnotify?url=<podcast feed URL>`` when ``podcast.xml`` changed
  (the apps that read Podcast Index refresh the show at once).

Each ping is keyed on the feed's bytes (SHA-256) and recorded in ``announce/pinged.json``
once the hub accepted it, so a feed version is pinged once; a feed that did not change is
not pinged again. A hub that is slow, down or refuses is a warning, never a failure: the
deploy has happened, and the next run pings that feed again.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from pipeline.config import Config
from pipeline.newsletter.backends.http import ApiClient, MalformedAnswer, Patience, shown
from pipeline.newsletter.errors import DeliveryError
from pipeline.newsletter.ledger import waiting_lock
from pipeline.support import jsontext
from pipeline.support.output import write_if_changed
from pipeline.support.secrets import redact

STATE = "announce/pinged.json"
"""Feed version last pinged per hub and feed, relative to ``publish.toml`` (commit it)."""
FEED_NAMES = ("rss.xml", "atom.xml", "feed.json", "podcast.xml")
"""The current documents of each feed (archives never change, so are never pinged)."""
PODCAST = "podcast.xml"


@dataclass(frozen=True)
class Ping:
    """One hub told (or not) about one feed."""

    hub: str
    """``websub`` or ``podcast-index``."""
    feed: str
    """The feed's absolute URL."""
    digest: str
    """SHA-256 of the feed's bytes: the version pinged."""
    result: str
    """``pinged``, ``unchanged`` (this version was pinged before) or ``failed``."""
    note: str = ""


def _feeds(out_dir: Path) -> list[Path]:
    return sorted(p for p in out_dir.rglob("*") if p.name in FEED_NAMES and p.is_file())


def _error_text(data: Any) -> str:
    if isinstance(data, dict) and "description" in data:
        return shown(data["description"])
    return shown(data)


def notify(
    config: Config,
    out_dir: Path,
    *,
    session: requests.Session | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[Ping, ...]:
    """Ping every configured hub for every feed in ``out_dir`` whose bytes changed."""
    settings = config.notify
    session = session or requests.Session()
    targets: list[tuple[str, str]] = []
    if settings.websub and config.site.websub_hub:
        targets.append(("websub", config.site.websub_hub))
    if settings.podcast_index:
        targets.append(("podcast-index", settings.podcast_index_url))
    if not targets or not out_dir.is_dir():
        return ()
    state_path = config.root / STATE
    pings: list[Ping] = []
    lock = state_path.with_name(f".{state_path.name}.lock")
    with waiting_lock(lock, timeout=600.0, command="publish notify"):
        state = _read(state_path)
        for path in _feeds(out_dir):
            rel = path.relative_to(out_dir).as_posix()
            url = config.feeds_base + rel
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            for hub, endpoint in targets:
                if hub == "podcast-index" and path.name != PODCAST:
                    continue
                key = f"{hub} {url}"
                if state.get(key) == digest:
                    pings.append(Ping(hub, url, digest, "unchanged"))
                    continue
                try:
                    _ping(hub, endpoint, url, config, session, sleep)
                except DeliveryError as exc:
                    pings.append(Ping(hub, url, digest, "failed", redact(str(exc))))
                    continue
                state[key] = digest
                _write(state_path, state)  # after each ping: a crash repeats at most one
                pings.append(Ping(hub, url, digest, "pinged"))
    return tuple(pings)


def _ping(
    hub: str,
    endpoint: str,
    feed_url: str,
    config: Config,
    session: requests.Session,
    sleep: Callable[[float], None],
) -> None:
    n = config.notify
    client = ApiClient(
        "WebSub hub" if hub == "websub" else "Podcast Index",
        endpoint,
        {"User-Agent": "publish-notify/1"},
        session=session,
        error_text=_error_text,
        patience=Patience(n.timeout, n.retries, n.backoff, max_wait=max(n.timeout, 30.0)),
        sleep=sleep,
    )
    try:
        if hub == "websub":
            client.request("POST", endpoint, data={"hub.mode": "publish", "hub.url": feed_url})
        else:
            client.request("GET", endpoint, params={"url": feed_url}, ok=(200,))
    except MalformedAnswer:
        pass  # a 2xx with a body that is not JSON (hubs often answer text): accepted


def _read(path: Path) -> dict[str, str]:
    try:
        data = jsontext.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # lost or damaged: every feed is pinged once more, which is harmless
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _write(path: Path, state: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = json.dumps(state, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    write_if_changed(path, body.encode("utf-8"))
