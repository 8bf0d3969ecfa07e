"""``publish serve``: build into a temporary folder, serve it, rebuild on each save."""

from __future__ import annotations

import errno
import functools
import shutil
import signal
import sys
import tempfile
from pathlib import Path
from types import FrameType

import click

from pipeline.cli.options import content_options, handle_errors, open_config, warn
from pipeline.config import Config
from pipeline.errors import EXIT_CONFIG, ConfigError, Problem
from pipeline.preview.address import origin_problem, port_note


def _check_base_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    problem = origin_problem(value) if value else None
    if problem:
        raise click.BadParameter(problem)
    return value


@click.command()
@content_options
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")  # fmt: skip
@click.option(
    "--bind",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (0.0.0.0 or :: for other machines too).",
)
@click.option(
    "--base-url",
    callback=_check_base_url,
    metavar="URL",
    help="The origin the pages link to (default: the --bind address, or this "
    "machine's name for 0.0.0.0 and ::); the port is added if it has none.",
)
@click.option("--drafts", is_flag=True, help='Show drafts, each marked "Draft".')
@click.option("--future", is_flag=True,
              help="Show scheduled items, each marked \"Scheduled for …\".")  # fmt: skip
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in the browser.")
@handle_errors
def serve(
    config_path: Path,
    content_dir: Path | None,
    port: int,
    bind: str,
    base_url: str | None,
    drafts: bool,
    future: bool,
    open_browser: bool,
) -> None:
    """Preview the site: build it into a temporary folder, serve it on 127.0.0.1, and rebuild
    and reload the open pages on every save. Content errors show in the browser (and here)
    while the last good build stays served. Nothing is written to feeds/, the cache,
    the id ledger or publish.toml.

    \b
    Example:
      publish serve --drafts --future --open
    """
    from pipeline.build.preview import Showing
    from pipeline.build.serving import Listen, PreviewSession
    from pipeline.cli.digest import build_time

    load = functools.partial(_reopen, config_path, content_dir, config_path.is_file())
    cfg, content = load()  # a missing or unreadable folder stops here, with one line
    _check_readable(content)
    work = Path(tempfile.mkdtemp(prefix="publish-serve-"))
    # the terminal closed (SIGHUP) left the folder behind; SIGTERM and Ctrl-C never did
    previous = {sig: signal.signal(sig, _interrupt) for sig in _STOPS}
    session: PreviewSession | None = None
    try:
        try:
            session = PreviewSession(
                load, cfg, config_path, content, work, Listen(bind, port, base_url),
                Showing(drafts, future, build_time), say=warn,
            )  # fmt: skip
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                why = "the port is in use; choose another --port"
            else:  # an address this machine does not have, or no address at all
                why = f"{exc.strerror or exc}; check --bind"
            click.echo(f"error: cannot listen on {bind}:{port}: {why}", err=True)
            sys.exit(EXIT_CONFIG)
        session.start()
        listening = port_note(bind, session.port, base_url)
        warn(f"Serving {session.origin} ({listening}Ctrl-C to stop)")
        sys.stderr.flush()
        if open_browser:
            import webbrowser

            webbrowser.open(session.origin)
        session.wait()
    except KeyboardInterrupt:
        pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        try:
            if session is not None:
                session.close()
        finally:
            # a second Ctrl-C while stopping left the folder behind (80 MB of a large site)
            held = signal.signal(signal.SIGINT, signal.SIG_IGN)
            shutil.rmtree(work, ignore_errors=True)
            signal.signal(signal.SIGINT, held)
    warn("Stopped; the preview folder is removed.")


def _reopen(config_path: Path, content_dir: Path | None, found: bool) -> tuple[Config, Path]:
    """The configuration as a rebuild reads it: one removed while serving (a checkout, an
    editor's delete-and-recreate) is an error the page shows, not the example's defaults
    served in silence."""
    if found and not config_path.is_file():
        why = "removed while serving; the last good build stays served until it is back"
        raise ConfigError([Problem(str(config_path), 1, "file", why)])
    return open_config(config_path, content_dir)


_STOPS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))
"""What stops the server as Ctrl-C does: a kill, the terminal closed."""


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """SIGTERM or SIGHUP stops the server as Ctrl-C does."""
    raise KeyboardInterrupt


def _check_readable(content: Path) -> None:
    import os

    if not os.access(content, os.R_OK | os.X_OK):
        raise ConfigError([Problem(str(content), 1, "--content", "content folder not readable")])
