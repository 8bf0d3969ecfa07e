"""File names of an import: the first free ``slug.md``, ``slug-2.md``, … as before, chosen in
time linear in the items however many share a name (the project's rule for every stage)."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from pipeline.importers.common import FreeNames
from tests.importers.conftest import SITE_TOML, publish
from tests.timing import assert_linear


def _episode(title: str, n: int, link: str = "") -> str:
    return (
        f'<item><title>{title}</title><guid isPermaLink="false">g-{n}</guid>'
        f"<link>{link}</link><pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate>"
        f'<enclosure url="https://cdn.example.com/{n}.mp3" length="1000" type="audio/mpeg"/>'
        "</item>"
    )


def _feed(items: list[str]) -> bytes:
    return (
        '<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">'
        f"<channel><title>Show</title>{''.join(items)}</channel></rss>"
    ).encode()


def _import(site: Path, n: int) -> None:
    """``publish import podcast --dry-run`` naming ``n`` episodes all titled alike (a dry run
    chooses every name as a real one does, without the disk's noise)."""
    site.mkdir()
    (site / "publish.toml").write_text(SITE_TOML, encoding="utf-8")
    (site / "feed.xml").write_bytes(_feed([_episode("Episode", i) for i in range(n)]))
    os.chdir(site)
    result = publish("import", "podcast", "feed.xml", "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(f"would be created: content/episodes/episode-{n}.md\n")


def test_items_sharing_a_name_import_in_linear_time(tmp_path: Path) -> None:
    """Each name was chosen by trying every number taken before it: quadratic."""
    cwd = Path.cwd()
    runs = iter(range(10**6))
    try:
        _import(tmp_path / "warm", 200)
        assert_linear(lambda n: _import(tmp_path / f"run{next(runs)}", n), 2000, slack=0)
    finally:
        os.chdir(cwd)


def test_names_are_the_first_free_ones_as_before(home: Path) -> None:
    """A file already there (not an import) and stems that are another stem's ``-N`` name."""
    folder = home / "content" / "episodes"
    folder.mkdir(parents=True)
    (folder / "episode-3.md").write_text("---\ntitle: mine\n---\n", encoding="utf-8")
    titles = ["Episode", "Episode", "Episode 2", "Episode", "Episode 2", "Episode"]
    source = home / "feed.xml"
    source.write_bytes(_feed([_episode(t, n) for n, t in enumerate(titles)]))
    result = publish("import", "podcast", str(source))
    assert result.exit_code == 0, result.output
    created = [line.rsplit("/", 1)[1] for line in result.stdout.splitlines()]
    assert created == [
        "episode.md",
        "episode-2.md",
        "episode-2-2.md",
        "episode-4.md",
        "episode-2-3.md",
        "episode-5.md",
    ]


def _probed(taken: set[str], stem: str) -> str:
    """The name the importer chose before: probed from 1 every time."""
    n = 1
    while (name := f"{stem}.md" if n == 1 else f"{stem}-{n}.md") in taken:
        n += 1
    taken.add(name)
    return name


STEMS = st.sampled_from(["a", "a-2", "a-2-2", "a-3", "b", "b-1", "a-1"])


@given(st.sets(STEMS.map(lambda s: f"{s}.md")), st.lists(STEMS, max_size=40))
def test_free_names_pick_what_probing_from_one_picked(present: set[str], stems: list[str]) -> None:
    names = FreeNames(present)
    taken = set(present)
    assert [names.pick(s, ".md") for s in stems] == [_probed(taken, s) for s in stems]


def test_a_link_segment_many_items_share_gives_way_to_their_titles(home: Path) -> None:
    """Every Giant Bomb episode's link ends in /free-podcast: named by title, not -417."""
    items = [
        _episode(f"Bombcast {n}", n, f"https://old.example.com/show/{n}/free-podcast")
        for n in (1, 2, 3)
    ]
    items.append(_episode("Slugs", 4, "https://old.example.com/2024/06/09/slugs/"))
    source = home / "feed.xml"
    source.write_bytes(_feed(items))
    result = publish("import", "podcast", str(source))
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (home / "content" / "episodes").iterdir())
    assert names == ["bombcast-1.md", "bombcast-2.md", "bombcast-3.md", "slugs.md"]


def test_a_title_escaped_twice_names_its_file_by_what_it_says(home: Path) -> None:
    """Hosts that escape a title twice write ``Q&amp;amp;A``: the title is kept as apps have
    it, and the file is named by the title its entities spell (``qa.md``, not ``qampa.md``)."""
    titles = ["Q&amp;amp;A", "Tom &amp;amp; Jerry", "It&amp;#8217;s here"]
    source = home / "feed.xml"
    source.write_bytes(_feed([_episode(t, n) for n, t in enumerate(titles)]))
    result = publish("import", "podcast", str(source))
    assert result.exit_code == 0, result.output
    created = [line.rsplit("/", 1)[1] for line in result.stdout.splitlines()]
    assert created == ["qa.md", "tom-jerry.md", "its-here.md"]
    assert "title: Q&amp;A\n" in (home / "content" / "episodes" / "qa.md").read_text()
