"""What ``--podcast`` changes: the Apple, Spotify and Podcasting 2.0 rules are hard with it and
advice without it (the README's ``publish lint-feed``); genuine RSS and XML errors are hard
either way; our own build's check of its podcast feed keeps refusing what it refused.

Found on real podcast feeds: 15 of 17 failed plain ``lint-feed`` (exit 2) on
``itunes:explicit`` ``yes``/``no``, pre-2019 categories, ``00:60:05`` or a wrong weekday, all
of which apps read; and a 730-episode feed printed one 74 KB line.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.build.podcastplan import lint_podcast
from pipeline.cli import main
from pipeline.errors import ContentError
from pipeline.feedcheck import HARD, SOFT, lint_feed

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"
ITEM = "item 1 (Episode 128): "
WHAT_APPS_READ = [
    ("apple.channel.category", "channel: unknown Apple Podcasts category 'Games & Hobbies'"),
    ("apple.channel.explicit", "channel: itunes:explicit is 'yes'; Apple accepts only true"),
    ("rss.dates.rfc822", ITEM + "<pubDate> 'Wed, 23 Dec 2010 01:30:00 GMT': the weekday should"),
    ("apple.item.duration-format", ITEM + "itunes:duration '00:60:05' is not seconds or"),
    ("apple.item.explicit", ITEM + "itunes:explicit is 'no'; Apple accepts only true or false"),
]
"""Each failure of :func:`feed` as ``(rule, start of its text line after the severity)``."""


def feed(
    explicit: str = "yes",
    category: str = "Games &amp; Hobbies",
    items: str = "",
) -> str:
    """The shape of Frank and Erik's feed (an old Libsyn show): values apps read, which Apple's
    current specification words otherwise."""
    item = (
        '<item><title>Episode 128</title><guid isPermaLink="false">e128</guid>'
        "<pubDate>Wed, 23 Dec 2010 01:30:00 GMT</pubDate><description>x</description>"
        '<enclosure url="https://cdn.example.com/128.mp3" length="1000" type="audio/mpeg"/>'
        "<itunes:explicit>no</itunes:explicit><itunes:duration>00:60:05</itunes:duration></item>"
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
        'xmlns:atom="http://www.w3.org/2005/Atom">\n'
        "<channel><title>Frank and Erik</title><link>https://old.example.com/</link>"
        "<description>d</description><language>en</language>\n"
        '<atom:link href="https://old.example.com/feed.xml" rel="self" '
        'type="application/rss+xml"/>\n'
        f"<itunes:explicit>{explicit}</itunes:explicit>"
        f'<itunes:category text="{category}"/>'
        '<itunes:image href="https://old.example.com/c.jpg"/>\n'
        f"{item}{items}\n</channel></rss>\n"
    )


def lint_cli(path: Path, *args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["lint-feed", str(path), *args])
    return result.exit_code, result.stdout.splitlines()


def test_values_apps_read_are_advice_without_podcast_and_hard_with_it(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_text(feed(), encoding="utf-8")
    code, lines = lint_cli(path)
    assert code == 0, lines
    assert len(lines) == len(WHAT_APPS_READ)
    for line, (rule, text) in zip(lines, WHAT_APPS_READ, strict=True):
        assert line.startswith(f"soft {rule}: {text}"), line
    code, lines = lint_cli(path, "--podcast")
    assert code == 2
    hard = [line for line in lines if line.startswith("hard ")]
    for line, (rule, text) in zip(hard, WHAT_APPS_READ, strict=True):
        assert line.startswith(f"hard {rule}: {text}"), line
    with pytest.raises(ContentError) as refused:  # the build's own gate on podcast.xml
        lint_podcast(path.read_bytes())
    assert {p.field for p in refused.value.problems} == {rule for rule, _ in WHAT_APPS_READ}


@pytest.mark.parametrize(
    ("explicit", "category"),
    [
        ("no", "News &amp; Politics"),
        ("Yes", "Technology"),
        ("No", "Games &amp; Hobbies"),
        ("clean", "Arts"),
    ],
)
def test_legacy_explicit_and_category_values_follow_the_flag(explicit: str, category: str) -> None:
    data = feed(explicit, category).encode()
    platform = ("apple.channel.explicit", "apple.channel.category", "apple.item.explicit")
    plain = [r for r in lint_feed(data, podcast=False) if r.rule in platform]
    strict = [r for r in lint_feed(data, podcast=True) if r.rule in platform]
    assert plain and {r.severity for r in plain} == {SOFT}
    assert {r.severity for r in strict} == {HARD}
    assert [(r.rule, r.where, r.message) for r in plain] == [
        (r.rule, r.where, r.message) for r in strict
    ]
    assert lint_feed(data, podcast=False, soft=False) == []


def test_rss_and_xml_errors_stay_hard_without_podcast(tmp_path: Path) -> None:
    """Only what apps read turned soft: a date that is no date, a reused guid, a relative
    enclosure URL still refuse the feed, beside the legacy values that are now advice."""
    second = (
        '<item><title>Episode 127</title><guid isPermaLink="false">e128</guid>'
        "<pubDate>Wed, 31 Feb 2010 01:30:00 GMT</pubDate>"
        '<enclosure url="127.mp3" length="1000" type="audio/mpeg"/></item>'
    )
    path = tmp_path / "feed.xml"
    path.write_text(feed(items=second), encoding="utf-8")
    results = lint_feed(path.read_bytes(), podcast=False)
    assert sorted((r.rule, r.where) for r in results if r.severity == HARD) == [
        ("rss.dates.rfc822", "item 2 (Episode 127)"),
        ("rss.item.enclosure-url", "item 2 (Episode 127)"),
        ("rss.item.guid-unique", "item 2 (Episode 127)"),
    ]
    assert ("apple.item.explicit", SOFT) in {(r.rule, r.severity) for r in results}
    code, lines = lint_cli(path)
    assert code == 2
    assert lines[0].startswith("hard rss.item.guid-unique: item 2 (Episode 127): guid 'e128'")
    assert (
        "soft apple.channel.explicit: channel: itunes:explicit is 'yes'; Apple accepts only true "
        "or false"
    ) in lines


@pytest.mark.parametrize("name", ["libsyn.xml", "buzzsprout.xml"])
def test_real_podcast_fixtures_pass_plain_lint_feed(name: str) -> None:
    """Two host feeds the importer reads (a Games & Hobbies show with explicit ``clean``; a
    Buzzsprout episode with ``no``) failed plain ``lint-feed`` on those alone."""
    code, lines = lint_cli(FIXTURES / name)
    assert code == 0, lines
    assert lines and all(line.startswith("soft ") for line in lines)
    code, lines = lint_cli(FIXTURES / name, "--podcast")
    assert code == 2
    assert any(line.startswith("hard apple.") for line in lines)


def test_a_rule_line_lists_ten_failures_and_counts_the_rest(tmp_path: Path) -> None:
    more = "".join(
        f'<item><title>Episode {n}</title><guid isPermaLink="false">e{n}</guid>'
        f"<pubDate>Thu, 23 Dec 2010 01:30:00 GMT</pubDate>"
        f'<enclosure url="https://cdn.example.com/{n}.mp3" length="1000" type="audio/mpeg"/>'
        "<itunes:explicit>no</itunes:explicit></item>"
        for n in range(100, 124)
    )
    path = tmp_path / "feed.xml"
    path.write_text(feed(items=more), encoding="utf-8")
    code, lines = lint_cli(path, "--podcast")
    assert code == 2
    [line] = [x for x in lines if x.startswith("hard apple.item.explicit: ")]
    assert line.count("itunes:explicit is 'no'") == 10
    assert line.startswith("hard apple.item.explicit: item 1 (Episode 128): ")
    assert "; item 10 (Episode 108): itunes:explicit is 'no'" in line
    assert "item 11 " not in line
    assert line.endswith("; and 15 more (--format json lists every one)")
    result = CliRunner().invoke(main, ["lint-feed", str(path), "--podcast", "--format", "json"])
    doc = json.loads(result.stdout)
    explicit = [r for r in doc["results"] if r["rule"] == "apple.item.explicit"]
    assert len(explicit) == 25
    assert explicit[-1]["where"] == "item 25 (Episode 123)"
