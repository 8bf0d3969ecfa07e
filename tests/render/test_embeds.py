"""GitBook embeds: privacy-friendly cards by default (the page loads nothing from the
provider), the provider's player with ``[theme] embeds = "inline"``, and no other frame."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.render.embeds import PLAYER_HOSTS, inline_embeds, player
from tests.site.conftest import XHTML, attrs, build, find, parse, text_of

PLAYERS = [
    (
        "https://www.youtube.com/watch?v=NfXfLa6dU6A",
        "https://www.youtube-nocookie.com/embed/NfXfLa6dU6A",
    ),
    ("https://youtu.be/NfXfLa6dU6A?t=30", "https://www.youtube-nocookie.com/embed/NfXfLa6dU6A"),
    (
        "https://youtube.com/shorts/abc_DEF-123",
        "https://www.youtube-nocookie.com/embed/abc_DEF-123",
    ),
    ("https://vimeo.com/123456", "https://player.vimeo.com/video/123456?dnt=1"),
    ("https://vimeo.com/channels/staffpicks/98765", "https://player.vimeo.com/video/98765?dnt=1"),
    (
        "https://docs.google.com/forms/d/e/1FAIpQLSf_x-Y/viewform?usp=sf_link",
        "https://docs.google.com/forms/d/e/1FAIpQLSf_x-Y/viewform?embedded=true",
    ),
    (
        "https://www.figma.com/file/AbC123/Community-map?node-id=0%3A1",
        "https://www.figma.com/embed?embed_host=share&url=https%3A%2F%2Fwww.figma.com%2Ffile%2FAbC123",
    ),
    (
        "https://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk",
        "https://open.spotify.com/embed/episode/4rOoJ6Egrf8K2IrywzwOMk",
    ),
    (
        "https://anchor.fm/kinship/episodes/Gathering-e1abc2",
        "https://anchor.fm/kinship/embed/episodes/Gathering-e1abc2",
    ),
    (
        "https://soundcloud.com/kinship/circle-song",
        "https://w.soundcloud.com/player/?url=https%3A%2F%2Fsoundcloud.com%2Fkinship%2Fcircle-song",
    ),
]


@pytest.mark.parametrize(("url", "src"), PLAYERS)
def test_each_provider_gets_its_players_address(url: str, src: str) -> None:
    found = player(url)
    assert found is not None and found[1] == src
    assert urlsplit(src).hostname in PLAYER_HOSTS


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/video/1",
        "https://www.youtube.com/@kinship",  # a channel: nothing to play
        "https://forms.gle/abc",  # a short link: where it leads is not in the URL
        "https://vimeo.com/about",
        "javascript:alert(1)//youtube.com/watch?v=x",
        "https://[::1",
    ],
)
def test_an_unknown_or_unplayable_url_has_no_player(url: str) -> None:
    assert player(url) is None


@given(st.text(max_size=80))
def test_any_player_address_is_on_a_known_host(tail: str) -> None:
    for host in ("youtube.com", "vimeo.com", "open.spotify.com", "soundcloud.com", "figma.com"):
        found = player(f"https://{host}/{tail}")
        if found is not None:
            assert urlsplit(found[1]).hostname in PLAYER_HOSTS
            assert '"' not in found[1] and "<" not in found[1]


def test_a_card_without_a_closing_tag_is_left_as_it_is() -> None:
    page = '<figure class="embed" data-embed-url="https://vimeo.com/1"><figcaption>x'
    assert inline_embeds(page) == page


PAGE = """---
title: Gathering
date: 2024-05-01
---
# Gathering

{% embed url="https://www.youtube.com/watch?v=NfXfLa6dU6A" %}
Our first circle
{% endembed %}

{% embed url="https://vimeo.com/123456" %}

{% embed url="https://docs.google.com/forms/d/e/1FAIpQLSf_x-Y/viewform" %}

{% embed url="https://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk" %}

{% embed url="https://example.com/slides" %}

