"""Hugo's build options (front matter ``build``, older ``_build``): ``list: never`` builds the
page but no list has it (section, tag, archive and home lists, the menu, every feed, the
sitemap, the search index); ``render: link`` writes no page but lists and feeds still link
to its URL; ``render: never`` makes a draft. Once ``list: never`` was ignored (the page was
in every list and feed) and ``render: link`` wrote the page; a value Hugo does not know is a
content error at the line of ``build``, naming ``build.list`` and what is expected."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from tests.conftest import run_site, small_site

FILES = {
    "posts/shown.md": "---\ntitle: Shown\ndate: 2024-01-01\nid: s1\ntags: [x]\n---\nShown body.\n",
    "posts/secret.md": (
        "---\ntitle: Secret\ndate: 2024-01-02\nid: s2\ntags: [x]\nbuild:\n  list: never\n---\n"
        "Secret body.\n"
    ),
    "posts/linked.md": (
        "---\ntitle: Linked\ndate: 2024-01-03\nid: s3\ntags: [x]\n_build:\n  render: link\n"
        "aliases: [/old-linked/]\n---\n"
        "Linked body.\n"
    ),
    "posts/local.md": (
        "---\ntitle: Local\ndate: 2024-01-04\nid: s4\nbuild: {list: local}\n---\nLocal body.\n"
    ),
    "posts/gone.md": (
        "---\ntitle: Gone\ndate: 2024-01-05\nid: s5\nbuild: {render: never}\n---\nGone body.\n"
    ),
    "docs/about.md": "---\ntitle: About\n---\nAbout.\n",
    "docs/quiet.md": "---\ntitle: Quiet\nbuild: {list: false}\n---\nQuiet.\n",
}


@pytest.fixture
def built(tmp_path: Path, runner: CliRunner) -> Path:
    result = run_site(runner, "build", small_site(tmp_path, FILES))
    assert result.exit_code == 0, result.output
    return tmp_path / "out"


LISTS = ("index.html", "essays/index.html", "tags/x/index.html", "archive/2024/index.html")
FEEDS = ("rss.xml", "atom.xml", "feed.json", "essays/rss.xml", "essays/atom.xml")


def _feed_links(out: Path, name: str) -> set[str]:
    if name.endswith(".json"):
        return {i["url"] for i in json.loads((out / name).read_bytes())["items"]}
    return {entry.link for entry in feedparser.parse((out / name).read_bytes()).entries}


def test_list_never_builds_the_page_but_no_list_or_feed_has_it(built: Path) -> None:
    page = built / "essays/secret/index.html"
    assert "Secret body." in page.read_text(encoding="utf-8")
    assert "noindex" not in page.read_text(encoding="utf-8")  # unlisted, not hidden from search
    for name in LISTS:
        text = (built / name).read_text(encoding="utf-8")
        assert "Shown" in text and "essays/secret/" not in text and "Secret" not in text, name
    for name in FEEDS:
        links = _feed_links(built, name)
        assert "https://e.org/essays/shown/" in links, name
        assert "https://e.org/essays/secret/" not in links, name
    sitemap = (built / "sitemap.xml").read_text(encoding="utf-8")
    assert "https://e.org/essays/shown/" in sitemap
    assert "/essays/secret/" not in sitemap and "/docs/quiet/" not in sitemap
    docs = json.loads((built / "search/docs/0.json").read_bytes())
    urls = {row[0] for row in docs}
    assert "essays/shown/" in urls and "docs/about/" in urls
    assert not {"essays/secret/", "docs/quiet/"} & urls


def test_a_page_with_list_false_is_built_but_left_out_of_the_menu(built: Path) -> None:
    """Hugo's older ``list: false`` is ``never``: the page is there, the menu does not link it."""
    assert "Quiet." in (built / "docs/quiet/index.html").read_text(encoding="utf-8")
    about = (built / "docs/about/index.html").read_text(encoding="utf-8")
    assert "docs/about/" in (built / "index.html").read_text(encoding="utf-8")
    assert "docs/quiet/" not in about and "docs/quiet/" not in (built / "index.html").read_text(
        encoding="utf-8"
    )


def test_render_link_writes_no_page_but_lists_and_feeds_link_its_url(built: Path) -> None:
    """Nor a redirect at its alias, to a page never written (Hugo writes none either)."""
    assert not (built / "essays/linked").exists()
    assert not (built / "old-linked").exists()
    for name in LISTS:
        assert "essays/linked/" in (built / name).read_text(encoding="utf-8"), name
    for name in FEEDS:
        assert "https://e.org/essays/linked/" in _feed_links(built, name), name
    assert "https://e.org/essays/linked/" in (built / "sitemap.xml").read_text(encoding="utf-8")


def test_render_never_is_a_draft_and_list_local_is_listed(built: Path) -> None:
    """``render: never``: no page and no list has it, as before; ``list: local`` is read as
    ``always`` (our sections hold no nested sections)."""
    assert not (built / "essays/gone").exists()
    assert (built / "essays/local/index.html").is_file()
    for name in FEEDS:
        links = _feed_links(built, name)
        assert "https://e.org/essays/local/" in links and "https://e.org/essays/gone/" not in links


