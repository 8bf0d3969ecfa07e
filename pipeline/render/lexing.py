"""Pygments' lexers run with one regular expression per state, not one per rule.

A Pygments ``RegexLexer`` is a table of states, each a list of rules (a regular expression, a
token type or a callback, a state change). Its loop tries the rules of the current state one
by one, from Python, at every position: a state of forty rules costs up to forty calls for
each token, and lexing was 40 % of rendering a post with code blocks.

:func:`tokens` runs the same tables with each state's rules joined into one alternation,
``(rule1)|(rule2)|…``, so one call finds the rule Pygments' loop would have taken. The
alternation tries its branches in order at the same position and stops at the first that
matches, as the loop does; the group that closed last (``lastindex``) is the branch's own,
which names the rule. Everything after the match (the token, a callback, the state change,
the fall-backs at a character no rule matches) is the loop's own code, unchanged.

So that nothing can differ:

- a rule whose expression refers to its own groups (``\\1``, ``(?P=name)``, ``(?(1)…)``),
  names its groups, carries flags of its own, or sets flags inline (``(?i)``) is not
  joined: it stays a branch of one, tried alone in its turn, between the joined rules
  before and after it;
- a rule with a callback (``bygroups``, ``using``) is matched again alone once the joined
  expression has found it, so the callback gets the match object it was written for;
- Pygments' own loop runs a lexer whose class overrides that loop or has filters, and
  every lexer on a Pygments whose loop is not the one this module was checked against
  (:data:`_CHECKED`): a new release runs its own loop until this module is checked
  against it.

Each state is joined when the lexer first enters it (one process's cost: a few milliseconds a
language). ``tests/render/test_lexing.py`` holds the tokens equal to Pygments' own for every
language the site highlights, on code written for each and on mutations of it.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import re
from collections.abc import Callable, Iterator
from typing import Any

from pygments.lexer import Lexer, RegexLexer
from pygments.token import Error, Whitespace, _TokenType

Token = tuple[_TokenType, str]
_Rule = tuple[Callable[..., Any], Any, Any]
"""A rule of a lexer's ``_tokens``: (the expression's ``match``, action, new state)."""
_Branch = tuple[Callable[[str, int], "re.Match[str] | None"] | None, dict[int, _Rule]]
"""A joined expression's ``match`` and the rule of each of its branches' groups; or None
and ``{0: rule}`` for a rule tried alone."""

_CHECKED = frozenset({"16357967e9873ddc2598d3bc262149296876dbff66cdaf4d244d537f89065c8c"})
"""Digests of the source of ``RegexLexer.get_tokens_unprocessed`` and ``Lexer.get_tokens``
this module reproduces (Pygments 2.21)."""

_OWN_GROUPS = re.compile(r"\\[1-9]|\(\?P=|\(\?\(|\(\?[aiLmsux]+\)")
"""What makes a rule refer to its own groups or set flags inline (a false alarm only leaves
the rule alone)."""


@functools.cache
def _loop_checked() -> bool:
    h = hashlib.sha256()
    try:
        for function in (RegexLexer.get_tokens_unprocessed, Lexer.get_tokens):
            h.update(inspect.getsource(function).encode())
    except (OSError, TypeError):  # no source installed: Pygments' own loop
        return False
    return h.hexdigest() in _CHECKED


def _joinable(pattern: re.Pattern[str], flags: int) -> bool:
    return (
        isinstance(pattern.pattern, str)
        and pattern.flags == flags
        and not pattern.groupindex
        and _OWN_GROUPS.search(pattern.pattern) is None
    )


def _join(rules: list[_Rule], flags: int) -> list[_Branch]:
    """A state's rules as branches, in order: runs of joinable rules as one expression."""
    branches: list[_Branch] = []
    run: list[tuple[_Rule, re.Pattern[str]]] = []

    def flush() -> None:
        if len(run) == 1:
            branches.append((None, {0: run[0][0]}))
        elif run:
            parts: list[str] = []
            table: dict[int, _Rule] = {}
            group = 1
            for rule, pattern in run:
                parts.append(f"({pattern.pattern})")
                table[group] = rule
                group += 1 + pattern.groups
            try:
                joined = re.compile("|".join(parts), flags)
            except (re.error, RecursionError, OverflowError):
                branches.extend((None, {0: rule}) for rule, _ in run)
            else:
                branches.append((joined.match, table))
        run.clear()

    for rule in rules:
        pattern = getattr(rule[0], "__self__", None)
        if isinstance(pattern, re.Pattern) and _joinable(pattern, flags):
            run.append((rule, pattern))
        else:
            flush()
            branches.append((None, {0: rule}))
    flush()
    return branches


