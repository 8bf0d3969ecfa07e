"""Checking feeds: a linter for RSS 2.0, Atom 1.0, JSON Feed 1.1 and podcast feeds, and feed-diff.

:func:`lint_feed` returns one :class:`LintResult` per failed check, each naming a rule id
from :data:`RULES` (the ids of ``feeds.md``), a severity and where in the feed it failed.
``hard`` failures make a feed unfit to publish (the build refuses to write it; ``publish
lint-feed`` exits 2); ``soft`` ones are advice. ``podcast=True`` adds what Apple Podcasts,
Spotify and Podcasting 2.0 need and makes their rules hard (presence and values); without it
an ``apple.*``, ``spotify.*`` or ``p20.*`` failure is soft, as apps read the feed anyway.

The modules: :mod:`.rules` (rule table, results, shared checks), :mod:`.rss` (RSS 2.0 channel,
items and enclosures), :mod:`.podcast` (``itunes:`` and ``podcast:`` tags), :mod:`.atom`,
:mod:`.jsonfeed`, :mod:`.rdf`, and :mod:`.check` (format detection, the entry point and text
output); :mod:`.diff` is ``publish feed-diff`` (what changed between two versions of a feed).
"""

from pipeline.feedcheck.check import (
    detect_format,
    format_text,
    grouped,
    has_hard,
    lint_feed,
    summary_line,
)
from pipeline.feedcheck.rules import (
    APPLE_MEDIA_TYPES,
    ATOM,
    CONTENT,
    HARD,
    ITUNES,
    JSONFEED_VERSION,
    PODCAST,
    RULES,
    SOFT,
    ImageLoader,
    LintResult,
    is_absolute,
    rfc822_problem,
)

__all__ = [
    "APPLE_MEDIA_TYPES",
    "ATOM",
    "CONTENT",
    "HARD",
    "ITUNES",
    "JSONFEED_VERSION",
    "PODCAST",
    "RULES",
    "SOFT",
    "ImageLoader",
    "LintResult",
    "detect_format",
    "format_text",
    "grouped",
    "has_hard",
    "is_absolute",
    "lint_feed",
    "rfc822_problem",
    "summary_line",
]
