"""Options shared by every command, and the mapping of our exceptions to exit codes."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from pipeline.config import Config, load_config
from pipeline.errors import (
    EXIT_CONFIG,
    EXIT_CONTENT,
    EXIT_UNEXPECTED,
    ConfigError,
    ContentError,
    Problem,
    PublishError,
    SetupError,
)
from pipeline.support.paths import typed
from pipeline.support.text import counted

F = TypeVar("F", bound=Callable[..., Any])


def content_options(func: F) -> F:
    """``--content`` and ``--config``: every command that reads content takes both."""
    func = click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=Path("publish.toml"),
        show_default=True,
        help="Site configuration file.",
    )(func)
    func = click.option(
        "--content",
        "content_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Content folder  [default: content/ beside the config file]",
    )(func)
    return func


def out_option(func: F) -> F:
    return click.option(
        "--out",
        "out_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("feeds"),
        show_default=True,
        help="Output folder.",
    )(func)


def cache_option(func: F) -> F:
    return click.option(
        "--cache-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Cache folder  [default: $PUBLISH_CACHE_DIR or .publish-cache/]",
    )(func)


def format_option(*choices: str) -> Callable[[F], F]:
    def deco(func: F) -> F:
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(choices),
            default=choices[0],
            show_default=True,
            help="Output format on stdout.",
        )(func)

    return deco


def quiet_option(func: F) -> F:
    return click.option("--quiet", "-q", is_flag=True, help="No progress or warnings on stderr.")(
        func
    )


def resolve_cache_dir(cache_dir: Path | None) -> Path:
    if cache_dir is not None:
        return cache_dir
    env = os.environ.get("PUBLISH_CACHE_DIR")
    return Path(env) if env else Path(".publish-cache")


def open_config(
    config_path: Path, content_dir: Path | None, *, quiet: bool = False
) -> tuple[Config, Path]:
    """Load the configuration and decide the content folder: ``--content``, else
    ``[content] folder``, else ``content/`` beside the configuration file."""
    from pipeline.support.siteroot import content_folder, defaults_warning, missing_content_message

    cfg = load_config(config_path, required=config_path != Path("publish.toml"))
    found = config_path.is_file()
    given = content_dir is not None
    content_dir = content_folder(cfg.root, cfg.content.folder, content_dir)
    if not content_dir.is_dir():
        raise SetupError(missing_content_message(content_dir, config_path, found, given=given))
    if not found:
        warn(defaults_warning(config_path), quiet)
    # a Git-synced space's .gitbook.yaml, and the heading ids of slug_style = "auto": every
    # command (serve's rebuilds too) and every cache key sees the style decided here (the
    # load itself imported only for a .gitbook.yaml: a build with nothing to do needs none)
    if (content_dir / ".gitbook.yaml").is_file():
        from pipeline.load.summary import space_settings

        return space_settings(cfg, content_dir)
    from pipeline.load.mode import decided_style

    return decided_style(cfg, content_dir), content_dir


def under(root: Path, path: Path) -> str:
    """``path`` as shown in reports: relative to ``root`` when inside it, else whole."""
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def warn(message: str, quiet: bool = False) -> None:
    """A warning or note on stderr, secrets redacted (a link in the content, a URL given on
    the command line may hold a token the environment names)."""
    if not quiet:
        from pipeline.support.secrets import redact

        click.echo(redact(message), err=True)


def report_problems(exc: ContentError | ConfigError, quiet: bool = False) -> None:
    """Errors and the warnings found with them, in file and line order, then the counts."""
    from pipeline.support.secrets import redactor

    hide = redactor()  # a problem may name a URL given on the command line, token and all
    warnings = exc.warnings if isinstance(exc, ContentError) and not quiet else ()
    shown = [(typed(p), "") for p in exc.problems]
    shown += [(typed(w), "warning: ") for w in warnings]
    for problem, prefix in sorted(shown, key=lambda pair: (pair[0].path, pair[0].line)):
        click.echo(hide(f"{prefix}{problem}"), err=True)
    click.echo(_counts(exc, len(warnings)), err=True)


def _counts(exc: ContentError | ConfigError, w: int) -> str:
    kind = "content" if isinstance(exc, ContentError) else "configuration"
    n = len(exc.problems)
    counts = f"{n} {kind} error{'s' if n != 1 else ''}"
    if w:
        counts += f" and {counted(w, 'warning')}"
    return f"{counts}; nothing written."


def echo_report(text: str, *, nl: bool = True) -> None:
    """Print a command's report on stdout, noting that it is out: a failure after it adds no
    second document under ``--format json``."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.meta[_REPORTED] = True
    click.echo(text, nl=nl)


_REPORTED = "publish.reported"


