"""publish import podcast never writes a publish.toml the next command refuses: a
``podcast:guid`` that is no UUID is left out (the build pins one) and named at its line, and
a show without a category, an owner email or artwork is told which ``[podcast]`` key to set."""

from __future__ import annotations

import tomllib
from pathlib import Path

from tests.importers.conftest import imported, publish

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
    'xmlns:podcast="https://podcastindex.org/namespace/1.0">\n'
    "<channel><title>Show</title><link>https://old.example.com/</link>"
    "<description>d</description><language>en</language>\n"
)
ITEM = (
    "<item><title>Ep</title><guid>e1</guid><pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate>"
    '<enclosure url="https://cdn.example.com/1.mp3" length="1000" type="audio/mpeg"/>'
    "<itunes:duration>60</itunes:duration></item>\n"
)
SHOW = (
    '<itunes:image href="https://old.example.com/cover.jpg"/>'
    '<itunes:category text="Technology"/><itunes:explicit>false</itunes:explicit>\n'
    "<itunes:owner><itunes:name>O</itunes:name><itunes:email>o@example.com</itunes:email>"
    "</itunes:owner>\n"
)


def _podcast(home: Path) -> dict[str, object]:
    with (home / "publish.toml").open("rb") as fh:
        table = tomllib.load(fh).get("podcast", {})
    assert isinstance(table, dict)
    return table


def test_a_podcast_guid_that_is_no_uuid_is_left_out_and_named(home: Path) -> None:
    feed = HEAD + SHOW + "<podcast:guid>y0ur-gu1d-g035-h3r3</podcast:guid>\n" + ITEM
    feed += "</channel></rss>\n"
    result = imported(home, "podcast", feed)
    assert (
        "warning: feed.xml:6: podcast:guid: expected a UUID, got 'y0ur-gu1d-g035-h3r3': not "
        "written to [podcast] guid (the build pins one made from the new feed URL;"
    ) in result.stderr
    assert "1 source problem\n" in result.stderr
    table = _podcast(home)
    assert "guid" not in table
    assert table["owner_email"] == "o@example.com"
    validated = publish("validate")
    assert validated.exit_code == 0, validated.output
    # the source fixed (a real UUID), a re-run writes it: a valid guid is never left out
    guid = "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    again = imported(home, "podcast", feed.replace("y0ur-gu1d-g035-h3r3", guid))
    assert f"publish.toml: [podcast] guid set to '{guid}'" in again.stderr
    assert _podcast(home)["guid"] == guid


def test_missing_category_owner_email_and_artwork_name_the_keys_to_set(home: Path) -> None:
    feed = HEAD + "<itunes:owner><itunes:name>O</itunes:name>\n<itunes:email />\n</itunes:owner>\n"
    result = imported(home, "podcast", feed + ITEM + "</channel></rss>\n")
    assert (
        "warning: feed.xml:3: itunes:category: missing: set [podcast] category in publish.toml "
        "to a category from Apple's list, which the build requires (see docs/podcast.md)\n"
    ) in result.stderr
    assert (
        "warning: feed.xml:5: itunes:email: empty: set [podcast] owner_email in publish.toml "
        "to the owner's email address, which the build requires"
    ) in result.stderr
    assert (
        "warning: feed.xml:3: itunes:image: missing: set [podcast] image in publish.toml to "
        "cover art, which the build requires (or [site] image)\n"
    ) in result.stderr
    # and the show's podcast:guid, which nothing in a saved feed names
    assert "4 source problems" in result.stderr
    table = _podcast(home)
    assert "category" not in table
    assert "owner_email" not in table
    assert table["owner_name"] == "O"


def test_an_owner_email_that_is_no_address_is_left_out(home: Path) -> None:
    show = SHOW.replace("o@example.com", "the owner")
    result = imported(home, "podcast", HEAD + show + ITEM + "</channel></rss>\n")
    assert (
        "warning: feed.xml:5: itunes:email: expected an email address, got 'the owner': not "
        "written to [podcast] owner_email: set it in publish.toml\n"
    ) in result.stderr
    assert "owner_email" not in _podcast(home)
    assert result.stderr.count("owner_email") == 1
    # and the show's podcast:guid, which nothing in a saved feed names
    assert "2 source problems\n" in result.stderr


def test_relative_show_urls_resolve_against_the_feeds_link(home: Path) -> None:
    extra = (
        '<podcast:funding url="/support">Support us</podcast:funding>'
        '<podcast:license url="license.html">cc-by-4.0</podcast:license>\n'
    )
    show = SHOW.replace("https://old.example.com/cover.jpg", "art/cover.jpg")
    result = imported(home, "podcast", HEAD + show + extra + ITEM + "</channel></rss>\n")
    table = _podcast(home)
    assert table["image"] == "https://old.example.com/art/cover.jpg"
    assert table["funding_url"] == "https://old.example.com/support"
    assert table["license_url"] == "https://old.example.com/license.html"
    # and the show's podcast:guid, which nothing in a saved feed names
    assert "1 source problem\n" in result.stderr
    validated = publish("validate")
    assert validated.exit_code == 0, validated.output


def test_a_relative_show_image_without_a_base_is_left_out_and_named(home: Path) -> None:
    head = HEAD.replace("<link>https://old.example.com/</link>", "")
    show = SHOW.replace("https://old.example.com/cover.jpg", "cover.jpg")
    result = imported(home, "podcast", head + show + ITEM + "</channel></rss>\n")
    assert (
        "warning: feed.xml:4: itunes:image: 'cover.jpg' is relative and the feed gives no URL "
        "to resolve it against: not written to [podcast] image: set it in publish.toml\n"
    ) in result.stderr
    assert "image" not in _podcast(home)  # the build read 'cover.jpg' as a file: exit 3
    # and the show's podcast:guid, which nothing in a saved feed names
    assert "2 source problems\n" in result.stderr


def test_a_category_escaped_twice_is_mapped_to_apples_list(home: Path) -> None:
    category = (
        '<itunes:category text="Society &amp;amp; Culture">'
        '<itunes:category text="Personal Journals"/></itunes:category>'
    )
    show = SHOW.replace('<itunes:category text="Technology"/>', category)
    result = imported(home, "podcast", HEAD + show + ITEM + "</channel></rss>\n")
    table = _podcast(home)
    assert (table["category"], table["subcategory"]) == ("Society & Culture", "Personal Journals")
    # and the show's podcast:guid, which nothing in a saved feed names
    assert "1 source problem\n" in result.stderr
