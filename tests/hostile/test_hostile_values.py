"""Values an author (or a pull request) can write that crashed a command (exit 1), published
what a reader refuses, or were reported at the wrong place; found by a hunt of hostile inputs.
Each is now a problem at its file, line and field, with the exit code the README names."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from click.testing import CliRunner, Result

from pipeline.cli import main
from pipeline.render.links import PageContext
from pipeline.render.markdown import render, scan
from tests.hostile.sites import essay, make_site
from tests.timing import best_seconds

EPISODE = {"kind": "episode", "audio": "https://media.example.org/a.mp3", "type": "audio/mpeg"}


def _validate(root: Path) -> Result:
    return CliRunner().invoke(main, ["validate", "--config", str(root / "publish.toml")])


def _png_header(width: int, height: int) -> bytes:
    """A PNG's signature, header and end: all an image library reads to learn its size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def test_an_audio_url_no_parser_reads_is_a_content_error(tmp_path: Path) -> None:
    make_site(
        tmp_path,
        {"episodes/a.md": essay("E", id="e1", audio="'http://[x/a.mp3'", kind="episode")},
        podcast=True,
    )
    result = _validate(tmp_path)
    assert result.exit_code == 2, result.output  # was 1: ValueError: Invalid IPv6 URL
    assert (
        "episodes/a.md:5: front matter 'audio': expected an http(s) URL or a file path"
    ) in result.stderr


def test_artwork_of_billions_of_pixels_is_refused_not_decoded(tmp_path: Path) -> None:
    make_site(
        tmp_path,
        {
            "episodes/a.md": essay("E", image="art.png", length="1000", duration="10", **EPISODE),
            "episodes/art.png": _png_header(60_000, 60_000),
        },
        podcast=True,
    )
    result = _validate(tmp_path)
    assert result.exit_code == 2, result.output  # was 1: DecompressionBombError
    assert "episodes/a.md:4: front matter 'image': artwork has too many pixels" in result.stderr


def test_a_chapters_file_with_nan_is_not_published(tmp_path: Path) -> None:
    chapters = '{"version": "1.2.0", "chapters": [{"startTime": NaN, "title": "x"}]}'
    make_site(
        tmp_path,
        {
            "episodes/a.md": essay("E", chapters="c.json", length="1000", duration="10", **EPISODE),
            "episodes/c.json": chapters,
        },
        podcast=True,
    )
    result = _validate(tmp_path)
    assert result.exit_code == 2, result.output  # was 0: the file copied, JSON no reader takes
    assert "episodes/a.md:4: front matter 'chapters': c.json: chapters file is not valid JSON" in (
        result.stderr
    )


def test_an_enclosure_length_no_file_has_is_an_error_at_its_line(tmp_path: Path) -> None:
    for length in ("-1", "9" * 27):
        make_site(
            tmp_path,
            {"episodes/a.md": essay("E", length=length, duration="10", **EPISODE)},
            podcast=True,
        )
        result = _validate(tmp_path)
        assert result.exit_code == 2, result.output
        assert "episodes/a.md:" in result.stderr and "'length': expected a number of bytes" in (
            result.stderr
        )
        assert "podcast.xml" not in result.stderr  # was blamed on the feed at line 1


def test_a_sequence_past_32_bits_is_an_error(tmp_path: Path) -> None:
    event = essay("E", starts="2025-02-03T18:00:00", sequence="99999999999999999999999")
    make_site(tmp_path, {"events/e.md": event})
    result = _validate(tmp_path)
    assert result.exit_code == 2, result.output  # was 0: SEQUENCE calendar apps refuse
    assert "events/e.md:5: sequence: expected a whole number from 0 to 2147483647" in (
        result.stderr
    )


def test_a_rules_own_until_before_the_start_is_named_at_the_repeat_line(tmp_path: Path) -> None:
    event = essay("E", starts="2025-02-03T18:00:00", repeat="FREQ=DAILY;UNTIL=20200101T000000Z")
    make_site(tmp_path, {"events/e.md": event})
    result = _validate(tmp_path)
    assert result.exit_code == 2, result.output
    assert "events/e.md:5: repeat: its UNTIL is before 'starts'" in result.stderr  # was :1


def test_a_null_title_is_a_missing_one(tmp_path: Path) -> None:
    make_site(tmp_path, {"essays/a.md": essay("null")})
    result = _validate(tmp_path)
    assert result.exit_code == 2, result.output  # was 0, the feed item titled ""
    assert "essays/a.md:2: title: missing: add a 'title:' key" in result.stderr


def test_a_menu_link_that_runs_script_is_a_configuration_error(tmp_path: Path) -> None:
    make_site(tmp_path, {"essays/a.md": essay()})
    config = tmp_path / "publish.toml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + '\n[theme]\nmenu = [{title = "x", url = "javascript:alert(1)"}]\n',
        encoding="utf-8",
    )
    result = _validate(tmp_path)
    assert result.exit_code == 3, result.output  # was 0: the link on every page
    assert "theme.menu: entry 1: 'javascript:alert(1)' runs script" in result.stderr


def test_a_body_of_many_brackets_is_scanned_at_the_renderers_pace() -> None:
    """900,000 ``![`` (1.8 MB) took 43 s to validate: markdown-it reads a label from each
    bracket (50 µs apiece). Past 10,000 brackets the links come from the render pass; the
    scan then costs a few times what cmark's render does (it was 270 times as much)."""
    text = "![" * 100_000 + "\n"
    context = PageContext(source="a.md", url="https://x.example/a/")
    rendering = best_seconds(lambda: render(text, context))
    scanning = best_seconds(lambda: scan(text, "a.md"))
    assert scanning <= 20 * rendering + 0.05, f"scan {scanning:.3f} s, render {rendering:.3f} s"


def test_links_past_the_bracket_limit_keep_their_lines() -> None:
    text = "".join(f"[l{i}](gone-{i}.md) " + ("\n" if i % 10 == 0 else "") for i in range(12_000))
    doc = scan(text, "a.md", line_offset=5)
    assert len(doc.links) == 12_000
    assert (doc.links[0].line, doc.links[-1].url, doc.links[-1].line) == (6, "gone-11999.md", 1206)


def test_the_building_machines_zone_is_refused(tmp_path: Path) -> None:
    """``localtime`` is whatever zone the machine that builds has: the same content gave
    other bytes on another machine (an event's times, every date on the site)."""
    event = essay("E", starts="2025-02-03T18:00:00", timezone="localtime")
    make_site(tmp_path, {"events/e.md": event})
    result = _validate(tmp_path)
    assert result.exit_code == 2, result.output
    assert "events/e.md:5: timezone: unknown IANA time zone 'localtime'" in result.stderr
    make_site(tmp_path, {"events/e.md": essay("E", starts="2025-02-03T18:00:00")})
    config = tmp_path / "publish.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace('timezone = "UTC"', 'timezone = "localtime"'),
        encoding="utf-8",
    )
    result = _validate(tmp_path)
    assert result.exit_code == 3, result.output
    assert "site.timezone: unknown IANA time zone 'localtime'" in result.stderr
