"""TOML front matter between ``+++`` lines, as Hugo writes it (``hugo new`` does by default).

Read with :mod:`tomllib` (no aliases, no tags: nothing to expand) within the bounds of
:func:`pipeline.config.lines.load_toml` (nested at most 100 levels, as YAML front matter);
the line of each top-level key is found by one pass over the lines, since tomllib gives no
positions. A syntax error names its line in the file.
"""

from __future__ import annotations

import re
from typing import Any

from pipeline.config.lines import TomlError, load_toml
from pipeline.load.frontmatter import FrontMatterError, Parsed

_FENCE = re.compile(r"^\+\+\+[ \t]*$")
_KEY = re.compile(r"""^[ \t]*("(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[A-Za-z0-9_-]+)[ \t]*[.=]""")
_TABLE = re.compile(r"""^[ \t]*\[\[?[ \t]*("(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[A-Za-z0-9_-]+)""")


def is_toml(text: str) -> bool:
    """The file opens with a ``+++`` fence."""
    return bool(_FENCE.match(text.split("\n", 1)[0]))


def fenced_toml(text: str) -> tuple[str, str, int]:
    """(front matter, body, 0-based line of the closing fence) of a ``+++`` file."""
    lines = text.split("\n")
    for end in range(1, len(lines)):
        if _FENCE.match(lines[end]):
            return "\n".join(lines[1:end]), "\n".join(lines[end + 1 :]), end
    raise FrontMatterError(1, "front matter", "opening '+++' has no closing '+++' line")


def split_toml(text: str) -> Parsed:
    """The front matter and body of a file that opens with ``+++``."""
    toml_text, body, end = fenced_toml(text)
    try:
        meta: dict[str, Any] = load_toml(toml_text, first_line=2)
    except TomlError as exc:
        raise FrontMatterError(exc.line, "front matter", f"TOML {exc.message}") from None
    return Parsed(meta, _key_lines(toml_text, first_line=2), body, end + 2, has_front_matter=True)


def _key_lines(toml_text: str, first_line: int) -> dict[str, int]:
    """Top-level key -> line in the file (a table's key: its header's line)."""
    found: dict[str, int] = {}
    in_table = False
    for n, line in enumerate(toml_text.split("\n"), first_line):
        table = _TABLE.match(line)
        if table:
            in_table = True
            found.setdefault(_unquote(table.group(1)), n)
            continue
        key = None if in_table else _KEY.match(line)
        if key:
            found.setdefault(_unquote(key.group(1)), n)
    return found


def _unquote(key: str) -> str:
    if len(key) >= 2 and key[0] == key[-1] and key[0] in "\"'":
        return key[1:-1]
    return key
