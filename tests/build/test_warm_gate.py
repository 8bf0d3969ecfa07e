"""A build with nothing to do reports what the last build of the same inputs reported: its
warnings and its lasting notes, the exit code too."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner, Result

import pipeline
from pipeline.cli import main
from tests.build.test_incremental import age, edit, tree


def _build(site: Path, out: Path, cache: Path) -> Result:
    args = ["build", "--config", str(site / "publish.toml"), "--out", str(out)]
    return CliRunner().invoke(main, [*args, "--cache-dir", str(cache)])


def _said(result: Result) -> list[str]:
    """What the build printed besides its summary line (which names its own times)."""
    return [ln for ln in result.stderr.splitlines() if not ln.startswith("Built ")]


def test_a_build_with_nothing_to_do_repeats_the_podcast_guid_note(
    site: Path, tmp_path: Path
) -> None:
    # the feed moved: the pinned GUID is not the one of the new feed URL, and every build says so
    edit(site / "publish.toml", "https://commons.example.org/", "https://moved.example.net/")
    age(site)
    out, cache = tmp_path / "out", tmp_path / "cache"
    first = _build(site, out, cache)
    assert first.exit_code == 0, first.output
    notes = [ln for ln in _said(first) if ln.startswith("note: ")]
    assert len(notes) == 1 and "podcast.guid" in notes[0]
    again = _build(site, out, cache)
    assert again.exit_code == 0, again.output
    assert "(0 files written" in again.stderr  # nothing to do
    assert _said(again) == _said(first)
    cold = _build(site, tmp_path / "cold", tmp_path / "cold-cache")
    assert _said(cold) == _said(again)


def test_a_second_write_in_the_same_clock_tick_is_not_missed(site: Path, tmp_path: Path) -> None:
    """git's "racily clean" files, at the no-op check: a file written just before a build and
    written again in the same clock tick keeps its size and mtime. Its stat proved nothing,
    so the next build must not take the outputs for up to date."""
    age(site)
    out, cache = tmp_path / "out", tmp_path / "cache"
    post = site / "content/essays/why-we-gather.md"
    text = post.read_text(encoding="utf-8")
    edit(post, "small groups first.", "small groups first!")  # saved, then built at once
    st = post.stat()
    assert _build(site, out, cache).exit_code == 0
    post.write_text(text.replace("small groups first.", "SMALL groups first."), encoding="utf-8")
    os.utime(post, ns=(st.st_atime_ns, st.st_mtime_ns))  # the same size, the same tick
    assert _build(site, out, cache).exit_code == 0
    assert "SMALL groups first." in (out / "essays/why-we-gather/index.html").read_text()
    cold = tmp_path / "cold"
    assert _build(site, cold, tmp_path / "cold-cache").exit_code == 0
    assert tree(out) == tree(cold)


def test_a_template_written_again_in_the_same_clock_tick_is_not_missed(
    site: Path, tmp_path: Path
) -> None:
    """The same for a template override of the content repository (stat'ed by the no-op
    check as the content is)."""
    age(site)
    out, cache = tmp_path / "out", tmp_path / "cache"
    shipped = Path(pipeline.__file__).parent / "templates/site/404.html.j2"
    override = site / "templates/404.html.j2"
    override.parent.mkdir()
    text = shipped.read_text(encoding="utf-8")
    assert "<h1>" in text
    override.write_text(text.replace("<h1>", "<h1>-FIRST!-"), encoding="utf-8")
    st = override.stat()
    assert _build(site, out, cache).exit_code == 0
    override.write_text(text.replace("<h1>", "<h1>-SECOND-"), encoding="utf-8")
    os.utime(override, ns=(st.st_atime_ns, st.st_mtime_ns))  # the same size, the same tick
    assert _build(site, out, cache).exit_code == 0
    assert "<h1>-SECOND-" in (out / "404.html").read_text(encoding="utf-8")
    cold = tmp_path / "cold"
    assert _build(site, cold, tmp_path / "cold-cache").exit_code == 0
    assert tree(out) == tree(cold)


def test_a_theme_file_named_with_a_line_break_is_built(site: Path, tmp_path: Path) -> None:
    """The newest mtime of the theme's files was read line by line from their stamp: a file
    name holding a line break made a line without its mtime, and the build an IndexError."""
    static = site / "templates"
    static.mkdir()
    (static / "notes\n1.txt").write_text("a note beside the templates\n", encoding="utf-8")
    result = _build(site, tmp_path / "out", tmp_path / "cache")
    assert result.exit_code == 0, result.output
