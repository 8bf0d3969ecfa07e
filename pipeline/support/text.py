"""Text hygiene shared by every output: what a feed reader can safely receive."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable

_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
"""XML-illegal characters, plus C1 controls (readers decode them as cp1252: U+0080 shows €)."""


_C0 = bytes(c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)) + b"\x7f"
_ILLEGAL_UTF8 = re.compile(rb"\xc2[\x80-\x9f]|\xed[\xa0-\xbf]|\xef\xbf[\xbe\xbf]")
"""The rest of ``_ILLEGAL_XML`` in UTF-8 ("surrogatepass" for surrogates): C1 controls,
surrogates, U+FFFE and U+FFFF. Each starts with a lead byte, so a match is one character."""


_SURROGATE = re.compile("[\ud800-\udfff]")


def replace_surrogates(text: str) -> str:
    """``text`` with each lone surrogate (JSON's ``\\ud800`` escapes give them; no encoder
    writes one) as U+FFFD, as browsers show it."""
    return _SURROGATE.sub("\ufffd", text)


def counted(n: int, noun: str) -> str:
    """``"1 warning"``, ``"2 warnings"``: a count and its noun (an English plural in -s)."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def nfc(text: str) -> str:
    """Unicode NFC: a name typed composed and decomposed is one name (paths, tags, anchors)."""
    return unicodedata.normalize("NFC", text)


def clean(text: str, *, compose: bool = True) -> str:
    """NFC text without XML-illegal characters (they make feeds unparseable); with
    ``compose`` False the characters are kept as written (a GUID is compared byte for byte)."""
    if text.isascii() and text.isprintable():
        return text  # ASCII is its own NFC; printable ASCII holds no control character
    text = nfc(text) if compose else text
    if len(text) >= 256 and _is_clean(text):
        return text
    return _ILLEGAL_XML.sub("", text)


def _is_clean(text: str) -> bool:
    """True when ``text`` holds nothing ``_ILLEGAL_XML`` matches. For long text (every item's
    HTML): byte operations run at memory speed, where the regex tests each character against
    its class (a tenth of a millisecond per post)."""
    data = text.encode("utf-8", "surrogatepass")
    if len(data.translate(None, _C0)) != len(data):
        return False
    if b"\xc2" in data or b"\xed" in data or b"\xef\xbf" in data:
        return _ILLEGAL_UTF8.search(data) is None
    return True


def find_all(text: str, needles: tuple[str, ...]) -> list[int]:
    """Where each needle occurs in ``text``, in order (each needle's occurrences do not
    overlap, as ``str.find`` from the end of the last finds them): a scan that needs one of a
    few literals starts only at these, not at every position. Found as :func:`find` finds
    one, the places of a needle's first character looked at :data:`_HOPS` times in all."""
    starts: list[int] = []
    for needle in needles:
        at, hops = _find(text, needle, 0, _hops(needle))
        while at >= 0:
            starts.append(at)
            at, hops = _find(text, needle, at + len(needle), hops)
    starts.sort()
    return starts


_HOPS = 16
"""Places of a needle's first character that start no needle, looked at one by one before
``str.find`` takes over."""


def _hops(needle: str) -> int:
    """How many such places to look at: none for a needle of one character (``str.find`` is
    ``memchr`` then) or one starting with a letter or digit (they are everywhere)."""
    return 0 if len(needle) < 2 or needle[0].isalnum() else _HOPS


def find(text: str, needle: str, start: int = 0) -> int:
    """``text.find(needle, start)``, quicker when the needle's first character is rare (``{``,
    ```` ` ````, ``~``, ``<``): ``str.find`` of one character is ``memchr`` (0.1 µs for 12 KB),
    of several a search that reads every character (10 µs). The first :data:`_HOPS` places of
    that character that start no needle are looked at here; then ``str.find`` takes over
    (linear either way)."""
    return _find(text, needle, start, _hops(needle))[0]


def _find(text: str, needle: str, at: int, hops: int) -> tuple[int, int]:
    """``text.find(needle, at)``, hopping to the needle's first character at most ``hops``
    times where it starts no needle; and the hops left."""
    while hops and (at := text.find(needle[0], at)) >= 0:
        if text.startswith(needle, at):
            return at, hops
        hops -= 1
        at += 1
    return (text.find(needle, at) if at >= 0 else -1), 0


def atx_heading(line: str) -> tuple[int, str] | None:
    """(level, text) of an ATX heading line (``## Join us ##`` → ``(2, "Join us")``), else
    None. String methods, no regex: a lazy text before blanks and closing hashes backtracks
    on a long run of blanks (cubic: 1,000 blanks took seconds)."""
    if "#" not in line[:4]:  # at most three spaces, then '#': most lines end here
        return None
    stripped = line.lstrip(" ")
    if len(line) - len(stripped) > 3:
        return None
    rest = stripped.lstrip("#")
    level = len(stripped) - len(rest)
    if not 1 <= level <= 6 or (rest and rest[0] not in " \t"):
        return None
    return level, rest.strip().rstrip("#").strip()


def sub_tags(
    pattern: re.Pattern[str], repl: str | Callable[[re.Match[str]], str], text: str
) -> str:
    """``pattern.sub(repl, text)`` for a pattern of HTML tags (each match ends with ``>``):
    the text after the last ``>`` is kept as it is, where the regex would read from each
    ``<`` to the end (quadratic in a run of unclosed ``<``)."""
    end = text.rfind(">") + 1
    if text.find("<", end) < 0:  # no match can start after the last ">": nothing to cut
        return pattern.sub(repl, text)
    return pattern.sub(repl, text[:end]) + text[end:]


_TAG = re.compile(r"<(?:/?([A-Za-z][A-Za-z0-9-]*)[^>]*|[^>]*)>")
"""A tag of our HTML, its name in group 1 (a ``<`` in text or in a value is escaped)."""
INLINE_ELEMENTS = frozenset(
    [
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "cite",
        "code",
        "data",
        "del",
        "dfn",
        "em",
        "i",
        "img",
        "ins",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
        "var",
        "wbr",
    ]
)
"""Elements inside a line of text: their tags join the text around them, every other tag
(a paragraph, a list item, a line break) parts it with a space."""


def _gap(m: re.Match[str]) -> str:
    return "" if (m.group(1) or "").lower() in INLINE_ELEMENTS else " "


def plain(html_text: str) -> str:
    """Visible text of an HTML fragment, whitespace collapsed: ``See the <a>docs</a>, then
    <b>stop</b>.`` reads ``See the docs, then stop.``, not ``See the docs , then stop .``."""
    # str.split() parts at the characters regex ``\s`` matches, four times as fast as a sub
    return " ".join(html.unescape(sub_tags(_TAG, _gap, html_text)).split())


def parting_tag_end(html_text: str, start: int) -> int:
    """The end of the first tag at or after ``start`` that parts the text; -1 when none."""
    at = html_text.find("<", start)
    while at >= 0:
        m = _TAG.match(html_text, at)
        if m is None:
            return -1
        if (m.group(1) or "").lower() not in INLINE_ELEMENTS:
            return m.end()
        at = html_text.find("<", m.end())
    return -1


def not_utf8(raw: bytes, exc: UnicodeDecodeError) -> tuple[int, str]:
    """(line, message) for bytes that are not UTF-8, worded as for a content file."""
    before = raw[: exc.start]  # lines end as the load reads them: \r\n, \r or \n
    line = before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1
    return line, (
        f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
        "save the file as UTF-8"
    )
