"""Where a key of ``publish.toml`` is written: the line each configuration problem names
(tomllib gives no positions)."""

from __future__ import annotations

import re


def key_line(text: str, section: str, key: str) -> int:
    """Best-effort line of ``key`` under ``[section]`` (tomllib gives no positions);
    ``name[2]`` is the third ``[[name]]`` table of an array; ``key`` empty: the table's
    header. 1 when not found."""
    indexed = re.fullmatch(r"(.+)\[(\d+)\]", section)
    section, wanted = (indexed.group(1), int(indexed.group(2))) if indexed else (section, 0)
    current, seen, header, table = "", -1, 1, 0
    for n, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        name = _table_header(s)
        if name is not None:
            current = name
            if key and current == f"{section}.{key}" and not table:
                table = n  # the key written as a table of its own: [theme.words]
            if current == section:
                seen += 1
                header = n
                if not key and seen == wanted:
                    return n
            continue
        if current == section and seen == wanted and re.match(rf"^\"?{re.escape(key)}\"?\s*=", s):
            return n
    return table or (header if indexed and seen >= wanted else 1)


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
