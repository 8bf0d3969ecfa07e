"""A large table of contents is pruned on each page (as MkDocs Material's navigation.prune):
a page's size does not grow with the site; small menus stay whole."""

from __future__ import annotations

from pathlib import Path

import html5lib
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.syndication.theme.navigation import MENU_WHOLE, MENU_WINDOW

TOML = """[site]
title = "Handbook"
description = "D"
base_url = "https://example.org/"
timezone = "UTC"
language = "en"
"""


def _space(root: Path, big: int) -> Path:
    (root / "publish.toml").write_text(TOML, encoding="utf-8")
    content = root / "content"
    (content / "big").mkdir(parents=True)
    (content / "small").mkdir()
    lines = ["# Table of contents", "", "* [Welcome](README.md)", "", "## Small", ""]
    (content / "README.md").write_text("# Welcome\n\nHello.\n", encoding="utf-8")
    for n in range(3):
        (content / "small" / f"s{n}.md").write_text(f"# Small {n}\n\nText.\n", encoding="utf-8")
        lines.append(f"* [Small {n}](small/s{n}.md)")
    lines += ["", "## Big", ""]
    for n in range(big):
        (content / "big" / f"b{n:04}.md").write_text(f"# Big {n}\n\nText.\n", encoding="utf-8")
        lines.append(f"* [Big {n}](big/b{n:04}.md)")
    (content / "SUMMARY.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def _menu(page: Path) -> list[tuple[str, bool]]:
    doc = html5lib.parse(page.read_bytes(), namespaceHTMLElements=False)
    nav = next(n for n in doc.iter("nav") if n.get("id") == "sidebar")
    return [("".join(a.itertext()), a.get("aria-current") == "page") for a in nav.iter("a")]


def _build(root: Path) -> Path:
    out = root / "out"
    args = ["build", "--content", str(root / "content"), "--config", str(root / "publish.toml")]
    result = CliRunner().invoke(
        main, [*args, "--out", str(out), "--cache-dir", str(root / "cache")]
    )
    assert result.exit_code == 0, result.output
    return out


def test_a_large_menu_shows_the_page_among_its_neighbours_and_each_other_group(
    tmp_path: Path,
) -> None:
    big = MENU_WHOLE + 100
    out = _build(_space(tmp_path, big))
    pages = {p.parent.name: p for d in ("big", "small") for p in (out / d).rglob("index.html")}
    middle = _menu(pages["b0200"])
    titles = [t for t, _ in middle]
    assert [t for t, current in middle if current] == ["Big 200"]
    assert "Welcome" in titles and "Small 0" in titles and "Small 1" not in titles
    window = [f"Big {n}" for n in range(200 - MENU_WINDOW, 200 + MENU_WINDOW + 1)]
    assert [t for t in titles if t.startswith("Big")] == window
    first = [t for t, _ in _menu(pages["b0000"]) if t.startswith("Big")]
    assert first == [f"Big {n}" for n in range(MENU_WINDOW + 1)]
    # every page's size stays bounded: the largest is well under the whole menu's length
    biggest = max(len(_menu(p)) for p in pages.values())
    assert biggest <= 2 * MENU_WINDOW + 1 + 3


def test_a_small_menu_is_whole_on_every_page(tmp_path: Path) -> None:
    out = _build(_space(tmp_path, 20))
    page = next(p for p in out.rglob("index.html") if p.parent.name == "b0010")
    titles = [t for t, _ in _menu(page)]
    assert titles == ["Welcome", "Small 0", "Small 1", "Small 2", *(f"Big {n}" for n in range(20))]
