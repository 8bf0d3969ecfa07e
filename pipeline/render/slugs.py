"""Heading ids. The renderer and the link checker share this one function, so an anchor
that the checker accepts is an id the renderer wrote."""

from __future__ import annotations

import re
import unicodedata

_KEEP = {"Ll", "Lu", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No", "Pc"}


def github_slug(text: str) -> str:
    """GitHub's rule: lower case, punctuation dropped, each space a hyphen."""
    text = unicodedata.normalize("NFC", text).strip().lower()
    return "".join(
        "-" if ch == " " else ch for ch in text if ch in " -" or unicodedata.category(ch) in _KEEP
    )


def gitbook_slug(text: str) -> str:
    """GitBook's rule: like GitHub's, but runs of separators collapse and ends are trimmed."""
    slug = github_slug(text)
    return re.sub(r"-{2,}", "-", slug).strip("-")


STYLES = {"github": github_slug, "gitbook": gitbook_slug}


class Slugger:
    """Gives unique ids within one document: repeats get ``-1``, ``-2`` as on GitHub."""

    def __init__(self, style: str = "github") -> None:
        self._slug = STYLES[style]
        self._seen: dict[str, int] = {}

    def reserve(self, explicit: str) -> None:
        self._seen.setdefault(explicit, 0)

    def __call__(self, text: str) -> str:
        base = self._slug(text) or "section"
        slug = base
        n = self._seen.get(base)
        if n is not None:
            while True:
                n += 1
                slug = f"{base}-{n}"
                if slug not in self._seen:
                    break
            self._seen[base] = n
        self._seen[slug] = 0
        return slug
