"""``publish feed-diff``: what subscribers would see change between two builds of the feeds."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline.cli.options import echo_report, format_option, handle_errors, quiet_option, warn
from pipeline.errors import EXIT_CONTENT, EXIT_OK


@click.command("feed-diff")
@click.argument("old", type=click.Path(exists=True, path_type=Path))
@click.argument("new", type=click.Path(exists=True, path_type=Path))
@format_option("text", "markdown", "json")
@quiet_option
@handle_errors
def feed_diff(old: Path, new: Path, fmt: str, quiet: bool) -> None:
    """Compare two feed folders (or two RSS/Atom/JSON feed files) item by item.

    Reports new and removed items, changed titles, links and dates, and flags loudly any
    item whose GUID changed (its link or title matches an old item whose GUID is gone):
    readers would show it again as new. Exits 2 when a GUID changed, or when a feed cannot
    be read (malformed, over 200 MB, a named pipe or a device in its place), else 0.

    \b
    Example:
      publish feed-diff base-feeds/ feeds/ --format markdown >> "$GITHUB_STEP_SUMMARY"
    """
    from pipeline.feedcheck.diff import diff_paths, render, summary

    diff = diff_paths(old, new)
    echo_report(render(diff, fmt), nl=False)
    warn(summary(diff), quiet)
    sys.exit(EXIT_CONTENT if diff.guid_changed else EXIT_OK)
