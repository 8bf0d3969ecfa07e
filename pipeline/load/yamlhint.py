"""What to do about a YAML syntax error an author is likely to make, in our words.

The parser's own message ("mapping values are not allowed here") names its grammar, not the
fix. The commonest cause in front matter is a colon inside an unquoted value
(``title: Part 2: the return``): YAML reads ``: `` as the start of another key.
"""

from __future__ import annotations

import re

_KEY_VALUE = re.compile(r"[ \t]*([A-Za-z_][\w-]*):[ \t]+(.*)")
"""A ``key: value`` line (the value not yet judged)."""


def colon_hint(yaml_text: str, index: int) -> tuple[str, str] | None:
    """(key, message) when line ``index`` (0-based) of ``yaml_text`` holds an unquoted value
    with a colon in it; None for any other line."""
    lines = yaml_text.split("\n")
    if not 0 <= index < len(lines):
        return None
    m = _KEY_VALUE.fullmatch(lines[index])
    if m is None:
        return None
    key, value = m.group(1), m.group(2).strip()
    if not value or value[0] in "\"'[{|>&*!#" or not re.search(r":(\s|$)", value):
        return None
    if '"' not in value:
        quoted = '"' + value.replace("\\", "\\\\") + '"'
    else:
        quoted = "'" + value.replace("'", "''") + "'"
    hint = 'the value holds ": ", which YAML reads as the start of another key; quote it'
    if not value.isprintable():  # a control or line-separator character: never echoed
        return key, hint
    return key, f"{hint}: {key}: {quoted}"


def tab_hint(yaml_text: str, index: int, column: int) -> str | None:
    """Our words when the parser stopped at a tab in the indentation of line ``index``
    (0-based; "found character that cannot start any token" never says it is a tab)."""
    lines = yaml_text.split("\n")
    if not 0 <= index < len(lines):
        return None
    indent = lines[index][: column + 1]
    if "\t" not in indent or indent.strip():
        return None
    return "a tab indents this line; YAML indents with spaces only (replace the tab with spaces)"
