"""Items the source gives no readable date: kept as drafts, so nothing is lost."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pipeline.errors import Problem
from pipeline.importers.records import note

EPOCH = "1970-01-01T00:00:00+00:00"


def place_undated(
    pending: list[tuple[int, dict[str, Any]]], source: str, notes: list[Problem], field: str
) -> int:
    """Write each ``date`` as ISO 8601 with its offset; an item without one becomes a draft
    dated like the newest item, or 1970-01-01 when no item is dated (reported, naming the
    date written). Returns how many became drafts."""
    dates = [f["date"] for _, f in pending if isinstance(f.get("date"), datetime)]
    newest = max(dates).isoformat() if dates else EPOCH
    why = "the newest item's date" if dates else "no item of the source has a date"
    drafts = 0
    for line, front in pending:
        date = front.get("date")
        if isinstance(date, datetime):
            front["date"] = date.isoformat()
            continue
        front["date"] = newest
        front["draft"] = True
        drafts += 1
        notes.append(
            note(
                source,
                line,
                field,
                f"missing or unreadable: written as a draft dated {newest} ({why}); "
                "set its date and remove 'draft' to publish it",
            )
        )
    return drafts
