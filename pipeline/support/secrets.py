"""Secrets come only from the environment and never reach output: everything printed,
logged or written by an error path goes through :func:`redact`.

A hostile or careless server may echo a key back in any spelling: as sent, percent-encoded
(either case of hex, ``+`` for space), HTML-escaped, JSON- or Python-escaped (a ``repr``),
in base64 (an ``Authorization: Basic`` header), or several of these at once. :func:`redact`
replaces the spellings it can name, then decodes what is left, word by word, and withholds
any word that still decodes to a secret.
"""

from __future__ import annotations

import base64
import binascii
import functools
import html
import json
import os
import re
from collections.abc import Callable, Iterator
from urllib.parse import parse_qsl, quote, quote_plus, unquote, unquote_plus, urlsplit

from pipeline.errors import ConfigError, Problem

SECRET_ENV_VARS = (
    "BUTTONDOWN_API_KEY",
    "LISTMONK_TOKEN",
    "LISTMONK_USER",
    "SMTP_PASSWORD",
    "NEWSLETTER_UNSUBSCRIBE_SECRET",
    "GITHUB_TOKEN",
    "DISCORD_WEBHOOK_URL",
    "DISCORD_BOT_TOKEN",
    "MASTODON_TOKEN",
    "BLUESKY_APP_PASSWORD",
    "GHOST_ADMIN_KEY",
)
_SECRET_NAME = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD|PASS|WEBHOOK_URL)$")
_URL_SECRET = re.compile(r"WEBHOOK_URL$")
"""Variables holding a URL with a secret inside (a Discord webhook's token is in its path):
each long path segment and query value is a secret on its own, so a message that shows only
the path (``POST /api/webhooks/1/abc…``) still hides it."""
URL_PART_MIN = 16
_NOT_IN_A_KEY = re.compile(r"[\s\x00-\x1f\x7f]")
_NEVER_SENT = frozenset({"NEWSLETTER_UNSUBSCRIBE_SECRET"})
"""Secrets used only here, as the bytes of a key (UTF-8): any text will do."""
MIN_LENGTH = 4
"""Shorter values cannot be redacted (they would blank ordinary words): :func:`secret` refuses
them in a variable named as a secret, so none is ever used."""


def secret(name: str) -> str:
    """Read a secret from the environment ('' when unset).

    Whitespace around it (the newline ``echo`` or a copied secret leaves) is dropped; one
    with whitespace or control characters inside, one outside ASCII (every service takes
    its keys in ASCII), or one of 1 to 3 characters in a variable named as a secret (too
    short to redact) is a configuration error naming the variable, never showing the value.
    """
    value = os.environ.get(name, "").strip()
    if _NOT_IN_A_KEY.search(value):
        problem = "contains whitespace or control characters; set it to the key alone"
    elif not value.isascii() and name not in _NEVER_SENT:
        # a header, a URL or an SMTP login carries it as ASCII: the encoder's error (exit 1)
        # named a character of the secret and its place
        problem = "holds characters outside ASCII; no service's key, token or password does"
    elif 0 < len(value) < MIN_LENGTH and _SECRET_NAME.search(name):
        # no service issues a key this short, and one this short could not be kept out of
        # messages without blanking ordinary words: refused, so none is ever sent or shown
        problem = f"shorter than {MIN_LENGTH} characters; set it to the whole secret"
    else:
        return value
    raise ConfigError([Problem("environment", 1, name, problem)])


_RUNTIME: set[str] = set()
"""Secrets a service handed us during this run (a Bluesky session token): never in the
environment, redacted all the same."""


def register(value: str) -> None:
    """Treat ``value`` as a secret for the rest of the process (see :func:`redact`)."""
    if len(value) >= MIN_LENGTH:
        _RUNTIME.add(value)


def _url_parts(url: str) -> set[str]:
    """The parts of a secret URL that are secrets by themselves."""
    try:
        split = urlsplit(url.strip())
    except ValueError:  # not a URL after all (``x://[`` is an invalid IPv6 host)
        return set()
    parts = {p for p in split.path.split("/") if len(p) >= URL_PART_MIN}
    parts |= {v for _, v in parse_qsl(split.query) if len(v) >= URL_PART_MIN}
    if split.password:
        parts.add(split.password)
    return parts


_NOT_SECRET = re.compile(r"ASKPASS$")
"""Named like a secret, but a program's path (``GIT_ASKPASS``, ``SSH_ASKPASS``, set by
editors' terminals and desktops): its parts are words of every path."""


