"""bench/identical.py: two revisions' outputs compared byte for byte, the manifest apart."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bench import BENCH, bench_identical


def _write(root: Path, files: dict[str, bytes]) -> Path:
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


def _manifest(fingerprint: str, mtime: int) -> bytes:
    files = {"paths": ["index.html"], "sizes": [3], "mtimes": [mtime]}
    return json.dumps({"fingerprint": fingerprint, "files": files, "result": {"items": 1}}).encode()


def test_compare_trees_lists_what_differs_and_keeps_the_manifest_apart(tmp_path: Path) -> None:
    common = {"index.html": b"abc", "essays/a/index.html": b"<p>a</p>", "rss.xml": b"<rss/>"}
    old = _write(
        tmp_path / "old",
        {**common, "gone.html": b"x", ".publish-manifest.json": _manifest("f1", 1)},
    )
    new = _write(
        tmp_path / "new",
        {
            **common,
            "rss.xml": b"<rss />",
            "tags/t/index.html": b"t",
            ".publish-manifest.json": _manifest("f2", 2),
            ".publish.lock": b"",
        },
    )
    result = bench_identical.compare_trees(old, new)
    assert result.differ == ["rss.xml"]
    assert result.only_old == ["gone.html"]
    assert result.only_new == ["tags/t/index.html"]
    assert result.same == 2
    assert not result.identical
    assert result.manifest == {
        "files.mtimes": "differs",
        "files.paths": "same",
        "files.sizes": "same",
        "fingerprint": "differs",
        "result.items": "same",
    }
    text = bench_identical.report("corpus", result)
    assert "2 files identical, 1 differ, 1 only in old, 1 only in new" in text
    assert "  differs: rss.xml" in text and "fingerprint differs" in text


def test_only_the_manifest_differing_is_identical(tmp_path: Path) -> None:
    old = _write(tmp_path / "old", {"a.xml": b"1", ".publish-manifest.json": _manifest("f1", 1)})
    new = _write(tmp_path / "new", {"a.xml": b"1", ".publish-manifest.json": _manifest("f2", 1)})
    result = bench_identical.compare_trees(old, new)
    assert result.identical and result.manifest["fingerprint"] == "differs"


def test_one_revision_against_itself_builds_identical_trees(tmp_path: Path) -> None:
    """The whole script: git archive twice, the corpus and the bundled site built by each."""
    done = subprocess.run(
        [
            sys.executable,
            str(BENCH / "identical.py"),
            "HEAD",
            "HEAD",
            "--posts",
            "6",
            "--search",
            "off",
            "--bundled",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("corpus (6 posts, default): ")
    assert ", 0 differ, 0 only in old, 0 only in new" in lines[0]
    assert any(ln.startswith("bundled site: ") and ", 0 differ," in ln for ln in lines)
    # the fingerprint covers the output folder too: reported, never counted as a difference
    assert "fingerprint differs" in done.stdout


def test_an_unknown_revision_is_named() -> None:
    with pytest.raises(SystemExit, match="git archive no-such-rev-x: "):
        bench_identical.main(["no-such-rev-x", "--posts", "1"])
