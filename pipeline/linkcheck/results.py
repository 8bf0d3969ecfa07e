"""The typed outcome of checking one link."""

from __future__ import annotations

from dataclasses import dataclass

OK = "ok"
BROKEN = "broken"
UNVERIFIABLE = "unverifiable"
"""Bot walls (403/999), 429 and timeouts after retries, hosts that cannot be reached (DNS or
connection failure): listed, fail only --strict."""

OUTCOMES = (OK, BROKEN, UNVERIFIABLE)


@dataclass(frozen=True)
class Outcome:
    """What checking a target found, before it is tied to the links that name it."""

    status: str
    reason: str
    suggestion: str = ""


@dataclass(frozen=True)
class LinkResult:
    """One link in one file, with its outcome."""

    source: str
    """File relative to the content root."""
    line: int
    url: str
    text: str
    kind: str
    status: str
    """``ok``, ``broken`` or ``unverifiable``."""
    reason: str
    suggestion: str = ""

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}"
