"""A GitBook handbook in a real git repository, for the tests of what git history gives the
site (the changes feed, "Last updated", ``publish dates``): pages, commits with the author
and committer dates given, and the real CLI run on it."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from click.testing import CliRunner, Result

from pipeline.cli import main

CONFIG = """\
[site]
title = "Handbook"
base_url = "https://hb.example.org/"
timezone = "{zone}"
pages = true

[content]
folder = "."
flavour = "gitbook"

[feeds]
sections = []
changes = true
"""

FILLERS = 8
"""Pages besides the ones a test edits, so that editing one or two is no bulk commit."""


def git(repo: Path, *args: str, author: str = "", committer: str = "", who: str = "Ed") -> str:
    """``git -C repo args`` with no user configuration; ``author``/``committer``: the dates
    (ISO 8601) of a commit (the committer's defaults to the author's)."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": who,
        "GIT_AUTHOR_EMAIL": "ed@example.org",
        "GIT_COMMITTER_NAME": who,
        "GIT_COMMITTER_EMAIL": "ed@example.org",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    if author:
        env["GIT_AUTHOR_DATE"] = author
        env["GIT_COMMITTER_DATE"] = committer or author
    proc = subprocess.run(
        ["git", "-C", str(repo), *args], check=True, env=env, capture_output=True, text=True
    )
    return proc.stdout.strip()


def page(repo: Path, name: str, title: str, text: str) -> None:
    (repo / name).write_text(f"# {title}\n\n{text}\n", encoding="utf-8")


def commit(repo: Path, message: str, author: str, committer: str = "") -> str:
    """Commit everything; the commit's sha."""
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message, author=author, committer=committer)
    return git(repo, "rev-parse", "HEAD")


def handbook(root: Path, pages: dict[str, str], zone: str = "UTC", fillers: int = FILLERS) -> Path:
    """A repository at ``root``: ``pages`` (file name -> title, each a line of text) and
    ``fillers`` filler pages in SUMMARY.md, committed by GitBook on 2021-01-01."""
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    (root / "publish.toml").write_text(CONFIG.format(zone=zone), encoding="utf-8")
    listed = {"README.md": "Welcome", **pages}
    listed.update({f"filler{n}.md": f"Filler {n}" for n in range(fillers)})
    for name, title in listed.items():
        page(root, name, title, f"The first text of {title}.")
    links = "".join(f"* [{title}]({name})\n" for name, title in listed.items())
    (root / "SUMMARY.md").write_text(f"# Table of contents\n\n{links}", encoding="utf-8")
    commit(root, "GITBOOK-1: No subject", "2021-01-01T10:00:00+00:00")
    return root


def run(repo: Path, *args: str) -> Result:
    """``publish ARGS --config repo/publish.toml`` (unless ``--config`` is given)."""
    config = () if "--config" in args else ("--config", str(repo / "publish.toml"))
    return CliRunner().invoke(main, [*args, *config])


def build(repo: Path, *args: str) -> Result:
    out = repo.parent / "out"
    return run(repo, "build", "--out", str(out), "--cache-dir", str(repo.parent / "cache"), *args)


def feed_entries(repo: Path) -> list[tuple[str, str, str]]:
    """(title, updated, summary) of each entry of the changes feed we wrote, in its order."""
    atom = (repo.parent / "out" / "changes" / "atom.xml").read_text(encoding="utf-8")
    return re.findall(
        r'<title type="text">([^<]*)</title><updated>([^<]*)</updated>.*?'
        r'<summary type="text">([^<]*)</summary>',
        atom,
    )


def last_updated(repo: Path, slug: str) -> str:
    """The meta line of a built page ("January 1, 2022 · Last updated February 1, 2022")."""
    html = (repo.parent / "out" / slug / "index.html").read_text(encoding="utf-8")
    found = re.search(r'class="meta">([^<]*)<', html)
    return found.group(1) if found else ""
