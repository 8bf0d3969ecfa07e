"""``publish digest``: preview, test or send the newsletter digest of what is new."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import click

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

if TYPE_CHECKING:
    from pipeline.config import Config
    from pipeline.model import Item
    from pipeline.newsletter import DigestRun
    from pipeline.newsletter.deliver import Choice


def build_time() -> datetime:
    """Now, or ``SOURCE_DATE_EPOCH`` when set (reproducible previews and tests)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC)


@click.command("digest")
@content_options
@click.option("--send", is_flag=True, help="Deliver through the configured backend.")
@click.option(
    "--test-to",
    "test_to",
    multiple=True,
    metavar="ADDRESS",
    help="Send a test copy to ADDRESS only (repeatable); nothing is recorded as sent.",
)
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Take every item dated on or after DATE, whatever the ledger says (catch-up).",
)
@click.option(
    "--items",
    "item_ids",
    multiple=True,
    metavar="ID",
    help="Take exactly these item ids (repeatable or comma-separated).",
)
@click.option(
    "--include-older",
    is_flag=True,
    help="Also take never-sent items dated before the oldest one ever announced.",
)
@click.option(
    "--mark-sent",
    is_flag=True,
    help="Record every published item as announced without sending anything (a start point).",
)
@click.option(
    "--before",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="With --mark-sent: only items dated before DATE (midnight, site time zone).",
)
@format_option("text", "json")
@quiet_option
@handle_errors
def digest(
    config_path: Path,
    content_dir: Path | None,
    send: bool,
    test_to: tuple[str, ...],
    since: datetime | None,
    item_ids: tuple[str, ...],
    include_older: bool,
    mark_sent: bool,
    before: datetime | None,
    fmt: str,
    quiet: bool,
) -> None:
    """Compose the newsletter digest of published items never sent before.

    Without flags, writes a preview (.eml .html .txt .json named by the digest key) to the
    outbox and sends nothing. --send delivers it through the [newsletter] backend and records
    it in the ledger (newsletter/sent.jsonl); re-running sends nothing. Buttondown,
    listmonk and Ghost: exactly once. SMTP: progress per recipient; a run that stopped is
    resumed, and the one message in flight when it stopped is not sent again (at most once).
    Items dated before the oldest one ever announced are left out (named once in a warning)
    unless --include-older. Secrets come from BUTTONDOWN_API_KEY, LISTMONK_USER +
    LISTMONK_TOKEN, GHOST_ADMIN_KEY, SMTP_PASSWORD.

    --mark-sent records every published item (or those dated before --before DATE) as
    announced without sending: run it once when adopting publish on an existing site, and the
    first real digest holds only what is new.

    \b
    Example:
      publish digest                        # preview in outbox/
      publish digest --test-to me@example.org
      publish digest --send --format json   # in CI, after each merge
      publish digest --mark-sent            # once: the back catalogue is not mailed
    """
    if send and test_to:
        raise click.UsageError("--send and --test-to are exclusive: test first, then send")
    if mark_sent and (send or test_to or since or item_ids or include_older):
        raise click.UsageError(
            "--mark-sent records items without sending: it takes no --send, --test-to, "
            "--since, --items or --include-older"
        )
    if before is not None and not mark_sent:
        raise click.UsageError("--before goes with --mark-sent")
    started = time.monotonic()
    from pipeline.build.site import prepare

    cfg, content = open_config(config_path, content_dir, quiet=quiet)
    now = build_time()
    site = prepare(cfg, content, cache_dir=resolve_cache_dir(None))
    if mark_sent:
        from pipeline.newsletter.marksent import mark_sent as record

        run = record(cfg, site.published(now), now, before=_midnight(before, cfg.site.timezone))
    else:
        ids = tuple(i.strip() for raw in item_ids for i in raw.split(",") if i.strip())
        from pipeline.newsletter.deliver import Choice

        choice = Choice(_midnight(since, cfg.site.timezone), ids, include_older)
        run = _run(cfg, site.published(now), now, send, test_to, choice, quiet)
    for message in run.warnings:
        warn(f"warning: {message}", quiet)
    report = _report(run, cfg.root)
    if fmt == "json":
        echo_report(redacted_json(report))
    else:
        echo_report(redact(_text(report)))
    # an earlier digest finished now went out too: "nothing" alone hid it
    finished = f", {counted(len(run.healed), 'earlier digest')} finished" if run.healed else ""
    warn(
        f"Digest: {run.action}, {counted(len(run.items), 'item')}{finished}, "
        f"{counted(len(run.warnings), 'warning')} in {time.monotonic() - started:.1f} s",
        quiet,
    )


def _midnight(day: datetime | None, timezone: str) -> datetime | None:
    """The start of ``day`` in the site's time zone (the way dates without a time are read)."""
    if day is None:
        return None
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(timezone))


def _run(
    cfg: Config,
    published: Sequence[Item],
    now: datetime,
    send: bool,
    test_to: tuple[str, ...],
    choice: Choice,
    quiet: bool,
) -> DigestRun:
    from pipeline.newsletter import run_digest
    from pipeline.support.edge import Edge

    return run_digest(
        cfg,
        published,
        now,
        send=send,
        test_to=test_to,
        choice=choice,
        edge=Edge(progress=lambda message: warn(message, quiet)),
    )


def _report(run: Any, root: Path) -> dict[str, Any]:
    digest = run.digest
    return {
        "action": run.action,
        "backend": run.backend,
        "key": digest.key if digest else None,
        "subject": digest.subject if digest else None,
        "preheader": digest.preheader if digest else None,
        "items": [
            {
                "id": i.id,
                "title": i.title,
                "url": i.url,
                "date": i.date.isoformat() if i.date else None,
                "source": i.source,
            }
            for i in run.items
        ],
        "paths": [under(root, p) for p in run.paths],
        "remote_id": run.remote_id or None,
        "test_to": list(run.test_to),
        "healed": list(run.healed),
        "warnings": list(run.warnings),
    }


def _text(report: dict[str, Any]) -> str:
    lines = []
    for key in report["healed"]:
        lines.append(f"Finished earlier digest {key}.")
    if report["action"] == "nothing":
        lines.append("Nothing new since the last digest; nothing to send.")
        return "\n".join(lines)
    if report["action"] == "marked":
        n = len(report["items"])
        lines.append(f"Recorded {counted(n, 'item')} as announced; nothing sent:")
        for item in report["items"]:
            lines.append(f"    {(item['date'] or '')[:10]}  {item['title']}  ({item['source']})")
        lines.append("The next digest holds only items not listed here. Commit the ledger.")
        return "\n".join(lines)
    lines.append(f"Digest {report['key']}")
    lines.append(f"  Subject: {report['subject']}")
    lines.append(f"  Items ({len(report['items'])}):")
    for item in report["items"]:
        lines.append(f"    {(item['date'] or '')[:10]}  {item['title']}  ({item['source']})")
    if report["paths"]:
        lines.append("  Preview:")
        lines.extend(f"    {p}" for p in report["paths"])
    action = report["action"]
    remote = f" (id {report['remote_id']})" if report["remote_id"] else ""
    if action == "preview":
        lines.append("Preview only; nothing sent. Run with --send to deliver.")
    elif action == "test-sent":
        lines.append(f"Test copy sent to {', '.join(report['test_to'])} via {report['backend']}.")
    elif action == "sent":
        lines.append(f"Sent through {report['backend']}{remote}.")
    elif action == "already-sent":
        lines.append(f"Already sent through {report['backend']}{remote}; nothing sent.")
    return "\n".join(lines)
