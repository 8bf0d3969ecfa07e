"""Links inside imported bodies: a link to another imported item's old page becomes its
Markdown file (so the build links the new page), a relative URL is made absolute on the old
site (so it still leads somewhere), and nothing else in the body changes."""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from tests.importers.conftest import imported, publish
from tests.timing import assert_linear


def _rss(*items: str, link: str = "https://old.example/") -> str:
    return (
        '<?xml version="1.0"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>Old blog</title><link>{link}</link>\n{''.join(items)}</channel></rss>\n"
    )


def _post(guid: str, link: str, body: str, day: int = 1, title: str = "") -> str:
    return (
        f"<item><title>{title or guid}</title><guid>{guid}</guid><link>{link}</link>"
        f"<pubDate>Sat, {day:02d} Jun 2019 10:00:00 +0000</pubDate>"
        f"<content:encoded><![CDATA[{body}]]></content:encoded></item>\n"
    )


def _body(path: Path) -> str:
    """What follows the front matter of an imported file."""
    return path.read_text(encoding="utf-8").split("---\n", 2)[2].removeprefix("\n")


FIRST = (
    '<p>See <a href="/2019/05/second-post/#part-2">part 2</a>, '
    "<a href='HTTPS://Old.Example:443/2019/05/second-post'>the same</a> and "
    '<a href="https://old.example/about/">about me</a>.</p>'
)
SECOND = (
    '<h2 id="part-2">Part 2</h2><p>Back to <a href="https://old.example/2019/05/first-post/">'
    "the first</a>.</p>"
)


def test_a_link_to_another_imported_post_becomes_its_file_and_builds_to_its_page(
    home: Path,
) -> None:
    imported(
        home,
        "feed",
        _rss(
            _post("g1", "https://old.example/2019/05/first-post/", FIRST, 1),
            _post("g2", "https://old.example/2019/05/second-post/", SECOND, 2),
        ),
    )
    essays = home / "content" / "essays"
    assert _body(essays / "first-post.md") == (
        '<p>See <a href="second-post.md#part-2">part 2</a>, '
        "<a href='second-post.md'>the same</a> and "
        '<a href="https://old.example/about/">about me</a>.</p>\n'  # not imported: as it was
    )
    assert (
        _body(essays / "second-post.md")
        == SECOND.replace("https://old.example/2019/05/first-post/", "first-post.md") + "\n"
    )
    built = publish("build")
    assert built.exit_code == 0, built.output
    page = (home / "feeds" / "essays" / "first-post" / "index.html").read_text()
    assert '<a href="../../essays/second-post/#part-2">part 2</a>' in page
    assert '<a href="../../essays/second-post/">the same</a>' in page
    assert '<a href="https://old.example/about/">about me</a>' in page
    rss = (home / "feeds" / "rss.xml").read_text()
    assert "https://new.example.org/essays/second-post/#part-2" in rss
    assert "https://new.example.org/essays/first-post/" in rss
    checked = publish("links", "--offline", "--format", "json")  # checked locally
    assert checked.exit_code == 0, checked.output
    results = {(r["url"], r["status"], r["reason"]) for r in json.loads(checked.stdout)}
    assert ("second-post.md#part-2", "ok", "essays/second-post.md") in results


def test_only_an_items_own_page_on_the_old_site_names_it(home: Path) -> None:
    body = (
        '<p><a href="http://www.old.example/2019/05/second-post">two</a> '
        '<a href="https://elsewhere.example/article/">the article</a> '
        '<a href="https://old.example/">home</a> <a href="https://old.example/shared/">shared</a>'
        "</p>"
    )
    imported(
        home,
        "feed",
        _rss(
            _post("g1", "https://old.example/2019/05/first-post/", body, 1),
            _post("g2", "https://old.example/2019/05/second-post/", "<p>2</p>", 2),
            # a link post: its link is the article it is about, not its page
            _post("g3", "https://elsewhere.example/article/", "<p>Read it.</p>", 3, "Link"),
            _post("g4", "https://old.example/", "<p>4</p>", 4, "Four"),  # the home page
            _post("g5", "https://old.example/shared/", "<p>5</p>", 5, "Five"),
            _post("g6", "https://old.example/shared/", "<p>6</p>", 6, "Six"),
        ),
    )
    assert _body(home / "content" / "essays" / "first-post.md") == (
        '<p><a href="second-post.md">two</a> '
        '<a href="https://elsewhere.example/article/">the article</a> '
        '<a href="https://old.example/">home</a> <a href="https://old.example/shared/">shared</a>'
        "</p>\n"
    )


