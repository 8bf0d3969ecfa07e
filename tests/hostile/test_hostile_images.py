"""Image URLs: only http(s) and paths inside the content folder can be images.

``![x](javascript:...)`` and ``image: "javascript:..."`` reached pages, feeds and the digest as
an image URL. Any other scheme is now a content error at its file and line, from ``build``
(nothing written) and ``validate`` alike.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.hostile.sites import PROBLEM_LINE, assert_clean_outcome, essay, make_site, run_build

BAD_IMAGES = [
    "javascript:alert(1)",
    " JavaScript:alert(1)",
    "&#106;avascript:alert(1)",
    "javascript&#58;alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:image/svg+xml,x",
    "vbscript:x",
    "file:///etc/passwd",
    "javascript://[x%0aalert(1)",
]


def validate(root: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["validate", "--config", str(root / "publish.toml")])
    assert "Traceback" not in result.output
    return result.exit_code, result.stderr


@pytest.mark.parametrize("url", BAD_IMAGES)
def test_an_image_url_that_is_not_http_is_a_content_error_at_its_line(
    tmp_path: Path, url: str
) -> None:
    body = f"Intro.\n\nA picture: ![x]({url})\n\nRef ![y][r]\n\n[r]: {url}\n"
    make_site(tmp_path, {"essays/img.md": essay("Img", body=body)})
    run = run_build(tmp_path)
    assert_clean_outcome(run)
    assert run.exit_code == 2
    assert not any((tmp_path / "out").rglob("*.*")), "nothing is written"
    # the body starts on line 6 (front matter: 4 lines, then a blank line)
    assert [ln.split(": ", 1)[0].rpartition("img.md:")[2] for ln in run.problems] == ["8", "10"]
    assert all(PROBLEM_LINE.match(ln) and ": body: " in ln for ln in run.problems), run.problems
    code, err = validate(tmp_path)
    assert code == 2 and "img.md:8: body: " in err and "img.md:10: body: " in err, err


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:image/png;base64,AAAA", "ftp://x/a.png"]
)
def test_a_front_matter_image_that_is_not_http_is_a_content_error(tmp_path: Path, url: str) -> None:
    make_site(tmp_path, {"essays/fm.md": essay("Fm", image=f'"{url}"')})
    run = run_build(tmp_path)
    assert_clean_outcome(run)
    assert run.exit_code == 2
    assert any("fm.md:4: image: " in ln for ln in run.problems), run.stderr
    assert not any((tmp_path / "out").rglob("*.*")), "nothing is written"
    code, err = validate(tmp_path)
    assert code == 2 and "fm.md:4: image: " in err, err


def test_http_and_relative_images_pass(tmp_path: Path) -> None:
    body = (
        "![a](https://cdn.example/a.png) ![b](HTTP://cdn.example/b.png) ![c](pics/c.png) "
        "![d](//cdn.example/d.png) [mail](mailto:a@example.org) [tel](tel:+1)\n"
    )
    make_site(
        tmp_path,
        {"essays/ok.md": essay("Ok", body=body, image="https://cdn.example/cover.png")},
    )
    run = run_build(tmp_path)
    assert run.exit_code == 0, run.stderr
    assert validate(tmp_path)[0] == 0
