"""Text ``publish.toml`` may not hold in any value: control characters.

TOML lets a string say ``"\\u0000"``; a file name with it is refused by the operating system
(Python raises ValueError), and XML 1.0 allows none of U+0000–U+001F but tab, line feed and
carriage return, so no feed could carry it. Refused where the file is read, naming the key.
"""

from __future__ import annotations

from collections.abc import Callable

_ALLOWED = frozenset("\t\n\r")
_CONTROL = frozenset(chr(n) for n in range(0x20)) - _ALLOWED


def control_problems(data: object, add: Callable[[str, str], None], where: str = "") -> None:
    """``add(where, message)`` for each key or string value of ``data`` (the parsed TOML)
    holding a control character; ``where`` is the dotted path (``theme.logo``,
    ``announce[1].channel``)."""
    if isinstance(data, dict):
        for key, value in data.items():
            shown = "".join(f"\\u{ord(c):04x}" if c in _CONTROL else c for c in str(key))
            path = f"{where}.{shown}" if where else shown  # never the character itself
            if shown != str(key):
                add(path, _message(str(key), "key"))
            control_problems(value, add, path)
    elif isinstance(data, list):
        for n, value in enumerate(data):
            control_problems(value, add, f"{where}[{n}]" if isinstance(value, dict) else where)
    elif isinstance(data, str) and _CONTROL.intersection(data):
        add(where, _message(data, "value"))


def _message(text: str, what: str) -> str:
    found = min(_CONTROL.intersection(text))
    return f"the {what} holds the control character U+{ord(found):04X}; write it without"
