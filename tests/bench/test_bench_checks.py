"""The benchmark's checks and reports: Hugo's output verified (on a site laid out as Hugo lays
it out, rendered here with markdown-it), the search index state of a real ``publish build``,
and the table of several shapes."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from pipeline.cli import main
from tests.bench import bench_build, corpus, hugosite, shapes

BASE = corpus.SITE.base_url


def _fake_hugo_public(site: Path, public: Path) -> None:
    """What Hugo's full site holds for the checks: a page per post, paginated tag lists,
    a sitemap and the home feed with full content."""
    md = MarkdownIt("commonmark")
    sources = hugosite._sources(site)
    tags: dict[str, list[str]] = {}
    items = []
    for url, source in sources.items():
        body = md.render(source.read_text(encoding="utf-8").split("\n---\n", 1)[1])
        (public / url).mkdir(parents=True)
        (public / url / "index.html").write_text(f"<main>{body}</main>", encoding="utf-8")
        for tag in hugosite._tags(source):
            tags.setdefault(tag, []).append(url)
        items.append(
            f"<item><link>{BASE}{url}</link><description>{html.escape(body)}</description></item>"
        )
    for tag, urls in tags.items():
        for n, start in enumerate(range(0, len(urls), 20), 1):
            page = public / "tags" / tag / ("" if n == 1 else f"page/{n}")
            page.mkdir(parents=True, exist_ok=True)
            links = "".join(f'<a href="/{u}">x</a>' for u in urls[start : start + 20])
            (page / "index.html").write_text(links, encoding="utf-8")
    locs = "".join(f"<url><loc>{BASE}{u}</loc></url>" for u in sources)
    (public / "sitemap.xml").write_text(
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>',
        encoding="utf-8",
    )
    (public / "index.xml").write_text(
        f"<rss><channel>{''.join(items)}</channel></rss>", encoding="utf-8"
    )


@pytest.fixture
def hugo_full(tmp_path: Path) -> tuple[Path, Path]:
    corpus.generate(tmp_path, 90, 0, shapes.SHAPES["many-keys"], hugo=("full",))
    site, public = tmp_path / "hugo-full", tmp_path / "public"
    _fake_hugo_public(site, public)
    return site, public


def test_verify_full_accepts_a_complete_site(hugo_full: tuple[Path, Path]) -> None:
    site, public = hugo_full
    said = hugosite.verify_full(public, site, BASE)
    assert "90 posts" in said and "feed 90 items" in said
    listed = re.search(r"(\d+) posts on (\d+) list pages", said)
    assert listed and int(listed.group(1)) > 20 and int(listed.group(2)) >= 2  # paginated


def test_verify_full_finds_a_post_missing_from_a_tag_list(hugo_full: tuple[Path, Path]) -> None:
    site, public = hugo_full
    first = next(iter(hugosite._sources(site).values()))
    tag = hugosite._tags(first)[0]
    page = public / "tags" / tag / "index.html"
    links = page.read_text(encoding="utf-8").split("</a>")
    page.write_text("</a>".join(links[1:]), encoding="utf-8")  # the first post dropped
    with pytest.raises(SystemExit, match=f"expected the .* tagged '{tag}'"):
        hugosite.verify_full(public, site, BASE)


def test_verify_full_finds_a_missing_page_and_a_cut_body(hugo_full: tuple[Path, Path]) -> None:
    site, public = hugo_full
    url = next(iter(hugosite._sources(site)))
    page = public / url / "index.html"
    page.write_text(page.read_text(encoding="utf-8")[:2000], encoding="utf-8")
    with pytest.raises(SystemExit, match="does not hold its body in full"):
        hugosite.verify_full(public, site, BASE)
    shutil.rmtree(public / url)
    with pytest.raises(SystemExit, match=f"no page for {url}"):
        hugosite.verify_full(public, site, BASE)


def test_verify_feed_wants_every_post(hugo_full: tuple[Path, Path]) -> None:
    site, public = hugo_full
    feed = public / "index.xml"
    assert hugosite.verify_feed(feed, site, BASE).startswith("90 items")
    text = feed.read_text(encoding="utf-8")
    feed.write_text(text.replace("<item>", "<skipped>", 1).replace("</item>", "</skipped>", 1))
    with pytest.raises(SystemExit, match="89 <item>s, expected 90"):
        hugosite.verify_feed(feed, site, BASE)


def test_search_state_of_real_builds(tmp_path: Path, runner: CliRunner) -> None:
    """What the bench reports after each step: the index was written, kept, or is off."""
    corpus.generate(tmp_path, 8, 0, shapes.SHAPES["default"], hugo=())
    out, log = tmp_path / "out", tmp_path / "step.log"

    def step(config: str, target: Path, warning: str = "") -> str:
        before = bench_build.snapshot(target)
        args = ["build", "--content", str(tmp_path / "content"), "--config", str(tmp_path / config)]
        result = runner.invoke(main, [*args, "--out", str(target)])
        assert result.exit_code == 0, result.output
        log.write_text(result.stderr + warning, encoding="utf-8")
        return str(bench_build.search_state(target, before, bench_build.snapshot(target), log))

    assert step("publish.toml", out) == "indexed"
    assert step("publish.toml", out) == "kept"
    post = tmp_path / "content" / corpus.post_relpath(3)
    post.write_text(post.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
    assert step("publish.toml", out) == "indexed"
    assert step("publish-nosearch.toml", tmp_path / "out-nosearch") == "none"
    assert not (tmp_path / "out-nosearch" / "search").exists()
    failed = "warning: search index not updated: disk full\n"
    assert step("publish.toml", out, failed) == "failed"


def _run(step: str, seconds: float, search: str | None = None) -> object:
    files = None if step == "hugo" else 5
    return bench_build.Run(step, 1, seconds, 0, 1024, 2048, files, search, cpu_seconds=seconds * 2)


def test_table_has_a_row_per_shape_and_step_with_its_ratio_and_search() -> None:
    rows = [
        *bench_build.summarise(
            300, "default", [_run("hugo", 2.0), _run("cold", 1.0, "indexed")], "full"
        ),
        *bench_build.summarise(
            300, "long", [_run("hugo", 4.0), _run("cold", 3.0, "indexed")], "full"
        ),
    ]
    table = bench_build.markdown(rows).splitlines()
    assert "| Shape |" in table[0] and "| Search index |" in table[0]
    assert table[2].startswith("| 300 | default | Hugo (full site) | 2.00")
    assert "| 0.50 | 2.00 (0.50) |" in table[3] and table[3].endswith("| indexed |")
    assert (
        table[5].startswith("| 300 | long | publish build, cold | 3.00") and "| 0.75 |" in table[5]
    )
    rss = bench_build.summarise(300, "default", [_run("hugo", 2.0)], "rss")
    assert rss[0].label == "Hugo (one RSS feed)"


def test_unknown_shape_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        bench_build.main(["100", "--shape", "default,huge", "--steps", "cold"])
    assert exc.value.code == 2
    assert "unknown shapes: huge" in capsys.readouterr().err


def test_the_memory_round_gives_the_tree_peak_and_no_time() -> None:
    """The tree's memory is sampled in an untimed round: its seconds (slowed by the sampling)
    stay out of the median, its peak is the row's."""
    timed = [_run("cold", t) for t in (1.0, 1.2, 1.4)]
    for run in timed:
        run.tree_peak_kib = 0  # type: ignore[attr-defined]
    memory = bench_build.Run("cold", 4, 9.0, 0, 1024, 300 * 1024, 5, cpu_seconds=20.0, timed=False)
    (row,) = bench_build.summarise(300, "default", [*timed, memory], "full")
    assert (row.median, row.high, row.cpu) == (1.2, 1.4, 2.4)
    assert row.tree_mib == 300


def test_the_edited_post_is_put_back_as_it_was_its_time_too(site: Path) -> None:
    """Restored just before a cold step, a post with a new modification time is one a build
    cannot trust by its stat: the warm step after it built again (the bench without Hugo's
    step between). Restored with its time, the build after the cold one finds nothing to do."""
    post = site / "content" / "essays" / "why-we-gather.md"
    original, stamp = post.read_bytes(), post.stat()
    post.write_bytes(original + b"\nEdited.\n")
    bench_build.restore(post, original, stamp)
    assert post.read_bytes() == original
    assert post.stat().st_mtime_ns == stamp.st_mtime_ns
    args = ["build", "--config", str(site / "publish.toml"), "--out", str(site / "out")]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    second = CliRunner().invoke(main, [*args, "--timings"])
    assert second.exit_code == 0, second.output
    assert "timings: check" in second.output
    assert "load" not in second.output.split("timings:")[1]  # nothing changed: nothing loaded
