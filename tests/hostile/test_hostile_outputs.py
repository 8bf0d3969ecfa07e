"""Outputs survive a ``kill -9`` mid-build and two builds started together.

The kill test builds a large corpus (1,500 posts), changes every post, then starts the real
command and kills it with SIGKILL at several moments after it begins writing. After every
kill, each file in the output folder must be byte-identical to what it was before that run or
to what the run was writing (never a half-written mixture); anything else must be one of our
temp dot-files, and the next complete build removes them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.build.run import build
from pipeline.config import load_config
from pipeline.support.output import exclusive_lock
from tests.hostile.sites import check_outputs, make_site

N_POSTS = 1_500
NOW = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
TEMP = re.compile(r"^\.publish-.+\.tmp$")
IGNORED = {".publish.lock"}


def post(i: int, version: int) -> str:
    day = dt.date(2020, 1, 1) + dt.timedelta(days=i)
    para = f"Paragraph of post {i} in version {version}, long enough to give the feeds weight. "
    return (
        f"---\ntitle: Post {i} (v{version})\ndate: {day.isoformat()}\nid: post-{i}\n"
        f"tags: [t{i % 5}]\n---\n\n" + "\n\n".join([para * 4] * 3) + "\n"
    )


def write_corpus(content: Path, version: int) -> None:
    for i in range(N_POSTS):
        section = "essays" if i % 2 else "updates"
        (content / section / f"post-{i:04d}.md").write_text(post(i, version), encoding="utf-8")


def snapshot(out: Path) -> dict[str, bytes]:
    """Every file written, the search index included (the same bytes cold or incremental)."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in out.rglob("*")
        if p.is_file() and p.name not in IGNORED
    }


def cli(config: Path, out: Path, cache: Path) -> list[str]:
    return [sys.executable, "-m", "pipeline", "build", "--config", str(config), "--out",
            str(out), "--cache-dir", str(cache), "--quiet"]  # fmt: skip


@dataclass
class Corpus:
    root: Path
    out: Path
    versions: dict[int, dict[str, bytes]]
    """Reference outputs of a complete build of each content version."""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    root = tmp_path_factory.mktemp("corpus")
    make_site(root, {"essays/.keep.md": "", "updates/.keep.md": ""})
    for keep in (root / "content").rglob(".keep.md"):
        keep.unlink()
    cfg = load_config(root / "publish.toml")
    versions: dict[int, dict[str, bytes]] = {}
    for version in (2, 1):  # end on version 1: the output folder starts as its build
        write_corpus(root / "content", version)
        ref = root / f"ref-{version}"
        build(cfg, root / "content", ref, now=NOW, cache_dir=root / "cache")
        versions[version] = snapshot(ref)
    shutil.copytree(root / "ref-1", root / "out")
    yield Corpus(root, root / "out", versions)


