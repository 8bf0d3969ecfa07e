"""The site snapshot: an edit loads and renders only what changed, and the site it gives is
the one a full load and render gives, whatever changed."""

from __future__ import annotations

import os
import pickle
import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.build.keys import KeyedSite
from pipeline.build.site import HtmlSource
from pipeline.build.snapshot import rendered_site
from pipeline.build.snapshotfile import BASE, DELTA, DELTA_LIMIT
from pipeline.build.state import RACY_NS, fingerprint
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.model import Item
from tests.build.test_incremental import _Payload, age, build, edit, tree
from tests.conftest import copy_fixture
from tests.gitbook.conftest import write_space
from tests.gitbook.test_titles import CARDS


def _load(site: Path, cache: Path, use_snapshot: bool = True) -> tuple[KeyedSite, bool]:
    """Load the site ``site`` through the snapshot in ``cache``: its content is ``content/``,
    or, in a GitBook space (a ``SUMMARY.md`` beside ``publish.toml``), the folder itself."""
    cfg = load_config(site / "publish.toml")
    content = site if (site / "SUMMARY.md").is_file() else site / "content"
    return rendered_site(cfg, content, cache, use_snapshot=use_snapshot)


def _filled(result: KeyedSite, cache: Path) -> list[Item]:
    html = HtmlSource(cache, result.keys)
    try:
        return [html.fill(i) for i in result.site.items]
    finally:
        html.close()


def _assert_same_as_full(site: Path, cache: Path, tmp_path: Path, served: bool) -> KeyedSite:
    """Load through the snapshot in ``cache``; the result must be what a full load into a
    fresh cache gives, and must (or must not) have come from the snapshot."""
    got, from_snapshot = _load(site, cache)
    assert from_snapshot is served
    fresh_cache = tmp_path / f"fresh-{len(list(tmp_path.iterdir()))}"
    want, _ = _load(site, fresh_cache, use_snapshot=False)
    assert _filled(got, cache) == _filled(want, fresh_cache)
    # and the same keys: the body's, and the output's (what every output's plan compares)
    assert {s: (k.body, k.output) for s, k in got.keys.items()} == {
        s: (k.body, k.output) for s, k in want.keys.items()
    }
    assert got.site.warnings == want.site.warnings
    return got


def _item(result: KeyedSite, source: str) -> Item:
    return next(i for i in result.site.items if i.source == source)


def test_an_edit_reloads_that_file_alone(site: Path, tmp_path: Path) -> None:
    age(site)
    cache = tmp_path / "cache"
    assert _load(site, cache)[1] is False  # nothing to start from
    assert _load(site, cache)[1] is True
    p = site / "content/essays/why-we-gather.md"
    p.write_text(p.read_text(encoding="utf-8") + "\nA paragraph added later.\n")
    got = _assert_same_as_full(site, cache, tmp_path, served=True)
    edited = [i for i in _filled(got, cache) if i.source == "essays/why-we-gather.md"]
    assert "A paragraph added later." in edited[0].html
    assert (cache / DELTA).is_file()
    # and again, through the delta this time
    edit(site / "content/essays/the-slow-release.md", "The slow release:", "A slower release:")
    got = _assert_same_as_full(site, cache, tmp_path, served=True)
    assert _item(got, "essays/the-slow-release.md").title.startswith("A slower release:")


def test_a_changed_url_takes_the_full_path(site: Path, tmp_path: Path) -> None:
    """Other items' links resolve to it: they must be rendered again."""
    age(site)
    cache = tmp_path / "cache"
    _load(site, cache)
    edit(site / "content/essays/decisions-in-the-open.md", "title:", "slug: open-decisions\ntitle:")
    got = _assert_same_as_full(site, cache, tmp_path, served=False)
    linking = [i for i in _filled(got, cache) if "/essays/open-decisions/" in i.html]
    assert linking, "no item links to the moved essay's new URL"
    assert _load(site, cache)[1] is True  # the full load left a new snapshot


def test_added_and_removed_files_take_the_full_path(site: Path, tmp_path: Path) -> None:
    age(site)
    cache = tmp_path / "cache"
    _load(site, cache)
    (site / "content/updates/new-forum.md").unlink()
    got = _assert_same_as_full(site, cache, tmp_path, served=False)
    assert "updates/new-forum.md" not in {i.source for i in got.site.items}
    (site / "content/essays/a-new-one.md").write_text(
        "---\ntitle: A new one\ndate: 2025-06-01\nid: 0e0f7a5c-4c1e-4b7e-9d1a-2f1a9e6b7c01\n"
        "---\n\nFresh text.\n",
        encoding="utf-8",
    )
    got = _assert_same_as_full(site, cache, tmp_path, served=False)
    assert "essays/a-new-one.md" in {i.source for i in got.site.items}


