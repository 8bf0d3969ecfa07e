"""Splitting a Markdown file into front matter and body, with the line of every key.

YAML is loaded with the safe loader only; alias bombs are refused before construction, so
a hostile file costs bounded time and memory. Every problem carries the file line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

MAX_EXPANDED_NODES = 10_000
"""Refuse front matter whose aliases would expand to more nodes than this."""

_FENCE = re.compile(r"^---[ \t]*$")


class FrontMatterError(ValueError):
    """A problem with the front matter, with the 1-based line in the file."""

    def __init__(self, line: int, field: str, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Parsed:
    meta: dict[str, Any]
    lines: dict[str, int]
    """Top-level key -> 1-based line of the key in the file."""
    body: str
    body_line: int
    """1-based line of the file where the body starts."""
    has_front_matter: bool = False


def decode(raw: bytes) -> str:
    """UTF-8 text with a BOM removed and CRLF/CR line ends normalised.

    Raises UnicodeDecodeError for non-UTF-8 bytes and ValueError for binary files.
    """
    if b"\x00" in raw[:8192]:
        raise ValueError("binary file (contains NUL bytes), expected UTF-8 Markdown text")
    text = raw.decode("utf-8")
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def split(text: str) -> Parsed:
    """Separate ``---`` fenced YAML front matter from the Markdown body."""
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0]):
        return Parsed({}, {}, text, 1)
    for end in range(1, len(lines)):
        if _FENCE.match(lines[end]) or (lines[end].rstrip() == "..." and end > 0):
            yaml_text = "\n".join(lines[1:end])
            body = "\n".join(lines[end + 1 :])
            meta, key_lines = _load_yaml(yaml_text, first_line=2)
            return Parsed(meta, key_lines, body, end + 2, has_front_matter=True)
    raise FrontMatterError(1, "front matter", "opening '---' has no closing '---' line")


def _expanded_size(node: yaml.Node, memo: dict[int, int], depth: int = 0) -> int:
    if depth > 100:
        raise FrontMatterError(
            node.start_mark.line, "front matter", "YAML nested more than 100 levels deep"
        )
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # cycles count once
    size = 1
    if isinstance(node, yaml.SequenceNode):
        size += sum(_expanded_size(n, memo, depth + 1) for n in node.value)
    elif isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            size += _expanded_size(k, memo, depth + 1) + _expanded_size(v, memo, depth + 1)
    memo[key] = size
    return size


def _load_yaml(yaml_text: str, first_line: int) -> tuple[dict[str, Any], dict[str, int]]:
    offset = first_line - 1
    try:
        node = yaml.compose(yaml_text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + offset) if mark else first_line
        raise FrontMatterError(line, "front matter", f"YAML syntax error: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise FrontMatterError(first_line, "front matter", f"YAML error: {exc}") from None
    if node is None:
        return {}, {}
    if _expanded_size(node, {}) > MAX_EXPANDED_NODES:
        raise FrontMatterError(
            node.start_mark.line + 1 + offset,
            "front matter",
            f"YAML aliases expand to more than {MAX_EXPANDED_NODES} nodes (alias bomb?)",
        )
    if not isinstance(node, yaml.MappingNode):
        raise FrontMatterError(
            node.start_mark.line + 1 + offset,
            "front matter",
            "expected a mapping of keys to values",
        )
    try:
        data = yaml.SafeLoader(yaml_text)
        try:
            value = data.construct_document(node)
        finally:
            data.dispose()
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        line = (mark.line + 1 + offset) if mark else first_line
        problem = str(exc.problem or exc)
        if "python/" in problem or "could not determine a constructor" in problem:
            problem = f"unsafe or unknown YAML tag refused ({problem})"
        raise FrontMatterError(line, "front matter", problem) from None
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        raise FrontMatterError(
            first_line, "front matter", f"cannot read YAML value: {exc}"
        ) from None
    lines: dict[str, int] = {}
    for key_node, _ in node.value:
        if isinstance(key_node, yaml.ScalarNode):
            lines[str(key_node.value)] = key_node.start_mark.line + 1 + offset
    if not isinstance(value, dict):
        raise FrontMatterError(first_line, "front matter", "expected a mapping")
    bad = [k for k in value if not isinstance(k, str)]
    if bad:
        raise FrontMatterError(first_line, "front matter", f"keys must be strings, got {bad[0]!r}")
    return value, lines
