"""publish import feed: RSS 1.0 (RDF) feeds import as RSS 2.0 ones do, a root that is no
feed says which roots are, and a JSON Feed's ``external_url`` is reported, not dropped."""

from __future__ import annotations

import json
from pathlib import Path

from tests.importers.conftest import front_matter, publish

RDF = """\
<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel rdf:about="https://old.example.com/"><title>Old blog</title>
<link>https://old.example.com/</link><description>d</description>
<items><rdf:Seq><rdf:li rdf:resource="https://old.example.com/2005/first"/></rdf:Seq></items>
</channel>
<item rdf:about="https://old.example.com/2005/first"><title>First</title>
<link>https://old.example.com/2005/first</link><description>Hello, plainly.</description>
<content:encoded><![CDATA[<p>Hello, <em>richly</em>.</p>]]></content:encoded>
<dc:date>2005-06-01T10:00:00+02:00</dc:date><dc:creator>Ann</dc:creator>
<dc:subject>old</dc:subject></item>
<item rdf:about="urn:post:2"><title>Second</title>
<link>https://old.example.com/2005/second.html</link><description>Just this.</description>
<dc:date>2005-06-02T10:00:00Z</dc:date></item>
</rdf:RDF>
"""


def test_rss_1_0_items_import_and_verify(home: Path) -> None:
    source = home / "feed.rdf"
    source.write_text(RDF, encoding="utf-8")
    result = publish("import", "feed", str(source), "--verify")
    assert result.exit_code == 0, result.output
    assert "Verified: 0 GUID changes, 0 enclosure URL changes, 2 of 2 posts" in result.stdout
    essays = home / "content" / "essays"
    first = front_matter(essays / "first.md")
    assert first["guid"] == "https://old.example.com/2005/first"
    assert first["guid_permalink"] is True
    assert first["date"] == "2005-06-01T10:00:00+02:00"
    assert (first["authors"], first["tags"]) == (["Ann"], ["old"])
    assert first["description"] == "Hello, plainly."
    assert first["aliases"] == ["/2005/first"]
    assert "<p>Hello, <em>richly</em>.</p>" in (essays / "first.md").read_text()
    second = front_matter(essays / "second.md")
    assert second["guid"] == "urn:post:2"  # its rdf:about, as readers know it
    assert "guid_permalink" not in second
    assert "Just this." in (essays / "second.md").read_text()


def test_a_root_that_is_no_feed_names_the_roots_that_are(home: Path) -> None:
    source = home / "list.opml"
    source.write_text('<?xml version="1.0"?>\n<opml version="2.0"><body/></opml>\n')
    result = publish("import", "feed", "list.opml")
    assert result.exit_code == 2
    assert (
        "list.opml:1: feed: root element 'opml' is not an RSS (<rss>, RSS 1.0's <rdf:RDF>) "
        "or Atom (<feed>) feed" in result.stderr
    )
    assert not (home / "content").exists()


def test_json_feed_external_urls_are_reported_not_dropped(home: Path) -> None:
    items = [
        {"id": "1", "url": "https://old.example.com/1", "external_url": "https://a.example/x"},
        {"id": "2", "url": "https://old.example.com/2"},
        {"id": "3", "url": "https://old.example.com/3", "external_url": "https://b.example/y"},
    ]
    for n, item in enumerate(items, 1):
        item.update(title=f"Post {n}", content_text="t", date_published="2024-01-01T00:00:00Z")
    source = home / "feed.json"
    source.write_text(json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": items}))
    result = publish("import", "feed", str(source))
    assert result.exit_code == 0, result.output
    assert (
        f"warning: {source}:1: external_url: 2 not kept (no front-matter key holds the page a "
        "post links to: add it to the body by hand), in items[1], items[3]\n"
    ) in result.stderr
    assert "1 source problem\n" in result.stderr


def test_json_feed_values_that_are_not_text_are_named_not_written_as_python(home: Path) -> None:
    """A ``null`` tag became the tag ``None``, a list title ``['x']``, an object id
    ``{'nested': 1}``, each without a word; a numeric id is its digits."""
    items = [
        {"id": 5, "title": "Tags", "tags": ["a", None, 3], "content_html": "<p>5</p>"},
        {"id": {"nested": 1}, "url": "https://j.example.com/9", "title": ["list title"]},
    ]
    for item in items:
        item["date_published"] = "2024-06-05T10:00:00Z"
    source = home / "feed.json"
    source.write_text(json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": items}))
    result = publish("import", "feed", str(source))
    assert result.exit_code == 0, result.output
    for said in (
        "items[1] tags: a tag that is not text (null, a number, a list): left out",
        "items[2] title: expected text, got a list: left out",
        "items[2] id: expected text, got an object: left out",
    ):
        assert f"{source}:1: {said}" in result.stderr
    written = "".join(p.read_text() for p in (home / "content").rglob("*.md"))
    assert "None" not in written and "['" not in written and "{'" not in written
    assert "guid: '5'" in written


def test_a_json_array_is_named_json_not_xml(home: Path) -> None:
    """A JSON file whose top level is an array was read as XML: "not well-formed XML"."""
    (home / "feed.json").write_text('[{"id": "1"}]')
    result = publish("import", "feed", "feed.json")
    assert result.exit_code == 2, result.output
    assert "feed.json:1: feed: a JSON document that is not a JSON Feed" in result.stderr