RELATIVE = (
    '<p><a href="/2019/05/not-imported/">elsewhere</a> '
    '<img src="../images/x.png" alt="x &amp; y"> '
    "<a href=?p=123&amp;q=4>by number</a> "
    '<img srcset="a.png 1x, /b/c.png 2x" src=a.png> '
    '<a href="#top">top</a> <a href="mailto:me@old.example">mail</a> '
    '<a href="//cdn.example/x.js">cdn</a>'
    '<!-- <a href="/in-a-comment/"> --></p>'
)


def test_relative_links_and_images_are_made_absolute_on_the_old_site(home: Path) -> None:
    plain = "<p>No links here: a &amp; b, <em>emphasis</em>, 'quotes'.</p>"
    result = imported(
        home,
        "feed",
        _rss(
            _post("g1", "https://old.example/2019/05/first-post/", RELATIVE, 1),
            _post("g2", "https://old.example/2019/05/plain/", plain, 2),
            _post("g3", "https://old.example/2019/05/gone/", "", 3, "Gone"),
        ),
    )
    essays = home / "content" / "essays"
    assert _body(essays / "first-post.md") == (
        '<p><a href="https://old.example/2019/05/not-imported/">elsewhere</a> '
        '<img src="https://old.example/2019/05/images/x.png" alt="x &amp; y"> '
        '<a href="https://old.example/2019/05/first-post/?p=123&amp;q=4">by number</a> '
        '<img srcset="https://old.example/2019/05/first-post/a.png 1x, '
        'https://old.example/b/c.png 2x" src=https://old.example/2019/05/first-post/a.png> '
        '<a href="#top">top</a> <a href="mailto:me@old.example">mail</a> '
        '<a href="//cdn.example/x.js">cdn</a>'
        '<!-- <a href="/in-a-comment/"> --></p>\n'
    )
    assert _body(essays / "plain.md") == plain + "\n"  # no links: byte for byte
    # a post the feed gave no content: its body links to its own old page, and still does
    assert (
        _body(essays / "gone.md") == '<p><a href="https://old.example/2019/05/gone/">Gone</a></p>\n'
    )
    assert result.stderr.rstrip().endswith(
        "; links rewritten: 6 made absolute (to the old site), 0 to imported posts"
    )


def test_the_report_counts_each_kind_once_and_json_says_it(home: Path) -> None:
    (home / "feed.xml").write_text(
        _rss(
            _post("g1", "https://old.example/2019/05/first-post/", FIRST + RELATIVE, 1),
            _post("g2", "https://old.example/2019/05/second-post/", SECOND, 2),
        ),
        encoding="utf-8",
    )
    result = publish("import", "feed", "feed.xml", "--dry-run", "--format", "json")
    assert result.exit_code == 0, result.output
    links = {"made_absolute": 6, "to_imported_items": 3, "left_relative": 0}
    assert json.loads(result.stdout)["links"] == links
    summary = [line for line in result.stderr.splitlines() if "links rewritten" in line]
    assert summary == [
        "Would import 2 posts from feed.xml: 2 new, 0 updated, 0 unchanged, 0 left alone, "
        "0 source problems; links rewritten: 6 made absolute (to the old site), "
        "3 to imported posts"
    ]


def test_relative_urls_a_source_gives_no_base_for_are_counted_as_left(home: Path) -> None:
    """A feed read from a file with no <link>, no xml:base and items without links: its
    relative URLs are left as written, and the summary says how many (they were not)."""
    item = _post("g1", "", RELATIVE).replace("<link></link>", "")
    (home / "feed.xml").write_text(
        _rss(item, link="").replace("<link></link>", ""), encoding="utf-8"
    )
    result = publish("import", "feed", "feed.xml", "--format", "json")
    assert result.exit_code == 0, result.output
    links = {"made_absolute": 0, "to_imported_items": 0, "left_relative": 6}
    assert json.loads(result.stdout)["links"] == links
    assert (
        "0 source problems; 6 relative URLs in bodies left as written (the source gave no URL "
        "to make them absolute against: the build names any that leads nowhere)\n"
    ) in result.stderr
    assert RELATIVE in (home / "content" / "essays" / "g1.md").read_text(encoding="utf-8")


