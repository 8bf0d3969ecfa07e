"""The text of ``publish.toml`` and its TOML, read within bounds, and the line of each
problem with it: a syntax error's, and a key's (tomllib gives no positions). ``+++`` front
matter is read through :func:`load_toml` too.

:mod:`tomllib` nests tables as deep as the text says (a RecursionError some 460 arrays deep,
dotted keys of any depth that every later walk then recurses through, in time quadratic in
their parts: :func:`~pipeline.config.values.deep_line`); it refuses an integer of more than
4,300 digits with a bare ValueError; and it gives an error's position in its own words ("at
end of document"). Here nothing may nest deeper than
:data:`~pipeline.config.values.MAX_DEPTH` levels, as YAML front matter may not, and every
problem is a :class:`TomlError` with its line.
"""

from __future__ import annotations

import contextlib
import functools
import re
import sys
import tomllib
from pathlib import Path
from typing import Any

from pipeline.config.values import MAX_DEPTH, deep_line, deeper_than
from pipeline.errors import Problem

_POSITION = re.compile(r" \((?:at line (\d+), column (\d+)|at end of document)\)$")


class TomlError(ValueError):
    """A problem with TOML text, at a 1-based line of that text."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def load_toml(text: str, first_line: int = 1) -> dict[str, Any]:
    """The table ``text`` holds, or a :class:`TomlError` naming the line (``text`` starts at
    ``first_line`` of its file): a syntax error (tomllib's words, its position given as the
    line and a column), nesting deeper than :data:`MAX_DEPTH`, or an integer too long to
    read."""
    shift = first_line - 1
    shallow = sum(text.count(c) for c in ".[{") < MAX_DEPTH  # each level opens with one
    if not shallow and deep_line(text, MAX_DEPTH) is not None:  # before tomllib: slow on depth
        raise _too_deep(text, shift)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, message = _syntax_error(text, str(exc), shift)
        raise TomlError(line + shift, f"syntax error: {message}") from None
    except RecursionError:  # arrays or inline tables some 460 deep: tomllib recurses
        raise _too_deep(text, shift) from None
    except ValueError:  # the only other ValueError tomllib lets out: int() of a long number
        raise _long_number(text, shift) from None
    if not shallow and deeper_than(data, MAX_DEPTH):  # the text's depth, measured: never differs
        raise _too_deep(text, shift)
    return data


_TABLE_TWICE = re.compile(r"Cannot declare \((.*)\) twice")


def _syntax_error(text: str, message: str, shift: int) -> tuple[int, str]:
    """(line, message) of a TOMLDecodeError: tomllib's position becomes the line and a
    column ("at end of document": the last line that is not blank); a key or a table given
    twice is named, with the line that gave it first."""
    m = _POSITION.search(message)
    if m is None:
        return 1, message
    lines = text.split("\n")
    if m.group(1) is None:
        line, where = len(text.rstrip().split("\n")), ""
    else:
        line, where = int(m.group(1)), f" (column {m.group(2)})"
    message = message[: m.start()]
    if message == "Cannot overwrite a value":
        key = _key_on(lines[line - 1]) if line <= len(lines) else None
        if key is not None:
            first = _set_before(lines, line, key)
            said = f" (first set on line {first + shift})" if first else ""
            return line, f"{key!r} is set twice{said}; a key may be set once"
    table = _TABLE_TWICE.fullmatch(message)
    if table is not None:
        name = ".".join(re.findall(r"'((?:[^'\\]|\\.)*)'", table.group(1)))
        return line, f"the table [{name}] is declared twice; declare each table once"
    return line, message + where


_KEY = re.compile(r"[ \t]*+([A-Za-z0-9_.\- \t\"']++)=")
"""``key =`` at a line's start; possessive, so a line of blanks without ``=`` is read once
(greedy runs gave back a blank at a time: quadratic in a long string's blank lines)."""


def _key_on(line: str) -> str | None:
    """The (bare or dotted) key a ``key = value`` line sets, else None."""
    m = _KEY.match(line)
    return None if m is None else ".".join(p.strip(" \t") for p in m.group(1).split("."))


def _set_before(lines: list[str], line: int, key: str) -> int | None:
    """The line above ``line``, in the same table, where ``key`` is set, else None."""
    for n in range(line - 1, 0, -1):
        if lines[n - 1].lstrip().startswith("["):
            return None
        if _key_on(lines[n - 1]) == key:
            return n
    return None


def _too_deep(text: str, shift: int) -> TomlError:
    return TomlError(
        (deep_line(text, MAX_DEPTH) or 1) + shift,
        f"nested more than {MAX_DEPTH} levels deep (tables, dotted keys, arrays and "
        f"inline tables count); expected at most {MAX_DEPTH}",
    )


def _long_number(text: str, shift: int) -> TomlError:
    limit = sys.get_int_max_str_digits()
    message = f"number with more than {limit} digits; expected at most {limit}"
    for n, line in enumerate(text.split("\n"), 1):
        if any(len(run) > limit for run in re.findall(r"[0-9_]+", line)):
            return TomlError(n + shift, message)
    return TomlError(1 + shift, message)


def config_text(raw: bytes) -> str:
    """The text of ``publish.toml``: UTF-8, read as content files are (a byte order mark at
    the start is left out, as editors on Windows write one). UnicodeDecodeError when it is
    not UTF-8 (:func:`pipeline.support.text.not_utf8` says where)."""
    return raw.decode("utf-8").removeprefix("\ufeff")


def key_line(text: str, section: str, key: str) -> int:
    """Best-effort line of ``key`` under ``[section]`` (tomllib gives no positions);
    ``name[2]`` is the third ``[[name]]`` table of an array; ``key`` empty: the table's
    header. 1 when not found. The text is read once (:func:`_index`), however many keys are
    looked up: a problem per key of a long file once read the file again for each."""
    indexed = re.fullmatch(r"(.+)\[(\d+)\]", section)
    section, wanted = (indexed.group(1), int(indexed.group(2))) if indexed else (section, 0)
    headers, keys = _index(text)
    found = headers.get(section, [])
    if not key:
        return found[wanted] if wanted < len(found) else 1
    line = keys.get((section, wanted, key))
    if line is not None:
        return line
    table = headers.get(f"{section}.{key}")  # the key written as a table of its own
    if table:
        return table[0]
    return found[-1] if indexed and len(found) > wanted else 1


_Index = tuple[dict[str, list[int]], dict[tuple[str, int, str], int]]
"""(table name -> the line of each of its headers, (table, which of its headers, key) -> the
line of its first ``key = ...``)."""


@functools.lru_cache(maxsize=8)
def _index(text: str) -> _Index:
    headers: dict[str, list[int]] = {}
    keys: dict[tuple[str, int, str], int] = {}
    current, seen = "", -1  # before any header: no table a section name asks for
    for n, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        name = _table_header(s)
        if name is not None:
            lines = headers.setdefault(name, [])
            lines.append(n)
            current, seen = name, len(lines) - 1
            continue
        equals = s.find("=")
        if equals > 0:
            key = s[:equals].rstrip()
            key = key[1:] if key.startswith('"') else key
            key = key[:-1] if key.endswith('"') else key
            keys.setdefault((current, seen, key), n)
    return headers, keys


def _table_header(line: str) -> str | None:
    """The name in a table header line (``[podcast]``, ``[[ channels ]]``), else None. String
    methods: a lazy name before blanks and a bracket backtracks on a long unclosed header
    (quadratic in the line)."""
    if not line.startswith("["):
        return None
    inner = line.lstrip("[")
    end = inner.find("]")
    name = inner[:end].strip() if end > 0 else ""
    return name or None


def setting_problem(path: Path | None, section: str, key: str, message: str) -> Problem:
    """A problem with the setting ``[section] key`` of the configuration file at ``path``
    (the file a command read; ``publish.toml`` when there was none), at the key's line, the
    file named from the working folder when it is inside it."""
    shown, line = Path("publish.toml"), 1
    if path is not None:
        shown = path
        with contextlib.suppress(OSError, UnicodeDecodeError):  # read a moment ago
            line = key_line(config_text(path.read_bytes()), section, key)
        with contextlib.suppress(ValueError):  # outside the working folder: named whole
            shown = path.relative_to(Path.cwd())
    return Problem(str(shown), line, f"{section}.{key}", message)
