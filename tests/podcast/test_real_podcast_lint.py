"""publish lint-feed --podcast on what a large host's feed holds and Apple accepts: it must
not fail the feed."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main

BUZZSPROUT = """\
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
 xmlns:atom="http://www.w3.org/2005/Atom">
<channel><title>Show</title><link>https://show.example.com/</link>
<atom:link href="https://rss.buzzsprout.com/1.rss" rel="self" type="application/rss+xml"/>
<description>d</description><language>en</language>
<itunes:image href="https://storage.buzzsprout.com/plu57f2w2ig5?.jpg"/>
<itunes:category text="Technology"/><itunes:explicit>false</itunes:explicit>
<itunes:owner><itunes:name>O</itunes:name><itunes:email>o@example.com</itunes:email></itunes:owner>
<item><title>Episode 100</title><guid isPermaLink="false">Buzzsprout-1</guid>
<pubDate>Mon, 01 Jan 2024 10:00:00 +0000</pubDate>
<enclosure url="https://www.buzzsprout.com/1/episodes/1-episode-100.mp3" length="1000" type="audio/mpeg"/>
<itunes:image href="https://storage.buzzsprout.com/xk7fhc8hnu?.jpg"/>
<itunes:duration>60</itunes:duration><itunes:episode>100</itunes:episode>
<itunes:episodeType></itunes:episodeType><itunes:explicit>false</itunes:explicit>
</item></channel></rss>
"""


def test_buzzsprout_artwork_and_empty_episode_type_do_not_fail_a_feed(tmp_path: Path) -> None:
    """Buzzsprout ends its artwork URLs in ``?.jpg`` and writes an empty
    ``itunes:episodeType`` on its older episodes (hundreds in one show): ``--podcast`` failed
    such a feed on both, hard (exit 2), though Apple lists it."""
    feed = tmp_path / "feed.xml"
    feed.write_text(BUZZSPROUT, encoding="utf-8")
    result = CliRunner().invoke(main, ["lint-feed", "--podcast", str(feed)])
    assert result.exit_code == 0, result.output
    assert "soft apple.item.numbering: item 1 (Episode 100): itunes:episodeType is empty" in (
        result.stdout
    )
    assert "artwork" not in result.stdout and "hard" not in result.stdout
