"""When a build may pin the show's ``podcast:guid``, and when a pinned one looks wrong.

A GUID is the show's identity for every podcast app, pinned in ``publish.toml`` by the first
build that computes it and never recomputed. So only a build for the production address may
pin it: the ``base_url`` (or ``feeds_url``) written in the configuration file, public, not a
preview. A build for ``localhost``, a private or reserved host, or a value overridden from
the command line or environment would pin an identity the show never has in public.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.config import Config, load_config
from pipeline.errors import ConfigError
from pipeline.podcast.show import feed_url, pin_guid, podcast_guid_for
from pipeline.support.paths import as_typed

LOCAL_SUFFIXES = (".localhost", ".local", ".invalid", ".internal", ".lan", ".home.arpa")
"""Host names that only ever resolve on the machine or the local network (RFC 6761, 6762,
8375). ``.example`` and ``.test`` are not here: documentation and tests use them as stand-ins
for a real domain."""
EXAMPLE_HOSTS = ("example.org", "example.com", "example.net")
"""The bare placeholder hosts of RFC 2606: the default ``base_url`` of a site that set none."""


def not_public(url: str) -> str:
    """Why ``url`` is not a public address (empty when it is one)."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if not host:
        return "it has no host"
    if host == "localhost" or host.endswith(LOCAL_SUFFIXES):
        return f"{host} is a local name"
    if host in EXAMPLE_HOSTS:
        return f"{host} is a placeholder (set [site] base_url)"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return "" if "." in host else f"{host} is not a public host name"
    return "" if ip.is_global else f"{host} is not a public address"


def production_feed_url(config: Config) -> str | None:
    """The podcast feed's URL as the configuration file writes it (None without a file)."""
    if config.path is None or not config.path.is_file():
        return None
    try:
        return feed_url(load_config(config.path))
    except ConfigError:
        return None


def pin_if_production(config: Config) -> tuple[str | None, bool]:
    """Pin the computed GUID when this build is for the production address; else say why not.

    Returns the note to show (None when a GUID is already pinned or there is no file) and
    whether the configuration file was edited.
    """
    if config.podcast.guid or config.path is None:
        return None, False
    url = feed_url(config)
    production = production_feed_url(config)
    if production is None:
        return None, False
    if url != production:
        return (
            f"podcast:guid not pinned: this build's feed URL {url} is not the one "
            f"{config.path} configures ({production}); the production build pins it"
        ), False
    reason = not_public(url)
    if reason:
        return (
            f"podcast:guid not pinned: the feed URL {url} is not public ({reason}); the first "
            "build with the production base_url pins it"
        ), False
    before = config.path.read_bytes()
    note = pin_guid(config.path, podcast_guid_for(url))
    return note, config.path.read_bytes() != before


def mismatch_note(config: Config) -> str | None:
    """A note when the pinned GUID is not the one of the production feed URL.

    Right when the feed moved (the GUID must stay), wrong when it was pinned from a preview:
    the note says how to tell and what to do. Preview builds say nothing (they differ anyway).
    """
    pinned = config.podcast.guid
    if not pinned or config.path is None:
        return None
    url = feed_url(config)
    if url != production_feed_url(config) or not_public(url):
        return None
    expected = podcast_guid_for(url)
    if pinned == expected:
        return None
    return (
        f"{_shown(config.path)}: podcast.guid {pinned} is not the GUID of the feed URL {url} "
        f"({expected}): keep it if the feed moved here; if it was pinned by a preview or local "
        "build, delete the line and build once to pin the right one"
    )


def _shown(path: Path) -> str:
    return as_typed(path)
