"""``publish init [FOLDER]``: start a site, or adopt a repository that already has Markdown."""

from __future__ import annotations

import datetime as dt
import re
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pipeline.cli.options import handle_errors, quiet_option, warn
from pipeline.errors import ConfigError, Problem, SetupError
from pipeline.support.text import counted

_BRANCH = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._/-]{0,199}")
"""A branch name the workflows can hold as written (quoted YAML, a ``github.ref`` test):
what git allows of them but quotes, spaces and the like."""

if TYPE_CHECKING:
    from pipeline.config import Config
    from pipeline.model import Item


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
    from pipeline.authoring.starter import existing, plan_init, planned_config, write_init

    if not _BRANCH.fullmatch(branch) or ".." in branch or branch.endswith((".", "/", ".lock")):
        why = f"expected a branch name of letters, digits, '-', '_', '.', '/', got {branch[:100]!r}"
        why += " (it goes into the workflows' YAML as it is)"
        raise ConfigError([Problem("--branch", 1, "branch", why)])  # as import's options
    folder.mkdir(parents=True, exist_ok=True)
    found = detect(folder)
    if found.kind == "spaces":
        raise SetupError(
            f"{folder}: found several GitBook spaces ({found.evidence}); a site is one "
            f"space: run publish init in the folder of the one to publish "
            f"(publish init {folder / found.spaces[0]}); nothing written"
        )
    url = base_url or found.base_url
    if not url and sys.stdin is not None and sys.stdin.isatty():  # not when closed (<&-)
        url = click.prompt("The site's public address (base_url)", default="", show_default=False)
    name = title or found.title or folder.resolve().name.replace("-", " ").title() or "My site"
    now = dt.datetime.now(dt.UTC)
    ids = {kind: str(uuid.uuid4()) for kind in ("essay", "episode", "event")}
    plan = plan_init(found, base_url=url, title=name, today=now.date(), ids=ids, branch=branch)
    source = f" (from {found.base_url_from})" if url and url == found.base_url else ""
    warn(f"Found: {found.kind} ({found.evidence}); content folder {found.folder}/", quiet)
    warn(f"base_url: {plan.base_url}{source}", quiet)
    # everything a later command would refuse is refused now, while nothing is written
    existing(folder, plan, force=force)  # first: it reads no content
    cfg = planned_config(folder, plan)
    catalogue = None if found.kind == "empty" else _read_catalogue(cfg, now)
    written, kept = write_init(folder, plan, force=force)
    for rel in written:
        click.echo(f"wrote {folder / rel}")
    for rel in kept:
        warn(f"kept {folder / rel} as it is", quiet)
    for note in plan.notes:
        warn(f"note: {note}", quiet)
    if catalogue is not None:
        _mark_catalogue(*catalogue, now, quiet)
    where = "" if folder.resolve() == Path.cwd().resolve() else f"cd {folder} && "
    warn(
        f"Next: {where}publish build; commit everything; enable GitHub Pages "
        "(Settings > Pages > Source: GitHub Actions)",
        quiet,
    )


def _read_catalogue(cfg: Config, now: dt.datetime) -> tuple[Config, tuple[Item, ...], int]:
    """An adopted repository's content, read with the configuration init will write, before
    it is written: the configuration with ``.gitbook.yaml`` applied, the items published at
    ``now`` and the number of content errors (the items are then none: the editor fixes the
    content, the configuration is right). Raises ConfigError naming ``.gitbook.yaml`` and the
    line when no command could use it. Writes nothing, not even a render cache."""
    from pipeline.build.site import prepare
    from pipeline.errors import ContentError
    from pipeline.load.summary import space_settings
    from pipeline.support.siteroot import content_folder

    cfg, content = space_settings(cfg, content_folder(cfg.root, cfg.content.folder, None))
    try:
        site = prepare(cfg, content, cache_dir=None)
    except ContentError as exc:
        return cfg, (), len(exc.problems)
    return cfg, site.published(now), 0


def _mark_catalogue(
    cfg: Config, published: tuple[Item, ...], errors: int, now: dt.datetime, quiet: bool
) -> None:
    """Record the existing items as announced, so the first digest is only what is new. The
    init's files are written by now: a problem here is a note, never an error exit."""
    from pipeline.errors import ProblemsError, PublishError
    from pipeline.newsletter.marksent import mark_sent
    from pipeline.support.paths import typed

    later = "run publish digest --mark-sent so the first digest is only what is new"
    if errors:
        warn(
            f"note: the content has {errors} error(s) (publish validate lists them); "
            f"nothing recorded as announced: after fixing them, {later}",
            quiet,
        )
        return
    ledger = cfg.root / cfg.newsletter.ledger
    try:
        run = mark_sent(cfg, published, now)
    except (PublishError, OSError) as exc:  # a ledger that is not one, or held too long
        if isinstance(exc, ProblemsError):
            why = "; ".join(str(typed(p)) for p in exc.problems)  # each names the ledger
        else:
            why = f"{ledger}: {exc}"
        warn(f"note: nothing recorded as announced: {why}; after fixing it, {later}", quiet)
        return
    n = len(run.items)
    if not n:
        return
    warn(
        f"Recorded {counted(n, 'published item')} as already announced in {ledger} "
        "(the first newsletter holds only what is new; commit it)",
        quiet,
    )
