"""Many files of one id (or one permalink): each file's problem named every other file, so
the report grew with the square of the files (4,000 files of ``id: same``: 268 MB on
stderr). Each problem names ten of them and counts the rest."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.hostile.sites import make_site

FILES = 300


@pytest.mark.parametrize(("extra", "field"), [("id: same\n", "id"), ("slug: same\n", "slug")])
def test_a_duplicate_names_ten_files_and_counts_the_rest(
    tmp_path: Path, extra: str, field: str
) -> None:
    essays = {
        f"essays/a{i:03d}.md": f"---\ntitle: T{i}\ndate: 2024-05-01\n{extra}---\nText.\n"
        for i in range(FILES)
    }
    config = make_site(tmp_path, essays)
    result = CliRunner().invoke(main, ["validate", "--config", str(config), "-q"])
    assert result.exit_code == 2, result.stderr
    lines = [ln for ln in result.stderr.splitlines() if f":4: {field}: duplicate " in ln]
    assert len(lines) == FILES  # every file is named at its line
    first = tmp_path / "content/essays/a000.md"
    assert lines[0].startswith(f"{first}:4: {field}: duplicate ")
    assert lines[0].endswith("essays/a009.md and 290 more)"), lines[0]
    assert len(result.stderr) < FILES * 400