def test_links_to_items_of_an_earlier_run_use_the_ledger_and_reruns_change_nothing(
    home: Path, tmp_path: Path
) -> None:
    show = (
        '<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>'
        "<title>Show</title><link>https://show.example/</link><description>d</description>"
        '<itunes:image href="https://show.example/cover.jpg"/>'
        '<itunes:category text="Technology"/><itunes:owner><itunes:email>o@show.example'
        "</itunes:email></itunes:owner>"
        "<item><title>Welcome</title><guid>ep-1</guid>"
        "<link>https://show.example/episodes/1-welcome</link>"
        "<pubDate>Sat, 01 Jun 2024 10:00:00 +0000</pubDate>"
        '<enclosure url="https://cdn.example/1.mp3" length="100" type="audio/mpeg"/>'
        "<description><![CDATA[<p>Hello.</p>]]></description></item></channel></rss>"
    )
    imported(home, "podcast", show)
    blog = _rss(
        _post(
            "g1",
            "https://old.example/2024/hello/",
            '<p>Hear <a href="https://show.example/episodes/1-welcome/#t=30">the first</a>, '
            'read <a href="/2024/later/">the next</a>.</p>',
            1,
        ),
        _post("g2", "https://old.example/2024/later/", "<p>Later.</p>", 2),
    )
    imported(home, "feed", blog)
    hello = home / "content" / "essays" / "hello.md"
    expected = (
        '<p>Hear <a href="../episodes/1-welcome.md#t=30">the first</a>, '
        'read <a href="later.md">the next</a>.</p>\n'
    )
    assert _body(hello) == expected
    ledger = json.loads((home / "imports.json").read_text())
    assert ledger["items"]["essays"]["g2"]["link"] == "https://old.example/2024/later/"
    # a later run that reads only the first post still points at the second one's file
    only_first = tmp_path / "only-first.xml"
    only_first.write_text(blog.split("<item><title>g2</title>")[0] + "</channel></rss>\n")
    again = publish("import", "feed", str(only_first))
    assert again.exit_code == 0, again.output
    assert "0 new, 0 updated, 1 unchanged" in again.stderr
    assert _body(hello) == expected
    built = publish("build")
    assert built.exit_code == 0, built.output
    page = (home / "feeds" / "essays" / "hello" / "index.html").read_text()
    assert '<a href="../../episodes/1-welcome/#t=30">the first</a>' in page


def test_an_atom_entry_is_relative_to_its_link_unless_it_declares_a_base(home: Path) -> None:
    atom = (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" '
        'xml:base="https://old.example/feed.atom"><title>Old</title>'
        '<link href="https://old.example/"/>'
        "<entry><id>tag:a</id><title>A</title><updated>2019-06-01T10:00:00Z</updated>"
        '<link href="/notes/a/"/><content type="html">'
        "&lt;p&gt;&lt;a href=&quot;../b/&quot;&gt;b&lt;/a&gt; &lt;img src=&quot;i.png&quot;&gt;"
        "&lt;/p&gt;</content></entry>"
        "<entry><id>tag:b</id><title>B</title><updated>2019-06-02T10:00:00Z</updated>"
        '<link href="/notes/b/"/><content type="html" xml:base="https://img.example/b/">'
        "&lt;p&gt;&lt;img src=&quot;i.png&quot;&gt;&lt;/p&gt;</content></entry></feed>"
    )
    imported(home, "feed", atom)
    essays = home / "content" / "essays"
    assert _body(essays / "a.md") == (
        '<p><a href="b.md">b</a> <img src="https://old.example/notes/a/i.png"></p>\n'
    )
    assert _body(essays / "b.md") == '<p><img src="https://img.example/b/i.png"></p>\n'


