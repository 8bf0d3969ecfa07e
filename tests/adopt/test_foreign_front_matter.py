"""Front matter as Hugo and Jekyll write it builds as it is, without loosening our own rules:
Jekyll's space-separated ``categories``, templated pages with no title, Hugo's ``_index.md``."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.conftest import small_site


def _build(tmp_path: Path, runner: CliRunner, files: dict[str, str]) -> tuple[int, str]:
    config = small_site(tmp_path, files, "Site T")
    result = runner.invoke(main, ["build", "--config", str(config), "--out", str(tmp_path / "o")])
    return result.exit_code, result.stderr


POST = "---\ntitle: P\ndate: 2024-01-01\nid: p1\n{key}: {value}\n---\nBody.\n"


def test_jekyll_categories_are_words(tmp_path: Path, runner: CliRunner) -> None:
    code, err = _build(
        tmp_path, runner, {"_posts/p.md": POST.format(key="categories", value="a b")}
    )
    assert code == 0, err
    import feedparser

    (entry,) = feedparser.parse((tmp_path / "o" / "rss.xml").read_bytes()).entries
    assert sorted(t.term for t in entry.tags) == ["a", "b"]


@pytest.mark.parametrize(
    ("key", "value"), [("tags", "a b"), ("tags", '"a, b"'), ("categories", '"a, b"')]
)
def test_other_strings_for_tags_stay_errors(
    tmp_path: Path, runner: CliRunner, key: str, value: str
) -> None:
    code, err = _build(tmp_path, runner, {"_posts/p.md": POST.format(key=key, value=value)})
    assert code == 2
    assert "_posts/p.md:5: tags: expected a list" in err


def test_a_templated_page_without_a_title_is_titled_as_jekyll_does(
    tmp_path: Path, runner: CliRunner
) -> None:
    code, err = _build(
        tmp_path,
        runner,
        {
            "index.md": "---\nlayout: home\n---\nHi.\n",
            "club-rules.md": "---\nlayout: page\n---\nBe kind.\n",
        },
    )
    assert code == 0, err
    home = (tmp_path / "o" / "index.html").read_text(encoding="utf-8")
    assert "Hi." in home and "Site T" in home
    rules = (tmp_path / "o" / "club-rules" / "index.html").read_text(encoding="utf-8")
    assert "Club rules" in rules


def test_a_page_without_a_title_is_titled_as_mkdocs_does_and_warned(
    tmp_path: Path, runner: CliRunner
) -> None:
    """A real MkDocs project's page opened with a ``##`` heading: every build stopped. A page
    with no title of its own takes its file's name (its folder's for a README), as MkDocs
    does, with a warning; a feed item without one is still an error (a feed entry needs it)."""
    code, err = _build(
        tmp_path,
        runner,
        {
            "club-notes.md": "---\ndescription: x\n---\nText.\n",
            "guides/5ParameterValidation.md": "## Parameter validation\n\nText.\n",
            "guides/Open_API/README.md": "Text.\n",
        },
    )
    assert code == 0, err
    assert "club-notes.md:1: title: missing: titled 'Club notes' from the file name" in err
    for page, title in (
        ("club-notes", "Club notes"),
        ("guides/5parametervalidation", "5ParameterValidation"),
        ("guides/Open_API", "Open API"),
    ):
        html = (tmp_path / "o" / page / "index.html").read_text(encoding="utf-8")
        assert f"<title>{title} " in html or f"<title>{title}<" in html, (page, html[:400])
    code, err = _build(tmp_path, runner, {"essays/untitled.md": "---\ndate: 2024-01-01\n---\nT\n"})
    assert code == 2 and "essays/untitled.md:1: title: missing: add a 'title:' key" in err


def test_hugo_index_pages_are_their_folders_page(tmp_path: Path, runner: CliRunner) -> None:
    code, err = _build(
        tmp_path,
        runner,
        {
            "posts/_index.md": '+++\ntitle = "All posts"\n+++\nThe list.\n',
            "posts/one.md": '+++\ntitle = "One"\ndate = 2024-01-02\nid = "o1"\n+++\nFirst.\n',
        },
    )
    assert code == 0, err
    assert "The list." in (tmp_path / "o" / "posts" / "index.html").read_text(encoding="utf-8")
    assert (tmp_path / "o" / "essays" / "one" / "index.html").is_file()


HUGO_PAGES = {
    "docs/_index.md": "---\ntitle: Docs\n---\nAll docs.\n",
    "docs/guide.md": "---\ntitle: Guide\n---\nRead on.\n",
    "docs/_common/_index.md": (
        "---\ntitle: Snippets\ncascade:\n  build:\n    list: never\n    render: never\n---\n"
    ),
    "docs/_common/snippet.md": "---\n_comment: a snippet\n---\nShared words.\n",
    "docs/_common/keep/_index.md": (
        "---\ntitle: Kept\ncascade:\n- build:\n    render: always\n---\nKept.\n"
    ),
    "docs/_common/keep/page.md": "---\ntitle: Kept page\n---\nShown.\n",
    "docs/_common/own.md": "---\ntitle: Own\nbuild:\n  render: always\n---\nShown too.\n",
    "docs/bundle/index.md": "---\ntitle: Headless\nheadless: true\n---\nHidden.\n",
    "docs/hidden.md": "---\ntitle: Hidden\n_build:\n  render: false\n---\nHidden.\n",
}


def _published(out: Path) -> set[str]:
    return {p.parent.relative_to(out).as_posix() for p in out.rglob("index.html")}


def test_hugos_build_options_and_cascade_decide_what_is_published(
    tmp_path: Path, runner: CliRunner
) -> None:
    """Hugo's own documentation keeps 202 snippet pages under a section whose ``cascade``
    says ``build: {render: never}``: they were published as pages (and warned about as
    unknown keys). A page's own ``build``/``_build``/``headless`` and the nearest ancestor
    section's cascade decide, as in Hugo; a cascade changed on an edit is applied to every
    page below it on that build."""
    code, err = _build(tmp_path, runner, HUGO_PAGES)
    assert code == 0, err
    assert "unknown key" not in err.replace("_comment: unknown key", "")
    pages = _published(tmp_path / "o")
    assert {"docs", "docs/guide", "docs/_common"} <= pages  # a cascade is for what is below
    assert {"docs/_common/keep/page", "docs/_common/own"} <= pages  # said otherwise, nearer
    hidden = {"docs/_common/snippet", "docs/_common/keep", "docs/bundle", "docs/hidden"}
    assert not hidden & pages
    index = tmp_path / "content" / "docs" / "_common" / "_index.md"
    index.write_text("---\ntitle: Snippets\n---\n", encoding="utf-8")  # the cascade removed
    code, err = _build(tmp_path, runner, {})
    assert code == 0, err
    assert "docs/_common/snippet" in _published(tmp_path / "o")
    index.write_text(HUGO_PAGES["docs/_common/_index.md"], encoding="utf-8")
    code, err = _build(tmp_path, runner, {})
    assert code == 0, err
    assert "docs/_common/snippet" not in _published(tmp_path / "o")
