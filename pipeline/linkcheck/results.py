"""The typed outcome of checking one link."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    """The three outcomes of a link, closed (as lychee's ``Status``); each is its own text in
    reports and JSON."""

    OK = "ok"
    BROKEN = "broken"
    """Fails the run (exit 2)."""
    UNVERIFIABLE = "unverifiable"
    """Bot walls (403/999), 429 and timeouts after retries, hosts that cannot be reached (DNS
    or connection failure): listed, fail only --strict."""


OK, BROKEN, UNVERIFIABLE = Status.OK, Status.BROKEN, Status.UNVERIFIABLE
OUTCOMES = tuple(Status)


@dataclass(frozen=True)
class Outcome:
    """What checking a target found, before it is tied to the links that name it."""

    status: Status
    reason: str
    suggestion: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "reason", _one_printable_line(self.reason))


def _one_printable_line(text: str) -> str:
    """A reason on one line with no control character, whatever a server or a library put in
    it: aiohttp's parser errors quote the bytes received over three lines, and a server's
    reason phrase may hold a BEL or an escape sequence the terminal would act on."""
    text = " ".join(text.split())
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


@dataclass(frozen=True)
class LinkResult:
    """One link in one file, with its outcome."""

    source: str
    """File relative to the content root."""
    line: int
    url: str
    text: str
    kind: str
    status: Status
    reason: str
    suggestion: str = ""

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}"
