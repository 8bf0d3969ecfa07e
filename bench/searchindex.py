"""Time the site's search index on the bench corpus: made from nothing, and updated after
one post is edited.

    python bench/searchindex.py [SIZES ...]      (default: 1000 5000)

For each size the corpus of ``bench/corpus.py`` is generated (or reused) under
``bench/.work/corpus-N/`` and built once with ``publish build`` (filling the render cache).
Then, in a fresh process each (the site loaded from the build's caches first, untimed):

- cold: the search cache and ``search/`` removed, the whole index made;
- edit: one post's body changed (a different word each round), the index updated;
- add: a post added (page numbers shift: the whole index is made again from the cache).

Each prints the wall and CPU time (its worker processes' included) of
:func:`pipeline.build.searchcache.refresh_search` alone and its peak memory: the process's
peak RSS while it ran (the peak is reset just before, through ``/proc/self/clear_refs``), how
much that is above the RSS before it started (the loaded site), and the largest worker's.
A Markdown table on stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WORK = BENCH / ".work"
sys.path.insert(0, str(BENCH))
import corpus  # noqa: E402  (a sibling script, not a package)


def _rss_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def measure(root: Path, out: Path, cache: Path, cold: bool) -> dict[str, float]:
    """In this process: load the site from the caches, then time the index (see the module)."""
    from pipeline.build.searchcache import CACHE_FILE, refresh_search
    from pipeline.build.snapshot import rendered_site
    from pipeline.config import load_config

    cfg = load_config(root / "publish.toml")
    keyed, _ = rendered_site(  # the site with its items' keys
        cfg, root / "content", cache, strict=False, use_snapshot=True, timings=None, stats={}
    )
    if cold:
        (cache / CACHE_FILE).unlink(missing_ok=True)
        shutil.rmtree(out / "search", ignore_errors=True)
    now = dt.datetime.now(dt.UTC)
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak RSS (VmHWM)
    before = _rss_kib("VmRSS")
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu, wall = time.process_time(), time.perf_counter()
    notes = refresh_search(cfg, out, cache, keyed, now)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = _rss_kib("VmHWM")
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    workers = used.ru_utime + used.ru_stime - children.ru_utime - children.ru_stime
    assert not notes, notes
    return {
        "wall": wall,
        "cpu": cpu + workers,
        "peak_mib": peak / 1024,
        "added_mib": (peak - before) / 1024,
        "worker_mib": used.ru_maxrss / 1024 if workers else 0.0,
    }


def _child(root: Path, out: Path, cache: Path, cold: bool) -> dict[str, float]:
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); import searchindex as s; "
        "from pathlib import Path; print(json.dumps(s.measure(Path(sys.argv[2]), "
        "Path(sys.argv[3]), Path(sys.argv[4]), sys.argv[5] == '1')))"
    )
    args = [str(BENCH), str(root), str(out), str(cache), "1" if cold else "0"]
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def run_size(n: int, rounds: int) -> list[tuple[str, dict[str, float]]]:
    root = WORK / f"corpus-{n}"
    corpus.ensure(root, n)
    out, cache = WORK / f"search-out-{n}", WORK / f"search-cache-{n}"
    subprocess.run(
        [sys.executable, "-m", "pipeline", "build", "--config", str(root / "publish.toml"),
         "--out", str(out), "--cache-dir", str(cache), "--quiet"],
        check=True, cwd=REPO,
    )  # fmt: skip
    rows = []
    post = root / "content" / corpus.post_relpath(2)
    original = post.read_text(encoding="utf-8")
    added = post.with_name("added-post.md")
    try:
        for r in range(rounds):
            rows.append(("cold", _child(root, out, cache, cold=True)))
            post.write_text(original + f"\nA new sentence, edit{r}word.\n", encoding="utf-8")
            rows.append(("edit one post", _child(root, out, cache, cold=False)))
            added.write_text(original.replace('id: "', 'id: "added-', 1), encoding="utf-8")
            rows.append(("add one post", _child(root, out, cache, cold=False)))
            added.unlink()
    finally:
        post.write_text(original, encoding="utf-8")
        added.unlink(missing_ok=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", type=int, nargs="*", default=[1000, 5000])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}, Python {sys.version.split()[0]}")
    print(
        "| Posts | Index | Wall s (min) | CPU s, workers included (min) | Peak RSS MiB "
        "| Above the loaded site MiB | Largest worker MiB |"
    )
    print("|---|---|---|---|---|---|---|")
    for n in args.sizes:
        rows = run_size(n, args.rounds)
        for step in ("cold", "edit one post", "add one post"):
            got = [m for s, m in rows if s == step]
            best = min(got, key=lambda m: m["wall"])
            print(
                f"| {n:,} | {step} | {best['wall']:.2f} | {min(m['cpu'] for m in got):.2f} | "
                f"{max(m['peak_mib'] for m in got):.0f} | {max(m['added_mib'] for m in got):.0f} "
                f"| {max(m['worker_mib'] for m in got):.0f} |"
            )
    print(f"(peak RSS of this script: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss} KiB)")


if __name__ == "__main__":
    main()
