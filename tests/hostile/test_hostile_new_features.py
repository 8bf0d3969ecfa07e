"""Hostile input to the features of one day: Hugo's build options in front matter (``build``,
``_build``, a section's ``cascade``), relative aliases, the scheme given to protocol-relative
URLs in feeds, and ``--format json`` failure documents.

``build: {Render: never}`` was checked and accepted (Hugo reads an option's name in any case,
and so does the check), then the page was published all the same, in every feed: the load
read only ``render`` spelled in lower case. So was a section's cascade of ``Render: never``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import run_site, small_site
from tests.timing import assert_linear


def _post(front: str, name: str = "a") -> str:
    return f"---\ntitle: {name.upper()}\ndate: 2024-01-01\nid: {name}\n{front}---\nBody {name}.\n"


def _in_feeds(out: Path, url: str) -> bool:
    """Whether any of the site's feeds names ``url``."""
    return any(url in (out / name).read_text(encoding="utf-8") for name in ("rss.xml", "atom.xml"))


NEVER_IN_ANY_CASE = {
    "Render": "build: {Render: never}\n",
    "RENDER false": "_build: {RENDER: false}\n",
    "two spellings": "build: {render: always, Render: never}\n",
}


@pytest.mark.parametrize("front", list(NEVER_IN_ANY_CASE.values()), ids=list(NEVER_IN_ANY_CASE))
def test_render_never_in_any_case_publishes_nothing(
    tmp_path: Path, runner: CliRunner, front: str
) -> None:
    """Accepted by the check, so obeyed: no page, no feed entry (as ``render: never``)."""
    config = small_site(tmp_path, {"posts/a.md": _post(front), "posts/b.md": _post("", "b")})
    result = run_site(runner, "build", config)
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    assert not (out / "essays" / "a").exists()
    assert (out / "essays" / "b" / "index.html").is_file()
    assert not _in_feeds(out, "https://e.org/essays/a/")
    assert "Body a." not in (out / "rss.xml").read_text(encoding="utf-8")


def test_a_cascaded_render_never_in_any_case_reaches_the_sections_pages(
    tmp_path: Path, runner: CliRunner
) -> None:
    files = {
        "docs/notes/_index.md": "---\ntitle: Notes\ncascade:\n  build: {Render: never}\n---\n",
        "docs/notes/one.md": "---\ntitle: One\n---\nOne.\n",
        "docs/about.md": "---\ntitle: About\n---\nAbout.\n",
    }
    result = run_site(runner, "build", small_site(tmp_path, files))
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    assert (out / "docs" / "about" / "index.html").is_file()
    assert not (out / "docs" / "notes" / "one").exists()
    assert "notes/one" not in (out / "sitemap.xml").read_text(encoding="utf-8")


def test_a_cascaded_list_never_in_any_case_leaves_the_pages_out_of_lists(
    tmp_path: Path, runner: CliRunner
) -> None:
    files = {
        "docs/notes/_index.md": "---\ntitle: Notes\ncascade:\n  - build: {LIST: never}\n---\n",
        "docs/notes/one.md": "---\ntitle: One\n---\nOne.\n",
    }
    result = run_site(runner, "build", small_site(tmp_path, files))
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    assert (out / "docs" / "notes" / "one" / "index.html").is_file()
    assert "notes/one" not in (out / "sitemap.xml").read_text(encoding="utf-8")


ODD_BUILDS = {
    "int key": ("build:\n  1: never\n", 0),
    "bool key": ("build:\n  true: never\n", 0),
    "null key": ("build:\n  null: never\n", 0),
    "anchor": ("x_base: &a {list: never}\nbuild: *a\n", 0),
    "merge key": ("x_base: &b {list: never}\nbuild:\n  <<: *b\n", 0),
    "binary": ("build: !!binary aGVsbG8=\n", 2),
    "set": ("build: !!set {a, b}\n", 2),
    "list": ("build: [list, never]\n", 2),
    "nested": ("build:\n  render: {x: {y: [1]}}\n", 2),
    "date": ("build: {list: 2024-01-01}\n", 2),
    "nan": ("build: {list: .nan}\n", 2),
}


@pytest.mark.parametrize("case", list(ODD_BUILDS), ids=list(ODD_BUILDS))
def test_any_yaml_value_of_build_is_a_build_or_an_error_at_its_line(
    tmp_path: Path, runner: CliRunner, case: str
) -> None:
    front, code = ODD_BUILDS[case]
    result = run_site(runner, "build", small_site(tmp_path, {"posts/a.md": _post(front)}))
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    if code:
        assert "content/posts/a.md:" in result.stderr and ": build" in result.stderr
        assert not (tmp_path / "out").exists()


