"""What ``publish.toml``'s values may be beyond their types (TOML written as front matter too,
for the depth).

**No control characters.** TOML lets a string say ``"\\u0000"``; a file name with it is refused
by the operating system (Python raises ValueError), and XML 1.0 allows none of U+0000–U+001F
but tab, line feed and carriage return, so no feed could carry it. Refused where the file is
read, naming the key.

**No nan or inf.** TOML has them; no setting means them (``timeout = nan`` timed every link
out "after nan s", ``timeout = inf`` reported every link broken with an OverflowError), and
``nan`` passes every ``< least`` check. Refused where the file is read, naming the key.

**At most** :data:`MAX_DEPTH` **levels deep.** tomllib is slow on depth and not bounded by it:
it recurses once per nested array or inline table (some 460 levels raise RecursionError) and
reads a dotted key (``a.a.a... = 1``) or a table header (``[a.a.a...]``) in time quadratic in its
parts (20,000 parts: 10 s, 40,000: 60 s). :func:`deep_line` finds the first line nested too
deep in one pass over the text, so such a file is refused before tomllib sees it. Levels: the
root table is one; each table, array of tables, array and inline table adds one (so ``[[a]]``
adds two, the list and its table).

**Each output named once.** ``[feeds] sections`` and ``tags`` name outputs: each entry is a
folder of feeds (``essays/rss.xml``, ``tags/x/rss.xml``) written by its own job. An entry
given twice made two jobs write the same files at once (one moved the other's temporary file
away: a build left half-written), and an empty section wrote the site's own feeds a second
time; both are refused, naming the entry.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pipeline.support.paths import iri_to_uri

if TYPE_CHECKING:
    from pipeline.config import FeedsConfig

_ALLOWED = frozenset("\t\n\r")
_CONTROL = frozenset(chr(n) for n in range(0x20)) - _ALLOWED


def control_problems(data: object, add: Callable[[str, str], None], where: str = "") -> None:
    """``add(where, message)`` for each key or string value of ``data`` (the parsed TOML)
    holding a control character, in the order they are written; ``where`` is the dotted path
    (``theme.logo``, ``announce[1].channel``). A loop, not recursion: any depth is walked."""
    todo: list[tuple[object, str, str | None]] = [(data, where, None)]
    """(value, its path, the problem with the key naming it, said before its value's)"""
    while todo:
        value, path, key_problem = todo.pop()
        if key_problem is not None:
            add(path, key_problem)
        inner: list[tuple[object, str, str | None]] = []
        if isinstance(value, dict):
            for key, child in value.items():
                shown = "".join(f"\\u{ord(c):04x}" if c in _CONTROL else c for c in str(key))
                child_path = f"{path}.{shown}" if path else shown  # never the character itself
                problem = _message(str(key), "key") if shown != str(key) else None
                inner.append((child, child_path, problem))
        elif isinstance(value, list):
            for n, child in enumerate(value):
                inner.append((child, f"{path}[{n}]" if isinstance(child, dict) else path, None))
        elif isinstance(value, str) and _CONTROL.intersection(value):
            add(path, _message(value, "value"))
        elif isinstance(value, float) and not math.isfinite(value):
            add(path, f"expected a finite number, got {value}")
        todo.extend(reversed(inner))


def _message(text: str, what: str) -> str:
    found = min(_CONTROL.intersection(text))
    return f"the {what} holds the control character U+{ord(found):04X}; write it without"


MAX_DEPTH = 100
"""Levels of tables, arrays and inline tables TOML may nest (the root table is one), as YAML
front matter may (:mod:`pipeline.load.frontmatter` reads this one)."""

_PLAIN = re.compile(r"[^\n#\"'\[\]{},=]+")
"""A run of text that opens, closes and separates nothing (values, blanks): skipped at once."""
_BARE = re.compile(r"[A-Za-z0-9_-]+")
"""A bare key, or a part of a dotted one."""
_ARRAY = "\x00"
"""The mark of a name that is an array of tables (no key holds a raw control character)."""

_Trie = dict[str, "_Trie"]
"""Table names by part; a name that is an array of tables holds :data:`_ARRAY`."""


def deep_line(text: str, limit: int) -> int | None:
    """The 1-based line of ``text`` where TOML first nests more than ``limit`` levels deep,
    else None: one pass that knows comments, strings, table headers (arrays of tables
    included), dotted keys, arrays and inline tables. Linear in the text."""
    if sum(text.count(c) for c in ".[{") < limit:  # each level opens with one of them
        return None
    return _DepthScan(text, limit).run()


class _DepthScan:
    """The state of :func:`deep_line`'s one pass over the text."""

    def __init__(self, text: str, limit: int) -> None:
        self.text, self.limit = text, limit
        self.pos, self.line = 0, 1
        self.table = 1
        """Depth of the table the last header opened (the root table: 1)."""
        self.open: list[tuple[int, bool]] = []
        """(depth, is an inline table) of each array or inline table still open."""
        self.base = 1
        """Depth of the container a value met now goes into."""
        self.arrays: _Trie = {}
        """The names of the arrays of tables met so far (``[[a.b]]``)."""

    def run(self) -> int | None:
        text, size = self.text, len(self.text)
        at_key = True
        while self.pos < size:
            c = text[self.pos]
            if c == "\n":
                self.line += 1
                self.pos += 1
                at_key = at_key or not self.open
            elif c in " \t\r":
                self.pos += 1
            elif c == "#":
                end = text.find("\n", self.pos)
                self.pos = size if end < 0 else end
            elif at_key and c == "[" and not self.open:
                if self._header():
                    return self.line
            elif at_key and c not in ",]}":
                if self._key():
                    return self.line
                at_key = False
            elif c in "[{":
                depth = self.base + 1
                if depth > self.limit:
                    return self.line
                self.open.append((depth, c == "{"))
                self.base, at_key = depth, c == "{"
                self.pos += 1
            elif c in "]}":
                if self.open:
                    self.open.pop()
                self.base = self.open[-1][0] if self.open else self.table
                self.pos, at_key = self.pos + 1, False
            elif c == ",":
                at_key = bool(self.open) and self.open[-1][1]
                self.base = self.open[-1][0] if self.open else self.table
                self.pos += 1
            elif c in "\"'":
                self._string()
            else:
                plain = _PLAIN.match(text, self.pos)
                self.pos = plain.end() if plain else self.pos + 1
        return None

    def _header(self) -> bool:
        """Read ``[a.b]`` or ``[[a.b]]``; True when the table is too deep."""
        text = self.text
        double = text.startswith("[[", self.pos)
        self.pos += 2 if double else 1
        parts = self._parts("]")
        depth, node = 1, self.arrays
        for n, part in enumerate(parts):
            depth += 1  # the table
            node = node.setdefault(part, {})
            if _ARRAY in node and n < len(parts) - 1:  # an array of tables above: its list too
                depth += 1
            if depth > self.limit:
                return True
        if double:
            node[_ARRAY] = {}
            depth += 1
        self.table = self.base = depth
        end = text.find("\n", self.pos)
        self.pos = len(text) if end < 0 else end
        return depth > self.limit

    def _key(self) -> bool:
        """Read a key up to its ``=``; True when the value's container is too deep."""
        container = self.open[-1][0] if self.open else self.table
        self.base = container + len(self._parts("=")) - 1
        self.pos += self.text.startswith("=", self.pos)
        return self.base > self.limit

    def _parts(self, stop: str) -> list[str]:
        """The parts of the dotted key before ``stop`` on this line (at most one more than
        the limit: a longer key is too deep whatever its parts say)."""
        text = self.text
        parts: list[str] = []
        while len(parts) <= self.limit:
            self._blanks()
            if text.startswith(('"', "'"), self.pos):
                start = self.pos
                self._string()
                part = text[start + 1 : self.pos - 1]
            else:
                bare = _BARE.match(text, self.pos)
                part = bare.group() if bare else ""
                self.pos = bare.end() if bare else self.pos
            self._blanks()
            parts.append(part)
            if not text.startswith(".", self.pos):
                break
            self.pos += 1
        while self.pos < len(text) and text[self.pos] not in stop + "\n":
            if text[self.pos] in "\"'":
                self._string()
            else:
                self.pos += 1
        return parts

    def _blanks(self) -> None:
        while self.text.startswith((" ", "\t"), self.pos):
            self.pos += 1

    def _string(self) -> None:
        """Skip the string that starts here (counting the lines of a multi-line one)."""
        text, quote = self.text, self.text[self.pos]
        if text.startswith(quote * 3, self.pos):
            self.pos += 3
            while self.pos < len(text) and not text.startswith(quote * 3, self.pos):
                escaped = quote == '"' and text[self.pos] == "\\"
                self.pos += escaped  # a backslash escapes the next character, maybe a line end
                self.line += text.startswith("\n", self.pos)
                self.pos += 1
            self.pos += 3
            while self.pos < len(text) and text[self.pos] == quote:  # """a"""" ends in a quote
                self.pos += 1
            return
        self.pos += 1
        while self.pos < len(text) and text[self.pos] not in quote + "\n":
            escaped = quote == '"' and text.startswith("\\", self.pos)
            escaped = escaped and not text.startswith("\n", self.pos + 1)
            self.pos += 2 if escaped else 1
        self.pos += 1 if self.pos < len(text) and text[self.pos] == quote else 0


def deeper_than(value: object, limit: int) -> bool:
    """``value`` (what tomllib returns) holds tables or arrays more than ``limit`` deep: a
    loop, not recursion, so any depth is measured."""
    todo: list[tuple[object, int]] = [(value, 1)]
    while todo:
        current, depth = todo.pop()
        if isinstance(current, dict):
            children: list[object] = list(current.values())
        elif isinstance(current, list):
            children = current
        else:
            continue
        if depth > limit:
            return True
        todo.extend((child, depth + 1) for child in children)
    return False


def feeds_problems(feeds: FeedsConfig) -> list[tuple[str, str]]:
    """``(key, message)`` for each bad ``[feeds]`` value."""
    out: list[tuple[str, str]] = []
    if feeds.limit < 0:
        out.append(("limit", "expected 0 (no limit) or a positive integer"))
    section = "a section's folder under the content root, like 'essays'"
    for n, name in enumerate(feeds.sections, 1):
        parts = name.replace("\\", "/").split("/")
        if name.strip() and (name.startswith("/") or any(p in ("", ".", "..") for p in parts)):
            out.append(("sections", f"entry {n}: {name!r} is not a folder; expected {section}"))
    out += [("sections", m) for m in _names(feeds.sections, section, "section")]
    out += [("tags", m) for m in _names(feeds.tags, "a tag, or '*' for every tag", "tag")]
    return out


def _names(names: list[str], expected: str, noun: str) -> list[str]:
    """A message for each entry that is empty, or repeats an earlier one."""
    out: list[str] = []
    first: dict[str, int] = {}
    for n, name in enumerate(names, 1):
        if not name.strip():
            out.append(f"entry {n}: an empty name; expected {expected}")
        elif name in first:
            out.append(
                f"entry {n}: {name!r} is listed twice (entry {first[name]} too); "
                f"each {noun} gets one feed"
            )
        first.setdefault(name, n)
    return out


TEXT_KEYS = frozenset(
    {
        "title",
        "description",
        "author",
        "owner_name",
        "copyright",
        "license",
        "funding_text",
        "update_frequency_text",
        "list_name",
        "subject",
        "preheader",
        "footer",
    }
)
"""Settings that are text for people: a URL they mention (``Support us:
https://patreon.com/x``) is part of the text, written as it is."""


def url_values(cfg: Any) -> list[tuple[str, str, str]]:
    """(section, key, value) of every setting of ``cfg`` (a Config) that is a URL: text that
    holds ``://`` or starts ``//``, in a key not of :data:`TEXT_KEYS`."""
    found = []
    for section in dataclasses.fields(cfg):
        group = getattr(cfg, section.name)
        if not dataclasses.is_dataclass(group) or isinstance(group, type):
            continue
        for f in dataclasses.fields(group):
            value = getattr(group, f.name)
            url = isinstance(value, str) and ("://" in value or value.startswith("//"))
            if url and f.name not in TEXT_KEYS:
                found.append((section.name, f.name, value))
    return found


def as_uris(cfg: Any) -> Any:
    """``cfg`` (a Config) with every URL setting (:func:`url_values`) as a URI (``my
    cover.jpg`` -> ``my%20cover.jpg``: feeds carry them); a template (``?email={email}``,
    filled in later) is left as written, and so is a text setting that mentions a URL (its
    spaces were written ``%20`` into the podcast's description)."""
    changed: dict[str, dict[str, str]] = {}
    for section, key, value in url_values(cfg):
        uri = value if "{" in value else iri_to_uri(value)
        if uri != value:
            changed.setdefault(section, {})[key] = uri
    for section, values in changed.items():
        group = getattr(cfg, section)
        cfg = dataclasses.replace(cfg, **{section: dataclasses.replace(group, **values)})
    return cfg
