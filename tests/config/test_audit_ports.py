"""A URL whose port is out of range (``https://example.org:99999/``) parses, but no client
opens it: urllib raises ValueError at ``.port``. Such a ``[site] base_url`` was accepted and
every alias on the site's host was then "not a valid URL"; such an enclosure passed
lint-feed. Both are refused as URLs no parser takes."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main

ESSAY = "---\ntitle: a\ndate: 2024-05-01\n---\nText.\n"


def test_a_base_url_with_a_port_out_of_range_is_a_configuration_error(tmp_path: Path) -> None:
    (tmp_path / "content/essays").mkdir(parents=True)
    (tmp_path / "content/essays/a.md").write_text(ESSAY, encoding="utf-8")
    config = tmp_path / "publish.toml"
    config.write_text('[site]\ntitle = "H"\nbase_url = "https://h.example.org:99999/"\n')
    result = CliRunner().invoke(main, ["validate", "--config", str(config), "-q"])
    assert result.exit_code == 3, result.stderr
    assert f"{config}:3: site.base_url: not a valid URL (Port out of range" in result.stderr


def test_lint_feed_fails_an_enclosure_with_a_port_out_of_range(tmp_path: Path) -> None:
    feed = tmp_path / "rss.xml"
    feed.write_text(
        '<rss version="2.0"><channel><title>t</title><link>https://x.example/</link>'
        "<description>d</description><item><title>a</title><guid>https://x.example/a</guid>"
        '<enclosure url="https://x.example:99999/a.mp3" length="1" type="audio/mpeg"/>'
        "</item></channel></rss>",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["lint-feed", str(feed)])
    assert result.exit_code == 2, result.output
    expected = "enclosure url 'https://x.example:99999/a.mp3' is not an absolute http(s) URL"
    assert f"hard rss.item.enclosure-url: item 1 (a): {expected}" in result.stdout
