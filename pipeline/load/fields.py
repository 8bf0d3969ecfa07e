"""One file's front-matter values read with their lines: problems and warnings collected."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pipeline.errors import Problem
from pipeline.load.walk import RawDoc
from pipeline.support.dates import shown_value
from pipeline.support.text import clean


class Checker:
    """Collects problems and warnings for one file."""

    def __init__(self, doc: RawDoc, problems: list[Problem], warnings: list[Problem]) -> None:
        self.doc = doc
        self.problems = problems
        self.warnings = warnings

    def line(self, key: str) -> int:
        return self.doc.parsed.lines.get(key, 1)

    def error(self, key: str, message: str, line: int | None = None) -> None:
        self.problems.append(Problem(self.doc.source, line or self.line(key), key, message))

    def warn(self, key: str, message: str) -> None:
        self.warnings.append(Problem(self.doc.source, self.line(key), key, message))

    def string(self, meta: Mapping[str, Any], key: str, *, compose: bool = True) -> str | None:
        value = meta.get(key)
        if value is None:
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, bool):
            self.error(
                key,
                f"expected text, got {shown_value(value)}: YAML reads an unquoted yes, no, on, "
                "off, true or false as that; put the text in quotes",
            )
            return None
        if not isinstance(value, str):
            self.error(key, f"expected text, got {shown_value(value)}")
            return None
        return clean(value, compose=compose)

    def string_list(self, meta: Mapping[str, Any], key: str, *, allow_str: bool) -> list[str]:
        value = meta.get(key)
        if value is None:
            return []
        if isinstance(value, str) and allow_str:
            value = [value]
        if not isinstance(value, list):
            self.error(key, f"expected a list like [a, b], got {shown_value(value)}"[:200])
            return []
        out: dict[str, None] = {}  # in order, each once (a list searched for each: quadratic)
        for v in value:
            # NFC: "café" typed two ways is one tag, listed once; blanks around a value are no
            # part of it (readers trim an RSS category, not an Atom one: "  a " was two tags)
            text = clean(str(v)).strip() if isinstance(v, (str, int, float)) else ""
            if text and not isinstance(v, bool):
                out[text] = None
            else:
                self.error(key, f"expected a list of text values, found {shown_value(v)}")
        return list(out)
