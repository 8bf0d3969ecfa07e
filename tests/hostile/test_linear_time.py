"""Every command that reads content takes time linear in it: doubling a hostile shape at most
about doubles the time of ``build``, ``validate`` and ``links --offline``.

A ratio, not a time: each shape is run at ``n`` and ``2n`` characters and
time(2n) <= 2.5 × time(n) is asserted, each time the best CPU seconds of a few runs
(:mod:`tests.timing`: a busy machine deschedules a run; the CPU a run takes is its own). Sizes are the smallest at which the code before the fix
was clearly quadratic (a backtracking regex, or html.parser retrying each unclosed ``<``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.linkcheck.local import LocalChecker
from pipeline.linkcheck.results import BROKEN
from pipeline.model import LinkRef
from tests.hostile.sites import essay, make_site
from tests.timing import assert_linear

EPISODE = {
    "kind": "episode",
    "audio": "https://media.example.org/a.mp3",
    "length": "1000",
    "type": "audio/mpeg",
    "duration": "60",
}


def _in_body(body: Callable[[int], str]) -> Callable[[int], str]:
    return lambda n: essay(body=body(n))


SHAPES: dict[str, tuple[Callable[[int], str], int]] = {
    # a code-span regex, (`+).+?\1, tried every shorter run of backticks at every start
    "backticks": (_in_body(lambda n: "{% hint %} " + "`" * n + "a" * n + "\n"), 4_000),
    # html.parser at the end of its input retried each unclosed "<" against the whole rest
    "unclosed-html-tags": (_in_body(lambda n: "<!---> " + "<a " * n + "\n"), 4_000),
    # each unclosed container searched every later line for its end tag
    "unclosed-containers": (_in_body(lambda n: "{% hint %}\n" * n), 3_000),
    # "{#id}" searched from each blank of a long run of blanks in a heading
    "blanks-in-heading": (_in_body(lambda n: "## a" + " " * n + "b\n"), 40_000),
    # the title taken from the H1: a lazy group before [ \t#]*$
    "blanks-in-h1-title": (
        lambda n: "---\ndate: 2024-05-01\n---\n# a" + " " * n + "b\n\nText.\n",
        20_000,
    ),
    # the front matter's fast path: a lazy value before " *"
    "blanks-in-front-matter": (
        lambda n: "---\ntitle: a" + " " * n + "b\ndate: 2024-05-01\n---\nText.\n",
        20_000,
    ),
    # a tag's name and arguments: a long word tried again from each of its characters
    "long-tag-argument": (_in_body(lambda n: "x {% x " + "a" * n + " %}\n"), 20_000),
    # a Hugo shortcode's line stripped again for each of the shortcodes on it
    "hugo-shortcodes-on-one-line": (_in_body(lambda n: "{{< mysc >}} " * n + "\n"), 20_000),
    # a tag without "%}" read to the end of the text from each "{%"
    "tags-never-closed": (_in_body(lambda n: "x {% a" * n + "\n"), 4_000),
    # many "{%" sharing one "%}" on their line: the line looked at once, not from each "{%"
    "openings-sharing-a-close": (_in_body(lambda n: "x {% " * n + "%} y\n"), 40_000),
    # GitBook maths: an unclosed $$ line, dollar pairs and code spans on one long line
    "maths-dollars": (_in_body(lambda n: "$$\n" + "a $$ b `$$` " * n + "\n"), 4_000),
    # each unclosed <h2> of raw HTML read to the end for its </h2> (heading ids)
    "unclosed-heading-tags": (_in_body(lambda n: "<h2>" * n + "\n"), 8_000),
    # each unclosed <summary> read to its line's end for its close (an expandable block's id)
    "unclosed-summary-tags": (_in_body(lambda n: "<p>" + "<summary>" * n + "</p>\n"), 8_000),
    "summaries-on-one-line": (
        _in_body(lambda n: "<p>" + "<summary>a</summary>" * n + "</p>\n"),
        4_000,
    ),
    # a heading's text without its tags: each unclosed "<" read to the end for a ">"
    "unclosed-tags-in-heading": (_in_body(lambda n: "<h1>" + "<" * n + "</h1>\n"), 40_000),
    # the hint that a body may show an image from another scheme: from each "](" to the end
    "link-destinations": (_in_body(lambda n: "](a" * n + "\n"), 8_000),
    # a style attribute's url( and blanks: every split of the blanks tried
    "blanks-in-style-url": (
        _in_body(lambda n: '<p style="url(' + " " * n + 'x">hi</p>\n'),
        20_000,
    ),
    # raw HTML: each stray end tag looked for among every element still open
    "stray-end-tags": (_in_body(lambda n: "<div>" * n + "</span>" * n + "\n"), 10_000),
    # each missing anchor compared with every heading of its page for a suggestion
    "missing-anchors": (
        _in_body(
            lambda n: (
                "".join(f"## Heading {i}\n\n" for i in range(n))
                + "".join(f"[x](#nope{i})\n" for i in range(n))
            )
        ),
        1_000,
    ),
    # each link's text read from a copy of the rest of its paragraph
    "links-in-a-paragraph": (_in_body(lambda n: "[a](../x.md) " * n + "\n"), 20_000),
    "footnote-references": (_in_body(lambda n: "x" + "[^1]" * n + "\n\n[^1]: note\n"), 40_000),
    # each author (and tag) looked for in the list of those before it
    "many-authors": (
        lambda n: essay(authors="[" + ", ".join(f"a{i}" for i in range(n)) + "]"),
        20_000,
    ),
    # an episode's headings read for chapters: a lazy text before blanks and closing hashes
    # (cubic: 1,000 blanks took seconds), then a lazy title before blanks and a timestamp
    "blanks-in-chapter-heading": (
        lambda n: essay(body="## a" + " " * n + "b\n", **EPISODE),
        400,
    ),
}

COMMANDS = {
    "build": ["build", "--quiet"],
    "validate": ["validate", "--quiet"],
    "links": ["links", "--offline", "--quiet"],
}


def _run_once(tmp: Path, text: str, command: list[str], run: int) -> None:
    root = tmp / f"run{run}"
    make_site(
        root, {"essays/shape.md": text}, max_bytes=10_000_000, podcast="kind: episode" in text
    )
    args = [*command, "--config", str(root / "publish.toml")]
    if command[0] == "build":  # a fresh output and cache each time: nothing is reused
        args += ["--out", str(root / "out"), "--cache-dir", str(root / "cache")]
    result = CliRunner().invoke(main, args)
    assert "Traceback" not in result.stderr + result.stdout
    assert result.exit_code in (0, 2), (result.exit_code, result.stderr[-500:])


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_doubling_the_input_at_most_about_doubles_the_time(
    tmp_path: Path, shape: str, command: str
) -> None:
    make, n = SHAPES[shape]
    args = COMMANDS[command]
    runs = iter(range(10**6))
    _run_once(tmp_path, make(n // 4), args, next(runs))  # warm up: imports, first renders
    texts = {size: make(size) for size in (n, 2 * n)}  # made once, outside what is timed
    assert_linear(
        lambda size: _run_once(tmp_path, texts[size], args, next(runs)),
        n,
        label=f"{shape}, {command}: ",
    )


def _config_run(tmp: Path, n: int, run: int) -> None:
    """``publish build`` of a site whose publish.toml has a multi-line string with a long
    unclosed ``[`` line, then an unknown key: the error names the key's line, found by
    reading every line before it for table headers."""
    root = tmp / f"config{run}"
    config = make_site(root, {"essays/a.md": essay()})
    text = config.read_text(encoding="utf-8").replace(
        "[content]", 'description = """\n[' + " " * n + 'a\n"""\nnotes = 1\n\n[content]', 1
    )
    config.write_text(text, encoding="utf-8")
    args = ["build", "--quiet", "--config", str(config), "--out", str(root / "out")]
    result = CliRunner().invoke(main, [*args, "--cache-dir", str(root / "cache")])
    assert result.exit_code == 3, result.stderr
    assert f"{config}:10: site.notes: unknown key" in result.stderr, result.stderr


def test_a_long_line_in_the_config_is_read_in_linear_time(tmp_path: Path) -> None:
    """The table headers of publish.toml (each problem's line is found by them) are read
    with string methods: a lazy name before blanks and a bracket was quadratic."""
    runs = iter(range(10**6))
    assert_linear(lambda size: _config_run(tmp_path, size, next(runs)), 1_000)


def _podcast_config_run(tmp: Path, n: int, run: int, podcast_line: str, exit_code: int) -> None:
    """``publish build`` of a site with one episode and ``podcast_line`` (made for ``n``)
    in its ``[podcast]`` table (in place of the key's line there)."""
    root = tmp / f"podcast{run}"
    config = make_site(root, {"essays/a.md": essay(**EPISODE)}, podcast=True)
    key = podcast_line.split(" =", 1)[0] + " ="
    lines = [ln for ln in config.read_text(encoding="utf-8").splitlines() if not ln.startswith(key)]
    config.write_text("\n".join([*lines, podcast_line, ""]), encoding="utf-8")
    args = ["build", "--quiet", "--config", str(config), "--out", str(root / "out")]
    result = CliRunner().invoke(main, [*args, "--cache-dir", str(root / "cache")])
    assert "Traceback" not in result.stderr + result.stdout
    assert result.exit_code == exit_code, result.stderr[-500:]


PODCAST_LINES: dict[str, tuple[Callable[[int], str], int, int]] = {
    # the owner's address: a dot after the "@" tried at each dot of a run of them
    "dots-in-owner-email": (lambda n: 'owner_email = "a@' + "." * n + '@"', 40_000, 3),
    # a podcast:txt value: blanks after "purpose:" split every way against a newline
    "blanks-in-txt": (lambda n: 'txt = ["a:' + " " * n + '\\nx\\ny"]', 20_000, 3),
}


@pytest.mark.parametrize("shape", sorted(PODCAST_LINES))
def test_podcast_values_are_read_in_linear_time(tmp_path: Path, shape: str) -> None:
    make, n, exit_code = PODCAST_LINES[shape]
    runs = iter(range(10**6))

    def build(size: int) -> None:
        _podcast_config_run(tmp_path, size, next(runs), make(size), exit_code)

    build(n // 4)  # warm up
    assert_linear(build, n, label=f"{shape}: ")


def test_lint_feed_reads_comments_and_handlers_in_linear_time() -> None:
    """``publish lint-feed``: the OPML check before a feed's root (every grouping of its
    leading comments was tried: exponential) and the on* handler check of its HTML."""
    from pipeline.feedcheck import lint_feed

    def comments(k: int) -> object:
        return lint_feed(b"<!--a-->" * k + b"<rss/>", podcast=False)

    def handlers(n: int) -> object:
        item = f"<item><title>t</title><description>{'on' * n}</description></item>"
        data = f'<rss version="2.0"><channel><title>t</title>{item}</channel></rss>'
        return lint_feed(data.encode(), podcast=False)

    assert_linear(comments, 12, label="comments: ")
    assert_linear(handlers, 8_000, label="handlers: ")


def test_publish_new_reads_summary_entries_in_linear_time() -> None:
    """``publish new`` in a GitBook space lists the page in SUMMARY.md after its folder's
    entries: each line's link target was read on from each ``](`` (quadratic)."""
    from pipeline.authoring.scaffold import with_entry

    def entries(n: int) -> object:
        summary = "# Summary\n\n* [Guide](guide/README.md)\n- [" + "](" * n + "\n"
        out = with_entry(summary, "New", "guide/new.md")
        assert "  * [New](guide/new.md)\n" in out
        return out

    assert_linear(entries, 4_000)


def _missing_links_run(tmp: Path, n: int, shape: str) -> None:
    """Check n broken local links against a tree of n files: each gets its "did you mean"
    (the suggestion searched every file for each missing target: 4,000 took over a minute)."""
    root = tmp / f"{shape}-{n}"
    images = root / "img"
    if not root.exists():
        images.mkdir(parents=True)
        for i in range(n):
            (images / f"figure-{i:05d}.png").write_bytes(b"x")
            (root / f"page-{i:05d}.md").write_text("# P\n", encoding="utf-8")
    if shape == "images":  # each page links an image renamed since
        refs = [
            LinkRef(f"page-{i:05d}.md", 3, f"img/chart-{i:05d}.png", "", "image") for i in range(n)
        ]
    elif shape == "one-page":  # every page links one page that was deleted
        refs = [LinkRef(f"page-{i:05d}.md", 3, "missing.md", "", "link") for i in range(n)]
    elif shape == "site-paths-in-folders":  # each from a folder of its own, as in a handbook
        refs = [LinkRef(f"s{i}/page.md", 3, f"/essays/q{i}/", "", "link") for i in range(n)]
    else:  # site paths that name nothing
        refs = [LinkRef(f"page-{i:05d}.md", 3, f"/essays/q{i}/", "", "link") for i in range(n)]
    permalinks = {f"/essays/p{i}/": f"page-{i:05d}.md" for i in range(n)}
    checker = LocalChecker(root, [], base_url="https://e.example/", permalinks=permalinks)
    outcomes = [checker.check(ref) for ref in refs]
    assert all(o.status == BROKEN for o in outcomes)


@pytest.mark.parametrize("shape", ["images", "one-page", "site-paths", "site-paths-in-folders"])
def test_broken_local_links_are_checked_in_linear_time(tmp_path: Path, shape: str) -> None:
    assert_linear(lambda size: _missing_links_run(tmp_path, size, shape), 1_000)


@pytest.mark.parametrize("spelling", ["as-written", "entities"])
def test_links_nested_past_the_limit_are_placed_in_linear_time(spelling: str) -> None:
    """Links past markdown-it's nesting limit are found again in the text for their lines:
    each search goes on from the last one's place (a target written the same way n times),
    and one that fails (a target spelt with entities) ends the searching."""
    from pipeline.render.markdown import scan

    deep = "".join("  " * level + "* x\n" for level in range(20))

    def links(n: int) -> object:
        target = "&#x67;one.md" if spelling == "entities" else "gone.md"
        text = deep + "  " * 20 + "* " + f"[a]({target}) " * n + "\n"
        doc = scan(text, "a.md")
        assert len(doc.links) == n
        return doc

    assert_linear(links, 4_000)
