"""The site's search index through the real CLI: the files a browser reads, the same bytes
whether made from nothing or updated after an edit, an addition or a removal, and an edit
rewriting only the files of the words it changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.conftest import REPO


def _build(root: Path, out: Path, cache: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["build", "--config", str(root / "publish.toml"), "--content", str(root / "content"),
         "--out", str(out), "--cache-dir", str(cache)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output


def _tree(out: Path) -> dict[str, bytes]:
    folder = out / "search"
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _mtimes(out: Path) -> dict[str, int]:
    folder = out / "search"
    return {
        p.relative_to(folder).as_posix(): p.stat().st_mtime_ns
        for p in folder.rglob("*")
        if p.is_file()
    }


@pytest.fixture
def site(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copy(REPO / "publish.toml", tmp_path / "publish.toml")
    return tmp_path


def _cold(site: Path) -> dict[str, bytes]:
    """The index a build from nothing makes of the content as it is now."""
    out, cache = site / "cold-out", site / "cold-cache"
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    _build(site, out, cache)
    return _tree(out)


def _doc(out: Path, url: str) -> int:
    manifest = json.loads((out / "search/manifest.json").read_bytes())
    for number in range(manifest["docs"]):
        table = json.loads((out / f"search/docs/{number // 500}.json").read_bytes())
        if table[number % 500][0] == url:
            return number
    raise AssertionError(url)


def test_the_index_holds_every_page_and_its_words(site: Path) -> None:
    out = site / "out"
    _build(site, out, site / "cache")
    manifest = json.loads((out / "search/manifest.json").read_bytes())
    table = json.loads((out / "search/docs/0.json").read_bytes())
    urls = [row[0] for row in table]
    assert urls == sorted(urls) and len(urls) == manifest["docs"]
    assert "essays/why-we-gather/" in urls and "" in urls  # the home page is its README
    assert "essays/a-draft-about-money/" not in urls  # a draft has no page
    row = table[urls.index("essays/why-we-gather/")]
    assert row[1:] == [
        "Why we gather",
        "What a small group can do that a crowd cannot, and why our community is built "
        "from small groups.",
        "essays",
    ]
    number = urls.index("essays/why-we-gather/")
    words = json.loads((out / "search/words/ap.json").read_bytes())
    assert words["applaud"] == [number, 1]
    gather = json.loads((out / "search/words/ga.json").read_bytes())["gather"]
    pages = dict(zip(gather[::2], gather[1::2], strict=True))
    assert pages[number] >= 5  # in the title: counted five times over
    assert sorted(manifest["files"]) == sorted(
        p.stem for p in (out / "search/words").glob("*.json")
    )


def test_an_edit_rewrites_a_few_files_and_gives_the_bytes_of_a_cold_build(site: Path) -> None:
    out, cache = site / "out", site / "cache"
    _build(site, out, cache)
    before = _mtimes(out)
    essay = site / "content/essays/why-we-gather.md"
    essay.write_text(essay.read_text().replace("applaud", "cheer"))
    _build(site, out, cache)
    after = _mtimes(out)
    changed = {p for p in after if before.get(p) != after[p]} | (before.keys() - after.keys())
    assert changed == {"words/ap.json", "words/ch.json", "manifest.json"}
    number = _doc(out, "essays/why-we-gather/")
    assert json.loads((out / "search/words/ch.json").read_bytes())["cheer"] == [number, 1]
    assert "applaud" not in json.loads((out / "search/words/ap.json").read_bytes())
    assert _tree(out) == _cold(site)
    # a new description: its page table file too
    essay.write_text(essay.read_text().replace("description: What", "description: Why"))
    _build(site, out, cache)
    assert _tree(out) == _cold(site)
    assert json.loads((out / "search/docs/0.json").read_bytes())[number][2].startswith("Why")


def test_adding_and_removing_a_page_gives_the_bytes_of_a_cold_build(site: Path) -> None:
    out, cache = site / "out", site / "cache"
    _build(site, out, cache)
    (site / "content/essays/aardvarks.md").write_text(
        "---\ntitle: Aardvarks\ndate: 2024-01-01\nid: aardvarks\n---\n\nThey dig zyzzyva.\n"
    )
    _build(site, out, cache)
    assert _doc(out, "essays/aardvarks/") < _doc(out, "essays/why-we-gather/")
    assert json.loads((out / "search/words/zy.json").read_bytes())["zyzzyva"] == [
        _doc(out, "essays/aardvarks/"),
        1,
    ]
    assert _tree(out) == _cold(site)
    (site / "content/essays/aardvarks.md").unlink()
    (site / "content/essays/hosting-not-bossing.md").unlink()
    _build(site, out, cache)
    assert not (out / "search/words/zy.json").exists()  # no page has such a word any more
    assert _tree(out) == _cold(site)


def test_a_damaged_index_is_made_whole_again(site: Path) -> None:
    out, cache = site / "out", site / "cache"
    _build(site, out, cache)
    essay = site / "content/essays/why-we-gather.md"
    for damage in (
        lambda: (out / "search/words/ap.json").unlink(),
        lambda: (out / "search/words/ch.json").write_text("{not json"),
        lambda: (out / "search/manifest.json").write_text("[]"),
        lambda: (out / "search/docs/0.json").write_text('[["only one"]]'),
        lambda: (cache / "search.sqlite3").write_bytes(b"not a database" * 100),
    ):
        damage()
        essay.write_text(essay.read_text() + "\nOne more sentence.\n")
        _build(site, out, cache)
        assert _tree(out) == _cold(site)


def test_a_change_of_a_words_shard_removes_the_emptied_file(site: Path) -> None:
    out, cache = site / "out", site / "cache"
    essay = site / "content/essays/why-we-gather.md"
    essay.write_text(essay.read_text() + "\nA qwertyuiop word.\n")
    _build(site, out, cache)
    assert "qw" in json.loads((out / "search/manifest.json").read_bytes())["files"]
    essay.write_text(essay.read_text().replace("A qwertyuiop word.", ""))
    _build(site, out, cache)
    assert not (out / "search/words/qw.json").exists()
    assert "qw" not in json.loads((out / "search/manifest.json").read_bytes())["files"]
    assert _tree(out) == _cold(site)


def test_many_pages_indexed_on_both_cores_give_the_same_bytes(tmp_path: Path) -> None:
    """Over PARALLEL_THRESHOLD pages: analysed (or read from the cache) in worker processes,
    a chunk of page numbers each, merged in order; the same bytes cold or from the cache, and
    each word lists exactly the pages holding it."""
    (tmp_path / "content/essays").mkdir(parents=True)
    (tmp_path / "publish.toml").write_text('[site]\nbase_url = "https://c.example.org/"\n')
    words = ["garden", "river", "Grüße", "stone", "light", "bread", "table", "winter"]
    for i in range(450):
        body = " ".join(words[(i * k) % len(words)] for k in range(1, 12)) + f" unique{i}"
        (tmp_path / f"content/essays/p{i:03d}.md").write_text(
            f"---\ntitle: Post {i}\ndate: 2024-01-01\nid: p{i}\n---\n\n{body}\n", encoding="utf-8"
        )
    extra = tmp_path / "content/essays/zz.md"
    extra.write_text("---\ntitle: Extra\ndate: 2024-01-02\nid: zz\n---\n\nMore.\n")
    out, cache = tmp_path / "out", tmp_path / "cache"
    _build(tmp_path, out, cache)  # cold: on both cores
    extra.unlink()
    _build(tmp_path, out, cache)  # a page removed: made whole from the cache
    assert _tree(out) == _cold(tmp_path)  # cold again: on both cores
    garden = json.loads((out / "search/words/ga.json").read_bytes())["garden"]
    having = [i for i in range(450) if any((i * k) % len(words) == 0 for k in range(1, 12))]
    assert garden[::2] == sorted(_doc(out, f"essays/p{i:03d}/") for i in having)
    unique = json.loads((out / "search/words/un.json").read_bytes())
    assert unique["unique449"] == [_doc(out, "essays/p449/"), 1]
