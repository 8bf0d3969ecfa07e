"""GitBook's first page is ``structure.readme`` (README.md) whether or not SUMMARY.md lists it:
an unlisted README was "not in SUMMARY.md; not published", the home page was made without it
and a link to it was broken (a helper's finding: BrighterCommand's docs)."""

from __future__ import annotations

from pathlib import Path

from tests.gitbook.conftest import article, run_space, write_space

SPACE = {
    "SUMMARY.md": "# Table of contents\n\n## Guide\n\n* [Page](page.md)\n",
    "README.md": "# Welcome\n\nThe handbook's first words.\n",
    "page.md": "# Page\n\nBack [home](README.md).\n",
}


def test_an_unlisted_readme_is_the_first_page(tmp_path: Path) -> None:
    space = write_space(tmp_path / "space", SPACE)
    out = tmp_path / "out"
    built = run_space(space, "build", "--out", str(out))
    assert built.exit_code == 0 and "README.md" not in built.stderr, built.output  # listed
    home = article(out, ".")
    assert "Welcome" in home and "The handbook's first words." in home
    page = (out / "page/index.html").read_text(encoding="utf-8")
    menu = page[page.index('id="sidebar"') : page.index("</nav>", page.index('id="sidebar"'))]
    assert menu.index('<a href="../">Welcome</a>') < menu.index("Guide")  # first, ungrouped
    assert 'rel="prev" href="../"' in page  # the reading order starts there
    checked = run_space(space, "links", "--offline")
    assert checked.exit_code == 0, checked.output


def test_a_listed_readme_keeps_its_place(tmp_path: Path) -> None:
    listed = "# Table of contents\n\n* [Start](README.md)\n\n## Guide\n\n* [Page](page.md)\n"
    space = write_space(tmp_path / "space", {**SPACE, "SUMMARY.md": listed})
    out = tmp_path / "out"
    assert run_space(space, "build", "--out", str(out)).exit_code == 0
    page = (out / "page/index.html").read_text(encoding="utf-8")
    assert page.count('<a href="../">') >= 1 and page.count(">Welcome</a>") == 0
    assert '<a href="../">Start</a>' in page  # its title in SUMMARY.md, once


def test_a_readme_listed_second_is_read_second(tmp_path: Path) -> None:
    """The menu showed FAQ, Welcome, Guide (SUMMARY.md's order) while previous/next read
    Welcome, FAQ, Guide: the two navigations of one page disagreed."""
    listed = "# S\n\n* [FAQ](faq.md)\n* [Welcome](README.md)\n* [Guide](guide.md)\n"
    files = {"faq.md": "# FAQ\n\nfaq\n", "guide.md": "# Guide\n\nguide\n"}
    space = write_space(tmp_path / "space", {**SPACE, **files, "SUMMARY.md": listed})
    out = tmp_path / "out"
    assert run_space(space, "build", "--out", str(out)).exit_code == 0
    faq = (out / "faq/index.html").read_text(encoding="utf-8")
    menu = faq[faq.index('id="sidebar"') : faq.index("</nav>", faq.index('id="sidebar"'))]
    assert menu.index(">FAQ</a>") < menu.index(">Welcome</a>") < menu.index(">Guide</a>")
    assert 'rel="prev"' not in faq and 'rel="next" href="../"' in faq
    assert 'rel="next" href="guide/"' in (out / "index.html").read_text(encoding="utf-8")
    assert 'rel="prev" href="../"' in (out / "guide/index.html").read_text(encoding="utf-8")
