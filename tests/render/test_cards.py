"""GitBook's cards (``<table data-view="cards">``): each row a card with its cover image, its
shown cells and one link to its target. Written as a table, the hidden columns showed file
names (``email-builder.md``, ``cover.png``) and the cover was a link (a helper's finding in
Beefree's handbook: 29 such tables, its home page among them)."""

from __future__ import annotations

from pathlib import Path

from pipeline.linkcheck.htmlids import page_ids
from pipeline.render.cards import cards
from tests.gitbook.conftest import article, built_space, run_space
from tests.timing import assert_linear

HEAD = (
    '<table data-view="cards"><thead><tr><th></th>'
    '<th data-hidden data-card-target data-type="content-ref"></th>'
    '<th data-hidden data-card-cover data-type="files"></th></tr></thead><tbody>'
)
ROW = (
    '<tr><td><strong>{title}</strong></td><td><a href="{page}">{page}</a></td>'
    '<td><a href=".gitbook/assets/{cover}">{cover}</a></td></tr>'
)
REFS = (
    '<table data-view="cards"><thead><tr><th data-card-target data-type="content-ref"></th>'
    '</tr></thead><tbody><tr><td><a href="setup.md">setup.md</a></td></tr></tbody></table>'
)
SPACE = {
    "SUMMARY.md": "# Table of contents\n\n* [Home](README.md)\n* [Email](email.md)\n"
    "* [Set up](setup.md)\n",
    "README.md": "# Home\n\n"
    + HEAD
    + ROW.format(title="Email Builder", page="email.md", cover="cover.png")
    + "</tbody></table>\n\n"
    + REFS
    + "\n",
    "email.md": "# Email\n\nText.\n",
    "setup.md": "# Set up\n\nText.\n",
    ".gitbook/assets/cover.png": "png",
}


def test_a_card_table_is_cards(tmp_path: Path) -> None:
    space, out = built_space(tmp_path, SPACE)
    home = article(out, ".")
    assert "<table" not in home and home.count('<div class="card">') == 2
    assert '<img class="card-cover" src="./cover.png" alt="">' in home
    assert (out / "cover.png").read_text() == "png"
    assert '<a class="card-link" href="./email/"><strong>Email Builder</strong></a>' in home
    assert '<a class="card-link" href="./setup/">Set up</a>' in home  # the page's title
    assert "email.md" not in home and "cover.png</a>" not in home  # hidden columns
    checked = run_space(space, "links", "--offline")
    assert checked.exit_code == 0, checked.output
    assert page_ids((out / "index.html").read_bytes())  # the page parses


def test_a_card_table_with_more_attributes_is_cards() -> None:
    """GitBook writes <table data-card-size="large" data-view="cards" data-full-width="false">
    too: it stayed a table, its hidden columns shown (a helper's finding)."""
    wide = HEAD.replace(
        '<table data-view="cards">',
        '<table data-card-size="large" data-view="cards" data-full-width="false">',
    )
    rows = ROW.format(title="T", page="p.md", cover="c.png")
    made = cards(wide + rows + "</tbody></table><table><tr><td>x</td></tr></table>", _none)
    assert made.count('<div class="card">') == 1 and made.endswith(
        "<table><tr><td>x</td></tr></table>"
    )


def _none(_: str) -> None:
    return None


def test_a_table_of_another_shape_stays_a_table() -> None:
    uneven = HEAD + "<tr><td>one cell</td></tr></tbody></table>"
    nested = HEAD + "<tr><td><table><tr><td>x</td></tr></table></td><td></td><td></td></tr>"
    for table in (uneven, nested + "</tbody></table>", HEAD):
        assert cards(table, lambda _: None) == table


def test_many_cards_are_made_in_linear_time() -> None:
    def plain(n: int) -> None:  # tables of other kinds, nested and never closed
        text = "<table><tr><td>" * n + "</table>" * (n // 2)
        assert cards(text, _none) == text

    assert_linear(plain, 20_000)

    def run(n: int) -> None:
        rows = "".join(
            ROW.format(title=f"T{i}", page=f"p{i}.md", cover=f"c{i}.png") for i in range(n)
        )
        made = cards(HEAD + rows + "</tbody></table>", lambda _: None)
        assert made.count('<div class="card">') == n

    assert_linear(run, 4_000)