def test_an_edited_id_ledger_takes_the_full_path(site: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    p = site / "content/essays/why-we-gather.md"
    p.write_text(re.sub(r"(?m)^id: .*\n", "", p.read_text(encoding="utf-8"), count=1))
    _load(site, cache)  # the id now comes from the ledger, written by this load
    age(site)
    first, served = _load(site, cache)
    assert served is False and _load(site, cache)[1] is True
    ledger = site / "content/.publish-ids.json"
    old_id = _item(first, "essays/why-we-gather.md").id
    new_id = "7d3c0c1e-2f55-4c43-9a55-0c8f0e0f9a11"
    ledger.write_text(ledger.read_text(encoding="utf-8").replace(old_id, new_id))
    got = _assert_same_as_full(site, cache, tmp_path, served=False)
    assert _item(got, "essays/why-we-gather.md").id == new_id


def test_a_first_load_with_every_id_given_writes_no_ledger(site: Path, tmp_path: Path) -> None:
    """Every item names its id: the first load creates no id ledger (nothing to record), so
    the snapshot it leaves serves the next load. It once wrote an empty ledger, which
    discarded the snapshot: the first edit after every cold build took the full path."""
    for page in (".publish-ids.json", "README.md", "about.md", "guide/README.md"):
        (site / "content" / page).unlink()  # the ledger, and the pages it gave ids
    age(site)
    cache = tmp_path / "cache"
    assert _load(site, cache)[1] is False
    assert not (site / "content/.publish-ids.json").exists()
    _assert_same_as_full(site, cache, tmp_path, served=True)


def test_warnings_follow_the_edited_file(site: Path, tmp_path: Path) -> None:
    age(site)
    cache = tmp_path / "cache"
    before, _ = _load(site, cache)
    p = site / "content/essays/hosting-not-bossing.md"
    original = p.read_text(encoding="utf-8")
    p.write_text(original.replace("title:", "mood: sunny\ntitle:", 1), encoding="utf-8")
    got = _assert_same_as_full(site, cache, tmp_path, served=True)
    added = set(got.site.warnings) - set(before.site.warnings)
    assert [(w.field, "hosting-not-bossing.md" in w.path) for w in added] == [("mood", True)]
    p.write_text(original, encoding="utf-8")
    got = _assert_same_as_full(site, cache, tmp_path, served=True)
    assert got.site.warnings == before.site.warnings


def test_replaced_episode_audio_reloads_the_episode(site: Path, tmp_path: Path) -> None:
    age(site)
    time.sleep(RACY_NS / 1e9)  # media's ctime must be older than that to be trusted
    cache = tmp_path / "cache"
    first, _ = _load(site, cache)
    assert _load(site, cache)[1] is True
    audio = site / "content/episodes/media/002-governance.mp3"
    audio.write_bytes(audio.read_bytes() * 2)  # twice as long
    got = _assert_same_as_full(site, cache, tmp_path, served=True)
    before = _item(first, "episodes/002-governance.md").episode
    after = _item(got, "episodes/002-governance.md").episode
    assert before is not None and after is not None and before.audio and after.audio
    assert after.audio.length == audio.stat().st_size == 2 * before.audio.length


def test_many_changes_fold_the_delta_into_a_new_base(tmp_path: Path) -> None:
    root = tmp_path / "many"
    (root / "content/essays").mkdir(parents=True)
    (root / "publish.toml").write_text(
        '[site]\ntitle = "Many"\nbase_url = "https://many.example.org/"\n', encoding="utf-8"
    )
    posts = [root / f"content/essays/post-{n:04d}.md" for n in range(DELTA_LIMIT + 2)]
    for n, p in enumerate(posts):
        p.write_text(
            f"---\ntitle: Post {n}\ndate: 2025-01-01\nid: post-{n}\n---\n\nText {n}.\n",
            encoding="utf-8",
        )
    cache = tmp_path / "cache"
    age(root)
    assert _load(root, cache)[1] is False  # nothing to start from
    for n, p in enumerate(posts):
        p.write_text(p.read_text(encoding="utf-8").replace(f"Text {n}.", f"Words {n}."))
    got = _assert_same_as_full(root, cache, tmp_path, served=True)
    assert not (cache / DELTA).exists() and (cache / BASE).is_file()
    assert all(f"Words {n}." in i.html for n, i in enumerate(_filled(got, cache)))
    assert _load(root, cache)[1] is True  # the new base serves


def test_a_damaged_or_hostile_snapshot_is_ignored(site: Path, tmp_path: Path) -> None:
    age(site)
    cache = tmp_path / "cache"
    _load(site, cache)
    (cache / BASE).write_bytes(b"\x00garbage" * 100)
    _assert_same_as_full(site, cache, tmp_path, served=False)
    marker = tmp_path / "pwned"
    (cache / BASE).write_bytes(pickle.dumps(_Payload(marker)))
    _assert_same_as_full(site, cache, tmp_path, served=False)
    assert not marker.exists()


def test_a_lost_render_cache_is_rendered_again(site: Path, tmp_path: Path) -> None:
    """The snapshot names HTML in the render cache; when that is gone, the build forgets the
    snapshot and renders what is missing, and writes what a cold build writes."""
    age(site)
    out, cache = tmp_path / "out", tmp_path / "cache"
    build(site, out, cache)
    for name in ("render.sqlite3", "render.sqlite3-wal", "render.sqlite3-shm"):
        (cache / name).unlink(missing_ok=True)
    p = site / "content/essays/why-we-gather.md"
    p.write_text(p.read_text(encoding="utf-8") + "\nOne more paragraph.\n")
    build(site, out, cache)
    cold_out = tmp_path / "cold-out"
    build(site, cold_out, tmp_path / "cold-cache")
    assert tree(out) == tree(cold_out)


def _space(tmp_path: Path) -> tuple[Path, Path]:
    root = copy_fixture("handbook", tmp_path)  # the space is the content folder itself
    age(root)
    return root, tmp_path / "cache"


def test_a_gitbook_page_edit_is_served_by_the_snapshot(tmp_path: Path) -> None:
    """An edit of one page reloads it alone and places it as SUMMARY.md does among all the
    pages: its section, order and date from the dates file are a full load's."""
    root, cache = _space(tmp_path)
    first, served = _load(root, cache)
    assert served is False and any(i.kind == "essay" for i in first.site.items)
    assert _load(root, cache)[1] is True
    page = root / "essays/the-quiet-middle.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nA paragraph added later.\n")
    got = _assert_same_as_full(root, cache, tmp_path, served=True)
    edited = _item(got, "essays/the-quiet-middle.md")
    assert edited.section == "essays" and edited.order > 0
    assert "A paragraph added later." in _filled(got, cache)[got.site.items.index(edited)].html