class _States(dict[str, list[_Branch]]):
    """A lexer class's states as branches, each joined when first entered."""

    def __init__(self, lexer: RegexLexer) -> None:
        super().__init__()
        self.defs: dict[str, list[_Rule]] = lexer._tokens  # type: ignore[attr-defined]  # made by Pygments' metaclass
        self.flags = re.compile("", type(lexer).flags).flags

    def __missing__(self, state: str) -> list[_Branch]:
        branches = self[state] = _join(self.defs[state], self.flags)
        return branches


_STATES: dict[type, _States] = {}


def fast(lexer: Lexer) -> bool:
    """Whether :func:`tokens` runs ``lexer`` with joined states (else Pygments' own loop)."""
    cls = type(lexer)
    return (
        isinstance(lexer, RegexLexer)
        and cls.get_tokens_unprocessed is RegexLexer.get_tokens_unprocessed
        and not lexer.filters
        and _loop_checked()
    )


def tokens(lexer: Lexer, text: str) -> Iterator[Token]:
    """``lexer.get_tokens(text)``: the same (type, text) pairs, sooner."""
    if not fast(lexer):
        return iter(lexer.get_tokens(text))
    assert isinstance(lexer, RegexLexer)
    states = _STATES.get(type(lexer))
    if states is None:
        states = _STATES[type(lexer)] = _States(lexer)
    text = lexer._preprocess_lexer_input(text)  # type: ignore[attr-defined]  # get_tokens' first step
    return _run(lexer, text, states)


def _run(lexer: RegexLexer, text: str, states: _States) -> Iterator[Token]:
    """Pygments' ``RegexLexer.get_tokens_unprocessed`` from the root state, the rule found
    by a state's joined expressions; the positions dropped, as ``get_tokens`` drops them."""
    pos = 0
    stack = ["root"]
    branches = states["root"]
    while True:
        for match, table in branches:
            m = (table[0][0] if match is None else match)(text, pos)
            if not m:
                continue
            rexmatch, action, new_state = table[0] if match is None else table[m.lastindex or 0]
            if type(action) is _TokenType:
                yield action, m.group()
            elif action is not None:
                if match is not None:  # the callback gets its own expression's match object
                    m = rexmatch(text, pos)
                for _, ttype, value in action(lexer, m):
                    yield ttype, value
            pos = m.end()
            if new_state is not None:
                _enter(stack, new_state)
                branches = states[stack[-1]]
            break
        else:  # no rule matched here
            if pos >= len(text):
                break
            if text[pos] == "\n":  # at the end of a line, back to the root state
                stack = ["root"]
                branches = states["root"]
                yield Whitespace, "\n"
            else:
                yield Error, text[pos]
            pos += 1


def _enter(stack: list[str], new_state: Any) -> None:
    """A rule's state change, as Pygments' loop makes it."""
    if isinstance(new_state, tuple):
        for state in new_state:
            if state == "#pop":
                if len(stack) > 1:
                    stack.pop()
            elif state == "#push":
                stack.append(stack[-1])
            else:
                stack.append(state)
    elif isinstance(new_state, int):
        # pop, but keep at least one state on the stack
        if abs(new_state) >= len(stack):
            del stack[1:]
        else:
            del stack[new_state:]
    elif new_state == "#push":
        stack.append(stack[-1])
    else:
        raise AssertionError(f"wrong state def: {new_state!r}")
