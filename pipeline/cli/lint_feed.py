"""``publish lint-feed``: check any RSS/Atom/JSON Feed/podcast feed against the feed rules."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click
import requests

from pipeline.cli.options import (
    echo_report,
    format_option,
    handle_errors,
    quiet_option,
    redacted_json,
    warn,
)
from pipeline.errors import EXIT_CONTENT
from pipeline.feedcheck import format_text, has_hard, lint_feed, summary_line
from pipeline.support.fetch import DEADLINE, MAX_BYTES, TIMEOUT, read_source

_TIMEOUT = TIMEOUT
_DEADLINE = DEADLINE
_MAX_BYTES = MAX_BYTES
"""Largest feed read (decompressed); the bounded read is :mod:`pipeline.support.fetch`."""


def _read(source: str, session: requests.Session) -> bytes:
    return read_source(source, session, max_bytes=_MAX_BYTES, deadline=_DEADLINE, timeout=_TIMEOUT)


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
    from pipeline.support.secrets import redactor

    hide = redactor()  # the URL given may hold a token from the environment (?token=$X)
    if fmt == "json":
        doc = {
            "feed": feed,
            "hard": sum(1 for r in results if r.severity == "hard"),
            "soft": sum(1 for r in results if r.severity == "soft"),
            "results": [r.to_dict() for r in results],
        }
        echo_report(redacted_json(doc))
    else:
        for line in format_text(results):
            echo_report(hide(line))
    warn(hide(f"{feed}: {summary_line(results)}"), quiet)
    if has_hard(results):
        sys.exit(EXIT_CONTENT)
