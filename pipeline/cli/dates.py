"""``publish dates``: draft the dates file of a GitBook handbook (a thin layer over datesuggest)."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.options import (
    content_options,
    handle_errors,
    open_config,
    quiet_option,
    regexes,
    warn,
)


@click.command("dates")
@content_options
@click.option("--suggest", is_flag=True, help="Suggest dates for pages that have none.")
@click.option(
    "--write",
    is_flag=True,
    help="Add every page to the dates file, undated ones as commented placeholders "
    "(an editor's entry is never changed).",
)
@click.option(
    "--sync-message",
    "--skip-message",
    "skip_messages",
    multiple=True,
    metavar="REGEX",
    callback=regexes,
    help="Commit subjects of sync commits, named so in the evidence (repeatable; replaces "
    "the defaults: '^GitBook: \\[', '^GITBOOK-', '^Merge\\b').",
)
@click.option(
    "--bulk-files",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="A commit touching more files than this is a bulk commit (named in the evidence).",
)
@click.option(
    "--bulk-share",
    type=click.FloatRange(min=0.0, max=1.0),
    default=0.5,
    show_default=True,
    help="A commit touching more than this share of the pages is a bulk commit.",
)
@quiet_option
@handle_errors
def dates(
    config_path: Path,
    content_dir: Path | None,
    suggest: bool,
    write: bool,
    skip_messages: tuple[str, ...],
    bulk_files: int,
    bulk_share: float,
    quiet: bool,
) -> None:
    """Draft dates for the pages SUMMARY.md lists, as YAML (page: date  # where it came from).

    A date comes from a "Published Jan 27, 2020" line in the page, else from the git
    commit that added it, following renames and moves back (a GitBook sync commit that adds
    a page is its creation; later typo fixes and restructurings are not). Each line says
    its evidence. Pages already dated (front matter or the dates file) are left alone.
    With --write every page goes into the dates file ([content] dates_file, default
    dates.yml), an undated one as a commented placeholder that a later run fills in;
    an editor's entry is never changed.

    \b
    Example:
      publish dates --suggest --content handbook             # print the draft
      publish dates --suggest --content handbook --write     # append it to dates.yml
    """
    from pipeline.authoring.datesuggest import SYNC_PATTERNS, Rules, merge_text, render_yaml
    from pipeline.authoring.datesuggest import suggest as run_suggest
    from pipeline.errors import SetupError
    from pipeline.load.mode import gitbook_mode
    from pipeline.support.output import write_if_changed

    if not suggest:
        raise click.UsageError("nothing to do: pass --suggest (and --write to save)")
    cfg, content = open_config(config_path, content_dir, quiet=quiet)
    if not gitbook_mode(cfg, content):  # the dates file would be written and never read
        raise SetupError(
            f"{content}: not a GitBook space (no {cfg.content.summary}, [content] flavour = "
            f'"{cfg.content.flavour}"): only a space reads the dates file; date an item '
            "with 'date:' in its front matter (publish new writes it); nothing written"
        )
    rules = Rules(skip_messages or SYNC_PATTERNS, bulk_files, bulk_share)
    report = run_suggest(cfg, content, rules)
    for message in report.warnings:
        warn(f"warning: {message}", quiet)
    found = [s for s in report.suggestions if s.date is not None]
    target = content / cfg.content.dates_file
    if write:
        existing = target.read_text(encoding="utf-8") if target.is_file() else None
        text = merge_text(existing, report.suggestions)
        changed = write_if_changed(target, text.encode("utf-8"))
        where = f"written to {target}" if changed else f"{target} unchanged"
    else:
        click.echo(render_yaml(report.suggestions), nl=False)
        where = "printed"
    undated = len(report.suggestions) - len(found)
    warn(
        f"Suggested {len(found)} dates ({where}); {undated} pages without a date "
        f"({'commented placeholders' if write else 'commented out'}), "
        f"{len(report.already_dated)} already dated",
        quiet,
    )
