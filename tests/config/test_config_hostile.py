"""publish.toml as a hostile sweep wrote it: lists naming an output twice, a byte order mark, a
byte that is not UTF-8, a folder, and thousands of problems. Each is exit 3 naming the file,
the line and the key; none is exit 1 or a half-written build."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.timing import assert_linear

SITE = '[site]\ntitle = "H"\nbase_url = "https://h.example.org/"\ntimezone = "UTC"\n'
ESSAY = "---\ntitle: a\ndate: 2024-05-01\ntags: [x]\n---\nText.\n"


def site(root: Path, config: str | bytes) -> Path:
    (root / "content/essays").mkdir(parents=True, exist_ok=True)
    (root / "content/essays/a.md").write_text(ESSAY, encoding="utf-8")
    path = root / "publish.toml"
    path.write_bytes(config.encode() if isinstance(config, str) else config)
    return path


def build(root: Path) -> tuple[int, str]:
    args = ["build", "--config", str(root / "publish.toml"), "--out", str(root / "out")]
    result = CliRunner().invoke(main, [*args, "--cache-dir", str(root / "cache")])
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stderr


@pytest.mark.parametrize(
    ("feeds", "expected"),
    [
        (
            'sections = ["essays", "essays"]',
            "feeds.sections: entry 2: 'essays' is listed twice (entry 1 too); "
            "each section gets one feed",
        ),
        ('sections = [""]', "feeds.sections: entry 1: an empty name; expected a section's folder"),
        ('sections = ["essays", " "]', "feeds.sections: entry 2: an empty name"),
        ('sections = ["../essays"]', "feeds.sections: entry 1: '../essays' is not a folder"),
        ('sections = ["essays/"]', "feeds.sections: entry 1: 'essays/' is not a folder"),
        ('tags = ["x", "x"]', "feeds.tags: entry 2: 'x' is listed twice (entry 1 too)"),
        ('tags = [""]', "feeds.tags: entry 1: an empty name; expected a tag, or '*' for every tag"),
    ],
    ids=["section-twice", "empty-section", "blank-section", "dot-dot", "slash", "tag-twice", "tag"],
)
def test_a_list_naming_an_output_twice_or_empty_is_refused(
    tmp_path: Path, feeds: str, expected: str
) -> None:
    """Two feed jobs for one folder shared its temporary files: a race that left the output
    half-written ("out/essays/.publish-rss.xml.PID.tmp: No such file or directory")."""
    config = site(tmp_path, f"{SITE}\n[feeds]\n{feeds}\n")
    code, err = build(tmp_path)
    assert code == 3, err
    assert f"{config}:7: {expected}" in err, err
    assert not (tmp_path / "out").exists()


def test_nested_sections_are_kept(tmp_path: Path) -> None:
    site(tmp_path, f'{SITE}\n[feeds]\nsections = ["essays", "docs/guide"]\n')
    code, err = build(tmp_path)
    assert code == 0, err


def test_a_byte_order_mark_is_accepted_as_in_content_files(tmp_path: Path) -> None:
    site(tmp_path, b"\xef\xbb\xbf" + SITE.encode())
    code, err = build(tmp_path)
    assert code == 0, err


def test_a_byte_that_is_not_utf8_is_named_at_its_line_and_offset(tmp_path: Path) -> None:
    config = site(tmp_path, SITE.encode() + b"\n# caf\xe9\n")
    code, err = build(tmp_path)
    assert code == 3, err
    offset = len(SITE) + 6
    assert (
        f"{config}:6: file: not UTF-8 text (byte 0xe9 at offset {offset}); save the file as UTF-8"
    ) in err, err


def test_a_named_pipe_as_publish_toml_is_refused_not_waited_on(tmp_path: Path) -> None:
    """``--config`` takes any file that exists: reading a pipe with no writer waited for ever."""
    from tests.hostile.sites import within

    (tmp_path / "content").mkdir()
    os.mkfifo(tmp_path / "publish.toml")
    with within(10, "publish validate waited on a named pipe"):
        code, err = build(tmp_path)
    assert code == 3, err
    assert "publish.toml:1: file: not a regular file (a folder, a pipe or a device)" in err, err


@pytest.mark.parametrize(
    ("toml", "line", "expected"),
    [
        (
            'description = "a"\n\ndescription = "b"\n',
            7,
            "toml: syntax error: 'description' is set twice (first set on line 5); "
            "a key may be set once",
        ),
        ("x = 1\ny = ", 6, "toml: syntax error: "),  # then tomllib's words
        ("[feeds]\n[feeds]\n", 6, "toml: syntax error: the table [feeds] is declared twice"),
    ],
    ids=["key-twice", "value-missing-at-the-end", "table-twice"],
)
def test_syntax_errors_are_named_at_their_line(
    tmp_path: Path, toml: str, line: int, expected: str
) -> None:
    """tomllib says "(at end of document)" and "Cannot overwrite a value": the line, then
    which key."""
    config = site(tmp_path, SITE + toml)
    code, err = build(tmp_path)
    assert code == 3, err
    assert f"{config}:{line}: {expected}" in err, err
    assert "end of document" not in err and "(at line" not in err


def _many_unknown_keys(tmp: Path, n: int) -> None:
    root = tmp / f"keys{n}"
    keys = "".join(f"key{i} = {i}\n" for i in range(n))
    config = site(root, SITE + keys)
    result = CliRunner().invoke(main, ["validate", "--quiet", "--config", str(config)])
    assert result.exit_code == 3
    assert f"{config}:{n + 4}: site.key{n - 1}: unknown key" in result.stderr


def test_each_problem_is_placed_in_linear_time(tmp_path: Path) -> None:
    """Each problem's line was found by reading the whole file again: 4,000 unknown keys
    took 14 s, 8,000 took 44 s. The file is read once."""
    assert_linear(lambda n: _many_unknown_keys(tmp_path, n), 2_000)


def test_a_key_set_twice_is_placed_in_linear_time_past_long_blank_lines() -> None:
    """Naming the first line of a key set twice read each line above with a regex whose
    greedy runs gave back a blank at a time: a TOML text (``+++`` front matter, publish.toml)
    holding a long blank string took 1 s at 20,000 blanks, quadratic."""
    from pipeline.config.lines import TomlError, load_toml

    def place(n: int) -> str:
        text = 'a = 1\nb = """\n' + " " * n + '\n"""\nc = "x' + " " * n + '"\na = 2\n'
        with pytest.raises(TomlError) as caught:
            load_toml(text)
        assert caught.value.line == 6
        return caught.value.message

    assert "'a' is set twice (first set on line 1)" in place(10)
    assert_linear(place, 50_000)


@pytest.mark.parametrize("folder", ["/", "/etc", "~/site", "C:\\\\content", "\\\\\\\\srv\\\\share"])
def test_a_content_folder_outside_the_sites_is_refused(tmp_path: Path, folder: str) -> None:
    """``[content] folder = "/"`` walked the whole disk (a build that never ended); the
    folder is read relative to publish.toml, so an absolute one is a mistake."""
    site(tmp_path, SITE + f'\n[content]\nfolder = "{folder}"\n')
    code, stderr = build(tmp_path)
    assert code == 3, stderr
    assert "publish.toml:7: content.folder: expected a folder relative to this file" in stderr
    assert not (tmp_path / "out").exists()
