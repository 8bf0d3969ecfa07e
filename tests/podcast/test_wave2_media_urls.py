"""An episode's ``audio`` or ``transcript`` URL that no app can open (a port past 65535, a
broken ``[IPv6]`` host) is a content error at its file and line, found where the front
matter is read: not ``podcast.xml:1`` from the feed's linter, and never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pipeline.cli import main

EPISODE = Path("content/episodes/001-welcome.md")
AUDIO_LINE = "audio: media/001-welcome.mp3\n"


def _build(site: Path, front: str) -> Result:
    path = site / EPISODE
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[5] + "\n" == AUDIO_LINE  # the audio key is on line 6
    path.write_text(text.replace(AUDIO_LINE, front, 1), encoding="utf-8")
    args = ["build", "--config", str(site / "publish.toml"), "--out", str(site / "out")]
    return CliRunner().invoke(main, args)


REMOTE = "length: 1000\ntype: audio/mpeg\nduration: 60\n"


@pytest.mark.parametrize(
    "url",
    ["https://media.example:99999/a.mp3", "https://[::1/a.mp3", "http://media.example:-1/a.mp3"],
)
def test_an_audio_url_no_app_opens_is_an_error_at_its_line(site: Path, url: str) -> None:
    result = _build(site, f"audio: {url}\n{REMOTE}")
    assert result.exit_code == 2, result.output
    assert f"{EPISODE.as_posix()}:6: front matter 'audio':" in result.stderr
    assert "podcast.xml" not in result.stderr
    assert not (site / "out").exists()  # nothing half-written


@pytest.mark.parametrize(
    "transcript",
    [
        "transcript: https://media.example:99999/t.vtt",
        "transcript: https://[::1/t.vtt",
        "transcript: {url: 'https://media.example:99999/t', type: text/vtt}",
    ],
)
def test_a_transcript_url_no_app_opens_is_an_error_at_its_line(site: Path, transcript: str) -> None:
    result = _build(site, f"{AUDIO_LINE}{transcript}\n")
    assert result.exit_code == 2, result.output
    assert f"{EPISODE.as_posix()}:7: front matter 'transcript':" in result.stderr
    assert "podcast.xml" not in result.stderr


def test_a_good_remote_audio_url_with_a_port_still_builds(site: Path) -> None:
    result = _build(site, f"audio: https://media.example:8443/a.mp3\n{REMOTE}")
    assert result.exit_code == 0, result.output
    feed = (site / "out" / "podcast.xml").read_text(encoding="utf-8")
    assert 'url="https://media.example:8443/a.mp3"' in feed
