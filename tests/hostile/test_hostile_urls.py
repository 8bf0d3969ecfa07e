"""Text that no URL parser takes (``https://[::1``, ``//[x``): a clear error or a dead link
with its file and line, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.hostile.sites import assert_clean_outcome, check_outputs, essay, make_site, run_build

BROKEN_HOSTS = ["https://[::1", "//[x", "http://[bad/x.png", "javascript://[x%0aalert(1)"]


@pytest.mark.parametrize("url", BROKEN_HOSTS)
def test_a_malformed_link_in_a_body_is_dead_not_fatal(tmp_path: Path, url: str) -> None:
    # an image from a script URL is a content error (test_hostile_summaries.py); links are dead
    image = "" if url.startswith("javascript") else f" and ![image]({url})"
    body = f'A [link]({url}) and <a href="{url}">raw</a>{image}.\n'
    make_site(tmp_path, {"essays/bad.md": essay("Bad", body=body)})
    run = run_build(tmp_path)
    assert_clean_outcome(run)
    assert run.exit_code == 0, run.stderr
    check_outputs(tmp_path / "out")
    html = json.loads((tmp_path / "out/feed.json").read_text("utf-8"))["items"][0]["content_html"]
    # raw HTML's is made dead (or dropped, for an active scheme); cmark percent-encodes a
    # Markdown destination's brackets itself
    assert '<a href="#">raw</a>' in html or "<a>raw</a>" in html
    assert "javascript" not in html and "[" not in html

    result = CliRunner().invoke(
        main, ["links", "--config", str(tmp_path / "publish.toml"), "--offline"]
    )
    if url.startswith("javascript"):
        assert result.exit_code == 0, result.output  # never followed: not a link to check
        return
    assert result.exit_code == 2, result.output
    assert "not a URL" in result.output and "essays/bad.md" in result.output
    assert "Traceback" not in result.output


def test_a_malformed_url_in_front_matter_names_its_key_and_line(tmp_path: Path) -> None:
    episode = (
        "---\ntitle: Ep\ndate: 2024-05-01\naudio: https://[::1/a.mp3\nlength: 100\n"
        "type: audio/mpeg\nduration: 60\n---\n\nNotes.\n"
    )
    make_site(tmp_path, {"episodes/ep.md": episode})
    run = run_build(tmp_path)
    assert_clean_outcome(run)
    assert run.exit_code == 2
    assert any(
        "ep.md:4: front matter 'audio': expected an http(s) URL or a file path" in p
        for p in run.problems  # our words; urllib's may change
    )


def test_a_malformed_url_in_the_config_names_its_key_and_line(tmp_path: Path) -> None:
    config = make_site(tmp_path, {"essays/a.md": essay("A")})
    config.write_text(
        config.read_text(encoding="utf-8") + '\n[podcast]\nimage = "https://[x/cover.jpg"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["build", "--config", str(config), "--out", str(tmp_path)])
    assert result.exit_code == 3, result.output
    assert "podcast.image: not a valid URL" in result.output
    assert "Traceback" not in result.output
