"""``publish serve``: build into a temporary folder, serve it, rebuild on each save."""

from __future__ import annotations

import errno
import functools
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import click

from pipeline.cli.options import content_options, handle_errors, open_config, warn
from pipeline.errors import EXIT_CONFIG
from pipeline.preview.address import base_url_problem, origin_for, port_note


def _check_base_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    problem = base_url_problem(value) if value else None
    if problem:
        raise click.BadParameter(problem)
    return value


DIGEST_PAGE = "_preview/digest"


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
    from pipeline.build.preview import PreviewSite
    from pipeline.cli.digest import build_time
    from pipeline.preview.later import Later
    from pipeline.preview.news import Newsroom
    from pipeline.preview.server import PreviewServer, serve_in_thread
    from pipeline.preview.watch import watch, watched_paths

    load = functools.partial(open_config, config_path, content_dir)
    cfg, content = load()  # a missing or unreadable folder stops here, with one line
    _check_readable(content)
    work = Path(tempfile.mkdtemp(prefix="publish-serve-"))
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, _interrupt)
    server: PreviewServer | None = None
    serving = False
    stoppers: list[Callable[[], None]] = []
    try:
        news = Newsroom()
        sites: list[PreviewSite] = []
        try:
            server = PreviewServer(
                (bind, port),
                work / "site",
                news,
                lambda: sites[0].marks if sites else {},
                lambda: sites[0].digest(),
            )
        except OSError as exc:
            why = "the port is in use" if exc.errno == errno.EADDRINUSE else exc.strerror
            click.echo(f"error: cannot listen on {bind}:{port}: {why}; choose another --port",
                       err=True)  # fmt: skip
            sys.exit(EXIT_CONFIG)
        origin = origin_for(bind, server.server_address[1], base_url)
        preview = PreviewSite(load, work, origin, drafts=drafts, future=future, clock=build_time)
        sites.append(preview)

        def index(written: tuple[str, ...]) -> None:
            for note in preview.index_search(written):
                warn(note)

        later = Later(index)
        stoppers.append(later.close)
        news.busy = lambda: later.busy

        newsletter = [
            (cfg.root / p).resolve() for p in (cfg.newsletter.templates, cfg.newsletter.ledger)
        ]

        def rebuild(changed: set[str]) -> None:
            outcome = preview.rebuild()
            written = outcome.written
            if any(Path(p).is_relative_to(n) for p in changed for n in newsletter):
                written += (DIGEST_PAGE,)  # no output changed, but the digest preview did
            news.after_build(outcome.ok, written, outcome.problems, changed)
            if outcome.ok:
                later.due(outcome.written)  # the search index, once the pages have reloaded
                n = len(outcome.written)
                warn(f"Rebuilt in {outcome.seconds:.2f} s: {n} file{'s' if n != 1 else ''} changed")
            else:
                for line in outcome.problems:
                    warn(line)
                warn("Build failed; serving the last good build.")

        rebuild(set())
        serve_in_thread(server)
        serving = True
        listening = port_note(bind, server.server_address[1], base_url)
        warn(f"Serving {origin} ({listening}Ctrl-C to stop)")
        sys.stderr.flush()
        if open_browser:
            import webbrowser

            webbrowser.open(origin)
        extra = [cfg.root / cfg.theme.templates, cfg.root / cfg.theme.static, *newsletter]
        ignore = [cfg.root / "feeds", cfg.root / ".publish-cache", work]
        watch(watched_paths(config_path, content, extra), rebuild, stop, ignore)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        signal.signal(signal.SIGTERM, previous)
        if server is not None:
            news.close()
            if serving:
                server.shutdown()
            server.server_close()
        for close in stoppers:
            close()
        shutil.rmtree(work, ignore_errors=True)
    warn("Stopped; the preview folder is removed.")


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """SIGTERM stops the server as Ctrl-C does."""
    raise KeyboardInterrupt


def _check_readable(content: Path) -> None:
    import os

    from pipeline.errors import ConfigError, Problem

    if not os.access(content, os.R_OK | os.X_OK):
        raise ConfigError([Problem(str(content), 1, "--content", "content folder not readable")])
