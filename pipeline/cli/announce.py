"""``publish announce``: list, preview or post the announcements of new items."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import click

from pipeline.cli.digest import build_time
from pipeline.cli.options import (
    content_options,
    echo_report,
    format_option,
    handle_errors,
    open_config,
    quiet_option,
    redacted_json,
    resolve_cache_dir,
    under,
    warn,
)
from pipeline.support.secrets import redact
from pipeline.support.text import counted


@click.command("announce")
@content_options
@click.option("--send", is_flag=True, help="Post to every channel and record it in the ledger.")
@click.option(
    "--preview",
    is_flag=True,
    help="Write what each channel would post to outbox/announce/<channel>/ (nothing is sent).",
)
@click.option(
    "--test",
    is_flag=True,
    help="Post one announcement per channel to its private test destination; records nothing.",
)
@click.option(
    "--channel",
    "names",
    multiple=True,
    metavar="NAME",
    help="Only this [[announce]] channel (repeatable).",
)
@format_option("text", "json")
@quiet_option
@handle_errors
def announce(
    config_path: Path,
    content_dir: Path | None,
    send: bool,
    preview: bool,
    test: bool,
    names: tuple[str, ...],
    fmt: str,
    quiet: bool,
) -> None:
    """Announce new items on the [[announce]] channels (Discord, Mastodon, Bluesky), once.

    Without flags, lists what each channel would post. --preview also writes each post's
    exact request body and text to outbox/announce/. --test posts one announcement per channel
    to a private destination (Discord: DISCORD_TEST_WEBHOOK_URL; Mastodon: a direct post only
    the account sees) and records nothing. --send posts and records each post in
    announce/sent.jsonl (commit it); re-running posts nothing twice, and a run that stopped
    is finished by the next. Secrets: DISCORD_WEBHOOK_URL, MASTODON_TOKEN,
    BLUESKY_APP_PASSWORD (or the variables the channel names). Exit 1 when a post failed
    (the others are still made).

    \b
    Example:
      publish announce --preview            # outbox/announce/<channel>/*.json
      publish announce --send --format json # in CI, after the deploy
    """
    if sum((send, preview, test)) > 1:
        raise click.UsageError("--send, --preview and --test are exclusive: test, then send")
    started = time.monotonic()
    from pipeline.announce.run import run_announce, run_test
    from pipeline.build.site import prepare
    from pipeline.support.edge import Edge

    cfg, content = open_config(config_path, content_dir)
    if not cfg.announce:
        warn("No [[announce]] channels in the configuration; nothing to do.", quiet)
        if fmt == "json":  # stdout is still the one document a script parses
            echo_report(json.dumps({"outcomes": [], "warnings": [], "errors": []}, indent=2))
        return
    now = build_time()
    site = prepare(cfg, content, cache_dir=resolve_cache_dir(None))
    if test:
        run = run_test(
            cfg,
            site.published(now),
            now,
            names=names,
            content=content,
            edge=Edge(progress=lambda m: warn(m, quiet)),
        )
    else:
        run = run_announce(
            cfg,
            site.published(now),
            now,
            send=send,
            preview=preview,
            names=names,
            content=content,
            edge=Edge(progress=lambda message: warn(message, quiet)),
        )
    for message in run.warnings:
        warn(redact(f"warning: {message}"), quiet)
    for message in run.errors:
        click.echo(redact(f"error: {message}"), err=True)
    rows = [_row(o, cfg.root) for o in run.outcomes]
    if fmt == "json":
        report = {"outcomes": rows, "warnings": list(run.warnings), "errors": list(run.errors)}
        echo_report(redacted_json(report))
    else:
        echo_report(redact(_text(rows)))
    posted = sum(1 for o in run.outcomes if o.action == "posted")
    n, w, e = len(run.outcomes), len(run.warnings), len(run.errors)
    warn(
        f"Announce: {posted} posted, {counted(n, 'item')} on "
        f"{len({o.channel for o in run.outcomes})} channel(s), {counted(w, 'warning')}"
        f", {counted(e, 'error')} in {time.monotonic() - started:.1f} s",
        quiet,
    )
    if run.errors:
        sys.exit(1)


def _row(outcome: Any, root: Path) -> dict[str, Any]:
    item = outcome.item
    return {
        "channel": outcome.channel,
        "kind": outcome.kind,
        "action": str(outcome.action),
        "id": item.id,
        "title": item.title,
        "url": item.url,
        "source": item.source,
        "text": outcome.text,
        "remote_id": outcome.remote_id or None,
        "remote_url": outcome.url or None,
        "note": outcome.note or None,
        "paths": [under(root, p) for p in outcome.paths],
    }


def _text(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "Nothing new to announce."
    lines = []
    for row in rows:
        remote = f" (id {row['remote_id']})" if row["remote_id"] else ""
        lines.append(
            f"{row['channel']}: {row['action']}{remote}  {row['title']}  ({row['source']})"
        )
        lines.extend(f"    {p}" for p in row["paths"])
        if row["note"]:
            lines.append(f"    {row['note']}")
    if all(r["action"] == "tested" for r in rows):
        lines.append("Test posts only; nothing recorded. Run with --send to post.")
    elif all(r["action"] in ("would-post", "previewed") for r in rows):
        lines.append("Nothing sent. Run with --send to post.")
    return "\n".join(lines)
