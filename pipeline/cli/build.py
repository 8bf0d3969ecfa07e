"""``publish build``, ``publish validate`` and ``publish new``."""

from __future__ import annotations

import datetime as dt
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
    out_option,
    quiet_option,
    redacted_json,
    resolve_cache_dir,
    warn,
)
from pipeline.errors import Problem, one_line
from pipeline.support.paths import typed
from pipeline.support.text import counted


def report_warnings(warnings: tuple[object, ...], quiet: bool) -> None:
    """Print warnings merged by message, each line naming the files concerned (the first
    :data:`SHOWN_PLACES`, and how many more)."""
    from collections import defaultdict

    groups: dict[str, list[str]] = defaultdict(list)
    shown = [typed(w) if isinstance(w, Problem) else w for w in warnings]
    in_order = sorted(shown, key=lambda w: (str(getattr(w, "path", "")), getattr(w, "line", 1)))
    for w in in_order:
        field, message = getattr(w, "field", ""), getattr(w, "message", str(w))
        place = one_line(f"{getattr(w, 'path', '?')}:{getattr(w, 'line', 1)}")
        groups[one_line(f"{field}: {message}")].append(place)  # no part fakes a line
    for text, where in groups.items():  # in file and line order of each one's first place
        if len(where) == 1:
            warn(f"warning: {where[0]}: {text}", quiet)
        else:
            shown_places = ", ".join(where[:SHOWN_PLACES])
            more = len(where) - SHOWN_PLACES
            if more > 0:  # a line a reader can take in; the JSON report lists every place
                shown_places += f" and {more} more: publish validate --format json lists them all"
            warn(f"warning: {text} ({len(where)} places: {shown_places})", quiet)


SHOWN_PLACES = 10
"""Places named on a merged warning's line (2,000 pages left out of SUMMARY.md once made a
line of 60 KB)."""


@click.command()
@content_options
@out_option
@cache_option
@click.option("--strict", is_flag=True, help="Treat missing ids and warnings as errors.")
@click.option("--timings", is_flag=True, help="Print the wall time of each stage on stderr.")
@format_option("text", "json")
@quiet_option
@handle_errors
def build(
    config_path: Path,
    content_dir: Path | None,
    out_dir: Path,
    cache_dir: Path | None,
    strict: bool,
    timings: bool,
    fmt: str,
    quiet: bool,
) -> None:
    """Validate the content and write every feed and page into --out.

    \b
    Example:
      publish build --content content --out feeds
    """
    from pipeline.build.gate import build_site
    from pipeline.build.timings import Timings
    from pipeline.errors import ContentError

    started = time.perf_counter()
    stages = Timings(started)
    cfg, content = open_config(config_path, content_dir, quiet=quiet)
    result = build_site(
        cfg,
        content,
        out_dir,
        now=dt.datetime.now(dt.UTC),
        cache_dir=resolve_cache_dir(cache_dir),
        strict=strict,
        timings=stages,
    )
    report_warnings(result.warnings, quiet)
    for note in result.notes:
        warn(f"note: {note}", quiet)
    if strict and result.warnings:
        raise ContentError(result.warnings)
    if fmt == "json":
        echo_report(
            redacted_json(
                {
                    "items": result.items,
                    "pages": result.pages,
                    "feeds": result.feeds,
                    "written": list(result.written),
                    "unchanged": result.unchanged,
                    "removed": list(result.removed),
                    "warnings": [str(typed(w)) for w in result.warnings],
                },
                indent=1,
                ensure_ascii=True,
            )
        )
    elapsed = time.perf_counter() - started
    click.echo(
        f"Built {counted(result.feeds, 'feed')} from {counted(result.items, 'item')} and "
        f"{counted(result.pages, 'page')} ({counted(len(result.written), 'file')} written, "
        f"{result.unchanged} unchanged), {counted(len(result.warnings), 'warning')} "
        f"in {elapsed:.1f} s",
        err=True,
    )
    if timings:
        click.echo(f"timings: {stages.summary()}", err=True)


@click.command()
@content_options
@click.option("--strict", is_flag=True, help="Treat missing ids and warnings as errors.")
@format_option("text", "json")
@quiet_option
@handle_errors
def validate(
    config_path: Path, content_dir: Path | None, strict: bool, fmt: str, quiet: bool
) -> None:
    """Check configuration and content without writing anything (fast, for pull requests).

    \b
    Example:
      publish validate --strict
    """
    from pipeline.build.preflight import check_site
    from pipeline.linkcheck.dangling import with_link_warnings
    from pipeline.load.loader import load_site

    started = time.perf_counter()
    cfg, content = open_config(config_path, content_dir, quiet=quiet)
    from pipeline.build.mediacache import RemoteMedia

    media = RemoteMedia(resolve_cache_dir(None))
    now = dt.datetime.now(dt.UTC)
    try:
        site = load_site(cfg, content, strict=strict, media=media, now=now)
    finally:
        media.close()
    site = check_site(cfg, content, site, now)  # rendered and planned: all a build would refuse
    site = with_link_warnings(cfg, content, site, strict=strict)
    report_warnings(site.warnings, quiet)
    live = site.published(now)
    if fmt == "json":
        echo_report(
            redacted_json(
                {
                    "items": len(live),
                    "files": len(site.items),
                    "warnings": [str(typed(w)) for w in site.warnings],
                },
                indent=None,
                ensure_ascii=True,
            )
        )
    click.echo(
        f"Valid: {counted(len(site.items), 'file')}, {counted(len(live), 'published item')}, "
        f"{counted(len(site.warnings), 'warning')} in {time.perf_counter() - started:.1f} s",
        err=True,
    )


@click.command()
@click.argument("kind", type=click.Choice(["essay", "episode", "update", "event"]))
@click.argument("title")
@content_options
@handle_errors
def new(kind: str, title: str, config_path: Path, content_dir: Path | None) -> None:
    """Write a new item with complete front matter (id, today's date) and print its path.

    \b
    Example:
      publish new essay "Leadership as hospitality"
    """
    from pipeline.authoring.scaffold import new_item

    cfg, content = open_config(config_path, content_dir)
    path = new_item(cfg, content, kind, title, today=dt.datetime.now(dt.UTC))
    click.echo(str(path))
    if kind == "episode":
        audio = path.parent / "media" / f"{path.stem}.mp3"
        warn(f"note: put the episode's audio at {audio} (or set 'audio:' to its URL)")
