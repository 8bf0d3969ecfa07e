"""Splitting a Markdown file into front matter and body, with the line of every key.

YAML is loaded with the safe loader only; alias bombs are refused before construction, so
a hostile file costs bounded time and memory. Every problem carries the file line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import yaml

from pipeline.config.values import MAX_DEPTH as TOML_MAX_DEPTH
from pipeline.load.yamlhint import colon_hint, tab_hint
from pipeline.support.text import not_utf8

MAX_EXPANDED_NODES = 10_000
"""Refuse YAML whose aliases would add more nodes than this to those it writes."""

MAX_DEPTH = TOML_MAX_DEPTH
"""Refuse front matter nested deeper than this (lists in lists in maps...): YAML as TOML."""

_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when available (10x faster); same safe constructors either way."""

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
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # its NULs are not binary's
        raise ValueError("UTF-16 text (it starts with a byte-order mark); save the file as UTF-8")
    if b"\x00" in raw[:8192]:
        raise ValueError("binary file (contains NUL bytes), expected UTF-8 Markdown text")
    text = raw.decode("utf-8")
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def utf8_text(raw: bytes) -> str:
    """:func:`decode`, or a FrontMatterError (field ``file``) that says where: the line of the
    first byte that is not UTF-8 text, the byte and its offset; or that the file is binary.
    Every file the load reads is decoded here: pages, SUMMARY.md, the dates file."""
    try:
        return decode(raw)
    except UnicodeDecodeError as exc:
        line, message = not_utf8(raw, exc)  # worded as for publish.toml
        raise FrontMatterError(line, "file", message) from None
    except ValueError as exc:
        raise FrontMatterError(1, "file", str(exc)) from None


def split(text: str) -> Parsed:
    """Separate ``---`` fenced YAML (or ``+++`` fenced TOML) front matter from the body."""
    if text.startswith("+++"):
        from pipeline.load.tomlfront import is_toml, split_toml

        if is_toml(text):
            return split_toml(text)
    fenced = _fenced(text)
    if fenced is None:
        return Parsed({}, {}, text, 1)
    yaml_text, body, end = fenced
    meta, key_lines = _load_yaml(yaml_text, first_line=2)
    return Parsed(meta, key_lines, body, end + 2, has_front_matter=True)


def split_body(text: str) -> str:
    """The body :func:`split` gives, without reading the YAML (a tenth of a millisecond)."""
    if text.startswith("+++"):
        from pipeline.load.tomlfront import fenced_toml, is_toml

        if is_toml(text):
            return fenced_toml(text)[1]
    fenced = _fenced(text)
    return text if fenced is None else fenced[1]


def _fenced(text: str) -> tuple[str, str, int] | None:
    """(front matter, body, 0-based line of the closing fence), or None without a fence."""
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0]):
        return None
    for end in range(1, len(lines)):
        if _FENCE.match(lines[end]) or (lines[end].rstrip() == "..." and end > 0):
            return "\n".join(lines[1:end]), "\n".join(lines[end + 1 :]), end
    raise FrontMatterError(1, "front matter", "opening '---' has no closing '---' line")


def one_line(message: object) -> str:
    """A message on one line, so every problem stays one ``path:line: field: message`` line."""
    return " ".join(str(message).split())


class _Mark(Protocol):
    """Where the parser was: a 0-based line (libyaml's marks and PyYAML's alike)."""

    line: int


class _Lines:
    """The file line of a line as YAML counts them: it also ends a line at U+0085, U+2028 and
    U+2029, which an editor shows inside one (``title: "a\u2028b"`` put every later key, and
    every problem, a line below its own)."""

    def __init__(self, yaml_text: str, first_line: int) -> None:
        self.first = first_line
        self.newlines: list[int] | None = None
        """Line feeds before each YAML line, when the text has YAML's other line breaks."""
        if _OTHER_BREAKS.search(yaml_text):
            newlines = [0]
            for m in _BREAKS.finditer(yaml_text):
                newlines.append(newlines[-1] + (m.group() in _FILE_BREAKS))
            self.newlines = newlines

    def of(self, mark: _Mark | None) -> int:
        """The 1-based file line of a YAML mark (its 0-based line), the first without one."""
        if mark is None:
            return self.first
        if self.newlines is None:
            return mark.line + self.first
        return self.newlines[min(mark.line, len(self.newlines) - 1)] + self.first


_OTHER_BREAKS = re.compile("[\x85\u2028\u2029]")
_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_FILE_BREAKS = ("\r\n", "\r", "\n")


