"""publish import podcast on patterns found in real hosts' feeds, each written small by hand:
what the move lost or changed, now kept as podcast apps showed it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from tests.importers.conftest import front_matter, publish

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/">\n'
    "<channel><title>Show</title><link>https://old.example.com/</link>"
    "<description>d</description><language>en</language>\n"
    '<itunes:category text="Technology"/><itunes:explicit>false</itunes:explicit>\n'
    "<itunes:owner><itunes:name>O</itunes:name><itunes:email>o@example.com</itunes:email>"
    "</itunes:owner>\n"
)


def _item(n: int, extra: str) -> str:
    return (
        f'<item><title>Episode {n}</title><guid isPermaLink="false">ep-{n}</guid>'
        "<pubDate>Mon, 01 Jan 2024 10:00:00 +0000</pubDate>"
        f'<enclosure url="https://cdn.example.com/{n}.mp3" length="1000" type="audio/mpeg"/>'
        f"<itunes:duration>60</itunes:duration>{extra}</item>\n"
    )


def _import(home: Path, channel: str, *items: str) -> str:
    (home / "feed.xml").write_text(HEAD + channel + "".join(items) + "</channel></rss>\n")
    result = publish("import", "podcast", "feed.xml")
    assert result.exit_code == 0, result.output
    return result.stderr


def _built(home: Path) -> str:
    result = publish("build")
    assert result.exit_code == 0, result.output
    return (home / "feeds" / "podcast.xml").read_text(encoding="utf-8")


BUZZSPROUT_COVER = '<itunes:image href="https://storage.buzzsprout.com/plu57f2w2ig5?.jpg"/>\n'
ACAST_ART = (
    "https://imagecdn.acast.com/image?h=1500&amp;w=1500&amp;source=https%3A%2F%2F"
    "mediacdn.acast.com%2Fsource%2Fartworks-original.jpg"
)


def test_artwork_urls_that_end_their_query_in_jpg_are_kept(home: Path) -> None:
    """Buzzsprout serves every cover and episode picture from a path without a suffix and
    ends its URL in ``?.jpg`` (Acast: ``/image?…&source=…original.jpg``), as Apple reads the
    name as written: the show's cover broke the build (exit 3) and every episode's picture was
    left out."""
    episode_art = '<itunes:image href="https://storage.buzzsprout.com/xk7fhc8hnu?.jpg"/>'
    stderr = _import(
        home,
        BUZZSPROUT_COVER,
        _item(1, episode_art),
        _item(2, f'<itunes:image href="{ACAST_ART}"/>'),
    )
    warned = [ln for ln in stderr.splitlines() if "warning" in ln]
    assert len(warned) == 1 and "podcast:guid: none in the feed, and no URL" in warned[0]
    config = tomllib.loads((home / "publish.toml").read_text())
    assert config["podcast"]["image"] == "https://storage.buzzsprout.com/plu57f2w2ig5?.jpg"
    episodes = home / "content" / "episodes"
    assert front_matter(episodes / "episode-1.md")["image"] == (
        "https://storage.buzzsprout.com/xk7fhc8hnu?.jpg"
    )
    assert front_matter(episodes / "episode-2.md")["image"] == ACAST_ART.replace("&amp;", "&")
    feed = _built(home)
    assert '<itunes:image href="https://storage.buzzsprout.com/plu57f2w2ig5?.jpg"/>' in feed
    assert '<itunes:image href="https://storage.buzzsprout.com/xk7fhc8hnu?.jpg"/>' in feed
    assert f'<itunes:image href="{ACAST_ART}"/>' in feed
    assert publish("lint-feed", "--podcast", "feeds/podcast.xml").exit_code == 0


def test_a_cover_url_the_build_refuses_is_not_written(home: Path) -> None:
    """A cover named ``.webp`` was written to [podcast] image, and the next build exited 3 on
    it: the import now leaves it out and names it, as it does every value the build refuses."""
    stderr = _import(
        home, '<itunes:image href="https://old.example.com/cover.webp"/>\n', _item(1, "")
    )
    assert "feed.xml:6: itunes:image: artwork URL 'https://old.example.com/cover.webp'" in stderr
    assert "not written to [podcast] image" in stderr
    assert "image" not in tomllib.loads((home / "publish.toml").read_text())["podcast"]


def test_character_references_in_plain_show_notes_are_read(home: Path) -> None:
    """Megaphone and SoundCloud write show notes without tags but with references
    (``the&amp;nbsp; catastrophe``, ``Twitch, Youtube &amp;amp; Facebook``): apps show them as
    HTML, a no-break space and an ampersand; the page and the feed showed ``&nbsp;`` and
    ``&amp;`` written out."""
    _import(
        home,
        BUZZSPROUT_COVER,
        _item(1, "<description>Saudi Arabia and the&amp;nbsp; catastrophe in Yemen.</description>"),
        _item(
            2,
            "<itunes:summary>Live on Twitch, Youtube &amp;amp; Facebook.\n\nCall in!"
            "</itunes:summary><description>Live</description>",
        ),
    )
    episodes = home / "content" / "episodes"
    first = (episodes / "episode-1.md").read_text(encoding="utf-8")
    assert "the\u00a0 catastrophe" in first and "nbsp" not in first
    second = (episodes / "episode-2.md").read_text(encoding="utf-8")
    assert "<p>Live on Twitch, Youtube &amp; Facebook.</p>\n<p>Call in!</p>" in second
    feed = _built(home)
    assert "nbsp" not in feed and "&amp;amp;" not in feed
    assert "Youtube &amp; Facebook." in feed


def test_a_backslash_that_ends_a_paragraph_of_show_notes_is_kept(home: Path) -> None:
    """A SoundCloud show ends a line of topics with `` // \\``: the renderer drops a backslash
    before ``</p>`` (GitBook's line break), so the page and the feed lost it."""
    notes = "<description>Topics // Late Bloomer // \\\n\nMail: P.O. Box 1</description>"
    html_notes = "<content:encoded><![CDATA[<p>Saved in C:\\Temp\\</p>]]></content:encoded>"
    _import(home, BUZZSPROUT_COVER, _item(1, notes), _item(2, html_notes))
    feed = _built(home)
    encoded = re.findall(r"<content:encoded><!\[CDATA\[(.*?)\]\]>", feed, re.S)
    assert any("Late Bloomer // \\" in e and "Mail: P.O. Box 1" in e for e in encoded)
    assert any("C:\\Temp\\" in e for e in encoded)


def test_dates_as_hosts_write_them_keep_their_instant(home: Path) -> None:
    """``GMT+2`` (a hand-made or old CMS feed), ``Sept``, a fraction of a second and a date
    without its time: the first was read as UTC (two hours off), the others as unreadable, and
    the episode was left out of the feed as a draft."""
    dated = [
        ("Thu, 05 Jan 2023 13:00:21 GMT+2", "2023-01-05T13:00:21+02:00"),
        ("Thu, 05 Jan 2023 13:00:21 GMT-0500", "2023-01-05T13:00:21-05:00"),
        ("Tue, 05 Sept 2023 13:00:21 +0000", "2023-09-05T13:00:21+00:00"),
        ("Thu, 05 Jan 2023 13:00:21.250 +0100", "2023-01-05T13:00:21+01:00"),
        ("Thu, 05 Jan 2023", "2023-01-05T00:00:00+00:00"),
    ]
    items = [
        _item(n, "").replace("Mon, 01 Jan 2024 10:00:00 +0000", raw)
        for n, (raw, _) in enumerate(dated, 1)
    ]
    stderr = _import(home, BUZZSPROUT_COVER, *items)
    assert "feed.xml:11: pubDate: no time of day: read as midnight UTC" in stderr
    assert "not read" not in stderr and "draft" not in stderr
    episodes = home / "content" / "episodes"
    for n, (_, iso) in enumerate(dated, 1):
        front = front_matter(episodes / f"episode-{n}.md")
        assert front["date"] == iso and "draft" not in front
    feed = _built(home)
    assert "<pubDate>Thu, 05 Jan 2023 11:00:21 GMT</pubDate>" in feed
    assert feed.count("<item>") == len(dated)


def test_clock_durations_apps_read_are_kept_in_seconds(home: Path) -> None:
    """``00:60:05`` and ``1:2:3`` (minutes past 59, one-digit fields) play as an hour and a
    bit in apps; the duration was left out as unreadable."""
    stderr = _import(
        home,
        BUZZSPROUT_COVER,
        _item(1, "").replace("<itunes:duration>60<", "<itunes:duration>00:60:05<"),
        _item(2, "").replace("<itunes:duration>60<", "<itunes:duration>1:2:3<"),
    )
    assert "itunes:duration '00:60:05' written as 3605 seconds" in stderr
    episodes = home / "content" / "episodes"
    assert front_matter(episodes / "episode-1.md")["duration"] == 3605
    assert front_matter(episodes / "episode-2.md")["duration"] == 3723
    feed = _built(home)
    assert "<itunes:duration>3605</itunes:duration>" in feed
    assert "<itunes:duration>3723</itunes:duration>" in feed


def test_a_show_blocked_with_podcast_block_stays_blocked(home: Path) -> None:
    """A Podcasting 2.0 host writes ``<podcast:block>yes</podcast:block>`` (hidden from every
    platform) and alternate art, a chat room, a publisher: the block was dropped without a
    word, so the moved show became listed in Apple Podcasts; the others too went unsaid."""
    channel = (
        BUZZSPROUT_COVER
        + '<podcast:block xmlns:podcast="https://podcastindex.org/namespace/1.0">yes'
        "</podcast:block>\n"
        '<podcast:block xmlns:podcast="https://podcastindex.org/namespace/1.0" id="google">'
        "no</podcast:block>\n"
        '<podcast:image xmlns:podcast="https://podcastindex.org/namespace/1.0" '
        'href="https://old.example.com/banner.webp" purpose="banner"/>\n'
        '<podcast:chat xmlns:podcast="https://podcastindex.org/namespace/1.0" '
        'server="example.com" protocol="matrix" space="#general:example.com"/>\n'
    )
    stderr = _import(home, channel, _item(1, ""))
    assert tomllib.loads((home / "publish.toml").read_text())["podcast"]["block"] is True
    assert "feed.xml:3: podcast:block: 2 not kept (" in stderr
    assert "podcast:image: 1 not kept" in stderr and "podcast:chat: 1 not kept" in stderr
    assert "<itunes:block>Yes</itunes:block>" in _built(home)


def test_a_show_without_podcast_guid_keeps_the_one_indexes_gave_it(home: Path) -> None:
    """Libsyn, Megaphone and Simplecast feeds have no ``podcast:guid``: the Podcast Index
    gave each show the UUIDv5 of its feed URL, and the spec asks the new host to keep it. The
    build made one from the new feed URL instead: another show to every index."""
    self_link = (
        '<atom:link xmlns:atom="http://www.w3.org/2005/Atom" href="https://podnews.net/rss" '
        'rel="self" type="application/rss+xml"/>\n'
    )
    stderr = _import(home, BUZZSPROUT_COVER + self_link, _item(1, ""))
    known = "9b024349-ccf0-5f69-a609-6b82873eab3c"  # the spec's example for podnews.net/rss
    assert f"feed.xml:3: podcast:guid: none in the feed: {known} written" in stderr
    assert tomllib.loads((home / "publish.toml").read_text())["podcast"]["guid"] == known
    assert f"<podcast:guid>{known}</podcast:guid>" in _built(home)


def test_a_saved_feed_without_guid_nor_address_says_how_to_keep_the_show_guid(
    home: Path,
) -> None:
    """A feed saved to a file, with no ``podcast:guid``, no ``atom:link rel="self"`` and no
    ``itunes:new-feed-url`` (Fireside's, old Libsyn exports): nothing says which URL the
    indexes made the show's GUID from. The import said nothing and the build made one from
    the new URL, another show to every index. Now it says so, and ``--old-url`` gives the
    address: the GUID is the one the indexes made from it."""
    stderr = _import(home, BUZZSPROUT_COVER, _item(1, ""))
    assert (
        "feed.xml:3: podcast:guid: none in the feed, and no URL to make the one podcast "
        "indexes gave the show from"
    ) in stderr
    assert "--old-url" in stderr
    assert "guid" not in tomllib.loads((home / "publish.toml").read_text())["podcast"]

    result = publish("import", "podcast", "feed.xml", "--old-url", "https://podnews.net/rss")
    assert result.exit_code == 0, result.output
    known = "9b024349-ccf0-5f69-a609-6b82873eab3c"  # the spec's example for podnews.net/rss
    assert f"feed.xml:3: podcast:guid: none in the feed: {known} written" in result.stderr
    assert "read for substack imports" not in result.stderr
    assert tomllib.loads((home / "publish.toml").read_text())["podcast"]["guid"] == known
    assert f"<podcast:guid>{known}</podcast:guid>" in _built(home)


def test_old_url_of_a_saved_podcast_feed_must_be_an_address(home: Path) -> None:
    (home / "feed.xml").write_text(HEAD + BUZZSPROUT_COVER + _item(1, "") + "</channel></rss>\n")
    result = publish("import", "podcast", "feed.xml", "--old-url", "podnews.net/rss")
    assert result.exit_code == 3, result.output
    assert "--old-url:1: old-url: 'podnews.net/rss': expected the old feed's URL" in result.stderr
    assert not (home / "content" / "episodes").exists()


def test_a_paged_feed_says_its_older_episodes_were_not_imported(home: Path) -> None:
    """SoundCloud serves a show's newest 500 episodes and an ``atom:link rel="next"`` to the
    older ones (so do paged Podlove and WordPress feeds): the import read the first page and
    said nothing, so a show's oldest episodes were left behind without a word. Importing the
    next page into the same site then brings them."""
    atom = 'xmlns:atom="http://www.w3.org/2005/Atom"'
    first = (
        f'<atom:link {atom} href="https://feeds.example.com/show.rss" rel="self"/>\n'
        f'<atom:link {atom} href="https://feeds.example.com/show.rss?before=2" rel="next"/>\n'
    )
    stderr = _import(home, BUZZSPROUT_COVER + first, _item(3, ""), _item(2, ""))
    assert (
        "feed.xml:8: atom:link: the feed is one page of several: its older episodes are on "
        "the next page, 'https://feeds.example.com/show.rss?before=2', and were not imported"
    ) in stderr
    (home / "feed.xml").write_text(HEAD + BUZZSPROUT_COVER + _item(1, "") + "</channel></rss>\n")
    assert publish("import", "podcast", "feed.xml").exit_code == 0
    assert _built(home).count("<item>") == 3


def test_a_feed_using_the_itunes_prefix_undeclared_is_read(home: Path) -> None:
    """VRT's feeds open with ``<rss version="2.0">`` and use ``itunes:`` without declaring
    it: podcast apps read them, the import refused the whole feed ("unbound prefix")."""
    feed = (
        HEAD.replace(' xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"', "")
        + BUZZSPROUT_COVER
        + _item(1, "<itunes:season>2</itunes:season><itunes:episode>7</itunes:episode>")
        + "</channel></rss>\n"
    )
    (home / "feed.xml").write_text(feed)
    result = publish("import", "podcast", "feed.xml", "--verify")
    assert result.exit_code == 0, result.output
    assert "feed.xml:2: xmlns: itunes: used without declaring its namespace" in result.stderr
    assert "Verified: 0 GUID changes, 0 enclosure URL changes, 1 of 1" in result.stdout
    front = front_matter(home / "content" / "episodes" / "episode-1.md")
    assert (front["season"], front["episode"], front["duration"]) == (2, 7, 60)
    config = tomllib.loads((home / "publish.toml").read_text())["podcast"]
    assert config["category"] == "Technology" and config["owner_email"] == "o@example.com"


def test_a_wordpress_excerpt_in_cdata_keeps_its_characters(home: Path) -> None:
    """WordPress (PowerPress, Seriously Simple Podcasting) writes the excerpt in CDATA with
    its references as HTML: ``I&#8217;m [&#8230;]``. Kept as the episode's description, it
    showed ``&#8217;`` written out in apps and on the page."""
    excerpt = (
        "<description><![CDATA[I&#8217;m an avid listener &amp; host [&#8230;]]]></description>"
    )
    full = "<content:encoded><![CDATA[<p>I&#8217;m an avid listener &amp; host.</p>]]></content:encoded>"
    _import(home, BUZZSPROUT_COVER, _item(1, excerpt + full))
    front = front_matter(home / "content" / "episodes" / "episode-1.md")
    assert front["description"] == "I\u2019m an avid listener & host […]"
    feed = _built(home)  # HTML in XML: an app reads "I’m an avid listener & host […]"
    assert "<description>I\u2019m an avid listener &amp;amp; host […]</description>" in feed


def test_a_blocked_shows_blocked_episodes_are_published(home: Path) -> None:
    """Transistor writes ``itunes:block`` Yes on the channel and on every episode of a
    private show: each episode came in as a draft, and the build wrote no podcast feed at
    all. The show's block is kept; its episodes are published under it. An episode blocked
    in a show that is not is still a draft."""
    _import(
        home,
        BUZZSPROUT_COVER + "<itunes:block>Yes</itunes:block>\n",
        _item(1, "<itunes:block>Yes</itunes:block>"),
        _item(2, ""),
    )
    episodes = home / "content" / "episodes"
    assert "draft" not in front_matter(episodes / "episode-1.md")
    feed = _built(home)
    assert feed.count("<item>") == 2 and "<itunes:block>Yes</itunes:block>" in feed
    (home / "feed.xml").write_text(
        HEAD + BUZZSPROUT_COVER + _item(3, "<itunes:block>yes</itunes:block>") + "</channel></rss>"
    )
    result = publish("import", "podcast", "feed.xml")
    assert "feed.xml:7: itunes:block: the old host hid this episode" in result.stderr
    assert front_matter(episodes / "episode-3.md")["draft"] is True


PC = 'xmlns:podcast="https://podcastindex.org/namespace/1.0"'


def test_what_the_namespace_example_holds_and_no_key_keeps_is_named(home: Path) -> None:
    """The Podcasting 2.0 example feed gives the show a location, an episode two, each with
    ``rel`` and ``country``, and a Spanish transcript: the show's location, the second one,
    those attributes and the transcript's language were dropped without a word."""
    location = (
        f'<podcast:location {PC} rel="creator" geo="geo:51.57,-0.77" country="GB">Marlow'
        "</podcast:location>"
    )
    second = f'<podcast:location {PC} rel="subject" country="AU">Dreamworld</podcast:location>'
    transcript = (
        f'<podcast:transcript {PC} url="https://old.example.com/1.vtt" type="text/vtt" '
        'language="es" rel="captions"/>'
    )
    stderr = _import(
        home, BUZZSPROUT_COVER + location + "\n", _item(1, location + second + transcript)
    )
    assert "feed.xml:3: podcast:location: 1 not kept (an episode keeps its location;" in stderr
    assert "feed.xml:8: podcast:location: 1 not kept (only an item's first is published)" in (
        stderr
    )
    assert "feed.xml:8: podcast:location rel: 2 not kept" in stderr
    assert "feed.xml:8: podcast:location country: 2 not kept" in stderr
    assert "feed.xml:8: podcast:transcript language: 1 not kept" in stderr
    front = front_matter(home / "content" / "episodes" / "episode-1.md")
    assert front["location"] == "Marlow" and front["transcript"] == "https://old.example.com/1.vtt"


def test_a_feed_declared_after_blank_lines_is_read_in_its_encoding(home: Path) -> None:
    """A WordPress plugin that prints blank lines before the feed puts its XML declaration
    off the first line: apps read the feed, the import refused it ("XML or text declaration
    not at start of entity"). Read, in the encoding the declaration names, lines as written."""
    feed = (
        "\n\n"
        + HEAD.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
        + BUZZSPROUT_COVER
        + _item(1, "<itunes:episode>x</itunes:episode>").replace("Episode 1", "Caf\u00e9")
        + "</channel></rss>\n"
    )
    (home / "feed.xml").write_bytes(feed.encode("latin-1"))
    result = publish("import", "podcast", "feed.xml", "--verify")
    assert result.exit_code == 0, result.output
    assert "feed.xml:9: episode: 'x' is not a positive whole number" in result.stderr
    assert front_matter(home / "content" / "episodes" / "café.md")["title"] == "Caf\u00e9"
    assert "Verified: 0 GUID changes, 0 enclosure URL changes, 1 of 1" in result.stdout


def test_a_locked_show_is_imported_with_a_word_about_its_lock(home: Path) -> None:
    """``<podcast:locked>yes</podcast:locked>`` asks a new host not to import the show (a
    copy would claim its podcast:guid): the import took it without a word."""
    lock = f'<podcast:locked {PC} owner="owner@example.com">yes</podcast:locked>\n'
    stderr = _import(home, BUZZSPROUT_COVER + lock, _item(1, ""))
    assert (
        "feed.xml:7: podcast:locked: yes: the show asks new hosts not to import it "
        "('owner@example.com' owns it)"
    ) in stderr
    assert tomllib.loads((home / "publish.toml").read_text())["podcast"]["locked"] is True
