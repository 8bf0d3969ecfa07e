"""The words of the site's pages that are not content ("Previous", "On this page", ...): the
message ids of the shipped catalogues (``templates/site/locale``, see
:mod:`pipeline.syndication.theme.i18n`) and the keys ``[theme] words`` may override.

Kept in ``support/`` so that config can check ``[theme] words`` without importing a stage.
"""

from __future__ import annotations

import string
from collections.abc import Mapping

WORDS: tuple[str, ...] = (
    "Skip to content",
    "Menu",
    "Search",
    "Site",
    "Breadcrumb",
    "Last updated {date}",
    "When: {when}",
    "Where: {where}",
    "Next: {dates}",
    "No dates to come.",
    "Add to calendar",
    "Season {number}",
    "Episode",
    "Episode {number}",
    "Transcript",
    "In this section",
    "Reading order",
    "Previous",
    "Next",
    "On this page",
    "page {number}",
    "Follow {title} in a feed reader (RSS)",
    "Newer",
    "Older",
    "Page {number} of {count}",
    "Pages",
    "Latest",
    "All posts, by year",
    "Archive",
    "Tags",
    "Feeds of {site}",
    "Paste a feed's address into your feed reader, podcast app or calendar to follow {site}. "
    "RSS, Atom and JSON Feed carry the same items; pick whichever your reader likes.",
    "subscribes to all of them at once.",
    "Page not found",
    "Nothing lives at this address. It may have moved: try the menu, or start from the home page.",
    "Home page",
    "This page has moved:",
    "Copy",
    "Copied",
    "Link to this section",
)
"""Every word, in English (the message id); ``{name}`` is filled in by the page."""


def fields(text: str) -> set[str]:
    """The ``{name}`` fields of a word; raises ValueError for a stray brace."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def words_problems(words: Mapping[str, str]) -> list[tuple[str, str]]:
    """(word, why) for each entry of ``[theme] words`` that cannot be used (an unknown word,
    or fields the English word does not have)."""
    out: list[tuple[str, str]] = []
    for key, value in words.items():
        if key not in WORDS:
            out.append((key, f"unknown word {key!r}; the words are listed in docs/site.md"))
            continue
        if not isinstance(value, str):
            out.append((key, f"{key!r}: expected a string, got {type(value).__name__}"))
            continue
        try:
            extra = fields(value) - fields(key)
        except ValueError:
            out.append((key, f"{key!r}: a brace that is no field; write {{{{ and }}}} for braces"))
            continue
        if extra or any(not name.isidentifier() for name in fields(value)):
            shown = ", ".join(sorted(fields(key))) or "none"
            out.append((key, f"{key!r}: only these fields can be filled in: {shown}"))
    return out
