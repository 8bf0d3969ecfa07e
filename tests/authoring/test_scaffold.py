"""``publish new``: a file that validates, numbered after the last episode, listed in SUMMARY.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from pipeline.cli import main
from tests.conftest import REPO, copy_fixture


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _front(path: Path) -> dict[str, object]:
    meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
    assert isinstance(meta, dict)
    return meta


@pytest.mark.parametrize("title", ["", "   "])
def test_an_empty_title_is_refused_and_nothing_written(
    site: Path, runner: CliRunner, title: str
) -> None:
    before = _tree(site)
    result = runner.invoke(main, ["new", "essay", title, "--config", str(site / "publish.toml")])
    assert result.exit_code == 2
    assert "title is empty" in result.stderr and "Traceback" not in result.output
    assert _tree(site) == before


def test_a_new_episode_takes_the_next_number(site: Path, runner: CliRunner) -> None:
    config = ["--config", str(site / "publish.toml")]
    numbers = []
    for title in ("Fourth", "Fifth"):
        result = runner.invoke(main, ["new", "episode", title, *config])
        assert result.exit_code == 0, result.output
        path = Path(result.stdout.strip())
        meta = _front(path)
        numbers.append((meta["season"], meta["episode"]))
        media = path.parent / "media"
        (media / f"{path.stem}.mp3").write_bytes((media / "003-release.mp3").read_bytes())
    assert numbers == [(1, 4), (1, 5)]  # the example has episodes 1 to 3 of season 1
    assert runner.invoke(main, ["validate", *config]).exit_code == 0


def test_a_new_page_of_a_gitbook_space_is_listed_in_summary(
    tmp_path: Path, runner: CliRunner
) -> None:
    root = copy_fixture("handbook", tmp_path)
    summary = (root / "SUMMARY.md").read_bytes()
    config = ["--config", str(root / "publish.toml"), "--content", str(root)]
    result = runner.invoke(main, ["new", "essay", "Tending the fire", *config])
    assert result.exit_code == 0, result.output
    last = b"  * [Frequently asked questions](essays/frequently-asked-questions.md)\n"
    added = b"  * [Tending the fire](essays/tending-the-fire.md)\n"
    assert (root / "SUMMARY.md").read_bytes() == summary.replace(last, last + added, 1)
    assert (root / "essays" / "tending-the-fire.md").is_file()
    assert runner.invoke(main, ["validate", *config]).exit_code == 0


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("word " * 1000, "word-" * 15 + "word.md"),  # 80 characters, cut between words
        ("x" * 5000, "x" * 80 + ".md"),  # one long word: cut anyway
        ("é" * 300, "é" * 80 + ".md"),
    ],
    ids=["words", "one-word", "two-byte"],
)
def test_a_long_title_names_a_file_the_system_accepts(
    site: Path, runner: CliRunner, title: str, name: str
) -> None:
    """A 5,000-character title once made a 5,003-byte file name: "File name too long",
    exit 3. The title is kept whole in the front matter."""
    result = runner.invoke(main, ["new", "essay", title, "--config", str(site / "publish.toml")])
    assert result.exit_code == 0, result.output
    path = site / "content" / "essays" / name
    assert result.stdout.strip().endswith(str(path.relative_to(site)))
    assert _front(path)["title"] == title.strip()
    build = ["validate", "--config", str(site / "publish.toml")]
    assert runner.invoke(main, build).exit_code == 0


def test_a_summary_that_is_not_utf8_is_named_at_its_line_and_nothing_written(
    tmp_path: Path, runner: CliRunner
) -> None:
    """publish new read SUMMARY.md with its own decoding: exit 1 on a byte that is not UTF-8."""
    root = copy_fixture("handbook", tmp_path)
    summary = root / "SUMMARY.md"
    lines = summary.read_bytes().split(b"\n")
    lines[3] += b" caf\xe9"
    summary.write_bytes(b"\n".join(lines))
    before = _tree(root)
    config = ["--config", str(root / "publish.toml"), "--content", str(root)]
    result = runner.invoke(main, ["new", "essay", "Tending the fire", *config])
    assert result.exit_code == 2, result.output
    assert "SUMMARY.md:4: file: not UTF-8 text" in result.stderr
    assert _tree(root) == before


@pytest.mark.parametrize("kind", ["episode", "event", "update"])
def test_a_new_item_of_a_gitbook_space_keeps_its_kind(
    tmp_path: Path, runner: CliRunner, kind: str
) -> None:
    """In a GitBook space SUMMARY.md decides, not the folder: a new episode or event was
    read as a page, its own keys (audio, starts, …) each warned about as unknown."""
    root = copy_fixture("handbook", tmp_path)
    config = ["--config", str(root / "publish.toml"), "--content", str(root)]
    result = runner.invoke(main, ["new", kind, "Gathering", *config])
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip())
    assert _front(path)["kind"] == kind
    if kind == "episode":
        media = REPO / "content" / "episodes" / "media" / "003-release.mp3"
        (path.parent / "media").mkdir()
        (path.parent / "media" / f"{path.stem}.mp3").write_bytes(media.read_bytes())
    done = runner.invoke(main, ["validate", "--format", "json", *config])
    assert done.exit_code == 0, done.output
    warnings = json.loads(done.stdout)["warnings"]
    source = path.relative_to(root).as_posix()
    assert [w for w in warnings if w.startswith(f"{source}:")] == []


def test_titles_that_make_no_file_name_each_get_a_file(site: Path, runner: CliRunner) -> None:
    """A second all-emoji title was refused: "untitled.md: already exists; choose another
    title", though the editor had chosen another title."""
    config = ["--config", str(site / "publish.toml")]
    made = []
    for title in ("🎉🚀", "🌱", "!!!"):
        result = runner.invoke(main, ["new", "essay", title, *config])
        assert result.exit_code == 0, result.output
        made.append(Path(result.stdout.strip()))
    assert [p.name for p in made] == ["untitled.md", "untitled-2.md", "untitled-3.md"]
    assert [_front(p)["title"] for p in made] == ["🎉🚀", "🌱", "!!!"]
    assert runner.invoke(main, ["validate", *config]).exit_code == 0


