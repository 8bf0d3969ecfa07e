"""An old URL (an item's ``aliases``, a ``[content] redirects`` key) too long for a file
name: the build wrote the site up to the redirect page, then stopped at "File name too long"
(exit 3, no file or line, the output half-written). It is refused where it is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.sites import essay, make_site, run_build


@pytest.mark.parametrize(
    ("alias", "why"),
    [
        ("/" + "b" * 300 + "/", "a part of 300 bytes; a file name may have at most 255"),
        ("/" + "é" * 130 + "/", "a part of 260 bytes; a file name may have at most 255"),
        ("/" + "a/" * 600, "a path of 1201 bytes; the page's file may have at most 1000"),
    ],
)
def test_an_alias_too_long_for_a_file_is_a_content_error(
    tmp_path: Path, alias: str, why: str
) -> None:
    make_site(tmp_path, {"essays/a.md": essay(aliases=f"['{alias}']")})
    run = run_build(tmp_path)
    assert run.exit_code == 2, run.stderr
    source = tmp_path / "content/essays/a.md"
    assert run.stderr.startswith(f"{source}:4: aliases: expected a path on this site"), run.stderr
    assert f"({why})" in run.stderr
    assert not (tmp_path / "out").exists()


def test_a_redirect_too_long_for_a_file_is_a_configuration_error(tmp_path: Path) -> None:
    config = make_site(tmp_path, {"essays/a.md": essay()})
    old = "/" + "c" * 300 + "/"
    with config.open("a", encoding="utf-8") as f:
        f.write(f'\n[content.redirects]\n"{old}" = "essays/a.md"\n')
    run = run_build(tmp_path)
    assert run.exit_code == 3, run.stderr
    assert f"{config}:16: content.redirects: expected a path on this site" in run.stderr
    assert "(a part of 300 bytes; a file name may have at most 255)" in run.stderr
    assert not (tmp_path / "out").exists()


def test_an_alias_of_the_longest_name_builds(tmp_path: Path) -> None:
    make_site(tmp_path, {"essays/a.md": essay(aliases=f"['/{'d' * 255}/']")})
    run = run_build(tmp_path)
    assert run.exit_code == 0, run.stderr
    assert (tmp_path / "out" / ("d" * 255) / "index.html").is_file()
