"""``publish digest --mark-sent``: record the back catalogue as announced without sending it.

A community that adopts publish with years of posts wants its first digest to hold only what
is new. Marking writes one ``sent`` line to the ledger (backend ``none``, a note saying it was
marked, not mailed) whose items are every published, dated item never recorded before, or
only those dated before a given time. Later digests select nothing the ledger names, so the
first real ``--send`` holds only what comes after. Nothing is composed or delivered, no
service is contacted and no secret is needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pipeline.config import Config
from pipeline.model import Item
from pipeline.newsletter import ledger as ledger_mod
from pipeline.newsletter.compose import digest_key
from pipeline.newsletter.deliver import Action, DigestRun
from pipeline.newsletter.ledger import Entry

MARKED_BACKEND = "none"
MARKED_NOTE = "recorded as announced without sending (publish digest --mark-sent)"


def mark_sent(
    config: Config,
    published: Sequence[Item],
    now: datetime,
    *,
    before: datetime | None = None,
    lock_timeout: float = 600.0,
) -> DigestRun:
    """Record every published item not yet in the ledger (dated before ``before`` when
    given) as announced. ``now`` dates the ledger line; returns action ``marked`` or
    ``nothing``."""
    with ledger_mod.locked(config.root / config.newsletter.ledger, timeout=lock_timeout) as ledger:
        used = ledger.used_ids()
        items = [
            i
            for i in published
            if i.id not in used and i.date is not None and (before is None or i.date < before)
        ]
        if not items:
            return DigestRun(Action.NOTHING, MARKED_BACKEND)
        items.sort(key=lambda i: (i.date, i.id), reverse=True)
        ids = tuple(i.id for i in items)
        newest = items[0].date
        assert newest is not None
        warnings = tuple(
            f"digest {e.key} is unfinished ({e.state}); its items are not marked: the next "
            "--send finishes it"
            for e in ledger.pending()
        )
        ledger.append(
            Entry(
                key=digest_key(config.newsletter.list_name, f"marked-{now:%Y%m%dT%H%M%S}", ids),
                state="sent",
                items=ids,
                newest=newest.isoformat(),
                backend=MARKED_BACKEND,
                at=now.isoformat(),
                note=MARKED_NOTE,
            )
        )
        return DigestRun(Action.MARKED, MARKED_BACKEND, items=tuple(items), warnings=warnings)
