"""Names the file system refuses, and front-matter values of the wrong type, are content
errors at ``path:line`` (exit 2) from ``validate`` and ``build`` alike, and nothing is written.

A tag or slug over 255 bytes passed validation and failed the build half-way (``File name
too long``, exit 3, feeds already replaced); ``kind: [essay]`` was a TypeError (exit 1).
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hostile.sites import assert_clean_outcome, essay, make_site, output_files, run_build
from tests.hostile.test_validate_as_build import run_validate

LONG = "é" * 130  # 260 bytes of UTF-8 in 130 characters


@pytest.mark.parametrize(
    ("extra", "body", "field", "line"),
    [
        ({"tags": f"[fine, {LONG}]"}, "Text.\n", "tags", 4),
        ({"slug": "s" * 256}, "Text.\n", "slug", 4),
        ({"tags": "[" + ", ".join(["a" * 200] * 6) + ", " + "b" * 250 + "]"}, "Text.\n", "tags", 4),
        ({}, f"Para.\n\n![pic]({LONG}.png)\n", "body", 8),
        ({}, f"[file](docs/{'d' * 300}/x.pdf)\n", "body", 6),
        ({"image": f"{LONG}.png"}, "Text.\n", "image", 4),
    ],
)
def test_names_too_long_are_content_errors(
    tmp_path: Path, extra: dict[str, str], body: str, field: str, line: int
) -> None:
    make_site(tmp_path, {"essays/ok.md": essay(title="Ok")})
    first = run_build(tmp_path)
    assert first.exit_code == 0, first.stderr
    before = {p: p.read_bytes() for p in output_files(tmp_path / "out")}
    make_site(tmp_path, {"essays/long.md": essay(body=body, **extra)})
    for run in (run_validate(tmp_path), run_build(tmp_path)):
        assert_clean_outcome(run)
        assert run.exit_code == 2, run.stderr
        assert any(
            re.match(rf"^\S*content/essays/long\.md:{line}: {field}: ", p) for p in run.problems
        ), run.stderr
    assert {p: p.read_bytes() for p in output_files(tmp_path / "out")} == before


KNOWN = ["title", "date", "updated", "description", "draft", "id", "slug", "image", "kind"]
"""Fields that take one value: a list or a map is an error naming the field."""
LISTS = ["tags", "authors", "aliases"]
"""Fields that take a list: a map is an error naming the field."""
VALUE = st.one_of(
    st.sampled_from(["[essay]", "[]", "{a: 1}", "{}", "[[1], {b: 2}]", "{k: [1]}"]),
    st.sampled_from(["12", "-1", "1.5", "true", "false", "null", "~", ".nan", "0x1f"]),
)


@settings(
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(field=st.sampled_from(KNOWN + LISTS), value=VALUE)
def test_wrong_types_are_content_errors(field: str, value: str) -> None:
    lines = {"title": "T", "date": "2024-05-01", field: value}
    text = "---\n" + "".join(f"{k}: {v}\n" for k, v in lines.items()) + "---\nBody.\n"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_site(root, {"essays/typed.md": text})
        for run in (run_validate(root), run_build(root)):
            assert_clean_outcome(run)
            collection = value.startswith(("[", "{"))
            if (collection and field in KNOWN) or (value.startswith("{") and field in LISTS):
                assert run.exit_code == 2, run.stderr
                line = list(lines).index(field) + 2
                assert any(
                    re.match(rf"^\S*content/essays/typed\.md:{line}: {field}: ", p)
                    for p in run.problems
                ), run.stderr


def test_a_file_name_that_is_not_utf8_is_a_content_error(tmp_path: Path) -> None:
    """A name of bytes that are not UTF-8 (a file made on another system) came back from
    ``os`` with a lone surrogate, and the build's input digest crashed on it (exit 1,
    UnicodeEncodeError) before anything named the file."""
    make_site(tmp_path, {"essays/fine.md": essay("Fine")})
    bad = os.path.join(os.fsencode(tmp_path / "content" / "essays"), b"caf\xe9.md")
    with open(bad, "wb") as fh:
        fh.write(essay("Latin-1 name").encode())
    for run in (run_build(tmp_path), run_validate(tmp_path)):
        assert_clean_outcome(run)
        assert run.exit_code == 2, run.stderr
        assert "essays/caf\\udce9.md:1: file: the file name is not UTF-8 text" in run.stderr
    assert output_files(tmp_path / "out") == []
    os.remove(bad)
    assert run_build(tmp_path).exit_code == 0


@pytest.mark.parametrize(("count", "exit_code"), [(100, 0), (101, 2)])
def test_tags_of_one_item_are_bounded(tmp_path: Path, count: int, exit_code: int) -> None:
    """Each tag is a feed listing the item with all its tags: n tags on one post wrote n²
    categories (10,000 filled a disk). Over 100 is a content error at the field's line."""
    tags = "[" + ", ".join(f"t{i}" for i in range(count)) + "]"
    make_site(tmp_path, {"essays/many.md": essay(tags=tags)})
    run = run_build(tmp_path)
    assert_clean_outcome(run)
    assert run.exit_code == exit_code, run.stderr
    if exit_code:
        assert "essays/many.md:4: tags: expected at most 100 tags, got 101" in run.stderr
        assert not (tmp_path / "out").exists()
    else:
        assert (tmp_path / "out" / "tags" / "t99" / "rss.xml").is_file()
