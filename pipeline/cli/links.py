"""``publish links``: check every link of the content (a thin layer over the link checker)."""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path

import click

from pipeline.cli.options import (
    cache_option,
    content_options,
    echo_report,
    format_option,
    handle_errors,
    open_config,
    quiet_option,
    regexes,
    resolve_cache_dir,
    warn,
)
from pipeline.errors import EXIT_CONTENT, EXIT_OK
from pipeline.linkcheck.report import counts, render, summary
from pipeline.linkcheck.results import BROKEN, UNVERIFIABLE


def _prefix(content_dir: Path) -> str:
    """Path of the content folder as the repository sees it (for annotations), with a slash."""
    try:
        rel = os.path.relpath(content_dir)
    except ValueError:
        rel = str(content_dir)
    return "" if rel == "." else rel.replace(os.sep, "/") + "/"


@click.command("links")
@content_options
@cache_option
@click.option("--offline", is_flag=True, help="Check only local files and anchors.")
@click.option(
    "--strict", is_flag=True, help="Unverifiable links (bot walls, 429s, timeouts) fail too."
)
@click.option(
    "--exclude",
    multiple=True,
    metavar="REGEX",
    callback=regexes,
    help="Skip URLs matching REGEX (repeatable).",
)
@click.option(
    "--changed-since",
    metavar="REF",
    default=None,
    help="Only links in files changed since the git REF, plus stale cache entries.",
)
@format_option("text", "json", "markdown", "github")
@quiet_option
@handle_errors
def links(
    config_path: Path,
    content_dir: Path | None,
    cache_dir: Path | None,
    offline: bool,
    strict: bool,
    exclude: tuple[str, ...],
    changed_since: str | None,
    fmt: str,
    quiet: bool,
) -> None:
    """Check relative links, anchors, images and external URLs of the content.

    Broken links exit 2; unverifiable ones (bot walls, rate limits, timeouts) are listed and
    fail only with --strict. Results of external URLs that were ok are cached in --cache-dir.

    \b
    Example:
      publish links --format github --changed-since origin/main
    """
    from pipeline.linkcheck.check import CheckOptions, run

    cfg, content = open_config(config_path, content_dir, quiet=quiet)
    started = time.monotonic()
    show = not quiet and sys.stderr is not None and sys.stderr.isatty()
    done = [0]

    def progress(url: str) -> None:
        done[0] += 1
        if show and done[0] % 10 == 0:
            click.echo(f"\rchecked {done[0]} URLs", err=True, nl=False)

    from pipeline.build.mediacache import RemoteMedia, offline_media
    from pipeline.build.preflight import planned_urls

    media = offline_media if offline else RemoteMedia(resolve_cache_dir(cache_dir))
    now = dt.datetime.now(dt.UTC)
    report = run(
        cfg,
        content,
        resolve_cache_dir(cache_dir),
        CheckOptions(offline=offline, exclude=exclude),
        changed_since=changed_since,
        progress=progress,
        media=media,
        generated=lambda site: planned_urls(cfg, content, site, now),
    )
    if show and done[0] >= 10:
        click.echo("", err=True)
    echo_report(render(report.results, fmt, _prefix(content)), nl=False)
    for warning in report.warnings:
        warn(f"warning: {warning}", quiet)
    if not quiet:
        line = summary(report.results, time.monotonic() - started, report.requests)
        click.echo(line + (f", {report.skipped} skipped" if report.skipped else ""), err=True)
    c = counts(report.results)
    failed = c[BROKEN] > 0 or (strict and c[UNVERIFIABLE] > 0)
    sys.exit(EXIT_CONTENT if failed else EXIT_OK)
