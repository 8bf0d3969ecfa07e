"""``publish lint-feed``: check any RSS/Atom/JSON Feed/podcast feed against the feed rules."""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import click
import requests

from pipeline.cli.options import format_option, handle_errors, quiet_option, warn
from pipeline.errors import EXIT_CONTENT, PublishError
from pipeline.feedcheck import format_text, has_hard, lint_feed, summary_line

_TIMEOUT = 20.0
_DEADLINE = 120.0
"""Seconds a whole download may take: the timeout is per read, and a server may drip."""
_MAX_BYTES = 200_000_000
"""Largest feed read (decompressed): a 10,000-episode feed with full notes is under 100 MB."""


class UnreadableFeed(PublishError):
    """The feed could not be had: a bad path or URL is the input's fault (exit 2)."""

    exit_code = EXIT_CONTENT


def _read(source: str, session: requests.Session) -> bytes:
    if source.startswith(("http://", "https://")):
        return _fetch(source, session)
    try:
        return Path(source).read_bytes()
    except OSError as exc:
        raise UnreadableFeed(f"cannot read {source}: {exc.strerror or exc}") from None


def _fetch(url: str, session: requests.Session) -> bytes:
    """The body of ``url``, bounded in size (a gzip bomb is cut as it inflates) and time."""
    started = time.monotonic()
    try:
        with session.get(url, timeout=_TIMEOUT, stream=True) as resp:
            if resp.status_code >= 400:
                raise UnreadableFeed(f"cannot fetch {url}: HTTP {resp.status_code}")
            chunks, size = [], 0
            for chunk in resp.iter_content(None):  # as it arrives: the deadline is checked
                size += len(chunk)
                if size > _MAX_BYTES:
                    raise UnreadableFeed(f"cannot fetch {url}: more than {_MAX_BYTES} bytes")
                if time.monotonic() - started > _DEADLINE:
                    raise UnreadableFeed(f"cannot fetch {url}: not done after {_DEADLINE:g} s")
                chunks.append(chunk)
    except requests.RequestException as exc:
        raise UnreadableFeed(f"cannot fetch {url}: {type(exc).__name__}") from None
    return b"".join(chunks)


@click.command("lint-feed")
@click.argument("feed", metavar="FEEDFILE_OR_URL")
@click.option("--podcast", is_flag=True, help="Apply the Apple/Spotify/Podcasting 2.0 rules.")
@click.option(
    "--fetch-images/--no-fetch-images",
    default=False,
    show_default=True,
    help="Download itunes:image artwork to check its size and colour space.",
)
@format_option("text", "json")
@quiet_option
@handle_errors
def lint_feed_command(feed: str, podcast: bool, fetch_images: bool, fmt: str, quiet: bool) -> None:
    """Check a feed file or URL: one line per failed rule, then a summary.

    Reads RSS 2.0, Atom 1.0 and JSON Feed 1.1 (ours or anyone's). Hard failures make a
    feed unfit to publish and exit with 2; soft ones are advice.

    \b
    Example:
      publish lint-feed feeds/podcast.xml --podcast
      publish lint-feed https://example.org/feed.json --format json
    """
    with requests.Session() as session:
        data = _read(feed, session)

        def images(url: str) -> bytes | None:
            try:
                resp = session.get(url, timeout=_TIMEOUT)
            except requests.RequestException:
                return None
            return resp.content if resp.status_code < 400 else None

        results = lint_feed(
            data,
            podcast=podcast,
            images=images if fetch_images else None,
            now=datetime.now(UTC),
        )
    if fmt == "json":
        doc = {
            "feed": feed,
            "hard": sum(1 for r in results if r.severity == "hard"),
            "soft": sum(1 for r in results if r.severity == "soft"),
            "results": [r.to_dict() for r in results],
        }
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        for line in format_text(results):
            click.echo(line)
    warn(f"{feed}: {summary_line(results)}", quiet)
    if has_hard(results):
        sys.exit(EXIT_CONTENT)
