"""A page GitBook keeps from search engines (``noIndex: true`` or ``noRobotsIndex: true`` in its
front matter, as Git Sync writes them), and every page nested under it in ``SUMMARY.md``, says
``noindex, nofollow`` to robots and is left out of ``sitemap.xml`` and the site's search, as
GitBook's renderer does; a hidden page is still indexed. Both keys were accepted and ignored."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.syndication.search.index import PER_FILE, docs_path
from tests.build.test_incremental import age, edit
from tests.gitbook.conftest import write_space

BASE = "https://h.example/"
ROBOTS = '<meta name="robots" content="noindex, nofollow">'

FILES = {
    "SUMMARY.md": "# Summary\n\n* [Home](README.md)\n* [Open](open.md)\n"
    "* [Private](private/README.md)\n  * [Under](private/under.md)\n"
    "    * [Deeper](private/deeper.md)\n* [Robots](robots.md)\n* [Secret](secret.md)\n"
    "* [Last](last.md)\n",
    "README.md": "# Home\n\nWelcome.\n",
    "open.md": "# Open\n\nAn ordinary aardvark.\n",
    "private/README.md": "---\nnoIndex: true\n---\n\n# Private\n\nA private bobolink.\n",
    "private/under.md": "# Under\n\nA nested cassowary.\n",
    "private/deeper.md": "# Deeper\n\nA deeper dugong.\n",
    "robots.md": "---\nnoRobotsIndex: true\n---\n\n# Robots\n\nAn unlisted echidna.\n",
    "secret.md": "---\nhidden: true\n---\n\n# Secret\n\nA hidden flamingo.\n",
    "last.md": "# Last\n\nA last gecko.\n",
}

UNINDEXED = {"private/", "private/under/", "private/deeper/", "robots/"}
INDEXED = {"", "open/", "secret/", "last/"}


def _build(root: Path, out: Path, *more: str) -> None:
    args = ["build", "--config", str(root / "publish.toml"), "--content", str(root)]
    result = CliRunner().invoke(main, [*args, "--out", str(out), *more])
    assert result.exit_code == 0, result.output
    assert ": noIndex:" not in result.stderr and ": noRobotsIndex:" not in result.stderr


def _robots(out: Path) -> set[str]:
    """The pages (their URL under the site) whose head tells robots not to index them."""
    found = set()
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if ROBOTS in text:
            assert text.index(ROBOTS) < text.index("</head>")
            found.add(page.relative_to(out).as_posix().removesuffix("index.html"))
    return found


def _sitemap(out: Path) -> set[str]:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.fromstring((out / "sitemap.xml").read_bytes())
    return {loc.text.removeprefix(BASE) for loc in root.iterfind("s:url/s:loc", ns) if loc.text}


def _searched(out: Path) -> tuple[set[str], str]:
    """The URLs of the search index's page table, and the text of its word files."""
    manifest = json.loads((out / "search/manifest.json").read_bytes())
    urls = set()
    for n in range(-(-manifest["docs"] // PER_FILE)):
        urls.update(row[0] for row in json.loads((out / "search" / docs_path(n)).read_bytes()))
    words = "".join(p.read_text(encoding="utf-8") for p in (out / "search/words").glob("*.json"))
    return urls, words


def test_noindex_pages_and_those_under_them_are_kept_from_robots_sitemap_and_search(
    tmp_path: Path,
) -> None:
    root = write_space(tmp_path / "space", FILES)
    out = tmp_path / "out"
    _build(root, out)
    assert _robots(out) == UNINDEXED
    assert _sitemap(out) == INDEXED  # the hidden page too: GitBook's sitemap keeps it
    urls, words = _searched(out)
    assert urls == INDEXED
    for word in ("aardvark", "flamingo", "gecko"):
        assert f'"{word}"' in words
    for word in ("bobolink", "cassowary", "dugong", "echidna"):
        assert word not in words


def test_a_page_marked_later_takes_the_pages_under_it_along_in_an_edit_build(
    tmp_path: Path,
) -> None:
    """The build after an edit reuses the last one's pages (the snapshot): a page whose mark
    changed, or a page loaded alone under a marked one, must not keep the others' state."""
    root = write_space(tmp_path / "space", FILES)
    parent = root / "private/README.md"
    parent.write_text("# Private\n\nA private bobolink.\n", encoding="utf-8")
    out, cache = tmp_path / "out", tmp_path / "cache"
    for _ in range(2):  # the first build writes the id ledger; the second keeps a snapshot
        age(root)
        _build(root, out, "--cache-dir", str(cache))
    assert _robots(out) == {"robots/"}
    assert _searched(out)[0] == _sitemap(out) == INDEXED | UNINDEXED - {"robots/"}
    parent.write_text(FILES["private/README.md"], encoding="utf-8")  # marked: all three go
    _build(root, out, "--cache-dir", str(cache))
    assert _robots(out) == UNINDEXED
    assert _searched(out)[0] == INDEXED and _sitemap(out) == INDEXED
    edit(root / "private/under.md", "A nested", "A nested, edited")  # still under it
    _build(root, out, "--cache-dir", str(cache))
    assert _robots(out) == UNINDEXED
    assert _searched(out)[0] == INDEXED and _sitemap(out) == INDEXED
    edit(parent, "noIndex: true", "noIndex: false")  # unmarked: all three come back
    _build(root, out, "--cache-dir", str(cache))
    assert _robots(out) == {"robots/"}
    assert _searched(out)[0] == _sitemap(out) == INDEXED | UNINDEXED - {"robots/"}


@pytest.mark.parametrize(
    ("key", "value", "shown"),
    [
        ("noIndex", "yes please", "'yes please'"),
        ("noRobotsIndex", "1", "1"),
        ("noIndex", "", "nothing (null)"),
    ],
)
def test_a_value_other_than_true_or_false_is_a_content_error_at_its_line(
    tmp_path: Path, key: str, value: str, shown: str
) -> None:
    files = {**FILES, "robots.md": f"---\ntitle: Robots\n{key}: {value}\n---\n\nText.\n"}
    root = write_space(tmp_path / "space", files)
    args = ["build", "--config", str(root / "publish.toml"), "--content", str(root)]
    result = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert f"robots.md:3: {key}: expected true or false, got {shown}" in result.stderr