def _check_depth(yaml_text: str, lines: _Lines) -> None:
    """Refuse deep nesting from the event stream, before the (recursive) composer sees it.

    libyaml's composer recurses in C: ``[[[[...]]]]`` 100,000 deep crashes the process.
    """
    # every collection opens with one of these characters: few of them, no deep nesting
    if sum(yaml_text.count(c) for c in "[{-:?") <= MAX_DEPTH:
        return
    try:
        _walk_depth(yaml.parse(yaml_text, Loader=_LOADER), lines)
    except yaml.MarkedYAMLError:
        # Some libyaml builds stop deep nesting themselves, each with its own wording; the
        # pure-Python parser streams events lazily, so it reaches our limit first (or names
        # the real syntax error) whatever libyaml version is installed.
        _walk_depth(yaml.parse(yaml_text, Loader=yaml.SafeLoader), lines)


def _walk_depth(events: Iterator[yaml.Event], lines: _Lines) -> None:
    depth = 0
    for event in events:
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise FrontMatterError(
                    lines.of(event.start_mark),
                    "front matter",
                    f"YAML nested more than {MAX_DEPTH} levels deep",
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


_EXPANDING = -1
"""The size :func:`_expanded_size` keeps for a node whose value it is still counting."""


def _expanded_size(node: yaml.Node, memo: dict[int, int], lines: _Lines, depth: int = 0) -> int:
    if depth > MAX_DEPTH:  # reached through aliases: the text itself passed _check_depth
        raise FrontMatterError(
            lines.of(node.start_mark),
            "front matter",
            f"YAML nested more than {MAX_DEPTH} levels deep",
        )
    key = id(node)
    if key in memo:
        if memo[key] == _EXPANDING:  # an alias inside the value its anchor names
            raise FrontMatterError(
                lines.of(node.start_mark),
                "front matter",
                "a YAML alias refers to the value it is part of (a value cannot contain itself)",
            )
        return memo[key]
    memo[key] = _EXPANDING
    size = 1
    if isinstance(node, yaml.SequenceNode):
        size += sum(_expanded_size(n, memo, lines, depth + 1) for n in node.value)
    elif isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            size += _expanded_size(k, memo, lines, depth + 1) + _expanded_size(
                v, memo, lines, depth + 1
            )
    memo[key] = size
    return size


_SIMPLE_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: ++((?:[^ ]| ++(?=[^ ]))*+))? *+")
"""``key: value``, the value without its closing blanks; possessive, so a run of blanks inside
a value is read once (a lazy value before `` *`` read it once per blank: quadratic)."""
_QUOTED = re.compile(r"\"([^\"\\]*)\"|'([^']*)'")
_PLAIN_START = r"[^-?:,\[\]{}#&*!|>'\"%@`\s]"
"""A plain scalar's first character: no indicator, no blank."""
_PLAIN = re.compile(_PLAIN_START + r"(?:[^:#\t]|:(?=[^ \t])|(?<=[^ \t])#)*")
"""A plain scalar that is plainly one in a block: no ``: ``, no `` #``, no tab, not ending
with ``:``."""
_PLAIN_IN_FLOW = re.compile(_PLAIN_START + r"(?:[^:#\t,\[\]{}]|:(?=[^ \t,\[\]{}])|(?<=[^ \t])#)*")
"""The same inside ``[...]``, where the flow indicators end it."""
_NOT_YAML_TEXT = re.compile(
    "[^\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
"""Outside the fast path: what YAML refuses, and what it reads as a line break or a BOM."""
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_STR_TAG = "tag:yaml.org,2002:str"


def _scalar(text: str, plain: re.Pattern[str] = _PLAIN) -> tuple[bool, Any]:
    """(True, value) for a quoted or plain scalar the fast path reads exactly as PyYAML's safe
    loader does (same resolver, same constructors); (False, None) for anything else."""
    quoted = _QUOTED.fullmatch(text)
    if quoted:
        return True, quoted.group(1) if quoted.group(1) is not None else quoted.group(2)
    if not plain.fullmatch(text):
        return False, None
    tag = _STR_TAG
    for candidate, pattern in _LOADER.yaml_implicit_resolvers.get(text[0], []):
        if pattern.match(text):
            tag = candidate
            break
    if tag in ("tag:yaml.org,2002:merge", "tag:yaml.org,2002:value", "tag:yaml.org,2002:yaml"):
        return False, None
    if tag == _STR_TAG:
        return True, text
    try:
        return True, _LOADER.yaml_constructors[tag](_CONSTRUCTOR, yaml.ScalarNode(tag, text))
    except (yaml.YAMLError, ValueError, TypeError, OverflowError):
        return False, None  # the full loader reports it, with its line


def _simple_yaml(yaml_text: str, first_line: int) -> tuple[dict[str, Any], dict[str, int]] | None:
    """Front matter made only of ``key: scalar`` and ``key: [scalar, ...]`` lines, read
    without the YAML machinery (whose Python constructor costs 0.3 ms a file; most front
    matter is like this). None for anything else, which then goes to the full loader."""
    if _NOT_YAML_TEXT.search(yaml_text):
        return None
    meta: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for n, line in enumerate(yaml_text.split("\n")):
        if not line.strip() or line.startswith("#"):
            continue
        m = _SIMPLE_KEY.fullmatch(line)
        if m is None:
            return None
        key, raw = m.group(1), m.group(2) or ""
        ok, resolved_key = _scalar(key)
        if not ok or resolved_key != key:  # ``yes:``, ``null:``: keys YAML reads as non-text
            return None
        if not raw:
            value: Any = None
        elif raw.startswith("[") and raw.endswith("]"):
            inner = raw[1:-1].strip()
            value = []
            for part in inner.split(",") if inner else []:
                ok, item = _scalar(part.strip(), _PLAIN_IN_FLOW)
                if not ok or not part.strip():
                    return None
                value.append(item)
        else:
            ok, value = _scalar(raw)
            if not ok:
                return None
        if key in meta:
            return None  # a duplicate key: the full loader names both lines
        meta[key] = value
        lines[key] = first_line + n
    return meta, lines


def _load_yaml(yaml_text: str, first_line: int) -> tuple[dict[str, Any], dict[str, int]]:
    simple = _simple_yaml(yaml_text, first_line)
    return simple if simple is not None else _full_yaml(yaml_text, first_line)


def _full_yaml(yaml_text: str, first_line: int) -> tuple[dict[str, Any], dict[str, int]]:
    at = _Lines(yaml_text, first_line)
    node = _compose(yaml_text, first_line, at)
    if node is None:
        return {}, {}
    node = _check_root(node, at)
    pairs = list(node.value)  # as written: construction expands ``<<`` merges in place
    value = _construct(yaml_text, node, at)
    lines = _key_lines(pairs, at)
    if not isinstance(value, dict):
        raise FrontMatterError(first_line, "front matter", "expected a mapping")
    return value, lines


def _compose(yaml_text: str, first_line: int, lines: _Lines) -> yaml.Node | None:
    """The YAML's node tree (None when empty); a FrontMatterError at the line of a syntax
    error or a character YAML does not allow."""
    try:
        _check_depth(yaml_text, lines)
        node = yaml.compose(yaml_text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = lines.of(mark)
        line = min(line, first_line + yaml_text.count("\n"))  # an error at the end of the YAML
        hint = colon_hint(yaml_text, line - first_line)
        if hint is not None:
            raise FrontMatterError(line, *hint) from None
        tab = tab_hint(yaml_text, line - first_line, mark.column) if mark else None
        problem = tab or one_line(exc.problem)
        raise FrontMatterError(line, "front matter", f"YAML syntax error: {problem}") from None
    except yaml.reader.ReaderError as exc:
        # libyaml counts the position in UTF-8 bytes, the Python reader in characters
        if _LOADER is yaml.SafeLoader:
            line = yaml_text[: exc.position].count("\n") + first_line
        else:
            line = yaml_text.encode()[: exc.position].count(b"\n") + first_line
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        raise FrontMatterError(
            line,
            "front matter",
            f"character {char!r} is not allowed in YAML; write it as an escape in a "
            'double-quoted string (e.g. "\\x01") or remove it',
        ) from None
    except yaml.YAMLError as exc:
        message = f"YAML error: {one_line(exc)}"
        raise FrontMatterError(first_line, "front matter", message) from None
    return node


def bounded_node(yaml_text: str) -> yaml.Node | None:
    """The node tree of a whole YAML file (``.gitbook.yaml``, a dates file) within the front
    matter's bounds: nested at most :data:`MAX_DEPTH` deep, aliases adding at most
    :data:`MAX_EXPANDED_NODES` nodes to those written, none inside its own value. None when
    empty; otherwise a FrontMatterError with the line (its ``field`` "front matter": the
    caller names its own)."""
    lines = _Lines(yaml_text, 1)
    node = _compose(yaml_text, 1, lines)
    if node is not None:
        _check_bounds(node, lines)
    return node


def bounded_yaml(yaml_text: str) -> Any:
    """The value of a whole YAML file, as :func:`bounded_node` bounds it, with the safe
    constructors (a value that cannot be read is named with its line, as in front matter)."""
    node = bounded_node(yaml_text)
    return None if node is None else _construct(yaml_text, node, _Lines(yaml_text, 1))


def _check_root(node: yaml.Node, lines: _Lines) -> yaml.MappingNode:
    """``node``, the root, a mapping within the bounds (:func:`_check_bounds`)."""
    _check_bounds(node, lines)
    if not isinstance(node, yaml.MappingNode):
        raise FrontMatterError(
            lines.of(node.start_mark),
            "front matter",
            "expected a mapping of keys to values",
        )
    return node


def _check_bounds(node: yaml.Node, lines: _Lines) -> None:
    """Refused when its aliases add more than :data:`MAX_EXPANDED_NODES` nodes to those
    written (naming the key whose value is the bomb) or one is inside the value it names.
    What is written counts once, however much there is: a dates file of 6,000 pages holds
    12,000 nodes and no alias."""
    sizes: dict[int, int] = {}  # every node written, once (an alias is its anchor's node)
    if _expanded_size(node, sizes, lines) - len(sizes) > MAX_EXPANDED_NODES:
        worst: yaml.Node = node  # name the key whose value is the bomb when there is one
        if isinstance(node, yaml.MappingNode) and node.value:
            worst = max(node.value, key=lambda kv: sizes.get(id(kv[1]), 0))[0]
        raise FrontMatterError(
            lines.of(worst.start_mark),
            "front matter",
            f"YAML aliases expand to more than {MAX_EXPANDED_NODES} nodes (alias bomb?)",
        )


def _construct(yaml_text: str, node: yaml.Node, lines: _Lines) -> Any:
    """The Python value of ``node``; a FrontMatterError naming the value that cannot be
    read, or the tag that is refused."""
    try:
        data = _LOADER(yaml_text)
        try:
            value = data.construct_document(node)
        finally:
            data.dispose()
    except yaml.constructor.ConstructorError as exc:
        line = lines.of(exc.problem_mark)
        problem = one_line(exc.problem or exc)
        if "python/" in problem or "could not determine a constructor" in problem:
            problem = f"unsafe or unknown YAML tag refused ({problem})"
        elif "unhashable key" in problem:  # ``? [a, b]``: a list (or a map) as a key
            problem = "keys must be text, got a list or a map as a key; write the key as text"
        raise FrontMatterError(line, "front matter", problem) from None
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        found = unreadable_values(node) if isinstance(node, yaml.MappingNode) else []
        for key_node, value_node, problem in found:
            raise FrontMatterError(
                lines.of(value_node.start_mark),
                str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "front matter",
                f"cannot read {value_node.value!r}: {problem}",
            ) from None
        raise FrontMatterError(
            lines.first, "front matter", f"cannot read YAML value: {exc}"
        ) from None
    return value


def _key_lines(pairs: list[tuple[yaml.Node, yaml.Node]], at: _Lines) -> dict[str, int]:
    """The line of each key; keys must be text and set once (``<<`` merges left out)."""
    lines: dict[str, int] = {}
    for key_node, _ in pairs:
        line = at.of(key_node.start_mark)
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR_TAG:
            raise FrontMatterError(
                line, "front matter", f"keys must be text, got {key_node.value!r}; quote it"
            )
        if key_node.value in lines:
            raise FrontMatterError(
                line,
                key_node.value,
                f"duplicate key; {key_node.value!r} is already set on line {lines[key_node.value]}",
            )
        lines[key_node.value] = line
    return lines


def _our_words(problem: str) -> str:
    """A constructor's message, without Python's own text where it has some."""
    if problem.startswith("offset must be a timedelta"):  # ``+99:00``: Python's repr follows
        return "the time zone offset must be within ±24:00 (like +02:00 or -05:30)"
    return problem


def unreadable_values(node: yaml.MappingNode) -> list[tuple[yaml.Node, yaml.Node, str]]:
    """(key node, scalar node, why) for each value of a mapping its constructor refuses (an
    impossible date such as ``2024-13-45``, maybe nested): the whole document's construction
    says only what went wrong, not where."""
    out = []
    for key_node, value_node in node.value:
        found = _unreadable_scalar(value_node, 0)
        if found is not None:
            out.append((key_node, *found))
    return out


def _unreadable_scalar(node: yaml.Node, depth: int) -> tuple[yaml.Node, str] | None:
    if isinstance(node, yaml.ScalarNode):
        try:
            yaml.constructor.SafeConstructor().construct_object(node)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
            return node, _our_words(one_line(exc))
        return None
    if depth > MAX_DEPTH:
        return None
    children: list[yaml.Node] = []
    if isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    elif isinstance(node, yaml.MappingNode):
        children = [n for pair in node.value for n in pair]
    for child in children:
        found = _unreadable_scalar(child, depth + 1)
        if found is not None:
            return found
    return None