def _substack(path: Path, posts: list[tuple[str, str]]) -> Path:
    rows = io.StringIO()
    fields = ["post_id", "post_date", "is_published", "type", "audience", "title"]
    writer = csv.DictWriter(rows, fieldnames=fields)
    writer.writeheader()
    with zipfile.ZipFile(path, "w") as zf:
        for n, (post_id, body) in enumerate(posts, 1):
            date = f"2023-08-0{n}T07:30:00.000Z"
            writer.writerow(
                dict(
                    zip(
                        fields,
                        [post_id, date, "true", "newsletter", "everyone", post_id],
                        strict=True,
                    )
                )
            )
            zf.writestr(f"posts/{post_id}.html", body)
        zf.writestr("posts.csv", rows.getvalue())
    return path


def test_a_substack_post_links_to_another_by_its_old_url(home: Path, tmp_path: Path) -> None:
    zipped = _substack(
        tmp_path / "export.zip",
        [
            ("1.sowing", '<p><a href="https://name.substack.com/p/harvest">then</a></p>'),
            ("2.harvest", '<p><a href="https://name.substack.com/p/sowing?utm=x">before</a></p>'),
        ],
    )
    result = publish("import", "substack", str(zipped), "--old-url", "https://name.substack.com")
    assert result.exit_code == 0, result.output
    essays = home / "content" / "essays"
    assert _body(essays / "sowing.md") == '<p><a href="harvest.md">then</a></p>\n'
    assert _body(essays / "harvest.md") == (  # another query: another page, left as it was
        '<p><a href="https://name.substack.com/p/sowing?utm=x">before</a></p>\n'
    )


HOSTILE = {
    "double-quote-never-closed": '<a href="',
    "unquoted": "<a href=",
    "single-quote-open": "<a href='/x ",
}


def _import(home: Path, feed: str) -> None:
    (home / "feed.xml").write_text(feed, encoding="utf-8")
    shutil.rmtree(home / "content", ignore_errors=True)
    (home / "imports.json").unlink(missing_ok=True)
    result = publish("import", "feed", "feed.xml", "--quiet")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("shape", sorted(HOSTILE))
def test_a_hostile_body_is_rewritten_in_linear_time(home: Path, shape: str) -> None:
    def feed(n: int) -> str:
        body = '<p><a href="/first/">first</a></p>' + HOSTILE[shape] * n
        return _rss(_post("g1", "https://old.example/2019/05/p/", body, 1))

    n = 100_000
    config = home / "publish.toml"  # (bodies past the build's default limit of a file)
    config.write_text(config.read_text() + "\n[content]\nmax_file_bytes = 50000000\n")
    _import(home, feed(n // 10))  # warm up
    assert _body(home / "content" / "essays" / "p.md").startswith(
        '<p><a href="https://old.example/first/">first</a></p>'
    )
    assert_linear(lambda size: _import(home, feed(size)), n, label=f"{shape}: ")


def test_a_link_without_the_feeds_tracking_query_names_the_post(home: Path) -> None:
    """Medium's feed gives each post's link ``?source=rss----…`` (others ``utm_*``), and a
    post's body links the other without it: the link kept pointing at Medium. A query that
    names the page (WordPress's ``?p=2``) still tells two posts apart."""
    body = (
        '<p><a href="https://medium.com/@me/older-9f8e">older</a> '
        '<a href="https://medium.com/?p=2&amp;utm_source=x">by number</a> '
        '<a href="https://medium.com/?p=3">not imported</a></p>'
    )
    imported(
        home,
        "feed",
        _rss(
            _post("g1", "https://medium.com/@me/newer-1a2b?source=rss----abc---4", body, 2),
            _post("g2", "https://medium.com/@me/older-9f8e?source=rss----abc---4", "<p>o</p>", 1),
            _post("g3", "https://medium.com/?p=2", "<p>2</p>", 3, "By number"),
            link="https://medium.com/@me",
        ),
    )
    written = _body(next((home / "content" / "essays").glob("newer*.md")))
    assert '<a href="older-9f8e.md">older</a>' in written
    assert '<a href="by-number.md">by number</a>' in written
    assert '<a href="https://medium.com/?p=3">not imported</a>' in written
