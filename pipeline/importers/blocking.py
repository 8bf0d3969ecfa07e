"""An episode the old host hid from Apple Podcasts: ``itunes:block`` on its ``<item>``.

An episode here has no block of its own, so such an episode is written as a draft, to be
published deliberately. In a show that is blocked itself (``[podcast] block``, from its
channel's ``itunes:block`` or ``podcast:block``), the item's block hides nothing more:
Transistor writes it on every episode of a private show, which then came in all drafts and
the build wrote no feed at all. The episode is published then, the show's block kept.
"""

from __future__ import annotations

from collections.abc import Callable


def drafted_for_block(value: str, show_blocked: bool, say: Callable[[str, str], None]) -> bool:
    """Whether an item whose ``itunes:block`` is ``value`` is written as a draft (said
    through ``say(field, message)``): when it says yes and the show is not blocked."""
    if value.strip().lower() not in ("yes", "true"):
        return False
    if show_blocked:
        return False  # the show's own block, kept in [podcast], hides it from Apple
    what = "the old host hid this episode from Apple Podcasts; an episode here has no block"
    say("itunes:block", f"{what}: written as a draft (remove 'draft' to publish it)")
    return True
