"""Show-level checks: categories, artwork, chapters parsing, [podcast] configuration."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from pipeline.config import PodcastConfig
from pipeline.config.podcast import podcast_problems
from pipeline.podcast import artwork
from pipeline.podcast.chapters import chapters_from_body, parse_timestamp
from pipeline.podcast.show import cover_url, show_problems
from pipeline.support.podcast_categories import CATEGORIES, category_problem
from tests.podcast.conftest import make_config, replace_podcast


def test_category_list_is_the_2019_one() -> None:
    assert len(CATEGORIES) == 19
    assert category_problem("Leisure", "Animation & Manga") is None
    assert category_problem("True Crime") is None
    assert category_problem("Science & Medicine") is not None  # pre-2019
    assert category_problem("") == (
        "a category is required (Apple Podcasts and Spotify list shows by category)"
    )


@pytest.mark.parametrize(
    ("size", "mode", "fmt", "problem"),
    [
        ((1400, 1400), "RGB", "JPEG", None),
        ((3000, 3000), "RGB", "PNG", None),
        (
            (3001, 3001),
            "RGB",
            "PNG",
            "artwork is 3001×3001 px; Apple needs a square 1400–3000 px image",
        ),
        ((1400, 1400), "L", "JPEG", "artwork colour mode is L; Apple needs RGB"),
        ((1400, 1400), "RGB", "GIF", "artwork is GIF; Apple accepts JPEG or PNG"),
    ],
)
def test_artwork(
    tmp_path: Path, size: tuple[int, int], mode: str, fmt: str, problem: str | None
) -> None:
    path = tmp_path / "a.img"
    Image.new(mode, size).save(path, fmt)
    problems = artwork.file_problems(path)
    assert (problems[0] if problems else None) == problem


def test_timestamps_and_headings() -> None:
    assert parse_timestamp("01:02:03") == 3723
    assert parse_timestamp("12:30") == 750
    assert parse_timestamp("12:75") is None
    body = "## 00:03:10 Topic\n```\n## 00:09:00 In code\n```\n### Later (12:30)\n## No time\n# 1:00:00 – End"
    found = [(c.start, c.title, c.line) for c in chapters_from_body(body)]
    assert found == [(190, "Topic", 1), (750, "Later", 5), (3600, "End", 7)]


@pytest.mark.parametrize(
    ("line", "chapter"),
    [
        ("## 3:10 Topic ##", (190, "Topic")),
        ("#\t(3:10) – Topic", (190, "Topic")),
        ("### Topic -   (1:02:03)", (3723, "Topic")),
        ("## Part 2 12:30", (750, "Part 2")),
        ("## Topic 112:30", (750, "Topic 1")),
        ("   ###### Topic \u2014 0:05   ###  ", (5, "Topic")),
        ("## 12:30", None),  # a timestamp alone names nothing (it was "1" at 2:30)
        ("## - 12:30", None),
        ("####### 1:00 Seven hashes", None),
        ("    ## 1:00 Indented code", None),
        ("##1:00 No blank", None),
    ],
)
def test_chapter_headings(line: str, chapter: tuple[float, str] | None) -> None:
    found = [(c.start, c.title) for c in chapters_from_body(line)]
    assert found == ([chapter] if chapter else [])


def test_config_problems() -> None:
    bad = PodcastConfig(
        category="Technology",
        subcategory="Podcasting",
        owner_email="nobody",
        guid="not-a-uuid",
        medium="radio",
        new_feed_url="/feed",
    )
    keys = {key for key, _ in podcast_problems(bad)}
    assert keys == {"subcategory", "owner_email", "guid", "medium", "new_feed_url"}


def test_show_problems_check_the_real_cover(tmp_path: Path, content: Path) -> None:
    (tmp_path / "publish.toml").write_text('[podcast]\ntitle = "R"\nimage = "podcast/small.png"\n')
    Image.new("RGB", (800, 800)).save(content / "podcast/small.png")
    cfg = make_config(tmp_path, image="podcast/small.png", owner_email="")
    found = [str(p) for p in show_problems(cfg, content)]
    assert sorted(found) == [
        "publish.toml:1: podcast.owner_email: Spotify sends its ownership code to this "
        "address; set it",
        "publish.toml:3: podcast.image: podcast/small.png: artwork is 800×800 px; "
        "Apple needs a square 1400–3000 px image",
    ]
    ok = replace_podcast(make_config(tmp_path), image="podcast/cover.jpg")
    assert show_problems(ok, content) == []
    assert cover_url(ok) == "https://commons.example.org/podcast/cover.jpg"


def test_load_config_rejects_an_unknown_category(tmp_path: Path) -> None:
    from pipeline.config import load_config
    from pipeline.errors import ConfigError

    path = tmp_path / "publish.toml"
    path.write_text('[site]\ntitle = "x"\n\n[podcast]\ncategory = "Games & Hobbies"\n')
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert [str(p) for p in info.value.problems] == [
        f"{path}:5: podcast.category: unknown Apple Podcasts category 'Games & Hobbies'; "
        "see docs/podcast.md for the list"
    ]


def test_docs_list_every_lint_rule_and_category() -> None:
    from pipeline.feedcheck import RULES
    from tests.podcast.conftest import REPO

    text = (REPO / "docs" / "podcast.md").read_text("utf-8")
    assert [rule for rule in RULES if f"`{rule}`" not in text] == []
    assert [c for c in CATEGORIES if f"**{c}**" not in text] == []


def test_txt_values_are_checked_with_the_configuration() -> None:
    """A podcast:txt value the linter would refuse in the feed is a ``[podcast]`` problem,
    found when the configuration loads (with its line), not when the feed is written."""
    fine = PodcastConfig(txt=["verify: 0a1b2c", "plain text"])
    assert podcast_problems(fine) == []
    bad = PodcastConfig(txt=["", "x" * 4001, "a: " + "y" * 4000])
    assert [key for key, _ in podcast_problems(bad)] == ["txt", "txt"]
