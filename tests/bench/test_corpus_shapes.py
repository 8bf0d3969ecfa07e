"""The benchmark's corpus shapes: deterministic, each one what it says, each one a corpus
``publish build --strict`` builds, and the ``default`` shape unchanged since the first figures."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.bench import corpus, hugosite, shapes

N = 24


def _posts(shape: str, n: int = N) -> list[corpus.Post]:
    return [corpus.make_post(i, 0, corpus.SITE, shapes.SHAPES[shape]) for i in range(1, n + 1)]


def _front(post: corpus.Post) -> dict[str, str]:
    head = post.text.split("\n---\n", 1)[0].removeprefix("---\n")
    return dict(line.split(": ", 1) for line in head.splitlines())


def _body(post: corpus.Post) -> str:
    return post.text.split("\n---\n", 1)[1]


def _links(text: str) -> int:
    return len(re.findall(r"\]\([^)]+\)", text))


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_default_shape_is_the_corpus_of_every_earlier_figure() -> None:
    digest = hashlib.sha256()
    for post in _posts("default", 20):
        digest.update(post.text.encode())
    # the first 20 posts of bench/corpus.py before shapes existed (generator version 1)
    assert digest.hexdigest() == "0395d6007208ddee4cef035c7a7b7556573655778b8921dbd6b0b462a01cb393"


@pytest.mark.parametrize("shape", sorted(shapes.SHAPES))
def test_a_shape_is_a_function_of_the_seed(shape: str, tmp_path: Path) -> None:
    s = shapes.SHAPES[shape]
    corpus.generate(tmp_path / "a", 12, 7, s, hugo=("rss", "full"))
    corpus.generate(tmp_path / "b", 12, 7, s, hugo=("rss", "full"))
    corpus.generate(tmp_path / "c", 12, 8, s, hugo=())
    a, b, c = (_tree(tmp_path / x / "content") for x in "abc")
    assert a == b
    assert a != c
    assert _tree(tmp_path / "a" / "hugo-full") == _tree(tmp_path / "b" / "hugo-full")


def test_body_length() -> None:
    def words(shape: str) -> list[int]:
        return [p.words for p in _posts(shape)]

    assert all(150 <= w <= 400 + 200 for w in words("short"))  # the last block may overshoot
    assert all(4000 <= w <= 6000 + 200 for w in words("long"))
    assert all(800 <= w <= 2500 + 200 for w in words("default"))


def test_link_and_heading_density() -> None:
    def per_1000_words(shape: str, count: object) -> float:
        posts = _posts(shape)
        return 1000 * sum(count(_body(p)) for p in posts) / sum(p.words for p in posts)  # type: ignore[operator]

    def headings(text: str) -> int:
        return len(re.findall(r"(?m)^#{2,3} ", text))

    assert per_1000_words("dense", _links) > 3 * per_1000_words("default", _links)
    assert per_1000_words("dense", headings) > 2 * per_1000_words("default", headings)
    assert per_1000_words("sparse", _links) == 0
    assert per_1000_words("sparse", headings) < per_1000_words("default", headings) / 2


def test_front_matter_size() -> None:
    assert {tuple(_front(p)) for p in _posts("few-keys")} <= {
        ("title", "date", "id"),
        ("title", "date", "id", "audio", "length", "type", "duration"),
    }
    for post in _posts("many-keys"):
        front = _front(post)
        assert {"updated", "summary", "image", "aliases", "tags", "authors"} <= set(front)
        assert 3 <= len(json.loads(front["tags"])) <= 8
        assert front["updated"] > front["date"]


@pytest.mark.parametrize(
    ("shape", "share"), [("episodes-0", 0), ("default", 10), ("episodes-50", 50)]
)
def test_share_of_episodes(shape: str, share: int) -> None:
    posts = _posts(shape, 100)
    episodes = [p for p in posts if p.relpath.startswith("episodes/")]
    assert len(episodes) == share
    assert all("audio" in _front(p) for p in episodes)


def test_plain_markdown_has_no_gitbook_blocks() -> None:
    assert any("{% hint" in _body(p) for p in _posts("default"))
    for post in _posts("plain"):
        assert "{%" not in post.text and "&#x20;" not in post.text


def test_gitbook_space_lists_every_post(tmp_path: Path) -> None:
    corpus.generate(tmp_path, N, 0, shapes.SHAPES["gitbook"], hugo=("full",))
    summary = (tmp_path / "content" / "SUMMARY.md").read_text(encoding="utf-8")
    listed = re.findall(r"\]\(([^)]+)\)", summary)
    posts = sorted(
        p.relative_to(tmp_path / "content").as_posix()
        for p in (tmp_path / "content").glob("*/*.md")
    )
    assert sorted(listed) == sorted(["README.md", *posts])
    # Hugo gets the posts, not GitBook's table of contents nor its landing pages
    hugo_content = tmp_path / "hugo-full" / "content"
    assert not (hugo_content / "SUMMARY.md").exists()
    assert not list(hugo_content.rglob("README.md"))


@pytest.mark.parametrize("shape", sorted(shapes.SHAPES))
def test_every_shape_builds_strict(shape: str, tmp_path: Path, runner: CliRunner) -> None:
    corpus.generate(tmp_path, N, 0, shapes.SHAPES[shape], hugo=())
    config = tmp_path / "publish-nosearch.toml"
    before = config.read_bytes()
    out = tmp_path / "out"
    args = ["build", "--content", str(tmp_path / "content"), "--config", str(config)]
    result = runner.invoke(main, [*args, "--out", str(out), "--strict"])
    assert result.exit_code == 0, result.output
    assert "0 warnings" in result.stderr
    assert config.read_bytes() == before  # the podcast guid is pinned by the generator
    for post in _posts(shape):
        assert (out / post.relpath.removesuffix(".md") / "index.html").is_file(), post.relpath
    if shape == "many-keys":
        redirect = (out / "old" / "1" / "index.html").read_text(encoding="utf-8")
        assert "/essays/post-00001/" in redirect
    if shape == "gitbook":
        assert "Every post of essays" in (out / "essays" / "index.html").read_text(encoding="utf-8")


def test_hugo_redirects_a_gitbook_space_as_publish_does(tmp_path: Path, runner: CliRunner) -> None:
    """Hugo's copy of a space's post differs from ours by one ``aliases`` line, and those
    aliases are exactly the redirect pages publish writes (the same work on both sides)."""
    corpus.generate(tmp_path, N, 0, shapes.SHAPES["gitbook"], hugo=("full",))
    out = tmp_path / "out"
    args = ["build", "--content", str(tmp_path / "content"), "--out", str(out)]
    result = runner.invoke(main, [*args, "--config", str(tmp_path / "publish-nosearch.toml")])
    assert result.exit_code == 0, result.output
    aliases = set()
    for post in _posts("gitbook"):
        mine = (tmp_path / "content" / post.relpath).read_text(encoding="utf-8")
        hugo = (tmp_path / "hugo-full" / "content" / post.relpath).read_text(encoding="utf-8")
        first, alias, rest = hugo.split("\n", 2)
        assert f"{first}\n{rest}" == mine
        aliases.add(json.loads(alias.removeprefix("aliases: "))[0])
    redirects = {
        "/" + page.parent.relative_to(out).as_posix() + "/"
        for page in out.rglob("index.html")
        if 'http-equiv="refresh"' in page.read_text(encoding="utf-8")
    }
    assert len(aliases) == N
    assert aliases == redirects


def test_hugo_gets_the_same_files(tmp_path: Path) -> None:
    corpus.generate(tmp_path, N, 0, shapes.SHAPES["episodes-50"], hugo=("rss", "full"))
    content = tmp_path / "content"
    for post in _posts("episodes-50"):
        mine = (content / post.relpath).read_bytes()
        assert (tmp_path / "hugo-full" / "content" / post.relpath).read_bytes() == mine
        assert (
            tmp_path / "hugo" / "content" / "posts" / f"post-{post.index:05d}.md"
        ).read_bytes() == mine
    assert set(hugosite.FULL_LAYOUTS) <= {
        p.name for p in (tmp_path / "hugo-full" / "layouts").iterdir()
    }
    assert "disableKinds" in (tmp_path / "hugo" / "hugo.toml").read_text(encoding="utf-8")
    assert "pagerSize = 20" in (tmp_path / "hugo-full" / "hugo.toml").read_text(encoding="utf-8")


def test_ensure_adds_a_hugo_site_without_regenerating(tmp_path: Path) -> None:
    s = shapes.SHAPES["short"]
    corpus.generate(tmp_path, N, 0, s, hugo=("rss",))
    post = tmp_path / "content" / corpus.post_relpath(1, s)
    mtime = post.stat().st_mtime_ns
    stamp = corpus.ensure(tmp_path, N, 0, s, ("full",))
    assert stamp["hugo"] == ["full", "rss"]
    assert post.stat().st_mtime_ns == mtime
    assert (tmp_path / "hugo-full" / "content" / corpus.post_relpath(1, s)).is_file()
    corpus.ensure(tmp_path, N, 0, shapes.SHAPES["long"], ())  # another shape: regenerated
    assert corpus.stamp_of(tmp_path)["shape"] == "long"