def _secret_values() -> list[str]:
    names = set(SECRET_ENV_VARS) | {
        k for k in os.environ if _SECRET_NAME.search(k) and not _NOT_SECRET.search(k)
    }
    raw = {os.environ.get(n, "") for n in names}
    for name in names:
        value = os.environ.get(name, "")
        # a URL is cut into parts by messages (a path shown alone): whatever the variable's
        # name, a secret that is a URL is a secret by its parts too
        if value and (_URL_SECRET.search(name) or "://" in value):
            raw |= _url_parts(value)
    values = raw | {v.strip() for v in raw} | _RUNTIME
    return sorted((v for v in values if len(v) >= MIN_LENGTH), key=len, reverse=True)


def _percent_lower(text: str) -> str:
    return re.sub(r"%[0-9A-F]{2}", lambda m: m.group().lower(), text)


def _spellings(value: str) -> set[str]:
    """How a server may echo a secret back, spelled out (the fast path of :func:`redact`)."""
    b64 = base64.b64encode(value.encode()).decode()
    b64url = base64.urlsafe_b64encode(value.encode()).decode()
    percent = quote(value, safe="")
    plus = quote_plus(value, safe="")
    return {
        value,
        percent,
        _percent_lower(percent),
        quote(value),
        plus,
        _percent_lower(plus),
        html.escape(value),
        html.escape(value, quote=False),
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
        repr(value)[1:-1],
        b64,
        b64.rstrip("="),
        b64url,
        b64url.rstrip("="),
        value.encode().hex(),  # a reply that shows what it got as hex
        value.encode().hex().upper(),
    }


@functools.lru_cache(maxsize=16)
def _all_spellings(values: tuple[str, ...], pairs: frozenset[str]) -> list[str]:
    """Every spelling of every secret, longest first (worked out once per set of secrets:
    the link checker redacts each URL's reason)."""
    found = {s for v in values for s in _spellings(v) if len(s) >= MIN_LENGTH} | pairs
    return sorted(found, key=len, reverse=True)


def _basic_pairs() -> set[str]:
    user, token = os.environ.get("LISTMONK_USER", ""), os.environ.get("LISTMONK_TOKEN", "")
    pair = f"{user.strip()}:{token.strip()}".encode()
    return {base64.b64encode(pair).decode()} if user and token else set()


_WORD = re.compile(r"\S+")
_BACKSLASH = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.S)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "b": "\b", "f": "\f"}
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/_-]{8,}")


def _unbackslash(text: str) -> str:
    """JSON and Python string escapes (``\\"``, ``\\\\``, ``\\x2f``, ``\\u002f``) undone."""

    def one(m: re.Match[str]) -> str:
        s = m.group(1)
        if s[0] in "xuU" and len(s) > 1:
            code = int(s[1:], 16)
            return chr(code) if code <= 0x10FFFF else ""
        return _ESCAPES.get(s, s)

    return _BACKSLASH.sub(one, text)


def _decodings(text: str) -> Iterator[str]:
    if "%" in text or "+" in text:
        yield unquote_plus(text)
        yield unquote(text)
    if "&" in text:
        yield html.unescape(text)
    if "\\" in text:
        yield _unbackslash(text)


def _in_base64(text: str, values: list[str], shortest: int) -> bool:
    """Does a base64 run in ``text`` (either alphabet, any alignment) decode to a secret?"""
    for run in _BASE64_RUN.findall(text):
        if len(run) < shortest:
            continue
        std = run.replace("-", "+").replace("_", "/")
        for start in range(4):
            part = std[start:]
            part = part[: len(part) - 1] if len(part) % 4 == 1 else part
            part += "=" * (-len(part) % 4)
            try:
                raw = base64.b64decode(part, validate=True)
            except (binascii.Error, ValueError):
                continue
            if any(v.encode() in raw for v in values):
                return True
    return False


_UNSEEN = re.compile(r"\x1b\[[0-?]*+[ -/]*+[@-~]|[\s\x00-\x1f\x7f-\x9f]+")
"""What a terminal or a log shows as nothing: line breaks, control characters (the NULs of
UTF-16 read as Latin-1) and colour codes. A secret holds none of them."""


def _hides_a_secret(word: str, values: list[str], shortest_b64: int) -> bool:
    forms = {word}
    for _ in range(3):  # nested spellings: JSON inside HTML inside a query string
        new = {d for f in forms for d in _decodings(f)} - forms
        if not new:
            break
        forms |= new
    # what splits a secret yet shows nothing (a line break escaped in a reply's repr, a NUL
    # after each character, a colour code) is taken out before it is looked for
    forms |= {_UNSEEN.sub("", f) for f in forms if _UNSEEN.search(f)}
    return any(v in f for f in forms for v in values) or any(
        _in_base64(f, values, shortest_b64) for f in forms
    )


