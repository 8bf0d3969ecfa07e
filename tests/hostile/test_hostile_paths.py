"""Paths named by content never reach outside the content root: refused, never read or copied.

Each test puts a file holding a secret marker *outside* the content root and points content
at it in one way or another; the marker must never appear in any output, and no file from
outside may be copied into the output folder.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.hostile.sites import (
    SECRET_MARKER,
    Run,
    assert_clean_outcome,
    check_outputs,
    essay,
    make_site,
    output_files,
    run_build,
    within,
)

HOSTILE_TARGETS = [
    "../../outside/secret.png",
    "../../../outside/secret.png",
    "..%2F..%2Foutside%2Fsecret.png",
    "%2e%2e/%2e%2e/outside/secret.png",
    "/etc/passwd",
    "/{outside}/secret.png",
    "file:///etc/passwd",
    "file://{outside}/secret.png",
    "..\\..\\outside\\secret.png",
    "essays/../../outside/secret.png",
]


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the site holding files a hostile post would like to publish."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.png").write_text(SECRET_MARKER)
    (folder / "secret.mp3").write_text(SECRET_MARKER)
    (folder / "secret.vtt").write_text(f"WEBVTT\n\n00:00.000 --> 00:01.000\n{SECRET_MARKER}\n")
    (folder / "secret.md").write_text(essay("Stolen", body=SECRET_MARKER))
    return folder


def _assert_outcome(run: Run, target: str, field: str) -> None:
    """A ``file:`` URL is refused at its line (nothing written); any other spelling builds, its
    target resolved inside the site or left as a link, never read from outside."""
    assert_clean_outcome(run)
    if target.startswith("file:"):
        assert run.exit_code == 2, run.stderr
        assert any("hostile.md:" in p and f": {field}: " in p for p in run.problems), run.stderr
    else:
        assert run.exit_code == 0, run.stderr


def assert_nothing_leaked(out: Path, outside: Path) -> None:
    names = {p.name for p in outside.iterdir()}
    for path in output_files(out):
        assert SECRET_MARKER.encode() not in path.read_bytes(), f"secret leaked into {path}"
        assert path.name not in names or path.suffix == ".md", f"outside file copied: {path}"
    assert "root:x:0:0" not in "".join(p.read_text("utf-8", "replace") for p in output_files(out))


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_markdown_links_and_images_outside_the_root(
    tmp_path: Path, outside: Path, target: str
) -> None:
    target = target.format(outside=str(outside).lstrip("/"))
    body = (
        f"![img]({target})\n\n[link]({target})\n\n"
        f'<img src="{target}"> <a href="{target}">x</a> <video poster="{target}"></video>\n'
    )
    site = tmp_path / "site"
    make_site(site, {"essays/hostile.md": essay("Hostile", body=body)})
    run = run_build(site)
    _assert_outcome(run, target, "body")
    check_outputs(site / "out")
    assert_nothing_leaked(site / "out", outside)


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_front_matter_image_outside_the_root(tmp_path: Path, outside: Path, target: str) -> None:
    target = target.format(outside=str(outside).lstrip("/"))
    site = tmp_path / "site"
    make_site(site, {"essays/hostile.md": essay("Hostile", image=f"'{target}'")})
    run = run_build(site)
    _assert_outcome(run, target, "image")
    assert_nothing_leaked(site / "out", outside)


def test_symlinked_asset_pointing_outside_is_not_copied(tmp_path: Path, outside: Path) -> None:
    site = tmp_path / "site"
    make_site(
        site,
        {
            "essays/post.md": essay(
                "Post", image="leak.png", body="![a](leak.png) ![b](dir/secret.png)\n"
            )
        },
    )
    (site / "content/essays/leak.png").symlink_to(outside / "secret.png")
    (site / "content/essays/dir").symlink_to(outside, target_is_directory=True)
    run = run_build(site)
    assert_clean_outcome(run)
    assert run.exit_code == 0, run.stderr  # built, with the links pointing at nothing copied
    check_outputs(site / "out")
    assert_nothing_leaked(site / "out", outside)


def test_symlinked_markdown_file_pointing_outside_is_refused(tmp_path: Path, outside: Path) -> None:
    site = tmp_path / "site"
    make_site(site, {"essays/fine.md": essay()})
    (site / "content/essays/stolen.md").symlink_to(outside / "secret.md")
    run = run_build(site)
    assert run.exit_code == 2
    assert len(run.problems) == 1
    assert run.problems[0].endswith(
        "content/essays/stolen.md:1: file: symlink points outside the content root; refused"
    )
    assert SECRET_MARKER not in run.stderr
    assert not (site / "out").exists()


def test_symlink_loops_and_dangling_symlinks_are_named_not_crashed_on(tmp_path: Path) -> None:
    """``Path.resolve`` raises RuntimeError on a loop: once an "unexpected error", exit 1."""
    site = tmp_path / "site"
    make_site(site, {"essays/fine.md": essay()})
    (site / "content/essays/self.md").symlink_to("self.md")
    (site / "content/essays/ping.md").symlink_to("pong.md")
    (site / "content/essays/pong.md").symlink_to("ping.md")
    (site / "content/essays/gone.md").symlink_to("nowhere.md")
    run = run_build(site)
    assert run.exit_code == 2, run.stderr
    assert sorted(p.split("content/essays/")[1] for p in run.problems) == [
        "gone.md:1: file: symlink to a missing file; refused",
        "ping.md:1: file: symlink loop; refused",
        "pong.md:1: file: symlink loop; refused",
        "self.md:1: file: symlink loop; refused",
    ]
    assert not (site / "out").exists()


def test_symlinked_folder_pointing_outside_is_not_walked(tmp_path: Path, outside: Path) -> None:
    site = tmp_path / "site"
    make_site(site, {"essays/fine.md": essay()})
    (site / "content/essays/elsewhere").symlink_to(outside, target_is_directory=True)
    run = run_build(site)
    assert run.exit_code == 0, run.stderr
    assert_nothing_leaked(site / "out", outside)


def test_symlink_inside_the_root_still_works(tmp_path: Path) -> None:
    """The guard is about leaving the root, not about symlinks as such."""
    site = tmp_path / "site"
    make_site(
        site,
        {
            "essays/post.md": essay("Post", body="![a](alias.png)\n"),
            "media/real.png": b"\x89PNG\r\n\x1a\nINSIDE",
        },
    )
    (site / "content/essays/alias.png").symlink_to(site / "content/media/real.png")
    run = run_build(site)
    assert run.exit_code == 0, run.stderr
    copied = site / "out/essays/post/alias.png"
    assert copied.read_bytes().endswith(b"INSIDE")


# Episodes: audio, transcript and artwork are read (probed, sniffed) at validation time.

EPISODE = """\
---
title: Hostile episode
date: 2024-11-04T18:00:00+01:00
id: 9b1d2c3e-0000-4000-8000-00000000dead
description: An episode that points at files outside the content root.
audio: {audio}
transcript: {transcript}
image: {image}
episode: 9
---

