"""Problems found in content or configuration, and the exceptions that carry them.

Every problem names the file, the line and the field, so editors can jump straight to it.
The exit codes are a contract documented in the README and in ``publish --help``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_CONTENT = 2
EXIT_CONFIG = 3


@dataclass(frozen=True, order=True)
class Problem:
    """One error or warning about a file: ``path:line: field: message``."""

    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        """One line: a line break or control character a file's text put in any part (a
        front-matter key written ``"x\nfake.md:1: title: forged"``) is shown escaped, so no
        part can fake a line of its own or steer the terminal."""
        return one_line(f"{self.path}:{self.line}: {self.field}: {self.message}")


def one_line(text: str) -> str:
    """``text`` with every character that would break its line (or steer a terminal) shown
    escaped: see :data:`_ONE_LINE`."""
    return text if text.isprintable() else text.translate(_ONE_LINE)


_ONE_LINE = {c: repr(chr(c))[1:-1] for c in (*range(0x20), 0x7F, 0x85, 0x2028, 0x2029)}
"""What :meth:`Problem.__str__` escapes: C0 controls (a tab too), DEL, NEL and the Unicode
line and paragraph separators, each as Python writes it (``\n``, ``\u2028``)."""


class PublishError(Exception):
    """Base for every error the CLI maps to an exit code instead of a traceback."""

    exit_code = EXIT_UNEXPECTED


class ProblemsError(PublishError):
    """An error made of ``path:line: field: message`` problems, one per line."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: Sequence[Problem] = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type[ProblemsError], tuple[list[Problem], ...]]:
        """Rebuilt from its problems when raised in a worker process (not from its text)."""
        return type(self), (list(self.problems),)


class ContentError(ProblemsError):
    """One or more problems in the content; nothing was written. ``warnings`` are those found
    alongside, shown with the errors (a warning may explain an error)."""

    exit_code = EXIT_CONTENT

    def __init__(self, problems: Iterable[Problem], warnings: Iterable[Problem] = ()) -> None:
        super().__init__(problems)
        self.warnings: Sequence[Problem] = sorted(set(warnings))

    def __reduce__(self) -> tuple[type[ContentError], tuple[list[Problem], list[Problem]]]:
        return type(self), (list(self.problems), list(self.warnings))


class ConfigError(ProblemsError):
    """The configuration file is missing, malformed, or has unknown keys or wrong types."""

    exit_code = EXIT_CONFIG


class SetupError(PublishError):
    """The command was run where there is no site: no content folder, no configuration."""

    exit_code = EXIT_CONFIG


class LockedError(PublishError):
    """Another publish process holds the output lock."""

    exit_code = EXIT_UNEXPECTED
