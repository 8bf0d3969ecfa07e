"""The newsletter's own error type: a failed delivery whose text is always redacted."""

from __future__ import annotations

from pipeline.errors import PublishError
from pipeline.support.secrets import redact


class DeliveryError(PublishError):
    """A backend refused or failed; the ledger says exactly what did (not) happen.

    The message is redacted on construction, so no code path can leak a key through it.
    ``unrecorded`` is said on the screen but never written to the ledger (which is
    committed): subscribers' addresses.
    """

    def __init__(self, message: str, *, unrecorded: str = "") -> None:
        super().__init__(redact(message + unrecorded))
        self.recorded = redact(message)
        """What the ledger's ``failed`` line may say."""
