"""Newsletter digests: select new items, compose an email, deliver it (exactly once through
a service, at most once per recipient through SMTP).

Stages: :mod:`.compose` (items → :class:`Digest`), :mod:`.message` (digest → RFC 5322
message), :mod:`.ledger` (what was claimed and sent), :mod:`.backends` (where it goes) and
:mod:`.deliver` (the exactly-once engine that ties them together).
"""

from __future__ import annotations

from pipeline.newsletter.compose import Digest, compose, digest_key, select
from pipeline.newsletter.deliver import DigestRun, run_digest
from pipeline.newsletter.errors import DeliveryError

__all__ = ["DeliveryError", "Digest", "DigestRun", "compose", "digest_key", "run_digest", "select"]