def test_a_gitbook_page_left_out_of_summary_keeps_its_warning(tmp_path: Path) -> None:
    root, cache = _space(tmp_path)
    summary = root / "SUMMARY.md"
    text = summary.read_text(encoding="utf-8")
    summary.write_text(text.replace("  * [The quiet middle](essays/the-quiet-middle.md)\n", ""))
    age(root)
    first, _ = _load(root, cache)
    assert any(w.path.endswith("the-quiet-middle.md") for w in first.site.warnings)
    page = root / "essays/the-quiet-middle.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nStill not listed.\n")
    got = _assert_same_as_full(root, cache, tmp_path, served=True)
    assert _item(got, "essays/the-quiet-middle.md").draft


@pytest.mark.parametrize("name", ["SUMMARY.md", "dates.yml"])
def test_a_changed_summary_or_dates_file_takes_the_full_path(tmp_path: Path, name: str) -> None:
    """Both place every page: the snapshot cannot serve, and what the full path gives is a
    full load's (a page moved to another section, a date changed)."""
    root, cache = _space(tmp_path)
    _load(root, cache)
    assert _load(root, cache)[1] is True
    path = root / name
    text = path.read_text(encoding="utf-8")
    if name == "SUMMARY.md":
        moved = "  * [The quiet middle](essays/the-quiet-middle.md)\n"
        assert moved in text
        text = text.replace(moved, "") + "\n## Later\n\n" + moved.strip() + "\n"
    else:
        assert "the-quiet-middle.md: 2021-01-12" in text
        text = text.replace("the-quiet-middle.md: 2021-01-12", "the-quiet-middle.md: 2021-01-19")
    path.write_text(text, encoding="utf-8")
    got = _assert_same_as_full(root, cache, tmp_path, served=False)
    quiet = _item(got, "essays/the-quiet-middle.md")
    if name == "SUMMARY.md":
        assert quiet.section != "essays"
    else:
        assert quiet.date is not None and quiet.date.day == 19


