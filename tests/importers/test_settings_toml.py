"""Show settings written into publish.toml by tomledit: a true/false value is set once, one
line added; a value already there (false included) is never replaced."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from pipeline.support.tomledit import NotEdited, append_rows_if_unset, set_if_unset

TEXT = '# mine\n[site]\ntitle = "x"  # kept\n\n[podcast]\ntitle = "Show"\nexplicit = false\n'


def test_a_boolean_is_added_once_and_a_set_one_kept(tmp_path: Path) -> None:
    path = tmp_path / "publish.toml"
    path.write_text(TEXT)
    assert set_if_unset(path, "podcast", "locked", True) is True
    after = path.read_text()
    assert after.splitlines()[:7] == TEXT.splitlines()
    assert tomllib.loads(after)["podcast"]["locked"] is True
    assert set_if_unset(path, "podcast", "explicit", True) is False  # false is a value
    assert set_if_unset(path, "podcast", "locked", False) is False
    assert path.read_text() == after


def test_show_persons_are_appended_as_tables_once(tmp_path: Path) -> None:
    path = tmp_path / "publish.toml"
    path.write_text(TEXT)
    rows = [{"name": "Ana", "role": "host"}, {"name": "Bo", "href": "https://b.example/"}]
    assert append_rows_if_unset(path, "podcast", "persons", rows) is True
    after = path.read_text()
    assert after.startswith(TEXT)
    assert tomllib.loads(after)["podcast"]["persons"] == rows
    assert append_rows_if_unset(path, "podcast", "persons", [{"name": "C"}]) is False
    assert path.read_text() == after


def test_an_inline_table_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "publish.toml"
    path.write_text('podcast = {title = "Show"}\n')
    with pytest.raises(NotEdited, match="would change other values"):
        append_rows_if_unset(path, "podcast", "persons", [{"name": "Ana"}])
    assert path.read_text() == 'podcast = {title = "Show"}\n'
