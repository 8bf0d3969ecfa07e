"""The ``publish`` command line: thin Click commands over the :mod:`pipeline` library.

Exit codes: 0 ok, 1 unexpected error, 2 content errors or broken links, 3 configuration errors.
"""

from __future__ import annotations

import click

from pipeline import __version__


@click.group(
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


def _register() -> None:
    from pipeline.cli import build

    for cmd in (build.build, build.validate, build.new):
        main.add_command(cmd)

    from pipeline.cli import links

    main.add_command(links.links)

    from pipeline.cli import digest

    main.add_command(digest.digest)

    from pipeline.cli import lint_feed

    main.add_command(lint_feed.lint_feed_command)

    from pipeline.cli import dates

    main.add_command(dates.dates)

    from pipeline.cli import feed_diff

    main.add_command(feed_diff.feed_diff)


_register()
