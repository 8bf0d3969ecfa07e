"""The ``publish`` command line: thin Click commands over the :mod:`pipeline` library.

Exit codes: 0 ok, 1 unexpected error, 2 content errors or broken links, 3 configuration errors.
Commands are imported only when run, so ``publish build`` with nothing to do starts fast.
"""

from __future__ import annotations

import atexit
import importlib
import os
import sys

import click

from pipeline import __version__

COMMANDS = {
    "build": "pipeline.cli.build:build",
    "validate": "pipeline.cli.build:validate",
    "new": "pipeline.cli.build:new",
    "links": "pipeline.cli.links:links",
    "digest": "pipeline.cli.digest:digest",
    "announce": "pipeline.cli.announce:announce",
    "notify": "pipeline.cli.notify:notify",
    "lint-feed": "pipeline.cli.lint_feed:lint_feed_command",
    "dates": "pipeline.cli.dates:dates",
    "feed-diff": "pipeline.cli.feed_diff:feed_diff",
    "init": "pipeline.cli.init:init",
    "completion": "pipeline.cli.completion:completion",
    "import": "pipeline.cli.import_:import_command",
    "serve": "pipeline.cli.serve:serve",
}
"""Command name -> ``module:attribute`` of its Click command."""


class LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, attr = target.partition(":")
        command = getattr(importlib.import_module(module), attr)
        assert isinstance(command, click.Command)
        return command

    @property
    def all_commands(self) -> dict[str, click.Command]:
        ctx = click.Context(self)
        found = {name: self.get_command(ctx, name) for name in COMMANDS}
        return {k: v for k, v in found.items() if v is not None}


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="Exit codes: 0 ok, 1 unexpected error, 2 content errors or broken links, "
    "3 configuration errors.",
)
@click.version_option(__version__, prog_name="publish")
def main() -> None:
    """Validate, render and syndicate a community's Markdown content.

    \b
    Example:
      publish build            # feeds/ from content/ and publish.toml
    """


def run() -> None:
    """The ``publish`` command (and ``python -m pipeline``): :func:`main`, then the exit a
    normal one makes (standard streams flushed, exit handlers run: temporary folders removed,
    worker pools joined) without tearing down every object the interpreter holds, which costs
    a quarter of a second after a build of 10,000 posts."""
    if sys.getprofile() is not None or sys.gettrace() is not None:
        main()  # a profiler or coverage writes its report at the normal exit
        return
    try:
        main()  # standalone mode: ends with SystemExit
        code = 0
    except SystemExit as exc:
        code = _exit_status(exc.code)
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # started with it closed (publish … >&-): nothing was printed
            continue
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (publish … | head): nothing more to say
            code = code or 1
    atexit._run_exitfuncs()
    os._exit(code)


def _exit_status(code: object) -> int:
    """What ``sys.exit(code)`` makes the process's status."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    sys.stderr.write(f"{code}\n")
    return 1