def _start_and_kill(corpus: Corpus, delay: float) -> tuple[int | None, float]:
    """Run the CLI, wait until it starts writing, wait ``delay`` more, SIGKILL it.

    Returns the exit code if it finished before the kill (None when killed) and when
    writing began, relative to the start.
    """
    watched = corpus.out / "rss.xml"  # the first output the build writes
    before = watched.stat().st_ino
    started = time.monotonic()
    proc = subprocess.Popen(cli(corpus.root / "publish.toml", corpus.out, corpus.root / "cache"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)  # fmt: skip
    try:
        while proc.poll() is None and time.monotonic() - started < 30:
            try:
                if watched.stat().st_ino != before:
                    break
            except FileNotFoundError:
                break
            if any(TEMP.match(name) for name in os.listdir(corpus.out)):
                break
            time.sleep(0.001)
        writing_at = time.monotonic() - started
        time.sleep(delay)
        if proc.poll() is not None:
            return proc.returncode, writing_at
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        return None, writing_at
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        assert proc.stderr is not None
        proc.stderr.close()


@pytest.mark.slow
def test_kill_9_mid_build_never_leaves_a_half_written_file(corpus: Corpus) -> None:
    delays = [0.0, 0.02, 0.08, 0.25]
    interrupted = 0
    for n, delay in enumerate(delays):
        target = 2 if n % 2 == 0 else 1  # alternate, so every run has every file to rewrite
        write_corpus(corpus.root / "content", target)
        before = snapshot(corpus.out)
        code, _ = _start_and_kill(corpus, delay)
        after = snapshot(corpus.out)
        want = corpus.versions[target]
        mixed = strays = 0
        for rel, data in after.items():
            name = rel.rsplit("/", 1)[-1]
            if TEMP.match(name):
                strays += 1
                continue
            # the search index is brought up to date after the pages: a killed build may
            # leave the last one, whole (a word file of the old version's words too)
            old_index = rel.startswith("search/") and rel in before
            assert rel in want or old_index or rel == ".publish-manifest.json", rel
            if rel == ".publish-manifest.json":
                continue
            assert data in (before.get(rel), want.get(rel)), f"{rel} is half-written ({delay})"
            mixed += data != want.get(rel)
        missing = {rel for rel in set(want) - set(after) if not rel.startswith("search/")}
        assert not missing, f"files lost: {sorted(missing)[:5]}"
        if code is None and (mixed or strays):
            interrupted += 1
        if code is not None:
            assert code == 0
    assert interrupted, "no kill landed mid-write; the corpus is too small for this machine"

    # the next complete build finishes the job and sweeps the temp files away
    write_corpus(corpus.root / "content", 2)
    proc = subprocess.run(cli(corpus.root / "publish.toml", corpus.out, corpus.root / "cache"),
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    final = snapshot(corpus.out)
    assert not [rel for rel in final if TEMP.match(rel.rsplit("/", 1)[-1])]
    final.pop(".publish-manifest.json", None)
    assert final == {k: v for k, v in corpus.versions[2].items() if k != ".publish-manifest.json"}
    check_outputs(corpus.out)


def test_temp_files_of_a_killed_build_are_removed_by_the_next(tmp_path: Path) -> None:
    make_site(tmp_path, {"essays/a.md": post(1, 1)})
    out = tmp_path / "out"
    strays = [out / ".publish-rss.xml.4242.tmp", out / "essays/.publish-atom.xml.4242.tmp",
              out / "essays/post-1/.publish-index.html.99.tmp"]  # fmt: skip
    for stray in strays:
        stray.parent.mkdir(parents=True, exist_ok=True)
        stray.write_bytes(b"<rss><channel><item>half")
    proc = subprocess.run(cli(tmp_path / "publish.toml", out, tmp_path / "cache"),
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert not [s for s in strays if s.exists()]
    check_outputs(out)


def test_a_build_waits_for_nobody_and_fails_clearly_while_another_holds_the_lock(
    tmp_path: Path,
) -> None:
    make_site(tmp_path, {"essays/a.md": post(1, 1)})
    out = tmp_path / "out"
    with exclusive_lock(out):
        proc = subprocess.run(cli(tmp_path / "publish.toml", out, tmp_path / "cache"),
                              capture_output=True, text=True, timeout=60)  # fmt: skip
        assert proc.returncode == 1
        assert "another publish process is writing" in proc.stderr
        assert "Traceback" not in proc.stderr
        assert snapshot(out) == {}  # nothing written while the other build holds the lock


@pytest.mark.slow
def test_two_builds_started_together_do_not_corrupt_each_other(tmp_path: Path) -> None:
    files = {f"{'essays' if i % 2 else 'updates'}/p{i}.md": post(i, 1) for i in range(200)}
    make_site(tmp_path, files)
    ref = tmp_path / "ref"
    build(load_config(tmp_path / "publish.toml"), tmp_path / "content", ref, now=NOW)
    out = tmp_path / "out"
    for round_ in range(2):
        procs = [
            subprocess.Popen(cli(tmp_path / "publish.toml", out, tmp_path / f"cache-{i}"),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            for i in range(2)
        ]  # fmt: skip
        results = [(p.wait(timeout=60), p.communicate()[1]) for p in procs]
        for code, err in results:
            assert code == 0 or (code == 1 and "another publish process is writing" in err), err
        assert any(code == 0 for code, _ in results), (round_, results)
        got = snapshot(out)
        got.pop(".publish-manifest.json", None)
        want = snapshot(ref)
        want.pop(".publish-manifest.json", None)
        assert got == want
    check_outputs(out)


def test_a_tampered_manifest_cannot_delete_files_outside_the_output(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    make_site(tmp_path, {"essays/a.md": post(1, 1)})
    out = tmp_path / "out"
    args = cli(tmp_path / "publish.toml", out, tmp_path / "cache")
    assert subprocess.run(args, capture_output=True, timeout=60).returncode == 0
    manifest = out / ".publish-manifest.json"
    data = json.loads(manifest.read_text("utf-8"))
    files = data["files"]  # e.g. a gh-pages checkout anyone can push to
    for column, value in (("paths", str(victim)), ("sizes", 1), ("mtimes", 1), ("sha256", "")):
        files[column].append(value)
    manifest.write_text(json.dumps(data), "utf-8")
    (tmp_path / "content/essays/a.md").write_text(post(1, 2), "utf-8")
    assert subprocess.run(args, capture_output=True, timeout=60).returncode == 0
    assert victim.exists()