def redacted_json(doc: object, *, indent: int | None = 2, ensure_ascii: bool = False) -> str:
    """``doc`` as JSON, each string redacted before it is escaped: the JSON text redacted
    whole could lose a word to ``***`` with its quotes and comma (a token spelled in a way
    only decoding the word finds), leaving a document no parser reads."""
    from pipeline.support.secrets import redactor

    hide = redactor()

    def clean(value: object) -> object:
        if isinstance(value, str):
            return hide(value)
        if isinstance(value, dict):
            return {hide(str(k)): clean(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [clean(v) for v in value]
        return value

    return json.dumps(clean(doc), indent=indent, ensure_ascii=ensure_ascii)


def _json_failure(
    wanted: bool,
    code: int,
    message: str,
    problems: Sequence[Problem] = (),
    warnings: Sequence[Problem] = (),
) -> None:
    """Under ``--format json``, a failure before the report is one JSON document on stdout
    (the text stays on stderr): a script piping stdout to ``jq`` reads why it failed."""
    ctx = click.get_current_context(silent=True)
    if not wanted or (ctx is not None and ctx.meta.get(_REPORTED)):
        return

    def in_order(found: Sequence[Problem]) -> list[Problem]:
        return sorted((typed(p) for p in found), key=lambda p: (p.path, p.line))

    shown = in_order(problems)
    doc = {
        "ok": False,
        "exit_code": code,
        "error": _KINDS.get(code, "unexpected"),
        "message": message,
        "errors": [str(p) for p in shown] or [message],
        "problems": [dataclasses.asdict(p) for p in shown],
        "warnings": [str(w) for w in in_order(warnings)],
    }
    with contextlib.suppress(OSError):  # stdout gone (publish … | head): the exit code says it
        click.echo(redacted_json(doc))  # each string redacted as the text is


_KINDS = {
    EXIT_UNEXPECTED: "unexpected",
    EXIT_CONTENT: "content",
    EXIT_CONFIG: "configuration",
    130: "interrupted",
}
"""The ``error`` of a failure's JSON document: what its exit code means."""


def handle_errors(func: F) -> F:
    """Turn our exceptions into messages and exit codes; never a traceback for a user mistake."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        as_json = kwargs.get("fmt") == "json"
        try:
            return func(*args, **kwargs)
        except (ContentError, ConfigError) as exc:
            report_problems(exc, quiet=bool(kwargs.get("quiet")))
            warnings = exc.warnings if isinstance(exc, ContentError) else ()
            message = _counts(exc, len(warnings))
            _json_failure(as_json, exc.exit_code, message, exc.problems, warnings)
            sys.exit(exc.exit_code)
        except PublishError as exc:
            from pipeline.support.secrets import redact

            # a URL given on the command line may hold a token from the environment
            click.echo(redact(f"error: {exc}"), err=True)
            _json_failure(as_json, exc.exit_code, str(exc), getattr(exc, "problems", ()))
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            _interrupted(as_json)
        except BrokenPipeError:
            if not _stdout_gone():  # a socket or a child's pipe: said below, as any OSError
                return _report_unexpected(as_json)
            _silence_stdout()  # the reader left (publish … | head): no error of the setup's
            sys.exit(EXIT_UNEXPECTED)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:
            if _during_interrupt(exc):  # the library's clean-up failing after a Ctrl-C
                _interrupted(as_json)
            return _report_unexpected(as_json)

    return wrapper  # type: ignore[return-value]


def _interrupted(as_json: bool = False) -> None:
    """Ctrl-C: the workers stopped (they ignore SIGINT), exit 130."""
    from pipeline.support.workers import stop_children

    click.echo("interrupted", err=True)
    stop_children()
    _json_failure(as_json, 130, "interrupted")
    sys.exit(130)


def _during_interrupt(exc: BaseException) -> bool:
    """Whether ``exc`` was raised while a KeyboardInterrupt was being handled (a thread's
    start interrupted, then joined: "cannot join thread before it is started")."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, KeyboardInterrupt):
            return True
        seen.add(id(cause))
        cause = cause.__context__
    return False


def _report_unexpected(as_json: bool = False) -> None:
    """The exception being handled, as one line: a path the file system refuses is the
    setup's error (exit 3), anything else unexpected (exit 1; PUBLISH_DEBUG=1 shows the
    traceback, redacted)."""
    from pipeline.support.secrets import redact

    exc = sys.exc_info()[1]
    if isinstance(exc, OSError):  # a path the file system refuses: the setup's error
        where = f"{exc.filename}: " if exc.filename else ""
        message, code = f"error: {where}{exc.strerror or exc}", EXIT_CONFIG
    else:  # an unexpected error: say so plainly, exit 1
        message, code = f"unexpected error: {type(exc).__name__}: {exc}", EXIT_UNEXPECTED
    click.echo(redact(message), err=True)
    _json_failure(as_json, code, message.removeprefix("error: "))
    if os.environ.get("PUBLISH_DEBUG"):
        import traceback

        # redacted like the message: an exception's text may hold a secret (a webhook URL)
        click.echo(redact(traceback.format_exc()), err=True)
    sys.exit(code)


def _stdout_gone() -> bool:
    """Whether stdout is a pipe whose reader has left (poll says POLLERR or POLLHUP)."""
    import select

    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        events = poller.poll(0)
    except (OSError, ValueError, AttributeError):  # no descriptor, or no poll (Windows)
        return False
    return any(mask & (select.POLLERR | select.POLLHUP) for _, mask in events)


def _silence_stdout() -> None:
    """Point stdout at the null device, so the flush at exit does not fail on the closed
    pipe again (Python's advice for SIGPIPE)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no real descriptor (a test's runner)
        pass


def regexes(
    _ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
) -> tuple[str, ...]:
    """An option's values, each a regular expression Python compiles (else a usage error)."""
    for value in values:
        try:
            re.compile(value)
        except re.error as exc:
            raise click.BadParameter(f"{value!r} is not a regular expression: {exc}") from None
    return values
