"""``publish init [FOLDER]``: start a site, or adopt a repository that already has Markdown."""

from __future__ import annotations

import datetime as dt
import sys
import uuid
from pathlib import Path

import click

from pipeline.cli.options import handle_errors, quiet_option, warn


@click.command()
@click.argument(
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    required=False,
)
@click.option("--base-url", default="", help="The site's public address (asked when unknown).")
@click.option(
    "--title", default="", help="The site's title  [default: found, or the folder's name]"
)
@click.option("--branch", default="main", show_default=True, help="The branch that publishes.")
@click.option("--force", is_flag=True, help="Replace files that exist (never without it).")
@quiet_option
@handle_errors
def init(folder: Path, base_url: str, title: str, branch: str, force: bool, quiet: bool) -> None:
    """Write publish.toml and the GitHub workflows; in an empty folder, a starter site too.

    In a repository that has Markdown (a GitBook space, a Hugo or Jekyll site, plain files),
    the configuration builds it as it is: content folder, flavour, base URL and title come
    from what is there (Hugo's or Jekyll's config, CNAME, the GitHub remote). Its published
    items are recorded as already announced (publish digest --mark-sent), so the first
    newsletter holds only what is new. Never replaces a file without --force.

    \b
    Example:
      publish init                      # here
      publish init my-site --base-url https://my.example.org/
    """
    from pipeline.authoring.detect import detect
    from pipeline.authoring.starter import plan_init, write_init

    folder.mkdir(parents=True, exist_ok=True)
    found = detect(folder)
    url = base_url or found.base_url
    if not url and sys.stdin.isatty():
        url = click.prompt("The site's public address (base_url)", default="", show_default=False)
    name = title or found.title or folder.resolve().name.replace("-", " ").title() or "My site"
    now = dt.datetime.now(dt.UTC)
    ids = {kind: str(uuid.uuid4()) for kind in ("essay", "episode", "event")}
    plan = plan_init(found, base_url=url, title=name, today=now.date(), ids=ids, branch=branch)
    written, kept = write_init(folder, plan, force=force)
    source = f" (from {found.base_url_from})" if url and url == found.base_url else ""
    warn(f"Found: {found.kind} ({found.evidence}); content folder {found.folder}/", quiet)
    warn(f"base_url: {plan.base_url}{source}", quiet)
    for rel in written:
        click.echo(f"wrote {folder / rel}")
    for rel in kept:
        warn(f"kept {folder / rel} as it is", quiet)
    for note in plan.notes:
        warn(f"note: {note}", quiet)
    if found.kind != "empty":
        _mark_catalogue(folder / "publish.toml", now, quiet)
    where = "" if folder.resolve() == Path.cwd().resolve() else f"cd {folder} && "
    warn(
        f"Next: {where}publish build; commit everything; enable GitHub Pages "
        "(Settings > Pages > Source: GitHub Actions)",
        quiet,
    )


def _mark_catalogue(config: Path, now: dt.datetime, quiet: bool) -> None:
    """Record the existing items as announced, so the first digest is only what is new."""
    from pipeline.build.site import prepare
    from pipeline.cli.options import open_config, resolve_cache_dir
    from pipeline.errors import ContentError
    from pipeline.newsletter.marksent import mark_sent

    cfg, content = open_config(config, None, quiet=True)
    try:
        site = prepare(cfg, content, cache_dir=resolve_cache_dir(None))
    except ContentError as exc:
        warn(
            f"note: the content has {len(exc.problems)} error(s) (publish validate lists them); "
            "after fixing them, run publish digest --mark-sent so the first digest is only "
            "what is new",
            quiet,
        )
        return
    run = mark_sent(cfg, site.published(now), now)
    n = len(run.items)
    if not n:
        return
    ledger = cfg.root / cfg.newsletter.ledger
    warn(
        f"Recorded {n} published item{'s' if n != 1 else ''} as already announced in {ledger} "
        "(the first newsletter holds only what is new; commit it)",
        quiet,
    )
