"""``publish import``: bring a podcast's episodes or a feed's posts into the content tree."""

from __future__ import annotations

import os
import re
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pipeline.cli.options import (
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
from pipeline.errors import EXIT_CONTENT, ConfigError, ContentError, Problem

if TYPE_CHECKING:
    from pipeline.importers import ImportPlan


_FOLDER = re.compile(r"[\w][\w.-]*")


def _since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected a date like 2024-01-31, got {value!r}") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


@click.command("import")
@click.argument("kind", type=click.Choice(["podcast", "feed", "substack"]))
@click.argument("source", metavar="FILE_OR_URL")
@content_options
@click.option("--section", default=None, help="Folder for the items  [default: episodes, essays]")
@click.option("--since", default=None, help="Only items published on or after this date.")
@click.option(
    "--old-url",
    default="",
    help="substack: the publication's address (https://NAME.substack.com), to keep GUIDs; "
    "podcast: the feed's URL when FILE is a saved copy (the show's podcast:guid is made "
    "from it, as podcast indexes made it).",
)
@click.option(
    "--download-media",
    "media_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="podcast: also copy the audio and artwork into this folder (lengths checked).",
)
@click.option("--dry-run", is_flag=True, help="Say what would be written; write nothing.")
@click.option(
    "--verify",
    is_flag=True,
    help="Then build into --out and compare with the source: GUIDs, enclosures, every item.",
)
@out_option
@format_option("text", "json")
@quiet_option
@handle_errors
def import_command(
    kind: str,
    source: str,
    config_path: Path,
    content_dir: Path | None,
    section: str | None,
    since: str | None,
    old_url: str,
    media_dir: Path | None,
    dry_run: bool,
    verify: bool,
    out_dir: Path,
    fmt: str,
    quiet: bool,
) -> None:
    """Import a podcast feed, an RSS/Atom/JSON feed or a Substack export archive.

    A podcast brings its episodes and its [podcast] settings; a feed or a Substack archive
    its posts (Substack drafts stay drafts, paid-only posts come in as drafts and are named).

    Every item keeps its GUID and isPermaLink exactly, so the built feeds show no item again;
    episodes keep their enclosure URL, length and type, duration, date with its offset,
    season, episode, type, explicit, artwork, transcript, chapters, persons and show notes
    (HTML as it is). Old links become 'aliases'. Re-running updates what changed upstream and
    never duplicates an item nor overwrites a file edited since (it names it). Problems of
    the source are reported per item as SOURCE:LINE: field: what was done.

    \b
    Example:
      publish import podcast https://host.example/show/feed.xml --verify
      publish import feed old-blog-atom.xml --section essays --since 2020-01-01
      publish import substack export.zip --old-url https://name.substack.com
    """
    from pipeline.config import load_config
    from pipeline.importers import UnsafeXml, into_section, read_source
    from pipeline.importers.report import render, summary
    from pipeline.importers.settings import apply_settings
    from pipeline.importers.writer import LEDGER_NAME, WriteRefused, write_plan
    from pipeline.support.fetch import is_web
    from pipeline.support.fetch import read_source as fetch
    from pipeline.support.secrets import redact

    start = _since(since)
    if old_url and (why := _old_url_problem(kind, old_url)):
        raise ConfigError([Problem("--old-url", 1, "old-url", why)])
    if section is not None and not _FOLDER.fullmatch(section):
        raise ConfigError([Problem("--section", 1, "section", f"{section!r}: not a folder name")])
    cfg = load_config(config_path, required=config_path != Path("publish.toml"))
    root = content_dir if content_dir is not None else cfg.root / "content"
    import requests

    with requests.Session() as session:
        data = fetch(source, session)
    try:
        base = source if is_web(source) else ""
        if kind == "podcast" and not base and old_url:
            base = old_url  # a saved copy read as from its address
        plan = read_source(kind, data, source, since=start, base=base, old_url=old_url)
    except UnsafeXml as exc:
        raise ContentError([Problem(source, exc.line, kind, str(exc))]) from None
    except ValueError as exc:
        raise ContentError([Problem(source, 1, kind, str(exc))]) from None
    if section:
        plan = into_section(plan, section)
    try:
        outcome = write_plan(
            plan,
            root,
            cfg.root / LEDGER_NAME,
            dry_run=dry_run,
            max_bytes=cfg.content.max_file_bytes,
        )
    except WriteRefused as exc:
        raise ContentError(exc.problems) from None
    except ValueError as exc:
        raise ConfigError([Problem(str(cfg.root / LEDGER_NAME), 1, "ledger", str(exc))]) from None
    if not dry_run:
        root.mkdir(parents=True, exist_ok=True)
        if plan.settings and not config_path.exists():
            config_path.write_text("", encoding="utf-8")
    settings = apply_settings(config_path, plan.settings, dry_run=dry_run) if plan.settings else []
    for problem in plan.notes:
        warn(f"warning: {problem}", quiet)
    for line in settings:
        warn(line, quiet)

    def shown(rel: str) -> str:
        return Path(os.path.relpath(root / rel)).as_posix()

    # the source URL, a file's name or a link of the feed may hold a token
    text = render(plan, outcome, fmt, dry_run=dry_run, shown=shown, dump=redacted_json)
    echo_report(text if fmt == "json" else redact(text), nl=False)
    if old_url and (kind == "feed" or (kind == "podcast" and is_web(source))):
        warn("note: --old-url is read for substack imports and saved podcast feeds only", quiet)
    warn(summary(plan, outcome, dry_run=dry_run), quiet)
    if kind == "podcast" and not dry_run and not verify:
        old = source if not is_web(source) else "old-feed.xml (a saved copy of the old feed)"
        warn(f"Next: publish build && publish feed-diff {old} feeds/podcast.xml", quiet)
    ok = True
    if media_dir is not None and not dry_run:
        ok = _download(plan, media_dir, quiet)
    if verify and not dry_run:
        ok = _verify(kind, plan, data, config_path, content_dir, out_dir, fmt, quiet) and ok
    if not ok:
        sys.exit(EXIT_CONTENT)


def _old_url_problem(kind: str, old_url: str) -> str | None:
    """Why ``--old-url`` cannot be the old address: every Substack post's GUID is made from
    it (``https://name.substack.com/p/slug``: a path, query or fragment made GUIDs no reader
    knew, and every post showed again), and a password in it was written into each."""
    from urllib.parse import urlsplit

    from pipeline.support.secrets import in_urls

    try:
        parts = urlsplit(old_url)
    except ValueError:
        parts = None
    shown = in_urls(old_url)
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        what = "the old feed's URL" if kind == "podcast" else "the old address"
        return f"{shown!r}: expected {what} (http:// or https://)"
    if parts.username is not None or parts.password is not None:
        return f"{shown!r}: holds a user name or password; give the public address"
    if kind == "substack" and (parts.path.strip("/") or parts.query or parts.fragment):
        return (
            f"{shown!r}: expected the publication's address alone, like https://name.substack.com"
        )
    return None


def _download(plan: ImportPlan, folder: Path, quiet: bool) -> bool:
    """Copy the media; False when a file could not be had or differs from the feed."""
    import requests

    from pipeline.importers.media import download_media

    with requests.Session() as session:
        outcome = download_media(plan, folder, session)
    for problem in outcome.problems:
        warn(f"warning: {problem}", quiet)
    warn(
        f"Media: {len(outcome.downloaded)} downloaded into {folder}, {len(outcome.present)} "
        f"already there, {len(outcome.problems)} problems",
        quiet,
    )
    return not outcome.problems


def _verify(
    kind: str,
    plan: ImportPlan,
    data: bytes,
    config_path: Path,
    content_dir: Path | None,
    out_dir: Path,
    fmt: str,
    quiet: bool,
) -> bool:
    """Build, then compare the source with the built feed; False unless all is kept."""
    from pipeline.build.gate import build_site
    from pipeline.build.timings import Timings
    from pipeline.cli.build import report_warnings
    from pipeline.importers.verify import built_feed
    from pipeline.importers.verify import verify as check

    if kind == "substack":
        warn("note: --verify compares feeds; a Substack archive is not one", quiet)
        return True
    cfg, content = open_config(config_path, content_dir)
    result = build_site(
        cfg,
        content,
        out_dir,
        now=datetime.now(UTC),
        cache_dir=resolve_cache_dir(None),
        strict=False,
        timings=Timings(time.perf_counter()),
    )
    report_warnings(result.warnings, quiet)
    try:
        verdict = check(plan, data, built_feed(kind, data, out_dir))
    except ValueError as exc:
        raise ContentError([Problem(plan.source, 1, "verify", str(exc))]) from None
    line = verdict.line("episodes" if kind == "podcast" else "posts")
    if fmt == "json":
        warn(line, quiet)
    else:
        click.echo(line)
    return verdict.ok
