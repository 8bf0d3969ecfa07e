"""Remote media facts come from the prober the edge passes in, asked in the loading process
(never in a worker), and a build keeps them in its cache folder."""

from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from pipeline.build.mediacache import CACHE_FILE
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.load.loader import load_site
from pipeline.podcast.media import MediaFacts
from pipeline.support.parallel import PARALLEL_THRESHOLD

TOML = """[site]
title = "T"
description = "D"
base_url = "https://example.org/"
timezone = "UTC"
language = "en"

[podcast]
title = "Show"
description = "A show"
image = "https://example.org/cover.jpg"
category = "Technology"
owner_name = "Host"
owner_email = "host@example.org"
author = "Host"
explicit = false
language = "en"
"""

EPISODE = """---
id: ep-remote
title: Remote episode
date: 2025-01-0{n}
episode: {n}
audio: {url}
duration: 60
---
Show notes.
"""


def _site(tmp_path: Path, url: str, essays: int) -> Path:
    (tmp_path / "publish.toml").write_text(TOML, encoding="utf-8")
    content = tmp_path / "content"
    (content / "essays").mkdir(parents=True)
    (content / "episodes").mkdir()
    for i in range(essays):
        (content / "essays" / f"e{i:04}.md").write_text(
            f"---\nid: e{i}\ntitle: Essay {i}\ndate: 2025-01-01\n---\nText {i}.\n",
            encoding="utf-8",
        )
    (content / "episodes" / "ep1.md").write_text(
        EPISODE.format(n=1, url=url).replace("ep-remote", "ep-1"), encoding="utf-8"
    )
    return content


def test_the_prober_is_asked_in_the_loading_process_even_with_workers(tmp_path: Path) -> None:
    # enough files for the process pool; the prober is a closure no worker could even receive
    content = _site(tmp_path, "https://media.example.org/ep1.mp3", PARALLEL_THRESHOLD + 50)
    cfg = load_config(tmp_path / "publish.toml")
    asked: list[tuple[str, int]] = []

    def media(url: str) -> MediaFacts:
        asked.append((url, os.getpid()))
        return MediaFacts("audio/mpeg", 4321)

    site = load_site(cfg, content, media=media)
    assert asked == [("https://media.example.org/ep1.mp3", os.getpid())]
    (episode,) = [i for i in site.items if i.episode is not None]
    assert episode.episode is not None
    assert (episode.episode.audio.length, episode.episode.audio.mime_type) == (4321, "audio/mpeg")


def test_build_asks_the_server_once_and_keeps_the_answer_in_its_cache_folder(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    audio = b"ID3\x04\x00" + bytes(98760)
    httpserver.expect_request("/ep1.mp3").respond_with_data(audio, content_type="audio/mpeg")
    content = _site(tmp_path, httpserver.url_for("/ep1.mp3"), 3)
    cache, out = tmp_path / "cache", tmp_path / "out"
    args = ["build", "--content", str(content), "--config", str(tmp_path / "publish.toml")]
    args += ["--out", str(out), "--cache-dir", str(cache)]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    assert len(httpserver.log) == 1
    kept = json.loads((cache / CACHE_FILE).read_text("utf-8"))["entries"]
    assert kept == {httpserver.url_for("/ep1.mp3"): {"length": len(audio), "type": "audio/mpeg"}}
    assert f'length="{len(audio)}"'.encode() in (out / "podcast.xml").read_bytes()
    (content / "episodes" / "ep1.md").write_text(
        (content / "episodes" / "ep1.md").read_text("utf-8").replace("Show notes", "Notes"),
        encoding="utf-8",
    )
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0, again.output
    assert len(httpserver.log) == 1  # the edit reloads the file; its facts come from the cache
