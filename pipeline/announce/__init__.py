"""Announcing new items on chat and social channels (Discord, Mastodon, Bluesky), once.

select (per channel: sections, tags, never announced) → compose (the channel's template)
→ claim in the ledger → post → record (:mod:`pipeline.announce.run`). The ledger is the
digest's (:mod:`pipeline.newsletter.ledger`), kept in its own file, one key per channel and
item. The ``[[announce]]`` schema is :mod:`pipeline.support.announce_config`.
"""
