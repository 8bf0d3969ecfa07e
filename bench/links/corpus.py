"""Builds the benchmark corpus: FILES Markdown pages x 10 links, and the list of broken links.

Each page links to the local server (ok, 50 ms slow, 429-then-ok, 405-on-HEAD, redirect,
page#anchor, 404, a 16 MB body), to other pages and their headings, and to an image. Planted
broken links: every 10th page links a 404, every 50th a missing remote anchor, every 40th a
missing local heading. ``expected.json`` lists them as ``[file, target]`` pairs, where target
is the URL or, for local links, the content-relative path plus fragment.
"""

from __future__ import annotations

import json
import posixpath
import shutil
from pathlib import Path

SECTIONS = 20


def page_path(i: int) -> str:
    return f"section{i % SECTIONS:02d}/page{i:05d}.md"


def build(out: Path, files: int, base: str) -> int:
    """Write the corpus under ``out``; returns the number of planted broken links."""
    if out.exists():
        shutil.rmtree(out)
    content = out / "content"
    (content / "assets").mkdir(parents=True)
    (content / "assets" / "img.png").write_bytes(b"png")
    (out / "publish.toml").write_text(
        '[site]\nbase_url = "https://bench.example/"\n\n[content]\nflavour = "plain"\n\n'
        "[links]\ntimeout = 20.0\nretries = 3\nmax_concurrency = 128\nper_host = 32\n"
        "retry_after_cap = 30.0\n"
    )
    broken: list[tuple[str, str]] = []
    for i in range(files):
        src = page_path(i)
        here = posixpath.dirname(src)
        other = page_path((i * 7 + 3) % files)
        rel_other = posixpath.relpath(other, here)
        anchor = "no-such-heading" if i % 40 == 0 else f"section-{i % 3 + 1}"
        remote_anchor = "missing" if i % 50 == 0 else f"a{i % 5}"
        ninth = f"{base}/missing/{i % 50}" if i % 10 == 0 else f"{base}/ok/{(i + 7) % 400}"
        tenth = f"{base}/big" if i % 100 == 0 else "../assets/img.png"
        links = [
            f"{base}/ok/{i % 400}",
            f"{base}/slow/{i % 200}",
            f"{base}/rl/{i % 100}",
            f"{base}/nohead/{i % 100}",
            f"{base}/redir/{i % 100}",
            f"{base}/page/{i % 200}#{remote_anchor}",
            rel_other,
            f"{rel_other}#{anchor}",
            ninth,
            tenth,
        ]
        if i % 50 == 0:
            broken.append((src, links[5]))
        if i % 40 == 0:
            broken.append((src, f"{other}#{anchor}"))
        if i % 10 == 0:
            broken.append((src, ninth))
        body = [f"# Page {i}", ""]
        for n, link in enumerate(links):
            body.append(f"Link {n}: [target {n}]({link})")
            body.append("")
        for s in (1, 2, 3):
            body += [f"## Section {s}", "", "Text.", ""]
        path = content / src
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(body), encoding="utf-8")
    (out / "expected.json").write_text(json.dumps(sorted(broken), indent=0))
    return len(broken)
