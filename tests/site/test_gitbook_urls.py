"""A GitBook space's own URLs (the table of contents' titles, nested; ``.gitbook.yaml``'s
redirects) keep working on the built site, and ``publish links`` accepts links written in them.

The fixture ``tests/fixtures/space`` is laid out as GitBook syncs one: ``.gitbook.yaml`` with
``root: ./docs/`` and ``redirects``, and titles that differ from the file names
(``[Vibes Program](practice-program/vibes.md)`` is served by GitBook at
``/practice-programs/vibes-program``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pipeline.cli import main
from pipeline.load.gitbook_urls import toc_paths
from pipeline.load.toc import parse_summary
from tests.conftest import FIXTURES
from tests.site.conftest import attrs, build, parse

SPACE = FIXTURES / "space"

GITBOOK_PATHS = {
    "practice-programs": "practice-program/README.md",
    "practice-programs/vibes-program": "practice-program/vibes.md",
    "practice-programs/vibes-program/week-one-arrive": "practice-program/week-1.md",
    "crewing": "practices/crew.md",
    "congregating-feasting": "practices/congregate.md",
}
"""GitBook's rule: the slug of each title, nested under its parent page, groups left out."""


@pytest.fixture(scope="module")
def space(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("space") / "space"
    shutil.copytree(SPACE, root)
    return root


@pytest.fixture(scope="module")
def site(space: Path) -> Path:
    result = build(space, space.parent / "out", content=space)
    assert result.exit_code == 0, result.output
    return space.parent / "out"


def _links(root: Path, tmp_path: Path) -> tuple[int, list[dict[str, str]]]:
    result = CliRunner().invoke(
        main,
        [
            "links",
            "--config",
            str(root / "publish.toml"),
            "--content",
            str(root),
            "--offline",
            "--format",
            "json",
            "--cache-dir",
            str(tmp_path / "cache"),
        ],
    )
    rows = json.loads(result.stdout) if result.stdout.strip().startswith("[") else []
    return result.exit_code, rows


def _page(source: str) -> str:
    """``/tmp/.../space/docs/practices/crew.md:3`` -> ``practices/crew.md``."""
    return source.rsplit(":", 1)[0].rpartition("/docs/")[2]


def test_the_table_of_contents_gives_gitbooks_paths() -> None:
    entries = parse_summary((SPACE / "docs" / "SUMMARY.md").read_text(encoding="utf-8"))
    sources = [p.relative_to(SPACE / "docs").as_posix() for p in SPACE.rglob("docs/**/*.md")]
    assert toc_paths(entries, sources, "README.md") == GITBOOK_PATHS


def test_a_page_shared_path_keeps_the_first_and_outside_links_still_nest() -> None:
    summary = (
        "* [Home](README.md)\n* [Guide](a.md)\n* [Guide](b.md)\n"
        "* [Forum](https://forum.example/)\n  * [Rules](c.md)\n"
    )
    paths = toc_paths(parse_summary(summary), ["README.md", "a.md", "b.md", "c.md"], "README.md")
    assert paths == {"guide": "a.md", "forum/rules": "c.md"}


def test_every_gitbook_url_and_gitbook_yaml_redirect_has_a_redirect_page(site: Path) -> None:
    old = {**GITBOOK_PATHS, "vibes": "practice-program/vibes.md"}
    old["old/crew-guide"] = "practices/crew.md"
    for path, source in old.items():
        page = site / path / "index.html"
        assert page.is_file(), path
        ours = "https://space.example.org/" + source.removesuffix(".md").removesuffix("README")
        ours = ours if ours.endswith("/") else ours + "/"
        tree = parse(page)
        assert attrs(tree, "link", rel="canonical")[0]["href"] == ours, path
        refresh = attrs(tree, "meta", http_equiv="refresh")[0]["content"]
        hops = path.count("/") + 1
        target = "../" * hops + ours.removeprefix("https://space.example.org/")
        assert refresh == f"0; url={target}", path
        assert (site / target.replace("../", "") / "index.html").is_file()


def test_our_own_pages_are_never_replaced_by_a_redirect(space: Path, tmp_path: Path) -> None:
    root = tmp_path / "space"
    shutil.copytree(space, root)
    # a title whose GitBook path is our own URL of another page
    summary = root / "docs" / "SUMMARY.md"
    summary.write_text(
        summary.read_text(encoding="utf-8")
        + "* [Practices](practices/README.md)\n  * [Crew](practices/crew-notes.md)\n",
        encoding="utf-8",
    )
    (root / "docs" / "practices" / "README.md").write_text("# Practices\n", encoding="utf-8")
    (root / "docs" / "practices" / "crew-notes.md").write_text("# Notes\n", encoding="utf-8")
    result = build(root, tmp_path / "out", content=root)
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out" / "practices" / "crew" / "index.html").read_text(encoding="utf-8")
    assert "Who does what." in page  # the page itself, not a redirect to it
    notes = tmp_path / "out" / "practices" / "practices" / "crew"
    assert not notes.exists()


def test_links_in_gitbooks_scheme_resolve_to_their_pages(space: Path, tmp_path: Path) -> None:
    code, rows = _links(space, tmp_path)
    assert code == 2
    status = {(_page(r["source"]), r["url"]): r["status"] for r in rows}
    assert status[("README.md", "/practice-programs/vibes-program")] == "ok"
    assert status[("README.md", "https://space.example.org/crewing#roles")] == "ok"
    vibes = "practice-program/vibes.md"
    assert status[(vibes, "/practice-programs/vibes-program/week-one-arrive")] == "ok"
    assert status[(vibes, "/congregating-feasting")] == "ok"
    assert status[(vibes, "/old/crew-guide")] == "ok"  # .gitbook.yaml's redirects
    assert status[("practices/congregate.md", "/practice-programs")] == "ok"
    broken = sorted(k for k, v in status.items() if v == "broken")
    assert broken == [
        ("practice-program/vibes.md", "/practice-programs/lost-program"),
        ("practices/congregate.md", "/crewing#nope"),  # the anchor is checked on the page
    ]


def _built_with(space: Path, tmp_path: Path, redirects: str) -> tuple[Path, Path, Result]:
    """A copy of the space whose .gitbook.yaml ends with ``redirects`` (from line 5), built."""
    root = tmp_path / "space"
    shutil.copytree(space, root)
    head = "root: ./docs/\n\nstructure:\n  readme: README.md\n"
    (root / ".gitbook.yaml").write_text(head + redirects)
    out = tmp_path / "out"
    return root, out, build(root, out, content=root)


def test_a_redirect_to_no_page_is_a_warning_at_its_line_and_the_rest_are_written(
    space: Path, tmp_path: Path
) -> None:
    """Real spaces keep redirects whose page has moved since (GitBook serves the space all
    the same): each is left out with a warning at its line, never the whole build stopped."""
    redirects = "redirects:\n  gone: missing.md\n  b: [x]\n  old/crew-guide: practices/crew.md\n"
    root, out, result = _built_with(space, tmp_path, redirects)
    assert result.exit_code == 0, result.output
    assert ".gitbook.yaml:6: redirects: gone: 'missing.md' is not a page of the space" in (
        result.output
    )
    assert ".gitbook.yaml:7: redirects: expected old/path: page.md; this redirect is left out" in (
        result.output
    )
    assert (out / "old" / "crew-guide" / "index.html").is_file()
    assert not (out / "gone").exists() and not (out / "b").exists()
    strict = build(root, tmp_path / "strict", content=root, extra=["--strict"])
    assert strict.exit_code == 2, strict.output
    assert ".gitbook.yaml:6: redirects: gone:" in strict.output


def test_a_redirect_to_a_page_that_has_since_had_children_finds_its_readme(
    space: Path, tmp_path: Path
) -> None:
    """GitBook moves ``program.md`` to ``program/README.md`` when the page gets children; a
    redirect written before still names ``program.md``."""
    _, out, result = _built_with(
        space, tmp_path, "redirects:\n  old-programs: practice-program.md\n"
    )
    assert result.exit_code == 0, result.output
    assert "redirects:" not in result.output
    tree = parse(out / "old-programs" / "index.html")
    href = attrs(tree, "link", rel="canonical")[0]["href"]
    assert href == "https://space.example.org/practice-program/"


def test_a_gitbook_yaml_whose_redirects_are_not_a_map_is_a_config_error(
    space: Path, tmp_path: Path
) -> None:
    root, out, result = _built_with(space, tmp_path, "redirects: [a, b]\n")
    assert result.exit_code == 3, result.output
    assert ".gitbook.yaml:5: redirects: expected a map of old path -> page file" in result.output
    assert not out.exists()
    code, _ = _links(root, tmp_path)
    assert code == 3


def test_a_title_too_long_for_a_folder_name_gets_no_old_path() -> None:
    """A table of contents' title of 300 characters made a redirect at a folder name of 300
    bytes: validate passed, and the build stopped half-way with "File name too long"
    (exit 3, output left half-written; a helper's finding)."""
    long = "x" * 300
    summary = f"# Summary\n\n* [Intro](README.md)\n* [{long}](page.md)\n  * [Child](child.md)\n"
    summary += "* [Short](short.md)\n"
    sources = ["README.md", "page.md", "child.md", "short.md"]
    paths = toc_paths(parse_summary(summary), sources, "README.md")
    assert paths == {"short": "short.md"}


def test_a_space_with_such_a_title_builds(tmp_path: Path) -> None:
    root = tmp_path / "space"
    root.mkdir()
    (root / "SUMMARY.md").write_text(f"# S\n\n* [Intro](README.md)\n* [{'y' * 300}](p.md)\n")
    (root / "README.md").write_text("# Intro\n\nHi.\n")
    (root / "p.md").write_text("# P\n\nText.\n")
    (root / "publish.toml").write_text('[site]\ntitle = "T"\nbase_url = "https://e.org/"\n')
    result = build(root, tmp_path / "out", content=root)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "p" / "index.html").is_file()
