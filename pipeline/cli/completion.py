"""``publish completion bash|zsh|fish``: Click's own shell completion script, printed."""

from __future__ import annotations

import click
from click.shell_completion import get_completion_class

SHELLS = ("bash", "zsh", "fish")
COMPLETE_VAR = "_PUBLISH_COMPLETE"


@click.command()
@click.argument("shell", type=click.Choice(SHELLS))
def completion(shell: str) -> None:
    """Print the shell completion script for SHELL (commands, options, choices, paths).

    \b
    Example:
      eval "$(publish completion bash)"      # in ~/.bashrc
      eval "$(publish completion zsh)"       # in ~/.zshrc
      publish completion fish > ~/.config/fish/completions/publish.fish
    """
    from pipeline.cli import main

    cls = get_completion_class(shell)
    assert cls is not None  # every name in SHELLS is one of Click's
    click.echo(cls(main, {}, "publish", COMPLETE_VAR).source())