_PIECES = re.compile(r"(\s+)")
_WRAPPED = re.compile(r"(?<!\S)\S++(?:[^\S\r\n]*+[\r\n]\s*+\S++)++")
"""Words joined by line breaks (each starts where a word does: no match is tried inside a
word, so the scan stays linear)."""
_SPAN = 8
"""Most lines one secret is looked for across (a 300-character key in base64, 76 a line)."""


def _across_lines(text: str, hides: Callable[[str], bool]) -> str:
    """Withhold the words that spell a secret only when joined across line breaks (a body
    or a reply that wrapped it): each run of words joined by line breaks is tested whole,
    and only when it hides a secret, window by window, so no other word is withheld."""

    def withheld(m: re.Match[str]) -> str:
        pieces = _PIECES.split(m.group())  # words at even indices, the breaks between them
        words = pieces[::2]
        if not hides("".join(words)):
            return m.group()
        for a in range(len(words)):
            for b in range(a + 1, min(len(words), a + _SPAN)):
                if hides("".join(words[a : b + 1])):
                    # the shortest window: one the next word starts as well is left to it
                    if not hides("".join(words[a + 1 : b + 1])):
                        pieces[2 * a : 2 * b + 1 : 2] = ["***"] * (b - a + 1)
                    break
        return "".join(pieces)

    return _WRAPPED.sub(withheld, text)


FRAGMENT = 10
"""A run this long of a secret's characters, in its order, is withheld wherever it stands: a
server that answers in a shape the client misreads (a reply cut in two, one line read as the
next reply) shows part of a key, never the whole."""


def _cut_spellings(value: str) -> list[str]:
    """``value`` as written, in hex (either case), and in base64 at each of its three
    alignments (SMTP's AUTH PLAIN encodes ``\0user\0password``: the password at an offset),
    the characters that depend on what comes before it left out."""
    raw = value.encode()
    found = [value, raw.hex(), raw.hex().upper()]
    for pad in range(3):
        coded = base64.b64encode(b"\0" * pad + raw).decode().rstrip("=")
        found.append(coded[4 if pad else 0 :])
    return found


FRAGMENT_VARIETY = 5
"""Characters a fragment holds at least: ``0000000000`` of a key of zeros is a word of any id,
and a key's random part has 8 or more in any 10."""
_WORDLIKE = re.compile(r"[a-z@./_-]*|[0-9]*")
"""A fragment of lower-case letters, ``@`` and path punctuation only, or of digits only, is a
word, an address's or a path's part, or a number (``newsletter`` of a user name,
``r@example.`` of an address, ``/resources`` of a path, the digits of a webhook's id), not a
key's: never withheld on its own."""


def _keylike(gram: str) -> bool:
    return len(set(gram)) >= FRAGMENT_VARIETY and not _WORDLIKE.fullmatch(gram)


@functools.lru_cache(maxsize=16)
def _fragment_finder(values: tuple[str, ...]) -> tuple[re.Pattern[str], dict[str, bool]] | None:
    """A regex of the runs of the secrets' characters long enough to hold a fragment, and
    every fragment: each :data:`FRAGMENT` characters of a secret longer than that, or of its
    hex or base64 spelling, with whether it looks like a key's (:func:`_keylike`). A URL is
    left to its
    parts (``https://discord.com/api/webhooks/…`` begins every such URL; its token is a
    secret of its own)."""
    long = [v for v in values if len(v) > FRAGMENT and "://" not in v]
    # as written, and as a server that cuts its echo of a hex or base64 spelling shows it
    spelled = [s for v in long for s in _cut_spellings(v)]
    grams = {v[i : i + FRAGMENT]: False for v in spelled for i in range(len(v) - FRAGMENT + 1)}
    for gram in grams:
        grams[gram] = _keylike(gram)
    if not any(grams.values()):
        return None
    chars = "".join(sorted({c for v in spelled for c in v}))
    return re.compile(f"[{re.escape(chars)}]{{{FRAGMENT},}}"), grams


