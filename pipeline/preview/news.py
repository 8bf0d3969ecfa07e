"""What the open pages are told after each rebuild: a reload, a stylesheet swap, or problems."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class News:
    """One Server-Sent Event: its ``event`` name and JSON ``data``."""

    number: int
    event: str
    """``reload``, ``css`` or ``problems``."""
    problems: tuple[str, ...] = ()

    def frame(self) -> bytes:
        data = json.dumps({"number": self.number, "problems": list(self.problems)})
        return f"id: {self.number}\nevent: {self.event}\ndata: {data}\n\n".encode()


_SOURCES = (".css", ".md", ".markdown", ".toml", ".yml", ".yaml", ".json", ".j2", ".html")
"""Files whose removal is a change of the site's (a page, its settings, a template)."""


def kind_of_change(written: Iterable[str], changed: Iterable[str] = ()) -> str | None:
    """``css`` when only stylesheets changed (swapped in place), ``reload`` for anything else,
    None when no output changed.

    ``changed`` are the source files saved (empty for the first build): when all are
    stylesheets, the pages rewritten with them differ only in the version of their links
    (``theme.css?v=...``), so a swap shows all there is to see.
    """
    paths = list(written)
    if not paths:
        return None
    # an editor's save leaves names that are gone by the rebuild (vim's "4913" probe, a
    # temp file renamed over the stylesheet): no change of their own
    saved = [p for p in changed if p.endswith(_SOURCES) or os.path.lexists(p)]
    if saved and all(p.endswith(".css") for p in saved):
        return "css"
    return "css" if all(p.endswith(".css") for p in paths) else "reload"


class Newsroom:
    """The latest news and the problems of the last build, shared by every connection."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._latest = News(0, "reload")
        self.problems: tuple[str, ...] = ()
        self.closed = False
        self.busy: Callable[[], bool] = lambda: False
        """Whether work that follows a build (the search index) is still going on."""

    def after_build(
        self,
        ok: bool,
        written: Iterable[str],
        problems: Iterable[str],
        changed: Iterable[str] = (),
    ) -> None:
        """Record a build's result (``changed``: the files whose save started it) and wake
        the open pages when they have something to do."""
        with self._changed:
            had_problems = bool(self.problems)
            self.problems = () if ok else tuple(problems)
            if not ok:
                event: str | None = "problems"
            else:
                event = kind_of_change(written, changed)
                if event is None and had_problems:  # fixed, and nothing else changed
                    event = "problems"
            if event is not None:
                self._latest = News(self._latest.number + 1, event, self.problems)
                self._changed.notify_all()

    def wait(self, after: int, timeout: float) -> News | None:
        """The first news numbered above ``after``, or None after ``timeout`` or on close."""
        with self._changed:
            self._changed.wait_for(lambda: self.closed or self._latest.number > after, timeout)
            if self.closed or self._latest.number <= after:
                return None
            return self._latest

    @property
    def number(self) -> int:
        with self._changed:
            return self._latest.number

    def close(self) -> None:
        with self._changed:
            self.closed = True
            self._changed.notify_all()
