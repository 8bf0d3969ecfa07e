"""One owner per file of the site: a page, list page or alias that another already has is a
content error naming both sides (exit 2, nothing written), in ``build`` and ``validate``
alike. They were resolved in silence: a page ``tags/x.md`` replaced the list of tag ``x``, an
alias on another item's URL was dropped, one of two items' alias won (hostile sweep). A
page or alias inside another output's file (slug ``rss.xml`` beside the feed) passed
``validate`` and failed ``build`` half-way, after the feeds were written.

A folder's own page (``essays/_index.md``) standing in for its folder's list is the
documented convention (README: "Hugo's ``_index.md`` is its folder's page"), not a clash.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.gitbook.conftest import write_space
from tests.hostile.sites import Run, assert_clean_outcome, essay, make_site, run_build


def page(title: str, **extra: str) -> str:
    lines = ["---", f"title: {title}", *(f"{k}: {v}" for k, v in extra.items()), "---", ""]
    return "\n".join([*lines, f"The page {title}.\n"])


ESSAYS = {
    "essays/a.md": essay("A", date="2024-01-01", id="a", tags="[x]"),
    "essays/b.md": essay("B", date="2024-01-02", id="b", tags="[x]"),
}

CLASHES = {
    "tag list": (
        {"tags/x.md": page("Tag X")},
        "content/tags/x.md:1: url: /tags/x/ is the list page of tag 'x'; move the page or "
        "rename it (a folder's own page, tags/x/_index.md, stands in for the list)",
    ),
    "section list": (
        {"essays.md": page("Essays")},
        "content/essays.md:1: url: /essays/ is the list page of section 'essays'; move the page "
        "or rename it (a folder's own page, essays/_index.md, stands in for the list)",
    ),
    "later list page": (
        {"tags/x/page/2.md": page("Two")},
        "content/tags/x/page/2.md:1: url: /tags/x/page/2/ is page 2 of the list of tag 'x'; "
        "move the page or rename it",
    ),
    "archive": (
        {"archive/2024.md": page("Old year", slug="'2024'")},
        "content/archive/2024.md:3: url: /archive/2024/ is the list page of the archive of "
        "2024; move the page or rename it (a folder's own page, archive/2024/_index.md, "
        "stands in for the list)",
    ),
    "alias on an item's URL": (
        {"essays/c.md": essay("C", date="2024-01-03", id="c", aliases="['/essays/b/']")},
        "content/essays/c.md:5: aliases: /essays/b/ is the URL of essays/b.md:1; remove the "
        "alias (an alias is an old URL no page has now)",
    ),
    "alias on a list page": (
        {"about.md": page("About", aliases="['/tags/x/']")},
        "content/about.md:3: aliases: /tags/x/ is the list page of tag 'x'; remove the alias "
        "(an alias is an old URL no page has now)",
    ),
    "alias on the 404 page": (
        {"about.md": page("About", aliases="['/404.html']")},
        "content/about.md:3: aliases: /404.html is the site's 404 page; remove the alias "
        "(an alias is an old URL no page has now)",
    ),
    "page inside a feed": (
        {"essays/c.md": essay("C", date="2024-01-03", id="c", slug="rss.xml")},
        "content/essays/c.md:5: url: /essays/rss.xml/ would be written inside /essays/rss.xml, "
        "which is the feed essays/rss.xml; give it another slug",
    ),
    "alias inside the 404 page": (
        {"about.md": page("About", aliases="['/404.html/']")},
        "content/about.md:3: aliases: /404.html/ would be written inside /404.html, which is "
        "the site's 404 page; remove the alias",
    ),
    "alias inside an alias": (
        {
            "essays/c.md": essay("C", date="2024-01-03", id="c", aliases="['/old.html']"),
            "essays/d.md": essay("D", date="2024-01-04", id="d", aliases="['/old.html/x/']"),
        },
        "content/essays/d.md:5: aliases: /old.html/x/ would be written inside /old.html, which "
        "is an alias of essays/c.md:5; remove the alias",
    ),
    "one alias on two items": (
        {
            "essays/c.md": essay("C", date="2024-01-03", id="c", aliases="['/old/']"),
            "essays/d.md": essay("D", date="2024-01-04", id="d", aliases="['/old']"),
        },
        "content/essays/d.md:5: aliases: /old is also an alias of essays/c.md:5; give each "
        "old URL to one item",
    ),
}


def _site(root: Path, files: dict[str, str], per_page: int = 0) -> Path:
    make_site(root, {**ESSAYS, **files})
    if per_page:
        with (root / "publish.toml").open("a", encoding="utf-8") as toml:
            toml.write(f"\n[theme]\nper_page = {per_page}\n")
    return root


def _validate(root: Path) -> Run:
    args = ["validate", "--config", str(root / "publish.toml"), "--quiet"]
    result = CliRunner().invoke(main, args)
    return Run(result.exit_code, result.stdout, result.stderr, result.exception)


def _problems(run: Run) -> list[str]:
    return [line.replace("\\", "/") for line in run.problems]


def _shown(run: Run, root: Path) -> list[str]:
    """The problems with the site's folder left out (they name content/... under it)."""
    return [line.split(f"{root.as_posix()}/", 1)[-1] for line in _problems(run)]


@pytest.mark.parametrize("case", list(CLASHES))
def test_a_clash_is_a_content_error_naming_both_sides(tmp_path: Path, case: str) -> None:
    files, expected = CLASHES[case]
    root = _site(tmp_path, files, per_page=1 if case == "later list page" else 0)
    run = run_build(root)
    assert_clean_outcome(run)
    assert run.exit_code == 2, run.stderr
    assert _shown(run, root) == [expected]
    assert not (root / "out").exists() or not any((root / "out").iterdir())