Text.
"""


@pytest.mark.parametrize(
    ("key", "target"),
    [
        ("audio", "../../outside/secret.mp3"),
        ("audio", "/etc/passwd"),
        ("audio", "{outside}/secret.mp3"),
        ("audio", "file:///etc/passwd"),
        ("audio", "leak.mp3"),
        ("transcript", "../../outside/secret.vtt"),
        ("transcript", "{outside}/secret.vtt"),
        ("transcript", "leak.vtt"),
        ("image", "../../outside/secret.png"),
        ("image", "{outside}/secret.png"),
        ("image", "leak.png"),
    ],
)
def test_episode_media_outside_the_root_is_refused(
    site: Path, tmp_path: Path, key: str, target: str
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(site / "content/episodes/media/001-welcome.mp3", outside / "secret.mp3")
    (outside / "secret.vtt").write_text(f"WEBVTT\n\n00:00.000 --> 00:01.000\n{SECRET_MARKER}\n")
    shutil.copy(site / "content/podcast/cover.jpg", outside / "secret.png")
    episodes = site / "content/episodes"
    for name in ("leak.mp3", "leak.vtt", "leak.png"):
        os.symlink(outside / name.replace("leak", "secret"), episodes / name)
    values = {
        "audio": "media/001-welcome.mp3",
        "transcript": "media/001-welcome.vtt",
        "image": "../podcast/cover.jpg",
    }
    values[key] = target.format(outside=outside)
    (episodes / "009-hostile.md").write_text(EPISODE.format(**values))
    run = run_build(site, site / "feeds")
    assert_clean_outcome(run)
    assert run.exit_code == 2, run.stderr
    mine = [ln for ln in run.problems if "009-hostile.md" in ln]
    assert mine, run.stderr
    assert any(f": front matter '{key}': " in ln for ln in mine), run.stderr
    assert SECRET_MARKER not in run.stderr
    assert not (site / "feeds").exists()


def test_a_named_pipe_among_the_pages_is_refused_not_read(tmp_path: Path) -> None:
    """``mkfifo content/essays/pipe.md``: opening it for reading waits for a writer, and the
    build hung for ever. It is refused at its path, and nothing is written."""
    make_site(tmp_path, {"essays/plain.md": essay()})
    os.mkfifo(tmp_path / "content" / "essays" / "pipe.md")
    with within(60, "the build opened a named pipe and waited for a writer"):
        run = run_build(tmp_path)
    assert run.exit_code == 2, run.stderr
    assert "essays/pipe.md:1: file: not a regular file (a pipe or a device); refused" in run.stderr
    assert not (tmp_path / "out" / "essays").exists()