def test_toml_build_tables_are_read(tmp_path: Path, runner: CliRunner) -> None:
    page = '+++\ntitle = "T"\ndate = 2024-01-01\nid = "t"\n[build]\nlist = "never"\n+++\nT.\n'
    bad = '+++\ntitle = "U"\ndate = 2024-01-02\nid = "u"\n[_build]\nrender = 3\n+++\nU.\n'
    config = small_site(tmp_path, {"posts/t.md": page})
    result = run_site(runner, "build", config)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "essays" / "t" / "index.html").is_file()
    assert not _in_feeds(tmp_path / "out", "/essays/t/")
    (tmp_path / "content" / "posts" / "u.md").write_text(bad, encoding="utf-8")
    result = run_site(runner, "validate", config)
    assert result.exit_code == 2, result.output
    assert "content/posts/u.md:5: _build.render: expected always, link or never" in result.stderr


def test_many_unknown_build_options_take_linear_time(tmp_path: Path) -> None:
    """A ``build`` map of thousands of keys: one warning naming how many, in time linear in
    their number."""
    runner = CliRunner()

    def work(n: int) -> None:
        front = "build:\n" + "".join(f"  k{i}: never\n" for i in range(n))
        root = tmp_path / str(n)
        if not root.exists():
            small_site(root, {"posts/a.md": _post(front)})
        result = run_site(runner, "validate", root / "publish.toml")
        assert result.exit_code == 0, result.output
        assert result.stderr.count("warning:") == 1, result.stderr[:500]

    assert_linear(work, 5_000, label="build keys: ")


def test_raw_html_in_a_body_reaches_the_feed_sanitised_and_schemed(
    tmp_path: Path, runner: CliRunner
) -> None:
    """Unquoted, entity-spelled or blank-led protocol-relative URLs in raw HTML: the feed
    has each with the site's scheme (the sanitiser writes every attribute quoted first)."""
    body = (
        '<a href=//h.example/unq>u</a> <a href="&#47;&#47;h.example/ent">e</a> '
        '<a href=" //h.example/sp">s</a> <img srcset="//h.example/a.png 1x,//h.example/b.png 2x">'
        ' <svg><a xlink:href="//h.example/x">x</a></svg>\n'
    )
    text = _post("").replace("Body a.\n", body)
    result = run_site(runner, "build", small_site(tmp_path, {"posts/a.md": text}))
    assert result.exit_code == 0, result.output
    for name in ("rss.xml", "atom.xml", "feed.json"):
        feed = (tmp_path / "out" / name).read_text(encoding="utf-8")
        if name.endswith(".json"):
            feed = json.loads(feed)["items"][0]["content_html"]
        assert "h.example/unq" in feed, name
        for quote in ('"', "&quot;"):
            assert f"{quote}//h.example" not in feed, name
        assert ", //" not in feed and " //h.example" not in feed, name


def test_a_build_option_named_with_a_line_break_forges_no_line(
    tmp_path: Path, runner: CliRunner
) -> None:
    """The unknown option's name is escaped in the warning: ``x\\nfake.md:1: title: …`` once
    printed a second ``path:line: field: message`` line of its own."""
    front = 'build:\n  "x\\nfake.md:1: title: forged": never\n  "y\\u2028z": 1\n'
    result = run_site(runner, "validate", small_site(tmp_path, {"posts/a.md": _post(front)}))
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert not [
        ln for ln in lines if ln.startswith("fake.md") or ("forged" in ln and ".md:5" not in ln)
    ]
    assert "content/posts/a.md:5: build.x\\nfake.md:1: title: forged: unknown" in result.stderr
    assert "\u2028" not in result.stderr and "build.y\\u2028z: unknown" in result.stderr


def test_many_relative_aliases_take_linear_time(tmp_path: Path) -> None:
    """Thousands of relative aliases, each climbing and descending (``../x/../y-N``): each
    resolved from the page's folder in time linear in their number and length."""
    runner = CliRunner()

    def work(n: int) -> None:
        values = ", ".join(f'"../old/../moved/y-{i}"' for i in range(n))
        root = tmp_path / str(n)
        if not root.exists():
            small_site(root, {"posts/a.md": _post(f"aliases: [{values}]\n")})
        result = run_site(runner, "validate", root / "publish.toml")
        assert result.exit_code == 0, result.output

    assert_linear(work, 5_000, label="relative aliases: ")
