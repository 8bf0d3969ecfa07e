"""End to end: the GitBook handbook fixture builds, and its link report is exactly as planted."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.config import load_config
from pipeline.load.loader import load_site
from pipeline.model import Site
from tests.gitbook.conftest import expected_broken


def _build(runner: CliRunner, root: Path, out: Path) -> tuple[int, str]:
    result = runner.invoke(
        main,
        [
            "build",
            "--config",
            str(root / "publish.toml"),
            "--content",
            str(root),
            "--out",
            str(out),
            "--cache-dir",
            str(root.parent / "cache"),
        ],
    )
    return result.exit_code, result.output


def _site(root: Path) -> Site:
    cfg = load_config(root / "publish.toml", required=True)
    return load_site(cfg, root)


def test_handbook_builds_and_feeds_parse(handbook: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    code, output = _build(runner, handbook, tmp_path / "out")
    assert code == 0, output
    for name in ("rss.xml", "atom.xml", "essays/rss.xml", "essays/atom.xml", "practices/rss.xml"):
        parsed = feedparser.parse((tmp_path / "out" / name).read_bytes())
        assert not parsed.bozo, (name, parsed.get("bozo_exception"))
        assert parsed.entries, name
    feed = json.loads((tmp_path / "out" / "feed.json").read_text(encoding="utf-8"))
    titles = [i["title"] for i in feed["items"]]
    assert "Origins and intent" in titles
    assert "Kinship Circles (print edition)" not in titles  # not in SUMMARY.md
    assert "Frequently asked questions" not in titles  # undated


def test_feed_entries_carry_titles_descriptions_and_dates(handbook: Path, tmp_path: Path) -> None:
    code, output = _build(CliRunner(), handbook, tmp_path / "out")
    assert code == 0, output
    parsed = feedparser.parse((tmp_path / "out" / "essays" / "atom.xml").read_bytes())
    by_title = {e.title: e for e in parsed.entries}
    origins = by_title["Origins and intent"]
    assert origins.published.startswith("2020-01-27")
    assert "Where the circles came from" in origins.summary
    money = by_title["Money in small groups"]
    assert "How a circle can share money without spoiling its friendships." in money.summary
    # pages keep their page URL (folder/slug) so links into the handbook keep working
    assert origins.link == "https://handbook.example.org/essays/origins-and-intent/"


def test_sections_and_order_come_from_summary(handbook: Path) -> None:
    items = {i.source: i for i in _site(handbook).items}
    assert "SUMMARY.md" not in items
    assert items["essays/origins-and-intent.md"].section == "essays"
    assert items["essays/growing-as-a-host.md"].section == "essays"  # third level
    assert items["practices/practice-program/week-two.md"].section == "practices"
    assert items["participate/events.md"].section == "take-part"
    assert items["archive/retreat-notes.md"].section == "archive"
    assert items["README.md"].order == 1
    assert items["essays/README.md"].order == 2
    assert items["essays/origins-and-intent.md"].order == 3
    orders = [i.order for i in items.values() if i.order]
    assert sorted(orders) == list(range(1, len(orders) + 1))
    # target written with a backslash escape, a folder link, angle brackets, NFC vs NFD
    assert items["practices/weekly_review.md"].kind == "essay"
    assert items["practices/practice-program/README.md"].order > 0
    assert items["archive/gathering notes (2019).md"].kind == "essay"
    nfd = next(s for s in items if s.startswith("archive/caf"))
    assert items[nfd].kind == "essay" and items[nfd].date is not None


def test_navigation_pages_stay_pages(handbook: Path) -> None:
    items = {i.source: i for i in _site(handbook).items}
    for source in (
        "README.md",
        "essays/README.md",
        "practices/README.md",
        "practices/practice-program/README.md",
    ):
        assert items[source].kind == "page", source
        assert not items[source].draft


def test_undated_pages_are_named_in_one_warning(handbook: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["validate", "--config", str(handbook / "publish.toml"), "--content", str(handbook)]
    )
    assert result.exit_code == 0, result.output
    undated = [line for line in result.output.splitlines() if "in SUMMARY.md but undated" in line]
    assert len(undated) == 1
    assert "15 places" in undated[0] and "and 5 more" in undated[0]
    config = ["--config", str(handbook / "publish.toml"), "--content", str(handbook)]
    listed = CliRunner().invoke(main, ["validate", *config, "--format", "json"]).stdout
    named = [w for w in json.loads(listed)["warnings"] if "in SUMMARY.md but undated" in w]
    assert len(named) == 15
    for page in (
        "essays/frequently-asked-questions.md",
        "essays/on-leaving-well.md",
        "archive/glossary.md",
        "practices/listening-pairs.md",
    ):
        assert any(page in w for w in named), page
    assert not any("essays/README.md" in w for w in named)  # navigation needs no date


def test_pages_not_in_summary_are_reported_and_not_published(handbook: Path) -> None:
    site = _site(handbook)
    unlisted = {
        w.path.rsplit("handbook/", 1)[-1]
        for w in site.warnings
        if w.message == "not in SUMMARY.md; not published"
    }
    assert unlisted == {
        "print export/handbook-print.md",
        "print export/essays-print.md",
        "archive/2019 essays/first-letter.md",
        "archive/2019 essays/second-letter.md",
        "essays/a-note-on-words.md",
    }
    items = {i.source: i for i in site.items}
    assert items["print export/handbook-print.md"].draft
    assert items["print export/handbook-print.md"] not in site.pages()


def test_adding_a_page_to_summary_adds_it_to_the_feed(handbook: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    code, output = _build(runner, handbook, tmp_path / "before")
    assert code == 0, output
    before = feedparser.parse((tmp_path / "before" / "rss.xml").read_bytes())
    assert "A note on words" not in [e.title for e in before.entries]

    summary = handbook / "SUMMARY.md"
    text = summary.read_text(encoding="utf-8")
    text = text.replace(
        "  * [Frequently asked questions]",
        "  * [A note on words](essays/a-note-on-words.md)\n  * [Frequently asked questions]",
    )
    summary.write_text(text, encoding="utf-8")

    code, output = _build(runner, handbook, tmp_path / "after")
    assert code == 0, output
    after = feedparser.parse((tmp_path / "after" / "rss.xml").read_bytes())
    entry = next(e for e in after.entries if e.title == "A note on words")
    assert "07 Jul 2021 00:00:00 +0100" in entry.published  # from dates.yml, in the site zone
    assert len(after.entries) == len(before.entries) + 1
    assert "a-note-on-words.md" not in output  # no longer reported as unlisted


def test_link_report_names_exactly_the_planted_broken_links(
    handbook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(handbook)  # report paths relative to the handbook, as in the file
    result = CliRunner().invoke(
        main,
        [
            "links",
            "--content",
            ".",
            "--offline",
            "--format",
            "json",
            "--cache-dir",
            str(tmp_path / "cache"),
        ],
    )
    assert result.exit_code == 2, result.output
    rows = json.loads(result.stdout)
    broken = sorted(
        unicodedata.normalize("NFC", f"{r['source']} {r['url']}")
        for r in rows
        if r["status"] == "broken"
    )
    assert broken == expected_broken()
    ok = {r["url"] for r in rows if r["status"] == "ok"}
    # the redirect map finds old slugs; folder links, escapes and angle brackets resolve
    assert "https://handbook.example.org/essays/the-five-layers" in ok
    assert "https://handbook.example.org/get-involved" in ok
    assert "practice-program/" in ok
    assert "weekly_review.md" in ok
    assert "../archive/gathering notes (2019).md" in ok
    assert "print export/Handbook.pdf" in ok


def test_a_section_named_archive_is_listed_in_the_index_and_opml(
    handbook: Path, tmp_path: Path, runner: CliRunner
) -> None:
    """Only our own RFC 5005 archive pages are left out of the feed directory."""
    toml = handbook / "publish.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(
        text.replace('sections = ["essays", "practices"]', 'sections = ["archive", "essays"]')
        + "limit = 3\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    code, output = _build(runner, handbook, out)
    assert code == 0, output
    assert (out / "archive" / "rss.xml").is_file() and (out / "archive/archive/1/rss.xml").is_file()
    opml = (out / "feeds.opml").read_text(encoding="utf-8")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'xmlUrl="https://handbook.example.org/archive/rss.xml"' in opml
    for fmt in ("rss.xml", "atom.xml", "feed.json"):  # autodiscovery and the table
        url = f"https://handbook.example.org/archive/{fmt}"
        assert re.search(f'<link rel="alternate"[^>]* href="{re.escape(url)}">', index)
        assert f'<a href="{url}">' in index
    assert "/archive/1/" not in opml and "/archive/1/" not in index


def test_timings_name_the_render_of_a_space(handbook: Path, tmp_path: Path) -> None:
    """A space is rendered whole every build (no snapshot): its timings still say "render",
    so the rendering is not counted as planning."""
    args = ["build", "--config", str(handbook / "publish.toml"), "--content", str(handbook)]
    args += ["--out", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache"), "--timings"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    line = next(ln for ln in result.stderr.splitlines() if ln.startswith("timings: "))
    stages = re.findall(r"([a-z-]+) \d+\.\d\d s", line)
    assert stages == ["check", "start-up", "load", "render", "plan", "write", "finish"]


def _list_before_the_faq(handbook: Path, link: str) -> None:
    """Add ``link`` to SUMMARY.md's essays, before the FAQ."""
    summary = handbook / "SUMMARY.md"
    faq = "  * [Frequently asked questions]"
    text = summary.read_text(encoding="utf-8")
    summary.write_text(text.replace(faq, f"  * {link}\n{faq}"), encoding="utf-8")


