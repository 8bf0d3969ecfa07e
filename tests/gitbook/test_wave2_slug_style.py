"""``[content] slug_style = "auto"``: GitBook's heading ids in a GitBook space (a table of
contents found, or a Git-synced space's ``.gitbook.yaml``), GitHub's elsewhere, decided once
with the content folder, so every command, its caches and the preview agree; a style
written out wins. Before, only ``github`` and ``gitbook`` were known: a space built without
``slug_style = "gitbook"`` broke every anchor GitBook's editor wrote (``#release-4.5``)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main

NOTES = "# Notes\n\n## Release 4.5\n\nText.\n\n## 5. Set up\n\nMore.\n"
HOME = "# Home\n\nSee [the release](notes.md#release-4.5) and [setup](notes.md#id-5.-set-up).\n"
SUMMARY = "# Table of contents\n\n* [Home](README.md)\n* [Notes](notes.md)\n"


def _space(folder: Path, style: str, *, summary: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if summary:
        (folder / "SUMMARY.md").write_text(SUMMARY, encoding="utf-8")
    (folder / "README.md").write_text(HOME, encoding="utf-8")
    (folder / "notes.md").write_text(NOTES, encoding="utf-8")
    return folder


def _config(root: Path, style: str, folder: str = ".") -> str:
    line = f'slug_style = "{style}"\n' if style else ""
    text = (
        f'[site]\ntitle = "H"\nbase_url = "https://h.example/"\n\n[content]\nfolder = "{folder}"\n'
    )
    (root / "publish.toml").write_text(text + line, encoding="utf-8")
    return str(root / "publish.toml")


def _ids(config: str, out: Path) -> str:
    build = CliRunner().invoke(main, ["build", "--config", config, "--out", str(out)])
    assert build.exit_code == 0, build.output
    return (out / "notes" / "index.html").read_text(encoding="utf-8")


def test_auto_gives_gitbooks_ids_in_a_space_with_a_table_of_contents(tmp_path: Path) -> None:
    config = _config(_space(tmp_path, "auto"), "auto")
    links = CliRunner().invoke(main, ["links", "--offline", "--config", config])
    assert links.exit_code == 0, links.output  # the editor's anchors resolve
    page = _ids(config, tmp_path / "site")
    assert 'id="release-4.5"' in page and 'id="id-5.-set-up"' in page


def test_auto_gives_gitbooks_ids_in_a_git_synced_space(tmp_path: Path) -> None:
    docs = _space(tmp_path / "repo" / "docs", "auto", summary=False)
    (docs / "toc.md").write_text(SUMMARY, encoding="utf-8")
    (tmp_path / "repo" / ".gitbook.yaml").write_text(
        "root: ./docs/\nstructure:\n  summary: toc.md\n", encoding="utf-8"
    )
    config = _config(tmp_path, "auto", folder="repo")
    links = CliRunner().invoke(main, ["links", "--offline", "--config", config])
    assert links.exit_code == 0, links.output
    assert 'id="release-4.5"' in _ids(config, tmp_path / "site")


def test_auto_gives_githubs_ids_to_a_folder_of_pages(tmp_path: Path) -> None:
    content = tmp_path / "content" / "essays"
    content.mkdir(parents=True)
    (content / "notes.md").write_text(
        "---\ntitle: Notes\ndate: 2024-01-01\n---\n## Release 4.5\n", encoding="utf-8"
    )
    config = _config(tmp_path, "auto", folder="content")
    out = tmp_path / "site"
    build = CliRunner().invoke(main, ["build", "--config", config, "--out", str(out)])
    assert build.exit_code == 0, build.output
    page = next(out.glob("essays/*/index.html")).read_text(encoding="utf-8")
    assert 'id="release-45"' in page


def test_a_style_written_out_wins_in_a_gitbook_space(tmp_path: Path) -> None:
    config = _config(_space(tmp_path, "github"), "github")
    page = _ids(config, tmp_path / "site")
    assert 'id="release-45"' in page and 'id="release-4.5"' not in page


def test_an_unknown_style_is_a_configuration_error(tmp_path: Path) -> None:
    config = _config(_space(tmp_path, "gitlab"), "gitlab")
    result = CliRunner().invoke(main, ["validate", "--config", config])
    assert result.exit_code == 3
    assert "slug_style: expected one of auto, github, gitbook" in result.stderr


def test_a_space_with_no_slug_style_line_gets_gitbooks_ids(tmp_path: Path) -> None:
    """The default is ``auto``: a GitBook space with a publish.toml that says nothing of
    heading ids (or none at all) resolves the anchors GitBook's editor wrote."""
    config = _config(_space(tmp_path / "space", ""), "")
    assert "slug_style" not in Path(config).read_text(encoding="utf-8")
    links = CliRunner().invoke(main, ["links", "--offline", "--config", config])
    assert links.exit_code == 0, links.output
    page = _ids(config, tmp_path / "site")
    assert 'id="release-4.5"' in page and 'id="id-5.-set-up"' in page
