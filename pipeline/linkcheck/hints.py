"""What the local link checker tells the author beside a link's status: what GitBook did to a
link it wrote, and what a link the site serves but the repository's own view does not means."""

from __future__ import annotations

GITBOOK_LOST = "broken-reference"
GITBOOK_LOST_HINT = (
    "GitBook writes this in place of a link whose page it lost (deleted or moved outside the "
    "space): link the page again"
)
GITBOOK_LOST_SPACE = "/broken/spaces/"
GITBOOK_LOST_SPACE_HINT = (
    "GitBook writes /broken/spaces/<space>/pages/<page> in place of a link to a page of another "
    "space that it could not write as a path of this repository (that space is not synced "
    "beside this one, or the page was deleted or moved): link the page by its published URL, "
    "or link it again in GitBook"
)
CLIMBS_PAST_ROOT = "more ../ than the page is deep: GitBook stops them at the space's root"
"""The note of a link of a GitBook space that works as GitBook resolves it (an OK result)."""

NFC_HINT = {
    True: "rename the file to its NFC (composed) form",
    False: "write the link in NFC (composed) form, as the file is named",
}
"""What to do about a name written in one Unicode normalisation and stored in another, by
whether the link writes NFC (then the file is the one to rename)."""


def copied_note(rel: str, written: str) -> str:
    """The note of a file the build copies under the name a link writes in ``written`` (NFC or
    NFD) while the disk holds it in the other form: the site finds it, a byte-exact view of the
    repository does not."""
    return (
        f"{rel}: copied under the name the link writes ({written}); the file on disk is named "
        "in another Unicode normalisation, which the repository's own view (GitHub's) will "
        "not find"
    )
