"""What ``[site] permalink`` may be: a pattern ``str.format`` fills with an item's values.

Loading fills it once per item, so a pattern it cannot fill (``{nope}``, ``{0}``, a lone
``{``) failed there: a KeyError or IndexError (exit 1) or the same content error on every
file. A ``.`` or ``..`` segment made URLs no page was written at (``/../{slug}/``: every
link to an item broken, exit 0), and a ``?`` or ``#`` a page at a file so named, which no
link reaches. Each is refused here, once, at the key's line.
"""

from __future__ import annotations

from string import Formatter

PLACEHOLDERS = ("section", "slug", "year", "month", "day", "id")
"""The names a permalink pattern may hold, each written ``{name}``."""


def permalink_problem(pattern: str) -> str | None:
    """Why ``pattern`` is not a permalink pattern, or None."""
    shown = " ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    try:
        parts = list(Formatter().parse(pattern))
    except ValueError:
        return "a '{' or '}' without its pair; write {{ or }} for a brace itself"
    names: set[str] = set()
    literal = []
    for text, name, spec, conversion in parts:
        literal.append(text)
        if name is None:
            continue
        if name not in PLACEHOLDERS:
            return f"unknown placeholder {{{name}}}; expected {shown}"
        if spec or conversion:
            return f"write {{{name}}} as it is, without a conversion or format"
        names.add(name)
        literal.append("x")  # a value: never "." or ".." (a slug or a folder name)
    if not names & {"slug", "id"}:
        return "pattern must contain {slug} or {id}"
    path = "".join(literal)
    if "?" in path or "#" in path:
        return "a URL's path only: no '?' or '#' (the page is written at a file so named)"
    if any(segment in (".", "..") for segment in path.split("/")):
        return "a '.' or '..' segment: no page is written at such a URL; name folders only"
    return None
