"""support/dates.py: values shown in messages as an editor wrote them."""

from __future__ import annotations

import datetime as dt

from pipeline.support.dates import shown_value


def test_values_are_shown_as_yaml_not_python() -> None:
    assert shown_value(dt.date(2024, 1, 1)) == "2024-01-01"
    assert shown_value(None) == "nothing (null)"
    assert shown_value(True) == "true"
    assert shown_value(["a", 1]) == "a list ['a', 1]"
    assert shown_value({"k": [1]}) == "a map {k: a list [1]}"


def test_nesting_is_shown_two_levels_deep_five_entries_each() -> None:
    """A message names the value; it does not print a hundred levels of it."""
    deep: list[object] = ["x"]
    for _ in range(99):
        deep = [deep]
    assert shown_value(deep) == "a list [a list [a list […]]]"
    assert shown_value({"a": {"b": {"c": 1}}}) == "a map {a: a map {b: a map {…}}}"
    assert shown_value(list(range(9))) == "a list [0, 1, 2, 3, 4]"
