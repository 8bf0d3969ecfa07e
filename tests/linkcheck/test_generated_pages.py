"""``publish links`` takes a link to a file the build makes beside the items' pages (a section's
list, a tag's page, a feed, the sitemap, a theme file) as a link to the site: the build plans
them, and the checker is given that plan (``build.preflight.planned_urls``), not a list of its
own. A path the build does not make stays broken."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urljoin

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.linkcheck.local import LocalChecker
from pipeline.model import LinkRef
from tests.conftest import small_site

ESSAY = "---\ntitle: {title}\ndate: 2024-01-0{day}\nid: {id}\ntags: [{tag}]\n---\nText.\n"
EVENT = (
    "---\ntitle: Call\ndate: 2024-01-01\nid: call\nstarts: 2030-01-01T10:00:00Z\n"
    "ends: 2030-01-01T11:00:00Z\n---\nCome.\n"
)
FILES = {
    "essays/a.md": ESSAY.format(title="A", day=1, id="a", tag="tea"),
    "essays/b.md": ESSAY.format(title="B", day=2, id="b", tag="coffee"),
    "events/call.md": EVENT,
}


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _linking(config: Path, urls: list[str]) -> None:
    """``essays/links.md``: a page whose body links each of ``urls``."""
    body = "".join(f"[link {n}]({url})\n\n" for n, url in enumerate(urls))
    page = "---\ntitle: Links\ndate: 2024-01-03\nid: links\n---\n" + body
    (config.parent / "content" / "essays" / "links.md").write_text(page, encoding="utf-8")


def _links(config: Path) -> tuple[int, dict[str, dict[str, str]]]:
    args = ["links", "--offline", "--format", "json", "--config", str(config)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code in (0, 2), (result.stdout, result.stderr)
    return result.exit_code, {row["url"]: row for row in json.loads(result.stdout)}


def _built(config: Path) -> list[str]:
    """The files a build of the site writes (its own bookkeeping left out), as paths."""
    out = config.parent / "out"
    result = CliRunner().invoke(main, ["build", "--config", str(config), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return sorted(
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.is_file() and not p.name.startswith(".publish")
    )


def test_a_link_to_every_file_the_build_writes_is_ok_and_leads_there(tmp_path: Path) -> None:
    config = small_site(tmp_path, FILES)
    _linking(config, ["/"])  # the page itself, so that the build below writes it
    files = _built(config)
    # the kinds of output this test is about are among them
    for made in ("essays/index.html", "tags/tea/index.html", "rss.xml", "events.ics"):
        assert made in files
    # (the search index's files are named after the words of the pages, made after the plan:
    # no page links them)
    made = [f for f in files if not f.startswith("search/")]
    urls = ["https://e.org/" + f for f in made]  # a file by its address
    urls += ["/" + f.removesuffix("index.html") for f in made if f.endswith("index.html")]
    urls += ["https://e.org/tags/coffee/", "/essays", "/essays/#x"]
    _linking(config, urls)
    code, rows = _links(config)
    broken = {u: r["reason"] for u, r in rows.items() if r["status"] != "ok"}
    assert broken == {}
    assert code == 0
    # and each leads to a file of the built site, as the page writes it
    _built(config)
    out = config.parent / "out"
    page = (out / "essays/links/index.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'<a href="([^"#]*)[^"]*">link \d+</a>', page)
    assert len(hrefs) == len(urls)
    for href in hrefs:
        path = urljoin("https://e.org/essays/links/", href).removeprefix("https://e.org/")
        target = out / unquote(path)
        assert (target / "index.html" if target.is_dir() else target).is_file(), href


def test_a_link_from_the_root_to_a_file_names_a_file_of_the_content(tmp_path: Path) -> None:
    """``[feed](/rss.xml)``: the renderer reads a path from the root as a file of the content
    (as GitBook does) and links a copy beside the page, which there is not; the checker said
    ok once it knew the build writes /rss.xml (a helper's finding). The file's address works."""
    config = small_site(tmp_path, FILES)
    ok = ["https://e.org/rss.xml", "//e.org/rss.xml"]
    files_from_root = ["/rss.xml", "/essays/index.html"]
    _linking(config, [*files_from_root, *ok])
    code, rows = _links(config)
    assert code == 2
    for url in files_from_root:
        assert rows[url]["status"] == "broken", url
    assert rows["/rss.xml"]["suggestion"] == "link https://e.org/rss.xml"
    assert rows["https://e.org/rss.xml"]["status"] == "ok"
    # (a protocol-relative link is not one from the root: --offline leaves it to the web)
    # a list whose name has a dot (a GitBook section "Release 4.5") is a list, not a file
    checker = LocalChecker(
        tmp_path, [], base_url="https://e.org/", generated=lambda: {"https://e.org/v4.5/"}
    )
    assert checker.check(LinkRef("essays/a.md", 1, "/v4.5/", "", "link")).status == "ok"


def test_a_path_the_build_does_not_make_is_still_broken(tmp_path: Path) -> None:
    config = small_site(tmp_path, FILES)
    missing = ["/tags/milk/", "https://e.org/essays/rss2.xml", "/nope/", "/events/atom.xml"]
    _linking(config, ["/tags/tea/", *missing])
    code, rows = _links(config)
    assert code == 2
    assert rows["/tags/tea/"]["status"] == "ok"
    assert {u: rows[u]["status"] for u in missing} == dict.fromkeys(missing, "broken")


def test_on_a_site_under_a_path_the_lists_are_below_its_base(tmp_path: Path) -> None:
    config = small_site(tmp_path, FILES, base_url="https://e.org/docs/")
    inside = ["/docs/essays/", "https://e.org/docs/tags/tea/", "https://e.org/docs/rss.xml"]
    _linking(config, [*inside, "/docs/tags/milk/"])
    code, rows = _links(config)
    assert {u: rows[u]["status"] for u in inside} == dict.fromkeys(inside, "ok")
    assert rows["/docs/tags/milk/"]["status"] == "broken"
    assert code == 2


def test_with_feeds_elsewhere_the_pages_are_still_at_the_sites_base(tmp_path: Path) -> None:
    """With ``feeds_url`` set, every file was taken to be at the feeds' address: the site's
    own lists were reported broken (a helper's finding)."""
    config = small_site(tmp_path, FILES, base_url="https://e.org/docs/")
    with config.open("a", encoding="utf-8") as f:
        f.write('feeds_url = "https://feeds.e.org/f/"\n')
    inside = ["/docs/essays/", "/docs/tags/tea/", "https://feeds.e.org/f/rss.xml"]
    _linking(config, inside)
    code, rows = _links(config)
    assert {u: rows[u]["status"] for u in inside if u in rows} == {
        "/docs/essays/": "ok",
        "/docs/tags/tea/": "ok",
    }
    assert code == 0
