"""Bad themes are configuration errors at ``path:line`` (exit 3), and nothing is written;
a good override changes the pages, and only the pages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.site.conftest import build


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copy(REPO / "publish.toml", tmp_path / "publish.toml")
    return tmp_path


def _theme(tree: Path, text: str) -> int:
    """Append a [theme] table; return the line of its first key."""
    old = (tree / "publish.toml").read_text()
    (tree / "publish.toml").write_text(old + "\n[theme]\n" + text)
    return len(old.splitlines()) + 3


def _fails(tree: Path, expected: str) -> None:
    result = build(tree, tree / "out")
    assert result.exit_code == 3, result.output
    assert expected in result.output
    assert "Traceback" not in result.output
    assert not (tree / "out").exists() or not any((tree / "out").iterdir())


def test_a_template_syntax_error_names_the_file_and_line(tree: Path) -> None:
    (tree / "templates").mkdir()
    (tree / "templates/page.html.j2").write_text(
        '{% extends "base.html.j2" %}\n{% block main %}\n{% if page.title %}\n{% endblock %}\n'
    )
    _fails(tree, "templates/page.html.j2:4: template: ")


def test_an_undefined_variable_names_the_file_and_line(tree: Path) -> None:
    (tree / "templates").mkdir()
    (tree / "templates/list.html.j2").write_text(
        '{% extends "base.html.j2" %}\n{% block main %}\n<h1>{{ title }}</h1>\n'
        "<p>{{ no_such_thing.count }}</p>\n{% endblock %}\n"
    )
    _fails(tree, "templates/list.html.j2:4: template: ")  # our file, line and field
    _fails(tree, "no_such_thing")  # the name; the words around it are Jinja's, not asserted


def test_a_broken_base_template_is_found_through_the_page_that_extends_it(tree: Path) -> None:
    (tree / "templates").mkdir()
    (tree / "templates/base.html.j2").write_text("<html>\n{{ site.title }\n</html>\n")
    _fails(tree, "templates/base.html.j2:2: template: ")


def test_a_theme_value_of_the_wrong_type(tree: Path) -> None:
    line = _theme(tree, "accent = 12\n")
    _fails(tree, f"publish.toml:{line}: theme.accent: expected a string, got int")


def test_a_colour_that_is_not_a_colour(tree: Path) -> None:
    line = _theme(tree, 'accent = "blue; } body { display:none"\n')
    _fails(tree, f"publish.toml:{line}: theme.accent: expected a colour #rgb or #rrggbb")


def test_a_missing_static_file_named_in_the_config(tree: Path) -> None:
    line = _theme(tree, 'logo = "logo.svg"\n')
    _fails(tree, f"publish.toml:{line}: theme.logo: file not found: static/logo.svg")


def test_a_static_file_outside_the_static_folder_is_refused(tree: Path) -> None:
    (tree / "static").mkdir()
    line = _theme(tree, 'css = ["../publish.toml"]\n')
    _fails(tree, f"publish.toml:{line}: theme.css: ")


def test_unknown_theme_keys_are_errors(tree: Path) -> None:
    line = _theme(tree, 'colour = "#fff"\n')
    _fails(tree, f"publish.toml:{line}: theme.colour: unknown key")


def test_overrides_and_static_files_change_the_site(tree: Path) -> None:
    (tree / "templates").mkdir()
    (tree / "static").mkdir()
    (tree / "static/logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (tree / "static/extra.css").write_text("body { color: #123456; }\n")
    _theme(
        tree,
        'logo = "logo.svg"\ncss = ["extra.css"]\naccent = "#aa0066"\nfooter = "Made by us"\n'
        'menu = [{ title = "Forum", url = "https://forum.example.org/" },'
        ' { title = "Join", url = "/about/" }]\n'
        'social = [{ title = "Mastodon", url = "https://social.example.org/@commons" }]\n',
    )
    assert build(tree, tree / "out").exit_code == 0
    out = tree / "out"
    page = (out / "essays/why-we-gather/index.html").read_text()
    assert '<link rel="stylesheet" href="../../static/extra.css?v=' in page
    assert 'src="../../static/logo.svg?v=' in page and "--accent:#aa0066" in page
    assert "Made by us" in page
    assert '<a href="https://forum.example.org/">Forum</a>' in page
    assert '<a href="../../about/">Join</a>' in page
    assert '<a href="https://social.example.org/@commons" rel="me">Mastodon</a>' in page
    assert (out / "static/extra.css").read_text() == "body { color: #123456; }\n"
    assert (out / "static/theme.css").is_file()  # the theme's own file stays
    # an override of one template: the next build rewrites the pages, not the feeds
    feed_stamp = (out / "rss.xml").stat().st_mtime_ns
    (tree / "templates/page.html.j2").write_text(
        '{% extends "base.html.j2" %}\n{% block main %}<h1 class="mine">{{ page.title }}</h1>'
        "{{ body | safe }}{% endblock %}\n"
    )
    result = build(tree, out)
    assert result.exit_code == 0, result.output
    assert (
        '<h1 class="mine">Why we gather</h1>'
        in (out / "essays/why-we-gather/index.html").read_text()
    )
    assert (out / "rss.xml").stat().st_mtime_ns == feed_stamp
    # a static file of the repository replaces the theme's file of that name
    (tree / "static/theme.css").write_text("body { background: #000; }\n")
    assert build(tree, out).exit_code == 0
    assert (out / "static/theme.css").read_text() == "body { background: #000; }\n"


def test_a_static_file_linked_out_of_the_repository_is_refused(tree: Path) -> None:
    """A link in ``static/`` to a file outside the repository was followed: its bytes were
    published and served (``static/env.txt -> /proc/self/environ`` published the build's
    environment, CI's keys with it); the same link in ``content/`` was already refused. A
    link to a file inside the repository is still copied."""
    (tree / "outside.txt").write_text("inside the repository\n")
    elsewhere = tree.parent / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.txt").write_text("SECRET-OUTSIDE\n")
    (tree / "static").mkdir()
    (tree / "static" / "leak.txt").symlink_to(elsewhere / "secret.txt")
    (tree / "static" / "kept.txt").symlink_to(tree / "outside.txt")
    _fails(
        tree, "static/leak.txt:1: theme.static: a symbolic link to a file outside the repository"
    )
    (tree / "static" / "leak.txt").unlink()
    result = build(tree, tree / "out")
    assert result.exit_code == 0, result.output
    assert (tree / "out" / "static" / "kept.txt").read_text() == "inside the repository\n"