def _without_fragments(text: str, values: tuple[str, ...]) -> str:
    """Each stretch of ``text`` that fragments of a secret cover (see :data:`FRAGMENT`) as
    ``***``, the rest of its run of characters kept (a run may reach over a URL's ``/`` and
    ``:`` into the text around); a run is read once, window by window: linear."""
    finder = _fragment_finder(values)
    if finder is None:
        return text
    runs, grams = finder

    def withheld(m: re.Match[str]) -> str:
        run = m.group()
        # the stretches fragments cover, each [start, end, holds a key-like one]: withheld
        # whole when it holds one ("Zx9-webhook-to": its "-webhook-to" is words)
        spans: list[list[int]] = []
        for i in range(len(run) - FRAGMENT + 1):
            keylike = grams.get(run[i : i + FRAGMENT])
            if keylike is None:
                continue
            if spans and i <= spans[-1][1]:
                spans[-1][1] = i + FRAGMENT
                spans[-1][2] |= keylike
            else:
                spans.append([i, i + FRAGMENT, keylike])
        pieces, at = [], 0
        for start, end, secret in spans:
            if secret:
                pieces += [run[at:start], "***"]
                at = end
        return "".join(pieces) + run[at:] if pieces else run

    return runs.sub(withheld, text)


def redact(text: str, limit: int | None = None) -> str:
    """Replace every secret value from the environment found in ``text`` with ``***``, in any
    spelling a server may echo; then, with ``limit``, cut to that many characters, so a cut
    never leaves the start of a secret behind (the cut comes after the redaction, and a tail
    that begins a secret is dropped too)."""
    return _redact(text, _secret_values(), frozenset(_basic_pairs()), limit)


def redactor() -> Callable[[str], str]:
    """:func:`redact`, with the secrets of this moment worked out once: for the many short
    texts of one run (the link checker's reason for each URL)."""
    values, pairs = _secret_values(), frozenset(_basic_pairs())
    return lambda text: _redact(text, values, pairs, None)


_URL_PASSWORD = re.compile(r"(://[^/\s?#@:]*+:)[^/\s?#@]++@")
"""The password of a URL's ``user:password@`` (possessive: a run is read once)."""
_QUERY_VALUE = re.compile(
    r"([?&;]([A-Za-z0-9_.-]++)=)((?:[^&#;\s\"'<>:,)]|[:,)](?=[^&#;\s\"'<>:,)]))++)"
)
"""A URL's query parameter (possessive: a run is read once); a ``:``, ``,`` or ``)`` ends
the value where the text goes on (``…?token=x: 2 failures``), a ``;`` always."""
_SECRET_NAMES = re.compile(
    r"(?:^|[_.-])(?:api)?(?:key|token|secret|password|passwd|pass|pwd|auth|authorization|"
    r"signature|sig|credential|credentials|session|sid)$|apikey$|accesstoken$",
    re.IGNORECASE,
)
"""A parameter named as a secret: ``key``, ``api_key``, ``access-token``, ``X-Amz-Signature``."""


def in_urls(text: str) -> str:
    """``text`` with the passwords of URLs (``user:***@``) and the values of their query
    parameters named as secrets (``?key=***``, ``&access_token=***``) withheld: a URL given
    on the command line is a secret of no environment variable, and a feed behind a login is
    named by one."""
    if "://" in text and "@" in text:
        text = _URL_PASSWORD.sub(r"\1***@", text)
    if "=" in text:
        text = _QUERY_VALUE.sub(
            lambda m: m.group(1) + "***" if _SECRET_NAMES.search(m.group(2)) else m.group(), text
        )
    return text


def _redact(text: str, values: list[str], pairs: frozenset[str], limit: int | None) -> str:
    text = in_urls(text)
    if not values:
        return text if limit is None or len(text) <= limit else text[:limit] + "…"
    spellings = _all_spellings(tuple(values), pairs)
    for spelling in spellings:
        if spelling in text:
            text = text.replace(spelling, "***")
    # what no spelling above names (double encodings, base64 at another offset): a secret
    # holds no whitespace, so it lies within one word; a word that decodes to one is withheld
    shortest_b64 = min(len(v) for v in values) * 4 // 3
    encoded = re.compile(rf"[%&\\+\x00-\x1f\x7f-\x9f]|[A-Za-z0-9+/_-]{{{shortest_b64},}}")

    def withheld(m: re.Match[str]) -> str:
        word = m.group()
        if encoded.search(word) and _hides_a_secret(word, values, shortest_b64):
            return "***"
        return word

    text = _WORD.sub(withheld, text)

    def hides(joined: str) -> bool:
        return any(s in joined for s in spellings) or (
            encoded.search(joined) is not None and _hides_a_secret(joined, values, shortest_b64)
        )

    if "\n" in text or "\r" in text:
        text = _across_lines(text, hides)
    text = _without_fragments(text, tuple(values))
    if limit is None or len(text) <= limit:
        return text
    text = text[:limit]
    for spelling in spellings:
        for n in range(min(len(spelling), len(text)), 3, -1):
            if text.endswith(spelling[:n]):
                text = text[:-n]
                break
    return text + "…"
