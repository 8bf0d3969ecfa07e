"""The ids an HTML page offers a #fragment are read in time linear in the page, whatever it
holds (the link checker reads remote pages and the HTML files the content copies)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main
from tests.hostile.sites import essay, make_site
from tests.timing import assert_linear


def test_a_long_tag_name_without_an_end_is_read_in_linear_time(tmp_path: Path) -> None:
    """``<aaaa…`` (a tag name never ended) was tried once per split of the name, each try
    reading the rest: quadratic (12 s at 40,000 bytes, hours for a 2 MB page)."""

    def check(n: int) -> None:
        root = tmp_path / str(n)
        config = make_site(
            root,
            {
                "essays/a.md": essay(body="See [the deck](../slides/deck.html#x).\n"),
                "slides/deck.html": b'<p id="x">' + b"<" + b"a" * n,
            },
        )
        result = CliRunner().invoke(main, ["links", "--offline", "-q", "--config", str(config)])
        assert result.exit_code == 0, result.output

    assert_linear(check, 8_000, label="<aaaa...: ")
