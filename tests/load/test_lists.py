"""Front matter lists (tags, authors): each value trimmed, a blank one an error at its line.
A tag ``"  spaced  "`` was written with its blanks into Atom and JSON Feed, which readers show
as they are, and trimmed by readers of RSS: one tag, two spellings."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from pipeline.config import load_config
from pipeline.load.loader import load_site
from tests.conftest import run_site


def _site(tmp_path: Path, front: str) -> Path:
    essays = tmp_path / "content" / "essays"
    essays.mkdir(parents=True)
    (essays / "a.md").write_text(
        f"---\ntitle: A\ndate: 2024-01-01\nid: a\n{front}---\n\nBody.\n", encoding="utf-8"
    )
    config = tmp_path / "publish.toml"
    config.write_text('[site]\nbase_url = "https://e.org/"\n', encoding="utf-8")
    return config


def test_blanks_around_a_value_are_no_part_of_it(tmp_path: Path) -> None:
    config = _site(tmp_path, 'tags: ["  spaced  ", "x", "x "]\nauthors: " Ada Quill "\n')
    (item,) = load_site(load_config(config), tmp_path / "content").items
    assert item.tags == ("spaced", "x")
    assert item.authors == ("Ada Quill",)


def test_a_blank_value_is_an_error_at_its_line(tmp_path: Path, runner: CliRunner) -> None:
    config = _site(tmp_path, 'tags: ["a", "  "]\n')
    result = run_site(runner, "validate", config)
    assert result.exit_code == 2, result.output
    assert "content/essays/a.md:5: tags: expected a list of text values, found '  '" in (
        result.stderr
    )
