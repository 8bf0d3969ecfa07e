"""Show settings written into publish.toml by tomledit: a true/false value is set once, one
line added; a value already there (false included) is never replaced."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pipeline.support.tomledit import set_if_unset

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
