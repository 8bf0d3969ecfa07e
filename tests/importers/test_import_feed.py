"""publish import feed: RSS (WordPress), Atom (Ghost-style) and JSON Feed posts become essays
that keep their GUID/id, their old link as an alias, dates, authors, tags and content."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest

from tests.importers.conftest import IMPORTS, feed_diff, front_matter, publish


@pytest.mark.parametrize(
    ("fixture", "ours", "removed"),
    [
        ("wordpress.xml", "rss.xml", 1),
        ("ghost-atom.xml", "atom.xml", 0),
        ("blog.json", "feed.json", 0),
    ],
)
def test_posts_rebuild_with_their_ids(home: Path, fixture: str, ours: str, removed: int) -> None:
    source = IMPORTS / fixture
    result = publish("import", "feed", str(source))
    assert result.exit_code == 0, result.output
    built = publish("build")
    assert built.exit_code == 0, built.output
    for name in ("rss.xml", "atom.xml", "feed.json"):
        diff = feed_diff(source, home / "feeds" / name)
        assert diff["counts"]["guid"] == 0, name
        assert diff["counts"]["added"] == 0, name
        assert diff["counts"]["removed"] == removed, name  # the item with no id nor link
    if fixture.endswith(".json"):
        theirs = {i["id"] for i in json.loads(source.read_text())["items"] if isinstance(i, dict)}
        built = json.loads((home / "feeds" / ours).read_text())
        built_ids = {i["id"] for i in built["items"]}
    else:
        theirs = {e.id for e in feedparser.parse(source.read_bytes()).entries if e.get("id")}
        built_ids = {e.id for e in feedparser.parse((home / "feeds" / ours).read_bytes()).entries}
    assert built_ids == theirs


def test_wordpress_posts_keep_link_dates_authors_tags_and_html(home: Path) -> None:
    result = publish("import", "feed", str(IMPORTS / "wordpress.xml"))
    assert result.exit_code == 0
    assert f"{IMPORTS / 'wordpress.xml'}:40: id: no id and no link: not imported" in result.stderr
    post = home / "content" / "essays" / "slugs-and-how-to-live-with-them.md"
    meta = front_matter(post)
    assert meta["guid"] == "https://allotment.example.com/?p=1412"
    assert "guid_permalink" not in meta  # isPermaLink="false" kept
    assert meta["aliases"] == ["/2024/06/09/slugs-and-how-to-live-with-them/"]
    assert meta["authors"] == ["Priya"] and meta["tags"] == ["Pests", "Vegetables"]
    assert meta["date"] == "2024-06-09T08:12:40+00:00"
    assert publish("build").exit_code == 0
    rss = (home / "feeds" / "rss.xml").read_text()
    assert '<guid isPermaLink="false">https://allotment.example.com/?p=1412</guid>' in rss
    entry = next(e for e in feedparser.parse(rss.encode()).entries if e.id.endswith("p=1412"))
    assert "Keep a_b_c and 2 * 3 as written." in entry.content[0].value
    assert "<em>acceptance</em>" in entry.content[0].value


def test_atom_and_json_feed_details(home: Path) -> None:
    assert publish("import", "feed", str(IMPORTS / "ghost-atom.xml")).exit_code == 0
    meta = front_matter(home / "content" / "essays" / "seeds-and-swaps.md")
    assert meta["title"] == "Seeds & swaps"
    assert meta["authors"] == ["Jo", "Lee"] and meta["tags"] == ["seeds"]
    assert (meta["date"], meta["updated"]) == (
        "2024-06-01T10:00:00+02:00",
        "2024-06-03T09:00:00+02:00",
    )
    xhtml = (home / "content" / "essays" / "xhtml.md").read_text()
    assert "<em>XHTML</em>" in xhtml
    result = publish("import", "feed", str(IMPORTS / "blog.json"), "--section", "notes")
    assert result.exit_code == 0
    assert "blog.json:1: items[3]: not an object: not imported" in result.stderr
    hello = (home / "content" / "notes" / "hello.md").read_text()
    assert "<p>Plain text &lt;with&gt; brackets.</p>" in hello  # text, escaped once
    hello_meta = front_matter(home / "content" / "notes" / "hello.md")
    assert hello_meta["aliases"] == ["/posts/hello"]
    assert hello_meta["kind"] == "essay"  # a folder of pages otherwise
    assert publish("build").exit_code == 0
    built = json.loads((home / "feeds" / "feed.json").read_text())
    assert {i["id"] for i in built["items"]} >= {"1", "2"}


def test_section_must_be_a_folder_name(home: Path) -> None:
    result = publish("import", "feed", str(IMPORTS / "blog.json"), "--section", "../out")
    assert result.exit_code == 3
    assert not (home / "content").exists()


def test_a_feed_import_of_a_podcast_says_where_the_audio_goes(home: Path) -> None:
    result = publish("import", "feed", str(IMPORTS / "buzzsprout.xml"))
    assert result.exit_code == 0
    assert "enclosure: not kept: episodes come in with `import podcast`" in result.stderr


def test_an_atom_entrys_enclosure_is_named_as_not_kept(home: Path) -> None:
    """An Atom podcast (``<link rel="enclosure">``) came in as posts without a word of its
    audio: RSS enclosures were named, Atom's were not (a helper's finding)."""
    atom = (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
        "<title>Cast</title><id>tag:cast.example,2024:feed</id><updated>2024-01-02T00:00:00Z"
        '</updated>\n<link rel="alternate" href="https://cast.example/"/>\n'
        "<entry><title>Ep 1</title><id>tag:cast.example,2024:1</id>\n"
        "<updated>2024-01-02T00:00:00Z</updated>\n"
        '<link rel="enclosure" href="https://cast.example/1.mp3" length="9" type="audio/mpeg"/>\n'
        "<content>Notes</content></entry>\n</feed>\n"
    )
    (home / "atom.xml").write_text(atom, encoding="utf-8")
    result = publish("import", "feed", "atom.xml")
    assert result.exit_code == 0, result.output
    assert (
        "atom.xml:5: enclosure: not kept: episodes come in with `import podcast`, from the "
        "show's RSS feed"
    ) in result.stderr


def test_a_category_too_long_for_a_tag_is_left_out_and_named(home: Path) -> None:
    """A 300-character ``<category>`` was written as a tag, and the build refused the page
    (a tag's folder name of 307 bytes: one value stopped the site; a helper's finding)."""
    long = "c" * 300
    rss = (
        '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>B</title>'
        "<link>https://blog.example/</link><description>d</description>\n"
        "<item><title>Post</title><guid>p1</guid><link>https://blog.example/p1</link>"
        "<pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate>"
        f"<category>{long}</category><category>tea</category>"
        "<description>Text.</description></item>\n</channel></rss>\n"
    )
    (home / "feed.xml").write_text(rss, encoding="utf-8")
    result = publish("import", "feed", "feed.xml")
    assert result.exit_code == 0, result.output
    assert "feed.xml:3: tags: 1 tag too long for the file name" in result.stderr
    (post,) = (home / "content" / "essays").glob("*.md")
    assert front_matter(post)["tags"] == ["tea"]
    built = publish("build")
    assert built.exit_code == 0, built.output


def test_links_to_an_old_url_resolve_through_the_alias(home: Path) -> None:
    assert publish("import", "feed", str(IMPORTS / "wordpress.xml")).exit_code == 0
    page = home / "content" / "about.md"
    page.write_text(
        "---\ntitle: About\n---\n\nSee [slugs](https://new.example.org/2024/06/09/slugs-and-"
        "how-to-live-with-them/) and [gone](https://new.example.org/2024/06/09/nothing/).\n"
    )
    result = publish("links", "--offline", "--format", "json")
    by_url = {r["url"]: r["status"] for r in json.loads(result.stdout)}
    assert by_url["https://new.example.org/2024/06/09/slugs-and-how-to-live-with-them/"] == "ok"
    assert by_url["https://new.example.org/2024/06/09/nothing/"] == "broken"
    assert result.exit_code == 2  # the one broken link
