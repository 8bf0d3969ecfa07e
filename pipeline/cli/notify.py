"""``publish notify``: WebSub and Podcast Index pings for the feeds that changed."""

from __future__ import annotations

import time
from dataclasses import asdict
from pathlib import Path

import click

from pipeline.cli.options import (
    echo_report,
    format_option,
    handle_errors,
    out_option,
    quiet_option,
    redacted_json,
    warn,
)
from pipeline.config import load_config
from pipeline.support.secrets import redact


@click.command("notify")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("publish.toml"),
    show_default=True,
    help="Configuration file.",
)
@out_option
@format_option("text", "json")
@quiet_option
@handle_errors
def notify(config_path: Path, out_dir: Path, fmt: str, quiet: bool) -> None:
    """Ping [site] websub_hub and Podcast Index for each feed in --out that changed.

    Run it after the deploy. Each feed version (its bytes) is pinged once per hub and
    recorded in announce/pinged.json; unchanged feeds are not pinged again. A hub that is
    slow or down is a warning: this command exits 0 whatever the hubs say (a deploy never
    fails for a ping), and the next run pings again.

    \b
    Example:
      publish build && rsync -a feeds/ host:/srv/site/ && publish notify
    """
    started = time.monotonic()
    from pipeline.announce.notify import notify as run_notify

    cfg = load_config(config_path, required=config_path != Path("publish.toml"))
    pings = run_notify(cfg, out_dir if out_dir.is_absolute() else cfg.root / out_dir)
    for p in pings:
        if p.result == "failed":
            warn(redact(f"warning: {p.hub}: {p.feed}: not pinged: {p.note}"), quiet)
    if fmt == "json":
        echo_report(redacted_json({"pings": [asdict(p) for p in pings]}, ensure_ascii=True))
    else:
        for p in pings:
            if p.result != "unchanged":
                click.echo(redact(f"{p.hub}: {p.result}  {p.feed}"))
    counts = {r: sum(1 for p in pings if p.result == r) for r in ("pinged", "unchanged", "failed")}
    warn(
        f"Notify: {counts['pinged']} pinged, {counts['unchanged']} unchanged, "
        f"{counts['failed']} failed (warnings) in {time.monotonic() - started:.1f} s",
        quiet,
    )