<iframe src="https://www.youtube.com/embed/NfXfLa6dU6A"></iframe>
<figure class="embed" data-embed-url="https://evil.example/x"><figcaption>forged</figcaption></figure>
"""


def _site(tmp_path: Path, theme: str = "") -> Path:
    (tmp_path / "content/essays").mkdir(parents=True)
    (tmp_path / "content/essays/gathering.md").write_text(PAGE, encoding="utf-8")
    (tmp_path / "publish.toml").write_text(
        '[site]\ntitle = "Circles"\nbase_url = "https://circles.example/"\n' + theme,
        encoding="utf-8",
    )
    result = build(tmp_path, tmp_path / "out")
    assert result.exit_code == 0, result.output
    return tmp_path / "out/essays/gathering/index.html"


def _outside(tree: object) -> list[str]:
    """Every address the page would load from another host (src of any element)."""
    return [
        el.get("src")
        for el in tree.iter()  # type: ignore[attr-defined]
        if el.get("src") and urlsplit(el.get("src")).hostname not in (None, "circles.example")
    ]


def test_by_default_embeds_are_cards_that_load_nothing(tmp_path: Path) -> None:
    tree = parse(_site(tmp_path))
    assert _outside(tree) == []
    assert not list(tree.iter(XHTML + "iframe"))  # type: ignore[attr-defined]
    cards = [text_of(el) for el in find(tree, "figure", "embed")]
    assert "▶ youtube.com YouTube" in cards
    assert "vimeo.com Vimeo" in cards
    assert "docs.google.com Google Forms" in cards
    assert "open.spotify.com Spotify" in cards
    assert "example.com (https://example.com/slides)" in cards
    links = {a["href"] for a in attrs(tree, "a")}
    assert "https://vimeo.com/123456" in links
    assert "https://www.youtube.com/watch?v=NfXfLa6dU6A" in links


def test_inline_embeds_write_each_providers_player_and_no_other_frame(tmp_path: Path) -> None:
    tree = parse(_site(tmp_path, '[theme]\nembeds = "inline"\n'))
    frames = attrs(tree, "iframe")
    assert [f["src"] for f in frames] == [
        "https://www.youtube-nocookie.com/embed/NfXfLa6dU6A",
        "https://player.vimeo.com/video/123456?dnt=1",
        "https://docs.google.com/forms/d/e/1FAIpQLSf_x-Y/viewform?embedded=true",
        "https://open.spotify.com/embed/episode/4rOoJ6Egrf8K2IrywzwOMk",
    ]
    assert all(f["title"].endswith(" player") and f["loading"] == "lazy" for f in frames)
    # the unknown provider and the forged card stay cards; the author's own iframe is gone
    cards = [
        text_of(el)
        for el in find(tree, "figure", "embed")
        if not list(el.iter(XHTML + "iframe"))  # type: ignore[attr-defined]
    ]
    assert "example.com (https://example.com/slides)" in cards
    assert "forged" in cards
    assert "img.youtube.com" not in (tmp_path / "out/essays/gathering/index.html").read_text()


def test_the_feed_keeps_cards_whatever_the_theme_says(tmp_path: Path) -> None:
    _site(tmp_path, '[theme]\nembeds = "inline"\n')
    feed = (tmp_path / "out/rss.xml").read_text(encoding="utf-8")
    assert "iframe" not in feed and "youtube-nocookie" not in feed
    assert "Our first circle" in feed


def test_a_bad_embeds_value_is_a_config_error_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content/a.md").write_text("---\ntitle: A\ndate: 2024-05-01\n---\nA.\n")
    (tmp_path / "publish.toml").write_text(
        '[site]\nbase_url = "https://circles.example/"\n\n[theme]\nembeds = "iframes"\n'
    )
    result = build(tmp_path, tmp_path / "out")
    assert result.exit_code == 3, result.output
    assert 'publish.toml:5: theme.embeds: expected "cards" or "inline", got \'iframes\'' in (
        result.output
    )
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("url", ["https://[zz]/", "http://[1:2:3]/", "https://[::1/"])
def test_an_embed_whose_host_python_cannot_read_is_a_card_not_a_crash(
    tmp_path: Path, url: str
) -> None:
    """``{% embed url="https://[zz]/" %}`` crashed validate, build and links (exit 1:
    urlsplit raises on a bracketed host that is no IP address); as a link it was fine."""
    content = tmp_path / "content" / "essays"
    content.mkdir(parents=True)
    (tmp_path / "publish.toml").write_text('[site]\nbase_url = "https://e.example/"\n')
    (content / "a.md").write_text(
        f'---\ntitle: A\ndate: 2024-01-02\nid: "a1"\n---\n\n{{% embed url="{url}" %}}\n',
        encoding="utf-8",
    )
    result = build(tmp_path, tmp_path / "out")
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out" / "essays" / "a" / "index.html").read_text(encoding="utf-8")
    assert '<figure class="embed">' in page
