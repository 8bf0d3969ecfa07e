"""Splicing feeds: unchanged entries are copied from the last file, never re-serialised, and
the result is byte for byte what writing everything gives."""

from __future__ import annotations

import os
import random
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pipeline.build.feedwrite import FeedIndex, Frame, read_index, save_index, splice_feed
from pipeline.support.output import Stamp

SALT = "salt"


def entries(
    texts: dict[str, str], forbidden: set[str] = frozenset()
) -> tuple[list[str], Callable[[int], bytes]]:
    keys = list(texts)

    def make(n: int) -> bytes:
        assert keys[n] not in forbidden, f"{keys[n]} was serialised, not copied"
        return texts[keys[n]].encode()

    return keys, make


def full(texts: dict[str, str], sep: str) -> bytes:
    return ("<head>" + sep.join(texts.values()) + "</tail>").encode()


def write_feed(*args: Any) -> tuple[bool, Stamp, FeedIndex]:
    """The feed spliced and put in place."""
    return splice_feed(*args).commit()


@pytest.mark.parametrize("sep", ["", ", "])
@pytest.mark.parametrize(
    "change",
    ["edit-middle", "edit-first", "edit-last", "insert", "remove", "reorder", "longer-head"],
)
def test_splice_equals_full_write_and_copies_unchanged(
    tmp_path: Path, sep: str, change: str
) -> None:
    path = tmp_path / "feed.xml"
    old = {f"k{n}": f"<entry n={n}>{'é' * n}</entry>" for n in range(12)}
    _, _, index = write_feed(path, Frame("<head>", sep, "</tail>"), *entries(old), None, SALT)
    assert path.read_bytes() == full(old, sep)
    new = dict(old)
    head = "<head>"
    if change == "edit-middle":
        new["k5"] = "<entry changed/>"
    elif change == "edit-first":
        new["k0"] = "<entry first changed/>"
    elif change == "edit-last":
        new["k11"] = "<entry last changed and longer than before/>"
    elif change == "insert":
        new = {"k-new": "<entry new/>", **old}
    elif change == "remove":
        del new["k3"]
    elif change == "reorder":
        new = dict(reversed(list(old.items())))
    elif change == "longer-head":
        head = "<head with more/>"
    unchanged = {k for k in new if k in old and new[k] == old[k]}
    # the keys stand for content: a changed entry gets a new key, as an item's digest would
    renamed = {(k if k in unchanged else f"{k}'"): v for k, v in new.items()}
    written, stamp, index2 = write_feed(
        path, Frame(head, sep, "</tail>"), *entries(renamed, unchanged), index, SALT
    )
    expected = (head + sep.join(renamed.values()) + "</tail>").encode()
    assert written and path.read_bytes() == expected
    assert stamp[:2] == (path.stat().st_size, path.stat().st_mtime_ns)
    for key, (offset, length) in index2.entries.items():
        assert expected[offset : offset + length] == renamed[key].encode()


@pytest.mark.parametrize("sep", ["", ", "])
def test_a_section_feed_is_cut_from_the_site_feed(tmp_path: Path, sep: str) -> None:
    site = {f"k{n}": f"<entry n={n}/>" for n in range(10)}
    _, _, index = write_feed(
        tmp_path / "site.xml", Frame("<h>", sep, "</t>"), *entries(site), None, SALT
    )
    where = [(str(tmp_path / "site.xml"), index)]
    section = {k: v for k, v in site.items() if k in ("k1", "k2", "k3", "k7", "k9")}
    section["k-only-here"] = "<entry only-here/>"
    path = tmp_path / "section.xml"
    written, _, _ = write_feed(
        path, Frame("<s>", sep, "</t>"), *entries(section, set(site)), None, SALT, where
    )
    assert written and path.read_bytes() == ("<s>" + sep.join(section.values()) + "</t>").encode()


def _edited(rng: random.Random, old: dict[str, str]) -> dict[str, str]:
    """``old`` with entries kept, dropped, changed (a new key, as an item's digest gives),
    inserted and a stretch moved: runs of entries that lie together in the last file, broken
    at random places."""
    new: dict[str, str] = {}
    for n, (key, text) in enumerate(old.items()):
        roll = rng.random()
        if roll < 0.08:
            continue
        if roll < 0.16:
            new[f"{key}'"] = f"<changed {n}{'y' * rng.randrange(4)}/>"
        else:
            new[key] = text
        if rng.random() < 0.06:
            new[f"new{n}"] = f"<new {n}/>"
    items = list(new.items())
    if len(items) > 4 and rng.random() < 0.5:
        a, b = sorted(rng.sample(range(len(items)), 2))
        items = items[:a] + items[b:] + items[a:b]
    return dict(items)


