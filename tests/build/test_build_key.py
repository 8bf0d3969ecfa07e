"""What a build's outputs depend on besides the content: the installed code (templates included)
and every flag that changes validity. A warm build must never trust what other code, or a
laxer build, left behind."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main

PACKAGE = Path(__file__).resolve().parents[2] / "pipeline"


def _without_id(site: Path) -> Path:
    post = site / "content/essays/why-we-gather.md"
    text = post.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines(keepends=True) if not line.startswith("id:")]
    assert len(lines) < len(text.splitlines()), "the fixture post must have had an id"
    post.write_text("".join(lines), encoding="utf-8")
    return post


def _build(site: Path, out: Path, *flags: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main,
        ["build", "--config", str(site / "publish.toml"), "--out", str(out),
         "--cache-dir", str(site / "cache"), *flags],
    )  # fmt: skip
    return result.exit_code, result.output


def test_strict_does_not_depend_on_the_last_build(site: Path) -> None:
    """A lenient build of a post without an id, then ``--strict`` into the same folder, used to
    say "0 files written" and exit 0; into a fresh folder it exits 2."""
    _without_id(site)
    out = site / "out"
    code, output = _build(site, out)
    assert code == 0, output
    code, output = _build(site, out, "--strict")
    assert code == 2, output
    assert "essays/why-we-gather.md:" in output and ": id: " in output
    fresh_code, _ = _build(site, site / "fresh", "--strict")
    assert fresh_code == code


def _run_with(package_root: Path, site: Path, out: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(package_root)}
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "build", "--config", str(site / "publish.toml"),
         "--out", str(out), "--cache-dir", str(site / "cache")],
        capture_output=True, text=True, timeout=120, cwd=package_root, env=env,
    )  # fmt: skip


def test_a_change_to_the_code_is_seen_by_a_warm_build(site: Path, tmp_path: Path) -> None:
    """An edit to the renderer's code (as an upgrade brings) was ignored by warm builds: 0 files
    written, and a touched post rewritten with the old HTML. The code is part of the build key,
    with no version number to bump by hand."""
    root = tmp_path / "installed"
    shutil.copytree(PACKAGE, root / "pipeline", ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path / "out"
    first = _run_with(root, site, out)
    assert first.returncode == 0, first.stderr
    page = out / "essays/why-we-gather/index.html"
    assert "<h2" in page.read_text(encoding="utf-8")
    assert "x-upgraded" not in page.read_text(encoding="utf-8")

    # the "upgrade": the HTML cmark writes for headings changes, nothing else does
    cmark = root / "pipeline/render/cmark.py"
    cmark.write_text(
        cmark.read_text(encoding="utf-8") + "\n\n_original_to_html = to_html\n\n"
        "def to_html(text, options, extensions):  # type: ignore[no-redef]\n"
        "    return _original_to_html(text, options, extensions).replace('<h2', '<h2 lang=\"x-upgraded\"')\n",
        encoding="utf-8",
    )
    second = _run_with(root, site, out)
    assert second.returncode == 0, second.stderr
    assert 'lang="x-upgraded"' in page.read_text(encoding="utf-8")
    again = _run_with(root, site, out)  # and the new code's own outputs are then trusted
    assert again.returncode == 0 and "(0 files written" in again.stderr, again.stderr