def test_a_page_with_no_title_of_its_own_takes_its_link_text(
    handbook: Path, tmp_path: Path
) -> None:
    """GitBook titles a page with neither ``title:`` nor ``# H1`` by its link in SUMMARY.md
    (pages that open with an embed or a hint do this in real spaces); a page listed nowhere
    is still only reported, by its file name."""
    (handbook / "essays" / "headers.md").write_text(
        '{% embed url="https://web.dev/security-headers/" %}\n\nSet them on every answer.\n',
        encoding="utf-8",
    )
    (handbook / "essays" / "loose.md").write_text("No heading, not listed.\n", encoding="utf-8")
    _list_before_the_faq(handbook, "[HTTP *header* security](essays/headers.md)")
    with (handbook / "dates.yml").open("a", encoding="utf-8") as fh:
        fh.write("essays/headers.md: 2022-02-02\n")
    runner = CliRunner()
    for out in ("cold", "warm"):  # the second from the load cache
        code, output = _build(runner, handbook, tmp_path / out)
        assert code == 0, output
        assert "title: missing" not in output
        assert "essays/loose.md:1" in output  # among the unlisted pages, merged
        parsed = feedparser.parse((tmp_path / out / "essays" / "atom.xml").read_bytes())
        assert "HTTP header security" in [e.title for e in parsed.entries], out
        page = (tmp_path / out / "essays" / "headers" / "index.html").read_text(encoding="utf-8")
        assert "<h1>HTTP header security</h1>" in page or ">HTTP header security</h1>" in page
    items = {i.source: i for i in _site(handbook).items}
    assert items["essays/loose.md"].title == "Loose" and items["essays/loose.md"].draft