BAD = {
    "list word": ("build:\n  list: sometimes\n", "build.list", "always, local or never"),
    "render word": ("_build:\n  render: Never\n", "_build.render", "always, link or never"),
    "render text false": ("build:\n  render: 'false'\n", "build.render", "always, link or never"),
    "publishResources": ("build:\n  publishResources: 'no'\n", "build.publishResources", "true"),
    "not a map": ("build: never\n", "build", "a map such as {list: never}"),
}


@pytest.mark.parametrize("command", ["validate", "build"])
@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_a_value_hugo_does_not_know_is_an_error_at_its_line(
    tmp_path: Path, runner: CliRunner, command: str, case: str
) -> None:
    front, field, expected = BAD[case]
    text = f"---\ntitle: A\ndate: 2024-01-01\nid: a\n{front}---\nBody.\n"
    result = run_site(runner, command, small_site(tmp_path, {"posts/a.md": text}))
    assert result.exit_code == 2, result.output
    assert f"content/posts/a.md:5: {field}: expected {expected}" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_a_sections_cascaded_list_never_holds_when_one_page_is_edited_alone(
    tmp_path: Path, runner: CliRunner
) -> None:
    """``cascade: {build: {list: never}}`` in a section's ``_index.md`` leaves its pages out
    of every list (the sitemap, the menu), on the first build and after one of them is edited
    alone (once the cascade of ``list`` was not read at all)."""
    files = {
        "docs/notes/_index.md": "---\ntitle: Notes\ncascade:\n  build:\n    list: never\n---\n",
        "docs/notes/one.md": "---\ntitle: One\n---\nOne.\n",
        "docs/about.md": "---\ntitle: About\n---\nAbout.\n",
    }
    config = small_site(tmp_path, files)
    for edit in ("", "\nEdited.\n"):
        if edit:
            with (tmp_path / "content" / "docs" / "notes" / "one.md").open("a") as f:
                f.write(edit)
        result = run_site(runner, "build", config)
        assert result.exit_code == 0, result.output
        out = tmp_path / "out"
        assert (out / "docs" / "notes" / "one" / "index.html").is_file()
        assert "notes/one" not in (out / "sitemap.xml").read_text(encoding="utf-8")
        assert 'notes/one/"' not in (out / "docs" / "about" / "index.html").read_text()


def test_build_and_build_underscored_together_the_first_is_obeyed(
    tmp_path: Path, runner: CliRunner
) -> None:
    """Given both, ``_build`` is ignored, as the warning says (once its ``render: never``
    made a draft all the same)."""
    files = {
        "posts/both.md": (
            "---\ntitle: Both\ndate: 2024-01-01\nid: b1\nbuild:\n  list: never\n"
            "_build:\n  render: never\n---\nBoth.\n"
        ),
    }
    result = run_site(runner, "build", small_site(tmp_path, files))
    assert result.exit_code == 0, result.output
    assert "posts/both.md:5: build: given with '_build': '_build' (line 7) is ignored" in (
        result.stderr
    )
    assert (tmp_path / "out" / "essays" / "both" / "index.html").is_file()
    assert "essays/both" not in (tmp_path / "out" / "sitemap.xml").read_text(encoding="utf-8")


BAD_CASCADES = {
    "a list value": ("cascade:\n  build: {list: 5}\n", "cascade.build.list: expected always"),
    "a render map": ("cascade:\n  _build: {render: {x: 1}}\n", "cascade._build.render: expected"),
    "resources": ("cascade:\n  - build: {publishResources: 1}\n", "cascade.build.publishResources"),
    "build a list": ("cascade:\n  build: [never]\n", "cascade.build: expected a map such as"),
    "a string": ("cascade: never\n", "cascade: expected a map such as {build: {list: never}}"),
    "a list of numbers": ("cascade: [1, 2]\n", "cascade: expected a map such as"),
}


@pytest.mark.parametrize("command", ["build", "validate"])
@pytest.mark.parametrize("case", list(BAD_CASCADES), ids=list(BAD_CASCADES))
def test_a_cascade_hugo_would_not_read_is_an_error_at_its_line(
    tmp_path: Path, runner: CliRunner, case: str, command: str
) -> None:
    """A section's ``cascade`` was read without a check: ``build: {list: 5}`` or
    ``cascade: never`` said nothing, and its pages were listed without a word, where the
    same value on a page is a content error."""
    cascade, expected = BAD_CASCADES[case]
    files = {
        "docs/notes/_index.md": f"---\ntitle: Notes\n{cascade}---\n",
        "docs/notes/one.md": "---\ntitle: One\n---\nOne.\n",
    }
    result = run_site(runner, command, small_site(tmp_path, files))
    assert result.exit_code == 2, result.output
    assert f"content/docs/notes/_index.md:3: {expected}" in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_an_unknown_option_in_a_cascade_is_a_warning_and_the_rest_is_read(
    tmp_path: Path, runner: CliRunner
) -> None:
    files = {
        "docs/notes/_index.md": "---\ntitle: Notes\ncascade:\n  build: {list: never, sort: 1}\n---\n",
        "docs/notes/one.md": "---\ntitle: One\n---\nOne.\n",
    }
    result = run_site(runner, "build", small_site(tmp_path, files))
    assert result.exit_code == 0, result.output
    assert "content/docs/notes/_index.md:3: cascade.build.sort: unknown build option" in (
        result.stderr
    )
    out = tmp_path / "out"
    assert (out / "docs" / "notes" / "one" / "index.html").is_file()
    assert "notes/one" not in (out / "sitemap.xml").read_text(encoding="utf-8")