@pytest.mark.parametrize("seed", range(30))
def test_random_edits_spliced_from_the_last_file_and_a_donor_equal_a_full_write(
    tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    sep = rng.choice(["", ",\n"])
    frame = Frame("<h>", sep, "</t>")
    old = {f"k{n}": f"<e n={n}>{'x' * rng.randrange(6)}</e>" for n in range(rng.randrange(1, 60))}
    path = tmp_path / "feed.xml"
    _, _, last = write_feed(path, frame, *entries(old), None, SALT)
    new = _edited(rng, old)
    # another feed of the format written earlier in the build, holding some of the entries
    # (changed ones among them) in an order of its own
    given = [k for k in new if rng.random() < 0.4]
    rng.shuffle(given)
    donor = tmp_path / "donor.xml"
    _, _, held = write_feed(
        donor, Frame("<d>", sep, "</t>"), *entries({k: new[k] for k in given}), None, SALT
    )
    copied = {k for k in new if k in old} | set(given)
    written, _, index = write_feed(
        path, frame, *entries(new, copied), last, SALT, [(str(donor), held)]
    )
    expected = ("<h>" + sep.join(new.values()) + "</t>").encode()
    assert path.read_bytes() == expected
    assert written == (expected != ("<h>" + sep.join(old.values()) + "</t>").encode())
    assert list(index.entries) == list(new)
    for key, (offset, length) in index.entries.items():
        assert expected[offset : offset + length] == new[key].encode()


def test_same_entries_leave_the_file_untouched(tmp_path: Path) -> None:
    path = tmp_path / "feed.json"
    texts = {f"k{n}": f'{{"n": {n}}}' for n in range(5)}
    _, _, index = write_feed(path, Frame("[", ", ", "]"), *entries(texts), None, SALT)
    before = path.stat()
    written, stamp, _ = write_feed(
        path, Frame("[", ", ", "]"), *entries(texts, set(texts)), index, SALT
    )
    assert not written
    assert path.stat().st_mtime_ns == before.st_mtime_ns == stamp[1]


def _saved(tmp_path: Path, n: int) -> tuple[Path, Path, dict[str, str], FeedIndex]:
    """A feed of ``n`` items written as rss.xml, and its index saved: (feed, cache folder,
    entry texts, index)."""
    path = tmp_path / "rss.xml"
    cache = tmp_path / "cache"
    texts = {f"k{i}": f"<item>{i}</item>" for i in range(n)}
    _, _, index = write_feed(path, Frame("<rss>", "", "</rss>"), *entries(texts), None, SALT)
    save_index(cache, "rss.xml", index)
    return path, cache, texts, index


def test_an_index_that_no_longer_matches_its_file_is_not_used(tmp_path: Path) -> None:
    path, cache, texts, index = _saved(tmp_path, 4)
    assert read_index(cache, "rss.xml", SALT, path) == index
    assert read_index(cache, "rss.xml", "other code", path) is None
    path.write_bytes(path.read_bytes().replace(b"<item>1", b"<item>X"))  # edited by hand
    os.utime(path, ns=(1, 5))
    assert read_index(cache, "rss.xml", SALT, path) is None
    written, _, _ = write_feed(path, Frame("<rss>", "", "</rss>"), *entries(texts), None, SALT)
    assert written and path.read_bytes() == ("<rss>" + "".join(texts.values()) + "</rss>").encode()


def test_an_index_pointing_outside_its_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "atom.xml"
    cache = tmp_path / "cache"
    texts = {"a": "<entry/>"}
    _, _, index = write_feed(path, Frame("<feed>", "", "</feed>"), *entries(texts), None, SALT)
    bad = FeedIndex(SALT, index.size, index.mtime_ns, {"a": (index.size - 2, 100)})
    save_index(cache, "atom.xml", bad)
    assert read_index(cache, "atom.xml", SALT, path) is None


def test_a_damaged_index_is_no_index(tmp_path: Path) -> None:
    path, cache, _, index = _saved(tmp_path, 5)
    (stored,) = (cache / "feeds").iterdir()
    whole = stored.read_bytes()
    for damaged in (whole[:-3], whole[:-8], whole + b"\0" * 8, b"\x00garbage", b""):
        stored.write_bytes(damaged)
        assert read_index(cache, "rss.xml", SALT, path) is None
    stored.write_bytes(whole.replace(f'"{sys.byteorder}"'.encode(), b'"other"'))
    assert read_index(cache, "rss.xml", SALT, path) is None
    stored.write_bytes(whole)
    assert read_index(cache, "rss.xml", SALT, path) == index
