"""Builds the benchmark corpus: FILES Markdown pages x 10 links, and the list of broken links.

Each page links to the local server (ok, 50 ms slow, 429-then-ok, 405-on-HEAD, redirect,
page#anchor, 404, a 16 MB body), to other pages and their headings, and to an image. Planted
broken links: every 10th page links a 404, every 50th a missing remote anchor, every 40th a
missing local heading. ``expected.json`` lists them as ``[file, target]`` pairs, where target
is the URL or, for local links, the content-relative path plus fragment.

``urls`` sets how many distinct remote URLs the pages name (about; 0 keeps the classic
corpus, about 1,150, whatever the number of files): each kind of link cycles through its
share of them. ``bases`` are the server's addresses, one per host (``http://127.0.0.2:port``
...); a URL's host is picked by its number, so every host gets every kind of link.
"""

from __future__ import annotations

import json
import posixpath
import shutil
from collections.abc import Sequence
from pathlib import Path

SECTIONS = 20
CLASSIC = {"ok": 400, "slow": 200, "rl": 100, "nohead": 100, "redir": 100, "page": 200}
"""Distinct URLs per kind of link in the classic corpus (404s: 50; the big body: 1)."""


def page_path(i: int) -> str:
    return f"section{i % SECTIONS:02d}/page{i:05d}.md"


def cycles(files: int, urls: int) -> dict[str, int]:
    """How many distinct URLs each kind of link cycles through for about ``urls`` in all."""
    if urls <= 0:
        return dict(CLASSIC)
    total = sum(CLASSIC.values())
    return {k: max(1, min(files, round(n * urls / total))) for k, n in CLASSIC.items()}


def build(out: Path, files: int, bases: Sequence[str], urls: int = 0) -> int:
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
    n = cycles(files, urls)

    def url(kind: str, k: int) -> str:
        return f"{bases[k % len(bases)]}/{kind}/{k}"

    broken: list[tuple[str, str]] = []
    for i in range(files):
        src = page_path(i)
        here = posixpath.dirname(src)
        other = page_path((i * 7 + 3) % files)
        rel_other = posixpath.relpath(other, here)
        anchor = "no-such-heading" if i % 40 == 0 else f"section-{i % 3 + 1}"
        remote_anchor = "missing" if i % 50 == 0 else f"a{i % 5}"
        missing = n["ok"] // 8 if urls else 50  # 404s: as spread as the rest
        ninth = url("missing", i % missing) if i % 10 == 0 else url("ok", (i + 7) % n["ok"])
        tenth = url("big", 0) if i % 100 == 0 else "../assets/img.png"
        links = [
            url("ok", i % n["ok"]),
            url("slow", i % n["slow"]),
            url("rl", i % n["rl"]),
            url("nohead", i % n["nohead"]),
            url("redir", i % n["redir"]),
            f"{url('page', i % n['page'])}#{remote_anchor}",
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
        for m, link in enumerate(links):
            body.append(f"Link {m}: [target {m}]({link})")
            body.append("")
        for s in (1, 2, 3):
            body += [f"## Section {s}", "", "Text.", ""]
        path = content / src
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(body), encoding="utf-8")
    (out / "expected.json").write_text(json.dumps(sorted(broken), indent=0))
    return len(broken)
