"""Binary files, other encodings, BOMs, line ends, empty files: a clear message or correct output."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest

from tests.hostile.sites import assert_clean_outcome, check_outputs, essay, make_site, run_build

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PNG, "essays/bad.md:1: file: binary file (contains NUL bytes)"),
        (
            "---\ntitle: Café\n---\n".encode("utf-16"),
            "essays/bad.md:1: file: UTF-16 text (it starts with a byte-order mark); save the file "
            "as UTF-8",
        ),
        (
            "---\rtitle: ok\rdate: 2024-05-01\r---\r\rline\rna\xefve\r".encode("cp1252"),
            "essays/bad.md:7: file: not UTF-8 text (byte 0xef",
        ),
        (
            "---\ntitle: Caf\xe9\ndate: 2024-05-01\n---\nx\n".encode("latin-1"),
            "essays/bad.md:2: file: not UTF-8 text (byte 0xe9 at offset 14)",
        ),
        (
            "---\ntitle: ok\ndate: 2024-05-01\n---\n\nline\nna\xefve\n".encode("cp1252"),
            "essays/bad.md:7: file: not UTF-8 text (byte 0xef",
        ),
        (b"", "essays/bad.md:1: file: empty file"),
        (b" \n\n\t\r\n", "essays/bad.md:1: file: empty file"),
        (b"\xef\xbb\xbf", "essays/bad.md:1: file: empty file"),
        (b"---\ntitle: Only\ndate: 2024-05-01\n---\n", "essays/bad.md:5: body: empty"),
        (
            b"---\ntitle: Never closed\ndate: 2024-05-01\n\nbody\n",
            "essays/bad.md:1: front matter: opening '---' has no closing '---' line",
        ),
        (b"---\n- a\n- b\n---\nbody\n", "essays/bad.md:2: front matter: expected a mapping"),
        (
            b"---\ntitle: x\ndate: 2024-05-01\n1: number key\n---\nbody\n",
            "essays/bad.md:4: front matter: keys must be text, got '1'; quote it",
        ),
    ],
    ids=[
        "png",
        "utf16",
        "cp1252-body-cr-line-ends",
        "latin1",
        "cp1252-body",
        "empty",
        "blank",
        "bom-only",
        "only-front-matter",
        "unclosed",
        "not-a-mapping",
        "int-key",
    ],
)
def test_bad_files_give_a_clear_message(tmp_path: Path, data: bytes, expected: str) -> None:
    make_site(tmp_path, {"essays/bad.md": data, "essays/fine.md": essay()})
    run = run_build(tmp_path)
    assert_clean_outcome(run)
    assert run.exit_code == 2
    assert len(run.problems) == 1, run.stderr
    assert expected in run.problems[0]
    assert not (tmp_path / "out").exists()


def test_a_page_that_is_only_front_matter_builds(tmp_path: Path) -> None:
    """Only feed items need a body; a page with just a title is a valid (empty) page."""
    make_site(tmp_path, {"about.md": b"---\ntitle: About\n---\n", "essays/fine.md": essay()})
    run = run_build(tmp_path)
    assert run.exit_code == 0, run.stderr
    assert "About" in (tmp_path / "out/about/index.html").read_text("utf-8")


@pytest.mark.parametrize(
    ("newline", "bom"),
    [("\r\n", False), ("\r\n", True), ("\r", False), ("\n", True)],
    ids=["crlf", "crlf-bom", "cr", "lf-bom"],
)
def test_line_ends_and_bom_are_normalised(tmp_path: Path, newline: str, bom: bool) -> None:
    lines = [
        "---",
        "title: Line ends",
        "date: 2024-05-01",
        "tags: [ends]",
        "---",
        "",
        "First paragraph",
        "still first.",
        "",
        "Second paragraph.",
    ]
    data = ("\ufeff" if bom else "") + newline.join(lines) + newline
    make_site(tmp_path, {"essays/ends.md": data.encode("utf-8")})
    run = run_build(tmp_path)
    assert run.exit_code == 0, run.stderr
    outputs = check_outputs(tmp_path / "out")
    item = json.loads(outputs["feed.json"])["items"][0]
    assert item["title"] == "Line ends"
    assert item["tags"] == ["ends"]
    assert "\r" not in item["content_html"]
    assert "<p>First paragraph\nstill first.</p>" in item["content_html"]
    assert "<p>Second paragraph.</p>" in item["content_html"]
    for name, data_ in outputs.items():
        assert b"\r" not in data_ or name.endswith(".ics"), name  # ICS lines end in CRLF
        assert "\ufeff".encode() not in data_, name


def test_errors_in_a_crlf_file_name_the_right_line(tmp_path: Path) -> None:
    data = b"---\r\ntitle: x\r\ndate: someday\r\n---\r\nbody\r\n"
    make_site(tmp_path, {"essays/crlf.md": data})
    run = run_build(tmp_path)
    assert run.exit_code == 2
    assert "essays/crlf.md:3: date: " in run.problems[0]


def test_unicode_file_and_folder_names(tmp_path: Path) -> None:
    make_site(
        tmp_path, {"essays/größe çà.md": essay("Größe"), "essays/日本/記事.md": essay("記事")}
    )
    run = run_build(tmp_path)
    assert_clean_outcome(run)
    assert run.exit_code == 0, run.stderr
    outputs = check_outputs(tmp_path / "out")
    titles = {e.title for e in feedparser.parse(outputs["atom.xml"]).entries}
    assert titles == {"Größe", "記事"}
