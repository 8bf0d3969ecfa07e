"""Link checking, lychee's way: extract -> check (local files, remote URLs) -> cache -> report.

:func:`pipeline.linkcheck.check.check_links` is the entry point; results are
:class:`pipeline.linkcheck.results.LinkResult` records.
"""

from pipeline.linkcheck.results import BROKEN, OK, UNVERIFIABLE, LinkResult

__all__ = ["BROKEN", "OK", "UNVERIFIABLE", "LinkResult"]
