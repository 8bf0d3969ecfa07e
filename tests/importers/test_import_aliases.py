"""publish import: an item's old link becomes an alias only when it is a page of the old site
(the host of the feed's own link, ``www.`` or not), a path is given to one item only (the
first; the others are named), and a relative Atom link is resolved first (``xml:base``, the
feed's ``rel="self"`` link, or the URL it was fetched from)."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer

from tests.importers.conftest import front_matter, publish

PODCAST = """\
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
<channel><title>Show</title><link>https://old.example.com/</link><description>d</description>
<language>en</language><itunes:image href="https://old.example.com/cover.jpg"/>
<itunes:category text="Technology"/><itunes:explicit>false</itunes:explicit>
<itunes:owner><itunes:name>O</itunes:name><itunes:email>o@example.com</itunes:email></itunes:owner>
{items}</channel></rss>
"""


def _episode(n: int, link: str) -> str:
    return (
        f"<item><title>Episode {n}</title><link>{link}</link><guid>prx_{n}</guid>"
        "<pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate><description>notes</description>"
        f'<enclosure url="https://cdn.example.com/{n}.mp3" length="1000" type="audio/mpeg"/>'
        "</item>\n"
    )


def test_links_on_another_host_make_no_alias(home: Path) -> None:
    items = "".join(_episode(n, f"https://play.prx.org/listen?ge=prx_{n}&amp;uf=x") for n in (1, 2))
    items += _episode(3, "https://old.example.com/episodes/3")
    (home / "feed.xml").write_text(PODCAST.format(items=items), encoding="utf-8")
    result = publish("import", "podcast", "feed.xml")
    assert result.exit_code == 0, result.output
    episodes = home / "content" / "episodes"
    fronts = {path.name: front_matter(path) for path in episodes.glob("*.md")}
    assert len(fronts) == 3
    assert [f.get("aliases") for f in fronts.values() if "aliases" in f] == [["/episodes/3"]]
    assert (
        "warning: feed.xml:7: link: 2 not kept (on play.prx.org, not on old.example.com, the "
        "feed's own site: no alias written), in the items at lines 7, 8\n"
    ) in result.stderr
    built = publish("build", "--out", str(home / "out"), "-q")
    assert built.exit_code == 0, built.output
    assert not (home / "out" / "listen").exists()


RSS = """\
<?xml version="1.0"?>
<rss version="2.0"><channel><title>Blog</title><link>https://www.old.example.com/</link>
<item><title>One</title><link>https://old.example.com/p.html#a</link><guid>1</guid><pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate><description>a</description></item>
<item><title>Two</title><link>https://www.old.example.com/p.html#b</link><guid>2</guid><pubDate>Tue, 02 Jan 2024 10:00:00 GMT</pubDate><description>b</description></item>
<item><title>Three</title><link>https://old.example.com/three</link><guid>3</guid><pubDate>Wed, 03 Jan 2024 10:00:00 GMT</pubDate><description>c</description></item>
</channel></rss>
"""


def test_an_alias_two_items_share_is_kept_for_the_first_and_said(home: Path) -> None:
    (home / "feed.xml").write_text(RSS, encoding="utf-8")
    result = publish("import", "feed", "feed.xml")
    assert result.exit_code == 0, result.output
    essays = home / "content" / "essays"
    by_title = {front_matter(p)["title"]: front_matter(p) for p in essays.glob("*.md")}
    assert by_title["One"]["aliases"] == ["/p.html"]  # www. or not, the same site
    assert "aliases" not in by_title["Two"]
    assert by_title["Three"]["aliases"] == ["/three"]
    assert (
        "warning: feed.xml:4: link: alias '/p.html' is the old link of 2 items: kept for the "
        "first, 'One' (line 3); not for 'Two' (line 4)\n"
    ) in result.stderr
    assert "1 source problem\n" in result.stderr


ATOM = """\
<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  {self}
  <title>Sam</title><id>urn:feed</id><updated>2013-02-23T18:33:07Z</updated>
  <link href="/blog/"/>
  <entry><id>urn:1</id><link href="/blog/2013/01/30/Plex"/><title>Plex</title>
    <updated>2013-01-30T10:12:03-08:00</updated><content type="html">&lt;p&gt;a&lt;/p&gt;</content></entry>
  <entry xml:base="http://intertwingly.net/blog/2012/"><id>urn:2</id><link href="12/05/Time-Warner"/>
    <title>Time Warner</title><updated>2012-12-05T10:00:00Z</updated><content>b</content></entry>
  <entry><id>urn:3</id><link href="2011/x"/><title>Elsewhere</title>
    <updated>2011-01-01T10:00:00Z</updated><content>c</content></entry>
</feed>
"""
SELF = '<link rel="self" href="http://intertwingly.net/blog/index.atom"/>'


def test_relative_atom_links_are_resolved_then_aliased(home: Path) -> None:
    (home / "feed.atom").write_text(ATOM.format(self=SELF), encoding="utf-8")
    result = publish("import", "feed", "feed.atom")
    assert result.exit_code == 0, result.output
    essays = home / "content" / "essays"
    by_title = {front_matter(p)["title"]: front_matter(p) for p in essays.glob("*.md")}
    assert by_title["Plex"]["aliases"] == ["/blog/2013/01/30/Plex"]
    assert by_title["Time Warner"]["aliases"] == ["/blog/2012/12/05/Time-Warner"]
    assert by_title["Elsewhere"]["aliases"] == ["/blog/2011/x"]  # relative to the self link
    assert by_title["Plex"]["guid"] == "urn:1"


def test_relative_atom_links_resolve_against_the_url_fetched(
    home: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/blog/index.atom").respond_with_data(
        ATOM.format(self=""), content_type="application/atom+xml"
    )
    result = publish("import", "feed", httpserver.url_for("/blog/index.atom"))
    assert result.exit_code == 0, result.output
    essays = home / "content" / "essays"
    by_title = {front_matter(p)["title"]: front_matter(p) for p in essays.glob("*.md")}
    assert by_title["Plex"]["aliases"] == ["/blog/2013/01/30/Plex"]
    assert by_title["Elsewhere"]["aliases"] == ["/blog/2011/x"]
    # an xml:base on another host than the feed's own link names no page of the old site
    assert "aliases" not in by_title["Time Warner"]
    assert "on intertwingly.net, not on 127.0.0.1, the feed's own site" in result.stderr


def test_an_old_link_the_build_would_refuse_as_an_alias_makes_none(home: Path) -> None:
    """An old link whose path has a ``..`` part (or a backslash) became an alias the build
    refuses (exit 2): the import writes no alias for it and says why, at the item's line."""
    items = _episode(1, "https://old.example.com/a/../b") + _episode(2, "https://old.example.com/c")
    (home / "feed.xml").write_text(PODCAST.format(items=items), encoding="utf-8")
    result = publish("import", "podcast", "feed.xml")
    assert result.exit_code == 0, result.output
    fronts = [front_matter(p) for p in sorted((home / "content" / "episodes").glob("*.md"))]
    assert [f.get("aliases") for f in fronts] == [None, ["/c"]]
    assert "feed.xml:7: link: no alias written: expected a path on this site" in result.stderr
    built = publish("build", "--out", str(home / "out"), "-q")
    assert built.exit_code == 0, built.output