def test_a_title_over_lines_is_one_line_in_summary(tmp_path: Path, runner: CliRunner) -> None:
    """A title with a line break was written into SUMMARY.md as it was: the entry split over
    two lines, and the next ``new`` no longer found the folder's entries."""
    root = copy_fixture("handbook", tmp_path)
    config = ["--config", str(root / "publish.toml"), "--content", str(root)]
    result = runner.invoke(main, ["new", "essay", "Line one\nLine\ttwo", *config])
    assert result.exit_code == 0, result.output
    summary = (root / "SUMMARY.md").read_text(encoding="utf-8")
    assert "  * [Line one Line two](essays/line-one-line-two.md)\n" in summary
    assert _front(root / "essays" / "line-one-line-two.md")["title"] == "Line one Line two"
    again = runner.invoke(main, ["new", "essay", "Next", *config])
    assert again.exit_code == 0, again.output
    assert (root / "SUMMARY.md").read_text(encoding="utf-8").count("## ") == summary.count("## ")


@pytest.mark.parametrize("linked", ["essays", "SUMMARY.md"])
def test_nothing_is_written_through_a_symlink_out_of_the_content(
    tmp_path: Path, runner: CliRunner, linked: str
) -> None:
    """``essays -> /elsewhere`` had the new essay written there, and a SUMMARY.md linked to
    a file outside was rewritten."""
    root = copy_fixture("handbook", tmp_path / "space")
    elsewhere = tmp_path / "elsewhere"
    moved = root / linked
    moved.rename(elsewhere)
    moved.symlink_to(elsewhere)
    before = _tree(elsewhere) if elsewhere.is_dir() else {"": elsewhere.read_bytes()}
    config = ["--config", str(root / "publish.toml"), "--content", str(root)]
    result = runner.invoke(main, ["new", "essay", "Escaped", *config])
    assert result.exit_code == 2, result.output
    assert "a symlink puts it outside the content folder; nothing written" in result.stderr
    after = _tree(elsewhere) if elsewhere.is_dir() else {"": elsewhere.read_bytes()}
    assert after == before
