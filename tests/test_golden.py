"""Golden files pin the bytes of the bundled content's feeds, of one page of each kind of the
site, the link report of tests/fixtures/links and the digest's text part of
tests/fixtures/newsletter.

Regenerate after an intended change, then review the diff like code:
    UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.build.run import build
from pipeline.cli import main
from pipeline.config import load_config
from tests.conftest import copy_fixture

GOLDEN = Path(__file__).parent / "golden"
FILES = [
    "rss.xml",
    "atom.xml",
    "feed.json",
    "podcast.xml",
    "events.ics",
    "essays/rss.xml",
    "feeds.opml",
    # the site: one page of each kind (screenshot-free: the HTML itself)
    "index.html",
    "essays/why-we-gather/index.html",
    "episodes/001-welcome/index.html",
    "essays/index.html",
    "404.html",
    "2024/09/why-we-gather/index.html",
    "sitemap.xml",
    "robots.txt",
]


@pytest.mark.parametrize("name", FILES)
def test_feed_bytes_match_golden(site: Path, name: str) -> None:
    out = site / "out"
    build(
        load_config(site / "publish.toml"),
        site / "content",
        out,
        now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        cache_dir=None,
    )
    produced = (out / name).read_bytes()
    golden = GOLDEN / name.replace("/", "__")
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_bytes(produced)
    assert golden.exists(), f"no golden file {golden}; run with UPDATE_GOLDEN=1"
    assert produced == golden.read_bytes(), f"{name} differs from {golden}"


def _golden(name: str, produced: bytes) -> None:
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_bytes(produced)
    assert golden.exists(), f"no golden file {golden}; run with UPDATE_GOLDEN=1"
    assert produced == golden.read_bytes(), f"{name} differs from {golden}"


def test_link_report_json_matches_golden(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The link report of tests/fixtures/links, offline: every link with its line and outcome."""
    site = copy_fixture("links", tmp_path)
    monkeypatch.chdir(site)
    result = CliRunner().invoke(main, ["links", "--offline", "--format", "json"])
    assert result.exit_code == 2, result.stderr  # the fixture plants broken links
    _golden("links-report.json", result.stdout.encode())


def test_digest_text_part_matches_golden(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The plain-text part of the digest of tests/fixtures/newsletter, as previewed."""
    site = copy_fixture("newsletter", tmp_path)
    monkeypatch.chdir(site)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    result = CliRunner().invoke(main, ["digest", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    (text,) = [p for p in json.loads(result.stdout)["paths"] if p.endswith(".txt")]
    _golden("digest.txt", (site / text).read_bytes())
