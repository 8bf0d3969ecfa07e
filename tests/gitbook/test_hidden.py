"""A page GitBook hides (``hidden: true`` in its front matter, as Git Sync writes it) is
published at its URL but left out of the menu and the reading order, with the pages under it
in the table of contents; it was shown in the menu like any other."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main
from tests.gitbook.conftest import write_space

FILES = {
    "SUMMARY.md": "# Summary\n\n* [Home](README.md)\n* [Open](open.md)\n"
    "* [Secret](secret/README.md)\n  * [Under](secret/under.md)\n* [Last](last.md)\n",
    "README.md": "# Home\n\nWelcome.\n",
    "open.md": "# Open\n\nShown.\n",
    "secret/README.md": "---\nhidden: true\n---\n\n# Secret\n\nOnly by its link.\n",
    "secret/under.md": "# Under\n\nBelow the hidden page.\n",
    "last.md": "# Last\n\nShown too.\n",
}


def _sidebar(page: str) -> str:
    return page[page.index('<nav id="sidebar"') : page.index("</nav>", page.index('id="sidebar"'))]


def _reading(page: str) -> str:
    start = page.find('<nav class="prev-next"')
    return "" if start < 0 else page[start : page.index("</nav>", start)]


def test_a_hidden_page_is_published_but_not_in_the_menu_or_the_reading_order(
    tmp_path: Path,
) -> None:
    root = write_space(tmp_path / "space", FILES)
    out = tmp_path / "out"
    args = ["build", "--config", str(root / "publish.toml"), "--content", str(root)]
    result = CliRunner().invoke(main, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert ": hidden:" not in result.stderr  # a key GitBook writes: no unknown-key warning
    read = {p: (out / p / "index.html").read_text() for p in ("open", "secret", "secret/under")}
    assert (
        "Only by its link." in read["secret"] and "Below the hidden page." in read["secret/under"]
    )
    for page in read.values():
        menu = _sidebar(page)
        assert ">Open</a>" in menu and ">Last</a>" in menu
        assert ">Secret</a>" not in menu and ">Under</a>" not in menu
    # Open's next page is Last: the hidden page and the one under it are skipped
    assert 'rel="next"' in _reading(read["open"]) and "Last</a>" in _reading(read["open"])
    assert "Secret" not in _reading(read["open"])
