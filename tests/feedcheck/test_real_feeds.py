"""What real podcast feeds do that the linter must accept, and what the W3C validator catches.

Each test changes the reference feed (rendered from the bundled episodes) the way a real feed
does and asserts the linter's verdict: severities, rule ids and our own messages.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.config import Config
from pipeline.feedcheck import HARD, SOFT, LintResult, has_hard, lint_feed
from pipeline.model import Item
from pipeline.podcast.feed import render_podcast_feed
from tests.podcast.conftest import example_items, replace_podcast

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
FUNDING = (
    '<podcast:funding url="https://example.org/donate/">Support Commons Radio</podcast:funding>'
)
LOCATION = "<podcast:location>Berlin, Germany</podcast:location>"


@pytest.fixture
def good(items: list[Item], config: Config) -> str:
    return render_podcast_feed(items, config).decode()


def lint(text: str) -> list[LintResult]:
    return lint_feed(text.encode(), podcast=True)


def rules(results: list[LintResult]) -> list[tuple[str, str]]:
    return [(r.rule, r.severity) for r in results]


def test_two_funding_tags_are_allowed(good: str) -> None:
    assert FUNDING in good
    second = '<podcast:funding url="https://example.org/patrons/">Become a patron</podcast:funding>'
    assert lint(good.replace(FUNDING, FUNDING + second)) == []


def test_two_location_tags_are_allowed(good: str) -> None:
    assert LOCATION in good
    second = '<podcast:location rel="creator">Lisbon, Portugal</podcast:location>'
    assert lint(good.replace(LOCATION, LOCATION + second)) == []
    channel = "<podcast:medium>podcast</podcast:medium>"
    assert (
        lint(good.replace(channel, channel + LOCATION + LOCATION.replace("Berlin", "Paris"))) == []
    )


def test_serial_trailer_and_bonus_need_no_episode_number(good: str) -> None:
    serial = good.replace(
        "<itunes:type>episodic</itunes:type>", "<itunes:type>serial</itunes:type>"
    )
    trailer = serial.replace("<itunes:episode>1</itunes:episode>", "")  # item 3 is the trailer
    assert lint(trailer) == []
    bonus = trailer.replace("<itunes:episode>2</itunes:episode>", "").replace(
        "<itunes:episodeType>full</itunes:episodeType>",
        "<itunes:episodeType>bonus</itunes:episodeType>",
    )
    assert lint(bonus) == []
    full = serial.replace("<itunes:episode>3</itunes:episode>", "")
    assert rules(lint(full)) == [("apple.channel.type", HARD)]


def test_our_build_writes_a_serial_show_with_an_unnumbered_trailer(
    content: Path, config: Config, tmp_path: Path
) -> None:
    welcome = content / "episodes" / "001-welcome.md"  # the trailer
    welcome.write_text(welcome.read_text("utf-8").replace("episode: 1\n", "", 1), "utf-8")
    serial = replace_podcast(config, type="serial")
    items = example_items(content, serial, tmp_path)  # asserts parse_episode found no problem
    feed = render_podcast_feed(items, serial)
    assert b"<itunes:type>serial</itunes:type>" in feed
    assert lint_feed(feed, podcast=True) == []


def test_missing_atom_self_is_advice(good: str) -> None:
    start = good.index("<atom:link")
    bad = good[:start] + good[good.index("/>", start) + 2 :]
    results = lint(bad)
    assert rules(results) == [("rss.channel.atom-self", SOFT)]
    assert not has_hard(results)


@pytest.mark.parametrize("name", ["cover.jpeg", "cover.JPEG"])
def test_jpeg_artwork_name_is_accepted(good: str, name: str) -> None:
    assert lint(good.replace("/podcast/cover.jpg", f"/podcast/{name}")) == []


def test_empty_guid_says_empty(good: str) -> None:
    guid = '<guid isPermaLink="false">urn:uuid:6f1c2a9e-3b7d-4c15-9a2e-0d4b8e7f1a03</guid>'
    results = lint(good.replace(guid, '<guid isPermaLink="false"> </guid>'))
    assert [(r.rule, r.severity, r.where, r.message) for r in results] == [
        ("rss.item.guid-present", HARD, "item 1 (Release day)", "item has an empty <guid>")
    ]
    start = good.index(guid)
    results = lint(good[:start] + good[start + len(guid) :])
    assert [r.message for r in results] == ["item has no <guid>"]


def test_duplicate_channel_itunes_image_is_hard(good: str) -> None:
    image = '<itunes:image href="https://commons.example.org/podcast/cover.jpg"/>'
    assert image in good
    results = lint(good.replace(image, image + image.replace("cover.jpg", "other.png")))
    assert [(r.rule, r.severity, r.where, r.message) for r in results] == [
        (
            "apple.channel.itunes-image",
            HARD,
            "channel",
            "itunes:image appears 2 times in the channel; keep one",
        )
    ]


@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("events.ics", "an iCalendar file, not a feed"),
        ("feeds.opml", "an OPML outline, not a feed"),
    ],
)
def test_lint_feed_names_a_calendar_or_an_outline(name: str, what: str) -> None:
    result = CliRunner().invoke(main, ["lint-feed", str(GOLDEN / name)])
    assert result.exit_code == 2
    assert result.stdout == f"hard feed.format: feed: {what}\n"


def test_an_outline_that_is_not_well_formed_is_still_named(tmp_path: Path) -> None:
    path = tmp_path / "feeds.opml"
    path.write_bytes(
        b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- list -->\n<opml version="2.0"><body>'
    )
    result = CliRunner().invoke(main, ["lint-feed", str(path)])
    assert result.exit_code == 2
    assert result.stdout == "hard feed.format: feed: an OPML outline, not a feed\n"
