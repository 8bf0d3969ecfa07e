"""Setting one key in a TOML file that people write by hand, keeping everything else as it is.

tomlkit finds where the key goes, however the table is spelled (quoted, dotted keys, an inline
table, split around its sub-tables); only the one line it adds or changes is kept, and the
result must parse with tomllib to exactly the old values plus the new key, or nothing is
written: a file the build cannot edit safely (or a read-only one) is left alone and the caller
tells the user what line to add. The file is replaced atomically (temp file and rename) and
keeps its mode and line endings."""

from __future__ import annotations

import copy
import difflib
import os
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import InlineTable

from pipeline.support.output import write_atomic


class NotEdited(Exception):
    """The file was left as it was; the message says why, to follow "<file> was not edited:"."""


def set_if_unset(path: Path, table: str, key: str, value: str | bool | list[str]) -> bool:
    """Set ``key = "value"`` (or ``= true``, ``= ["a", "b"]``) in the top-level ``table`` of
    the TOML file ``path``.

    Returns False (and writes nothing) when the key already holds a non-empty value, True
    when it was written. Raises :class:`NotEdited` when the file cannot be edited safely.
    """
    target = path.resolve()  # a symlinked config: edit the file it points to, keep the link
    try:
        text = target.read_bytes().decode("utf-8")
        before = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise NotEdited("it cannot be read as TOML") from exc
    current = before.get(table, {})
    if not isinstance(current, dict):
        raise NotEdited(f"{table!r} is not a table")
    if current.get(key) not in (None, ""):
        return False
    expected = copy.deepcopy(before)
    expected.setdefault(table, {})[key] = value
    edited = next((c for c in _candidates(text, table, key, value) if _parsed(c) == expected), None)
    if edited is None:
        raise NotEdited(f"adding {key} to [{table}] would change other values")
    mode = os.stat(target).st_mode & 0o7777
    if not mode & 0o222 or not os.access(target, os.W_OK):  # read-only, even to root
        raise NotEdited("it is read-only")
    try:
        write_atomic(target, edited.encode("utf-8"), mode=mode)
    except OSError as exc:
        raise NotEdited(f"writing it failed ({exc.strerror})") from exc
    return True


def _candidates(text: str, table: str, key: str, value: str | bool | list[str]) -> Iterator[str]:
    """Ways to write ``text`` with the key set, each one line inserted or changed, in the
    file's own newline style; the caller keeps the first that parses to what it should.

    tomlkit finds the place, however the table is spelled, but it may also re-render lines it
    did not need to touch (``[["podcast".persons]]`` for ``[[podcast.persons]]`` after a
    quoted ``["podcast"]``), so each changed stretch of its output is tried on its own.
    """
    crlf = "\r\n" in text and text.count("\r\n") == text.count("\n")
    newline = "\r\n" if crlf else "\n"
    line = f"{tomlkit.key(key).as_string()} = {tomlkit.item(value).as_string()}"
    try:
        doc = tomlkit.parse(text)
        if table not in doc:  # a new table at the end, after a blank line
            body = text if not text or text.endswith("\n") else text + newline
            gap = newline if body.strip() else ""
            yield f"{body}{gap}[{tomlkit.key(table).as_string()}]{newline}{line}{newline}"
            return
        found = doc[table]
        if isinstance(found, InlineTable) and key not in found:
            found.add(key, value)  # spaced like the pairs before it
        else:  # an empty value is replaced where it stands, comment and all
            found[key] = value
        full = tomlkit.dumps(doc)
    except Exception:  # whatever tomlkit trips on, the caller refuses to edit
        return
    old = text.split("\n")
    new = [s + "\r" if crlf and not s.endswith("\r") else s for s in full.split("\n")]
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        for line in new[j1:j2]:  # one line inserted or replaced, before the whole stretch
            for at in range(i1, i2 + 1):
                yield "\n".join([*old[:at], line, *old[at:]])
            for at in range(i1, i2):
                yield "\n".join([*old[:at], line, *old[at + 1 :]])
        yield "\n".join(old[:i1] + new[j1:j2] + old[i2:])


def append_rows_if_unset(path: Path, table: str, key: str, rows: list[dict[str, str]]) -> bool:
    """Append ``rows`` as ``[[table.key]]`` tables at the end of the TOML file ``path``.

    Returns False (and writes nothing) when ``table.key`` already holds a non-empty list. The
    rest of the file is kept byte for byte, and the result must parse to the old values plus
    the rows, or :class:`NotEdited` is raised (an inline ``table = {...}`` cannot grow so).
    """
    target = path.resolve()
    try:
        text = target.read_bytes().decode("utf-8")
        before = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise NotEdited("it cannot be read as TOML") from exc
    current = before.get(table, {})
    if not isinstance(current, dict):
        raise NotEdited(f"{table!r} is not a table")
    if current.get(key):
        return False
    crlf = "\r\n" in text and text.count("\r\n") == text.count("\n")
    newline = "\r\n" if crlf else "\n"
    header = f"[[{tomlkit.key(table).as_string()}.{tomlkit.key(key).as_string()}]]"
    blocks = [
        newline.join(
            [
                header,
                *(
                    f"{tomlkit.key(k).as_string()} = {tomlkit.item(v).as_string()}"
                    for k, v in row.items()
                ),
            ]
        )
        for row in rows
    ]
    body = text if not text or text.endswith("\n") else text + newline
    edited = body + newline + (newline + newline).join(blocks) + newline
    expected = copy.deepcopy(before)
    expected.setdefault(table, {})[key] = rows
    if _parsed(edited) != expected:
        raise NotEdited(f"adding [[{table}.{key}]] would change other values")
    mode = os.stat(target).st_mode & 0o7777
    if not mode & 0o222 or not os.access(target, os.W_OK):
        raise NotEdited("it is read-only")
    try:
        write_atomic(target, edited.encode("utf-8"), mode=mode)
    except OSError as exc:
        raise NotEdited(f"writing it failed ({exc.strerror})") from exc
    return True


def _pair(key: str, value: str) -> str:
    return f"{tomlkit.key(key).as_string()} = {tomlkit.item(value).as_string()}"


def _parsed(text: str) -> dict[str, Any] | None:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
