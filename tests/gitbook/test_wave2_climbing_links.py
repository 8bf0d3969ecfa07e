"""Paths with more ``../`` than the page is deep, in a GitBook space: GitBook (and a browser)
stops them at the space's root, so ``../../.gitbook/assets/a.png`` from ``qa/fees.md`` is
``.gitbook/assets/a.png``. Synced spaces hold hundreds (navixy's on-premise space 238, every
one naming a file once stopped at the root); they were refused as "outside the content root":
the image not copied, the link reported. Plain content still refuses them: there the content
folder is not the root a browser stops at, and the path names a file outside it."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main
from pipeline.linkcheck.local import LocalChecker
from pipeline.linkcheck.results import BROKEN, OK
from pipeline.model import LinkRef
from pipeline.render.links import PageContext, link_targets
from pipeline.render.markdown import render
from tests.gitbook.conftest import write_space

PNG = b"\x89PNG\r\n\x1a\n-fees-"
FILES = {
    "SUMMARY.md": "# Summary\n\n* [Home](README.md)\n* [Fees](qa/fees.md)\n",
    "README.md": "# Home\n\nWelcome.\n",
    "qa/fees.md": "# Fees\n\n![fees](../../.gitbook/assets/fees.png)\n\n"
    "Back [home](../../../README.md).\n\n![gone](../../.gitbook/assets/gone.png)\n",
}


def _space(tmp_path: Path, config: str | None = None) -> Path:
    root = write_space(tmp_path / "space", FILES, *([config] if config else []))
    (root / ".gitbook" / "assets").mkdir(parents=True)
    (root / ".gitbook" / "assets" / "fees.png").write_bytes(PNG)
    return root


def _run(root: Path, command: str, *more: str) -> tuple[int, str]:
    args = [command, "--config", str(root / "publish.toml"), "--content", str(root), *more]
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output


def test_the_build_warns_only_of_the_missing_file_not_of_the_extra_dotdots(
    tmp_path: Path,
) -> None:
    root = _space(tmp_path)
    code, output = _run(root, "validate")
    assert code == 0, output
    warned = [line for line in output.splitlines() if "points at nothing" in line]
    assert len(warned) == 1, output
    assert "qa/fees.md:7" in warned[0]
    assert "../../.gitbook/assets/gone.png" in warned[0]
    assert "file not found: .gitbook/assets/gone.png" in warned[0]


def test_plain_content_still_refuses_a_path_out_of_the_content_folder(tmp_path: Path) -> None:
    config = '[site]\nbase_url = "https://h.example/"\n[content]\nflavour = "plain"\n'
    root = _space(tmp_path, config)
    code, output = _run(root, "validate")
    assert code == 0, output
    warned = [line for line in output.splitlines() if "points at nothing" in line]
    assert len(warned) == 3, output
    assert all("outside the content root" in line for line in warned), output


def _context(clamp: bool) -> PageContext:
    url_of = link_targets(
        [
            ("README.md", "https://h.example/", "Home"),
            ("qa/fees.md", "https://h.example/qa/fees/", "Fees"),
        ],
        clamp=clamp,
    )
    return PageContext(source="qa/fees.md", url="https://h.example/qa/fees/", url_of=url_of)


def test_the_page_shows_the_copy_and_links_the_page_in_a_space() -> None:
    ctx = _context(clamp=True)
    html = render(FILES["qa/fees.md"], ctx)
    assert 'src="https://h.example/qa/fees/fees.png"' in html
    assert 'href="https://h.example/"' in html
    assert ".gitbook/assets/fees.png" in ctx.assets


def test_outside_a_space_the_path_names_no_file_of_the_content() -> None:
    ctx = _context(clamp=False)
    render(FILES["qa/fees.md"], ctx)
    assert not ctx.assets


def test_the_checker_accepts_the_path_with_a_note_and_never_reads_outside(tmp_path: Path) -> None:
    root = _space(tmp_path)
    outside = tmp_path / "secret.png"
    outside.write_bytes(b"secret")
    os.symlink(outside, root / ".gitbook" / "assets" / "evil.png")
    checker = LocalChecker(root, (), base_url="https://h.example/", clamp=True)

    def check(url: str) -> tuple[str, str]:
        outcome = checker.check(LinkRef("qa/fees.md", 3, url, "", "image"))
        return outcome.status, outcome.reason

    status, reason = check("../../.gitbook/assets/fees.png")
    assert status == OK
    assert reason.startswith(".gitbook/assets/fees.png (more ../ than the page is deep")
    assert check("../../../../README.md")[0] == OK
    assert check("../.gitbook/assets/fees.png") == (OK, ".gitbook/assets/fees.png")
    status, reason = check("../../.gitbook/assets/evil.png")
    assert status == BROKEN and "outside the content root" in reason
    status, reason = check("../../.gitbook/assets/gone.png")
    assert (status, reason) == (BROKEN, "file not found: .gitbook/assets/gone.png")
    plain = LocalChecker(root, (), base_url="https://h.example/")
    refused = plain.check(LinkRef("qa/fees.md", 3, "../../.gitbook/assets/fees.png", "", "image"))
    assert refused.status == BROKEN and "outside the content root" in refused.reason