def test_gitbooks_mark_of_a_lost_link_is_named_as_such(handbook: Path, tmp_path: Path) -> None:
    """GitBook exports a link whose page it lost as ``broken-reference``: the warning says so
    at the link's line, rather than guessing a file that was meant."""
    page = handbook / "essays" / "origins-and-intent.md"
    lines = page.read_text(encoding="utf-8").splitlines()
    lines.append("See [the old guide](broken-reference).")
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, output = _build(CliRunner(), handbook, tmp_path / "out")
    assert code == 0, output
    line = len(lines)
    assert (
        f"essays/origins-and-intent.md:{line}: link: broken-reference points at nothing "
        "(file not found: essays/broken-reference; GitBook writes this in place of a link whose "
        "page it lost"
    ) in output


def test_an_empty_page_of_a_space_is_a_page_with_a_warning(handbook: Path, tmp_path: Path) -> None:
    """GitBook keeps a page created and never written as an empty file: in GitBook mode it is
    a page titled by its link (a warning says it is empty), not an error that stops the
    build; outside GitBook mode an empty file stays an error."""
    (handbook / "essays" / "soon.md").write_text("\n", encoding="utf-8")
    _list_before_the_faq(handbook, "[Coming soon](essays/soon.md)")
    runner = CliRunner()
    code, output = _build(runner, handbook, tmp_path / "out")
    assert code == 0, output
    assert "essays/soon.md:1: body: empty page: the file has no text" in output
    page = (tmp_path / "out" / "essays" / "soon" / "index.html").read_text(encoding="utf-8")
    assert ">Coming soon</h1>" in page
    origins = handbook / "essays" / "origins-and-intent.md"
    origins.write_text(origins.read_text(encoding="utf-8") + "\nOne more line.\n", "utf-8")
    code, output = _build(runner, handbook, tmp_path / "out")  # the empty page from the cache
    assert code == 0, output
    assert "essays/soon.md:1: body: empty page" in output
    toml = handbook / "publish.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('"gitbook"', '"plain"'), "utf-8")
    code, output = _build(runner, handbook, tmp_path / "plain")
    assert code == 2
    assert "essays/soon.md:1: file: empty file" in output


def test_a_warning_merged_over_many_files_names_ten_and_counts_the_rest(
    handbook: Path, tmp_path: Path
) -> None:
    """2,000 pages left out of SUMMARY.md once made one warning line of 60 KB."""
    for n in range(25):
        (handbook / "loose" / f"page-{n:02d}.md").parent.mkdir(exist_ok=True)
        (handbook / "loose" / f"page-{n:02d}.md").write_text(f"# Page {n}\n", encoding="utf-8")
    code, output = _build(CliRunner(), handbook, tmp_path / "out")
    assert code == 0, output
    line = next(x for x in output.splitlines() if "not in SUMMARY.md" in x)
    assert "(30 places: " in line  # the handbook's own five, and these
    assert line.count(".md:1") == 10
    assert line.endswith(" and 20 more: publish validate --format json lists them all)")
    config = ["--config", str(handbook / "publish.toml"), "--content", str(handbook)]
    result = CliRunner().invoke(main, ["validate", *config, "--format", "json"])
    listed = [w for w in json.loads(result.stdout)["warnings"] if "not in SUMMARY.md" in w]
    assert len(listed) == 30