@pytest.mark.parametrize("case", list(CLASHES))
def test_validate_reports_the_clashes_build_reports(tmp_path: Path, case: str) -> None:
    files, expected = CLASHES[case]
    root = _site(tmp_path, files, per_page=1 if case == "later list page" else 0)
    checked = _validate(root)
    assert checked.exit_code == 2, checked.stderr
    assert _shown(checked, root) == [expected]
    assert _problems(checked) == _problems(run_build(root))


def test_every_clash_is_reported_at_once(tmp_path: Path) -> None:
    files = {
        k: v
        for case in ("tag list", "section list", "one alias on two items")
        for k, v in CLASHES[case][0].items()
    }
    root = _site(tmp_path, files)
    run = run_build(root)
    assert run.exit_code == 2
    assert len(_problems(run)) == 3, run.stderr
    assert "3 content errors; nothing written." in run.stderr


def test_a_clash_added_by_an_edit_stops_the_next_build(tmp_path: Path) -> None:
    """An edit that keeps the item's id and URL is loaded alone (the snapshot serves the
    rest): the clash is still found, and the last build's files are left as they were."""
    root = _site(tmp_path, {"essays/c.md": essay("C", date="2024-01-03", id="c")})
    assert run_build(root).exit_code == 0
    redirect = root / "out" / "essays" / "b" / "index.html"
    before = redirect.read_bytes()
    (root / "content" / "essays" / "c.md").write_text(
        essay("C", date="2024-01-03", id="c", aliases="['/essays/b/']"), encoding="utf-8"
    )
    run = run_build(root)
    assert run.exit_code == 2, run.stderr
    assert _shown(run, root) == [CLASHES["alias on an item's URL"][1]]
    assert redirect.read_bytes() == before


def test_a_folders_own_page_stands_in_for_its_list(tmp_path: Path) -> None:
    """Hugo's ``_index.md`` (and README.md, index.md) is its folder's page, at its URL,
    also where a section's or a tag's list would be: the convention is kept."""
    root = _site(
        tmp_path,
        {"essays/_index.md": page("All essays"), "tags/x/_index.md": page("About x")},
    )
    run = run_build(root)
    assert run.exit_code == 0, run.stderr
    out = root / "out"
    assert "The page All essays." in (out / "essays" / "index.html").read_text(encoding="utf-8")
    assert "The page About x." in (out / "tags" / "x" / "index.html").read_text(encoding="utf-8")


def test_a_site_without_clashes_builds_its_redirects(tmp_path: Path) -> None:
    """Aliases on free paths get their redirect page; an alias that is the item's own URL,
    or one old path written two ways on one item, is no clash."""
    root = _site(
        tmp_path,
        {
            "essays/c.md": essay(
                "C", date="2024-01-03", id="c", aliases="['/essays/c/', '/old', '/old/']"
            ),
            "about.md": page("About", aliases="['/about-us/', '/2019/about.html']"),
            "tags.md": page("Tags"),
        },
    )
    run = run_build(root)
    assert run.exit_code == 0, run.stderr
    out = root / "out"
    for rel, target in (
        ("old/index.html", "essays/c/"),
        ("about-us/index.html", "about/"),
        ("2019/about.html", "about/"),
    ):
        assert f"https://hostile.example.org/{target}" in (out / rel).read_text(encoding="utf-8")
    assert "Some text." in (out / "essays" / "c" / "index.html").read_text(encoding="utf-8")
    assert "The page Tags." in (out / "tags" / "index.html").read_text(encoding="utf-8")
    assert _validate(root).exit_code == 0


SPACE = {
    "SUMMARY.md": "# Summary\n\n* [Home](README.md)\n* [Other](other.md)\n"
    "* [Notes](notes.md)\n  * [First](notes/first.md)\n",
    "README.md": "# Home\n\nWelcome.\n",
    "other.md": "# Other\n\nA part of its own.\n",
    "notes.md": "# Notes\n\nThe part's page.\n",
    "notes/first.md": "# First\n\nA dated page.\n",
    "dates.yml": "other.md: 2024-01-03\nnotes/first.md: 2024-01-04\n",
}


def _space_build(root: Path) -> Run:
    args = ["build", "--config", str(root / "publish.toml"), "--content", str(root)]
    args += ["--out", str(root.parent / "out"), "--cache-dir", str(root.parent / "cache")]
    result = CliRunner().invoke(main, args)
    return Run(result.exit_code, result.stdout, result.stderr, result.exception)


def test_a_gitbook_part_page_stands_in_for_its_sections_list(tmp_path: Path) -> None:
    """In a GitBook space every page keeps the URL GitBook gave it: the page a part of
    SUMMARY.md is named after (``other.md``: section ``other``, at ``/other/``) stands in for
    that section's list, whether it is dated or not (``notes.md``)."""
    root = write_space(tmp_path / "space", SPACE)
    run = _space_build(root)
    assert run.exit_code == 0, run.stderr
    out = tmp_path / "out"
    assert "A part of its own." in (out / "other" / "index.html").read_text(encoding="utf-8")
    assert "The part's page." in (out / "notes" / "index.html").read_text(encoding="utf-8")


def test_a_gitbook_alias_on_another_pages_url_is_still_a_clash(tmp_path: Path) -> None:
    files = {**SPACE, "notes/first.md": "---\naliases: ['/other/']\n---\n# First\n\nDated.\n"}
    root = write_space(tmp_path / "space", files)
    run = _space_build(root)
    assert run.exit_code == 2, run.stderr
    assert [line.split("/space/", 1)[-1] for line in _problems(run)] == [
        "notes/first.md:2: aliases: /other/ is the URL of other.md:1; remove the alias "
        "(an alias is an old URL no page has now)"
    ]
    assert not (tmp_path / "out").exists()
