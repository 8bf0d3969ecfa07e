"""An item's ``updated`` after the build's clock: the build passes its ``now`` in, and the
warning is made by each build, never kept by the load cache. (``updated`` before ``date`` is
no mistake: an item edited before its scheduled day; feeds then show its date.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping

from pipeline.errors import Problem
from pipeline.load.item import ALIASES
from pipeline.model import Item


def future_updates(
    items: Iterable[Item], now: dt.datetime, lines_of: Callable[[str], Mapping[str, int]]
) -> list[Problem]:
    """A warning for each item shown at ``now`` (neither a draft nor scheduled) whose
    ``updated`` lies after ``now``: its feeds' entries, and the feeds themselves, would say
    it changed then. A scheduled item (``date`` after ``now``) is not published yet: it is
    looked at again by the build that publishes it. ``lines_of`` gives the front-matter
    lines of a source."""
    found = []
    for item in items:
        updated = item.updated
        if updated is None or updated <= now or item.draft:
            continue
        if item.date is not None and item.date > now:
            continue
        line = _line(lines_of(item.source))
        message = (
            f"{updated.isoformat()} is in the future (the build's clock says "
            f"{now.isoformat(timespec='seconds')}): readers show the item as changed then; "
            "set it to when the item changed"
        )
        found.append(Problem(item.source, line, "updated", message))
    return found


def _line(lines: Mapping[str, int]) -> int:
    """The line of ``updated``, or of the key written for it (Hugo's ``lastmod``)."""
    spelt = ("updated", *(key for key, ours in ALIASES.items() if ours == "updated"))
    return next((lines[key] for key in spelt if key in lines), 1)
