"""Whatever a GUID or a title holds (YAML's special characters, quotes, colons, unicode,
entities, numbers that YAML would read as numbers), an imported item rebuilds with the very
same GUID and title."""

from __future__ import annotations

import html
import tempfile
from pathlib import Path
from xml.etree import ElementTree

import feedparser
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline.support.text import nfc
from tests.importers.conftest import SITE_TOML, publish

_TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc", "Zl", "Zp"),
        blacklist_characters="\ufffe\uffff",
    ),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() == s and s.strip())


def _feed(guid: str, title: str) -> bytes:
    return (
        '<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>'
        "<title>S</title><item>"
        f"<title>{html.escape(title)}</title>"
        f'<guid isPermaLink="false">{html.escape(guid)}</guid>'
        "<pubDate>Sat, 01 Jun 2024 10:00:00 +0000</pubDate>"
        '<enclosure url="https://cdn.example.net/a.mp3" length="10" type="audio/mpeg"/>'
        "<itunes:duration>60</itunes:duration><description>Notes.</description>"
        "</item></channel></rss>"
    ).encode()


SHOW = (
    '[podcast]\ntitle = "S"\ndescription = "d"\nimage = "https://x.example/c.jpg"\n'
    'category = "News"\nauthor = "a"\nowner_name = "o"\nowner_email = "o@x.example"\n'
    'language = "en"\n'
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(guid=_TEXT, title=_TEXT)
@example(guid="\uf900", title="\uf900")  # a compatibility ideograph NFC would change
@example(guid="1.50", title="yes")
@example(guid="- [a]: {b} # c", title="---")
@example(guid="2024-06-01", title="&amp; <b>")
@example(guid="'quoted'", title='"double"')
@example(guid="Â¡", title="Â¡")  # feedparser reads this as "¡": the bytes are checked, not it
def test_any_guid_and_title_survive_the_round_trip(guid: str, title: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        (home / "publish.toml").write_text(SITE_TOML + SHOW)
        source = home / "old.xml"
        source.write_bytes(_feed(guid, title))
        config = str(home / "publish.toml")
        result = publish("import", "podcast", str(source), "--config", config, "-q")
        assert result.exit_code == 0, result.output
        built = publish("build", "--config", config, "--out", str(home / "feeds"), "-q")
        assert built.exit_code == 0, built.output
        data = (home / "feeds" / "podcast.xml").read_bytes()
        assert len(feedparser.parse(data).entries) == 1  # a podcast app finds the episode
        item = ElementTree.fromstring(data).find("channel/item")  # what we wrote, exactly
        assert item is not None
        assert item.findtext("guid") == guid
        assert item.findtext("title") == nfc(" ".join(title.split()))  # titles are NFC
