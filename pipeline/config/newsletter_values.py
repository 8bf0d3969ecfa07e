"""The ``[newsletter]`` values that become mail headers, checked when the configuration loads.

``unsubscribe_url`` and ``unsubscribe_mailto`` go into ``List-Unsubscribe`` (RFC 2369: URLs
in angle brackets; RFC 8058 one-click: an https one), ``from_address`` into ``From`` and the
SMTP envelope, ``list_address`` into ``To``. A value that is not what its header needs was
written into it as it was (``<example.org/unsub>``, no URL at all), or made Python's email
package raise when the message was built (U+0085 and U+2028 end a line for it: exit 1 and
"unexpected error" for a mistake in publish.toml), or sent its parser into a recursion per
``(``. Each is refused here instead, naming the key.

Every check is a pass over the characters: no regex, nothing that can backtrack. An
``(``-free address is the only text handed to :func:`email.utils.getaddresses`, which
recurses once per nested comment. ASCII control characters (CR LF: a header injection) are
left to the loader's own check, so a value is reported once.
"""

from __future__ import annotations

import unicodedata
from email.utils import getaddresses
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from pipeline.config import NewsletterConfig

URL = "an absolute http(s) URL with a host and no spaces, e.g. https://example.org/u?t={token}"
BARE = "one email address (local@domain), or mailto: and one"
ADDRESS = "one email address (local@domain), a name before it allowed: Name <local@domain>"

_SPECIALS = frozenset('<>,;:"()[]\\@')
"""Characters a bare address does not hold (its one ``@`` apart): they quote, comment,
separate or enclose addresses."""
_BREAKS = frozenset(("Cc", "Cf", "Zl", "Zp"))
"""Unicode categories of controls, invisible format characters and line separators."""


def newsletter_problems(news: NewsletterConfig) -> list[tuple[str, str]]:
    """``(key, message)`` for each header setting of ``[newsletter]`` that is wrong."""
    out: list[tuple[str, str]] = []
    checks = (
        ("unsubscribe_url", news.unsubscribe_url, _url, URL),
        ("unsubscribe_mailto", news.unsubscribe_mailto, _mailto, BARE),
        ("from_address", news.from_address, _address, ADDRESS),
        ("list_address", news.list_address, _address, ADDRESS),
    )
    for key, value, good, expected in checks:
        if key != "from_address" and not value:
            continue  # not set: no such header (From always has one)
        if any(c < " " or c == "\x7f" for c in value):
            continue  # the loader says "contains a line break or control character"
        if not good(value):
            out.append((key, f"expected {expected}, got {value!r}"))
    return out


def _plain(text: str, *, spaces: bool = False) -> bool:
    """``text`` holds no control, format or line-separating character, and no white space
    but (with ``spaces``) the ASCII space."""
    return not any(
        (c.isspace() and not (spaces and c == " ")) or unicodedata.category(c) in _BREAKS
        for c in text
    )


def _url(value: str) -> bool:
    """An absolute http(s) URL with a host; ``{email}`` and ``{token}`` may stand anywhere."""
    if not _plain(value) or "<" in value or ">" in value:
        return False  # an angle bracket would close List-Unsubscribe's <...> early
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        return True  # not a URL at all: said once already, by the loader's URL check
    return parts.scheme in ("http", "https") and bool(host)


def _bare(address: str) -> bool:
    """``local@domain``: one ``@`` with something on both sides, no special characters."""
    local, at, domain = address.partition("@")
    return (
        bool(local and at and domain)
        and not any(c in _SPECIALS for c in local + domain)
        and _plain(address)
    )


def _mailto(value: str) -> bool:
    """A bare address, or ``mailto:`` one (a ``?subject=...`` after it allowed), as
    ``compose.list_headers`` takes both."""
    if not value.startswith("mailto:"):
        return _bare(value)
    address, _, query = value.removeprefix("mailto:").partition("?")
    return _bare(address) and _plain(query) and "<" not in query and ">" not in query


def _address(value: str) -> bool:
    """``local@domain`` or ``Name <local@domain>``, the one address that
    :func:`email.utils.getaddresses` reads back from it."""
    text = value.strip()
    if not _plain(text, spaces=True) or "(" in text or ")" in text:
        return False  # comments: a legacy form, and the parser's recursion
    if _bare(text):
        address = text
    elif text.endswith(">") and "<" in text:
        address = text[:-1].rpartition("<")[2]
        if not _bare(address):
            return False
    else:
        return False
    found = getaddresses([text])
    return len(found) == 1 and found[0][1] == address