def test_an_edit_during_the_build_is_seen_by_the_next_one(site: Path, tmp_path: Path) -> None:
    """The stats the CLI took for its fingerprint, before anything was read, are the ones
    the snapshot compares and records: a file edited after them is loaded next time."""
    age(site)
    cache = tmp_path / "cache"
    cfg = load_config(site / "publish.toml")
    content = site / "content"
    _load(site, cache)
    before: dict[str, os.stat_result] = {}
    fingerprint(cfg, content, tmp_path / "out", before, strict=False)
    p = content / "essays/why-we-gather.md"
    p.write_text(p.read_text(encoding="utf-8") + "\nWritten while the build ran.\n")
    during, served = rendered_site(cfg, content, cache, stats=before)
    assert served
    assert not any("while the build ran" in i.html for i in _filled(during, cache))
    after, served = rendered_site(cfg, content, cache)
    assert served
    assert any("while the build ran" in i.html for i in _filled(after, cache))


def test_warnings_name_files_as_typed_from_any_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The snapshot keeps warnings relative to the content root, not to the working folder
    (its key no longer holds it): a build from elsewhere, reusing it, names files right."""
    from click.testing import CliRunner

    from pipeline.cli import main

    site = tmp_path / "site"
    (site / "content" / "essays").mkdir(parents=True)
    (site / "publish.toml").write_text(
        '[site]\ntitle = "T"\ndescription = "D"\nbase_url = "https://example.org/"\n'
        'timezone = "UTC"\nlanguage = "en"\n',
        encoding="utf-8",
    )
    for name in ("a", "b"):
        (site / "content" / "essays" / f"{name}.md").write_text(
            f"---\nid: {name}\ntitle: {name}\ndate: 2025-01-01\ncolour: red\n---\nText.\n",
            encoding="utf-8",
        )
    monkeypatch.chdir(site)
    args = ["build", "--out", str(site / "out"), "--cache-dir", str(site / "cache")]
    first = CliRunner().invoke(main, [*args, "--content", "content"])
    assert first.exit_code == 0, first.output
    assert "content/essays/a.md:5, content/essays/b.md:5" in first.stderr
    edit(site / "content" / "essays" / "b.md", "Text.", "Other text.")
    monkeypatch.chdir(site / "content")
    again = CliRunner().invoke(
        main, [*args, "--content", ".", "--config", str(site / "publish.toml")]
    )
    assert again.exit_code == 0, again.output
    assert "(2 places: essays/a.md:5, essays/b.md:5)" in again.stderr
    assert "content/essays" not in again.stderr


def test_a_long_running_process_keeps_the_snapshot_it_read_until_the_file_changes(
    site: Path, tmp_path: Path
) -> None:
    from pipeline.build import snapshotfile
    from pipeline.support.output import write_atomic

    age(site)
    cache = tmp_path / "cache"
    assert _load(site, cache)[1] is False
    assert _load(site, cache)[1] is True  # read from the file, and kept
    kept = snapshotfile._KEPT[cache / BASE]
    p = site / "content/essays/why-we-gather.md"
    p.write_text(p.read_text(encoding="utf-8") + "\nA paragraph added later.\n")
    _assert_same_as_full(site, cache, tmp_path, served=True)
    assert snapshotfile._KEPT[cache / BASE] is kept  # the base unchanged: not read again
    # the file replaced (here by bytes that are no snapshot): what was kept is not used
    write_atomic(cache / BASE, b"not a snapshot")
    _assert_same_as_full(site, cache, tmp_path, served=False)
    assert snapshotfile._KEPT.get(cache / BASE) is not kept


def test_a_gitbook_space_edited_builds_what_a_cold_build_builds(tmp_path: Path) -> None:
    root, cache = _space(tmp_path)

    def run(out: Path, cache_dir: Path) -> None:
        args = ["--config", str(root / "publish.toml"), "--content", str(root)]
        result = CliRunner().invoke(
            main, ["build", *args, "--out", str(out), "--cache-dir", str(cache_dir), "-q"]
        )
        assert result.exit_code == 0, result.output

    out = tmp_path / "out"
    run(out, cache)
    page = root / "essays/the-quiet-middle.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nA paragraph added later.\n")
    run(out, cache)
    assert (cache / DELTA).is_file()  # the edit was served by the snapshot
    cold = tmp_path / "cold"
    run(cold, tmp_path / "cold-cache")
    assert tree(out) == tree(cold)


def test_a_changed_hugo_cascade_takes_the_full_path(site: Path, tmp_path: Path) -> None:
    """A section's ``cascade`` reaches every page below it: an edit of it cannot be served
    by reloading that one file (the pages below kept the old cascade's draft state)."""
    folder = site / "content" / "docs" / "_common"
    folder.mkdir(parents=True)
    cascade = "---\ntitle: Snippets\nid: s1\ncascade:\n  build:\n    render: never\n---\n"
    (folder / "_index.md").write_text(cascade, encoding="utf-8")
    snippet = "---\ntitle: Snippet\nid: s2\n---\nShared.\n"  # ids: no ledger written
    (folder / "snippet.md").write_text(snippet, encoding="utf-8")
    age(site)
    cache = tmp_path / "cache"
    _load(site, cache)
    got, served = _load(site, cache)
    assert served and _item(got, "docs/_common/snippet.md").draft
    (folder / "_index.md").write_text("---\ntitle: Snippets\nid: s1\n---\n", encoding="utf-8")
    got = _assert_same_as_full(site, cache, tmp_path, served=False)
    assert not _item(got, "docs/_common/snippet.md").draft
    (folder / "_index.md").write_text(cascade, encoding="utf-8")
    got = _assert_same_as_full(site, cache, tmp_path, served=False)
    assert _item(got, "docs/_common/snippet.md").draft


@pytest.mark.usefixtures("two_cores")  # written by a forked process on any machine
def test_a_base_written_in_the_background_is_there_when_the_build_ends(tmp_path: Path) -> None:
    """A site large enough that the new base is pickled by a forked process (while the
    build plans): closing the build's background stack waits for it, so the next build is
    served from it, and it is the site a full load gives."""
    from contextlib import ExitStack

    from pipeline.support.parallel import PARALLEL_THRESHOLD
    from pipeline.support.workers import forkable
    from tests.hostile.sites import essay, make_site

    if not forkable():
        pytest.fail("this machine cannot fork a worker: the forked path is not tested here")
    files = {
        f"essays/post-{n:04d}.md": essay(f"Post {n}", f"Body of post {n}.\n", id=f"post-{n}")
        for n in range(PARALLEL_THRESHOLD + 5)
    }
    make_site(tmp_path, files)
    site, cache = tmp_path, tmp_path / "cache"
    age(site)
    cfg = load_config(site / "publish.toml")
    with ExitStack() as background:
        first, served = rendered_site(cfg, site / "content", cache, background=background)
        assert served is False
    assert (cache / BASE).is_file()
    again, served = rendered_site(cfg, site / "content", cache)
    assert served is True
    assert _filled(again, cache) == _filled(first, cache)


def test_a_base_that_cannot_be_pickled_leaves_no_snapshot_and_no_temp_file(tmp_path: Path) -> None:
    """The base is pickled into its file as it is made: a value the cache cannot carry found
    halfway leaves neither a half-written base nor its temp file, and the old snapshot goes."""
    from pipeline.build.snapshotfile import save_base

    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / BASE).write_bytes(b"an older base")
    (cache / DELTA).write_bytes(b"an older delta")
    unpicklable = lambda: None  # noqa: E731  (a function made here: pickle refuses it)
    rows = [("a.md", "1:2:3", (), None, (), None), ("b.md", "1:2:3", (), unpicklable, (), None)]
    save_base(cache, "key", (), rows)
    assert sorted(p.name for p in cache.iterdir()) == []


def test_a_retitled_page_another_links_to_is_not_served(tmp_path: Path) -> None:
    """A GitBook link card shows the title of the page it names: a page's new title reaches
    the page with the card, so the snapshot does not serve that edit (a title edit of a page
    other pages only link to is served: test_an_edit_reloads_that_file_alone)."""
    space = write_space(tmp_path / "space", CARDS)
    cache = tmp_path / "cache"
    _load(space, cache)  # writes the id ledger
    age(space)
    time.sleep(RACY_NS / 1e9)  # every file older than the build: its stat trusted
    assert _load(space, cache)[1] is False
    assert _load(space, cache)[1] is True
    edit(space / "guide/adding-plugins.md", "# Adding Plugins", "# Plugins")
    got = _assert_same_as_full(space, cache, tmp_path, served=False)
    home = next(i for i in _filled(got, cache) if i.source == "README.md")
    assert '">Plugins &amp; the Docker Image</a>' in home.html
