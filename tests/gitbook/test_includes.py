"""GitBook's reusable content: ``{% include "../.gitbook/includes/x.md" %}`` stands for the
body of that file, as Git Sync writes it. The block was dropped: the page lost its text."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pipeline.cli import main
from pipeline.model import Item
from pipeline.render.includes import MAX_PER_PAGE, tags
from tests.hostile.sites import within
from tests.timing import assert_linear

CONFIG = '[site]\nbase_url = "https://h.example/"\n[content]\nflavour = "gitbook"\n'
NOTICE = (
    "---\ntitle: Contact notice\n---\n\n"
    "## Contact\n\nWrite to [the team](../../guide/team.md) or see "
    "![the map](../assets/map.png).\n"
)


def _space(root: Path, extra: dict[str, str] | None = None) -> Path:
    files = {
        "SUMMARY.md": "# Summary\n\n* [Home](README.md)\n* [Start](guide/start.md)\n"
        "* [Team](guide/team.md)\n",
        "README.md": '# Home\n\n{% include ".gitbook/includes/notice.md" %}\n',
        "guide/start.md": "# Start\n\n## Contact\n\nIntro.\n\n"
        '{% include "../.gitbook/includes/notice.md" %}\n\nEnd [of it](../nowhere.md).\n',
        "guide/team.md": "# Team\n\nWe are here.\n",
        ".gitbook/includes/notice.md": NOTICE,
        ".gitbook/assets/map.png": "png",
        **(extra or {}),
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "publish.toml").write_text(CONFIG)
    return root


def _build(root: Path, *more: str) -> Result:
    args = ["build", "--config", str(root / "publish.toml"), "--content", str(root)]
    return CliRunner().invoke(main, [*args, "--out", str(root.parent / "out"), *more])


def _article(out: Path, page: str) -> str:
    text = (out / page / "index.html").read_text(encoding="utf-8")
    return text[text.index("<article") : text.index("</article>")]


def test_an_included_file_is_rendered_where_its_tag_stands(tmp_path: Path) -> None:
    """Its links resolve from its own folder (as GitBook does), from any page's depth; its
    image is copied; its heading's id is unique beside the page's own heading of that name."""
    root = _space(tmp_path / "space")
    result = _build(root)
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    start = _article(out, "guide/start")
    assert start.index("Intro.") < start.index("Write to") < start.index("End")
    assert '<a href="../../guide/team/">the team</a>' in start
    assert '<h2 id="contact">' in start and '<h2 id="contact-1">' in start
    assert "include" not in start and "publishinclude" not in start
    home = _article(out, ".")
    assert '<a href="./guide/team/">the team</a>' in home
    src = start.split('<img src="', 1)[1].split('"', 1)[0]
    assert (out / "guide/start" / src).read_text() == "png"  # the include's image, copied
    # the page's own dangling link is still found at its own line
    assert "guide/start.md:9: link: ../nowhere.md points at nothing" in result.stderr


def test_an_edited_include_rewrites_the_pages_that_include_it(tmp_path: Path) -> None:
    root = _space(tmp_path / "space")
    assert _build(root).exit_code == 0
    again = _build(root)
    assert "0 files written" in again.output, again.output
    notice = root / ".gitbook/includes/notice.md"
    notice.write_text(NOTICE.replace("Write to", "Now write to"), encoding="utf-8")
    later = time.time() + 5  # a new mtime even where the clock is coarse
    os.utime(notice, (later, later))
    result = _build(root)
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    assert "Now write to" in _article(out, "guide/start")
    assert "Now write to" in _article(out, ".")
    assert "We are here" in _article(out, "guide/team")


def test_a_file_that_cannot_be_included_is_a_warning_at_its_tag(tmp_path: Path) -> None:
    root = _space(
        tmp_path / "space",
        {
            "guide/team.md": '# Team\n\n{% include "../.gitbook/includes/gone.md" %}\n\n'
            '{% include "../../outside.md" %}\n\nWe are here.\n\n'
            '{% include "https://app.gitbook.com/s/Gx1/~/reusable/G9g/" %}\n',
        },
    )
    (tmp_path / "outside.md").write_text("secret outside the space\n")
    result = _build(root)
    assert result.exit_code == 0, result.output
    assert "guide/team.md:3: include: '../.gitbook/includes/gone.md' cannot be read" in (
        result.stderr
    )
    assert "guide/team.md:5: include: '../../outside.md' is not a file of the content" in (
        result.stderr
    )
    assert "guide/team.md:9: include: 'https://app.gitbook.com/s/Gx1/~/reusable/G9g/' is " in (
        result.stderr  # another space's reusable content, kept by GitBook
    )
    assert "reusable content kept in GitBook, not a file of this repository" in result.stderr
    team = _article(tmp_path / "out", "guide/team")
    assert "We are here" in team and "secret" not in team and "include" not in team


def test_tags_in_code_and_nested_tags_stay_as_written(tmp_path: Path) -> None:
    """A tag in a code block is text; a tag inside an included file is not followed (GitBook
    does not nest reusable content), so a page is bounded by its own tags."""
    root = _space(
        tmp_path / "space",
        {
            "guide/team.md": '# Team\n\n```\n{% include "../.gitbook/includes/notice.md" %}\n```\n',
            ".gitbook/includes/notice.md": NOTICE + '\n{% include "notice.md" %}\n',
        },
    )
    result = _build(root)
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    assert "{% include &quot;../.gitbook/includes/notice.md&quot; %}" in _article(out, "guide/team")
    assert _article(out, "guide/start").count("Write to") == 1
    assert ".gitbook/includes/notice.md:9: include: 'notice.md' is in an included file: " in (
        result.stderr
    )


def test_past_the_limit_tags_are_left_out_with_a_warning(tmp_path: Path) -> None:
    tag = '{% include "../.gitbook/includes/notice.md" %}\n\n'
    mark = "publishinclude9c41e7x0x"  # the placeholder's word, written by an author
    root = _space(
        tmp_path / "space",
        {"guide/team.md": "# Team\n\n" + tag * (MAX_PER_PAGE + 5) + mark * 3 + "\n"},
    )
    result = _build(root)
    assert result.exit_code == 0, result.output
    assert f"is over the {MAX_PER_PAGE} includes a page may have; the block is left out" in (
        result.stderr
    )
    assert f"(5 places: {root / 'guide/team.md'}:{3 + 2 * MAX_PER_PAGE}, " in result.stderr
    team = _article(tmp_path / "out", "guide/team")
    assert team.count("Write to") == MAX_PER_PAGE
    assert team.count(mark) == 3


def test_finding_tags_is_linear() -> None:
    """No backtracking on a hostile line: twice the text takes about twice the time."""

    bodies = {n: ('{% include "' + "a" * 900 + "\n") * n + "{%" * n * 50 for n in (2000, 4000)}

    def find(n: int) -> None:
        assert list(tags(bodies[n])) == []

    assert_linear(find, 2000, ratio=2.5, slack=0)


def test_publish_links_checks_an_included_file_and_the_anchors_it_brings(tmp_path: Path) -> None:
    """The included file's links are checked once, at its own lines, from its own folder;
    a page's anchors include its included headings (``#contact-1`` is on the page)."""
    root = _space(
        tmp_path / "space",
        {
            ".gitbook/includes/notice.md": NOTICE + "\nSee [the gone page](../../guide/gone.md).\n",
            "guide/team.md": "# Team\n\n[Contact](start.md#contact-1) and [none](start.md#nope).\n",
        },
    )
    args = ["links", "--offline", "--format", "json", "--config", str(root / "publish.toml")]
    result = CliRunner().invoke(main, [*args, "--content", str(root)])
    assert result.exit_code == 2, result.output
    broken = sorted(  # "source" is path:line as the user typed the path
        (r["source"].split("space/", 1)[1], r["url"], r["reason"])
        for r in json.loads(result.stdout)
        if r["status"] == "broken"
    )
    assert broken == [
        (".gitbook/includes/notice.md:9", "../../guide/gone.md", "file not found: guide/gone.md"),
        ("guide/start.md:9", "../nowhere.md", "file not found: nowhere.md"),
        ("guide/team.md:3", "start.md#nope", "anchor #nope not found in guide/start.md"),
    ]


def test_a_linked_folder_does_not_let_an_include_out_of_the_content(tmp_path: Path) -> None:
    root = _space(tmp_path / "space")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "secret.md").write_text("secret outside the space\n")
    (root / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (root / "guide/team.md").write_text('# Team\n\n{% include "../linked/secret.md" %}\n')
    result = _build(root)
    assert result.exit_code == 0, result.output
    assert "guide/team.md:3: include: '../linked/secret.md' is outside the content folder" in (
        result.stderr
    )
    assert "secret" not in _article(tmp_path / "out", "guide/team")


def test_a_page_draws_in_at_most_its_share_of_included_text(tmp_path: Path) -> None:
    """A file of 1.2 million characters included twice: the second tag would pass the
    2,000,000 a page may include, and is left out (the page stays near the file's size, not
    a hundred times it)."""
    big = "word " * 240_000 + "\n"
    tag = '{% include "../.gitbook/includes/big.md" %}\n\n'
    root = _space(
        tmp_path / "space",
        {".gitbook/includes/big.md": big, "guide/team.md": "# Team\n\n" + tag * 2},
    )
    result = _build(root)
    assert result.exit_code == 0, result.output
    assert "guide/team.md:5: include: '../.gitbook/includes/big.md' is over the 2,000,000" in (
        result.stderr
    )
    page = (tmp_path / "out/guide/team/index.html").read_text()
    assert 1_200_000 < len(page) < 1_400_000


def test_an_include_of_a_pipe_or_a_folder_is_never_read(tmp_path: Path) -> None:
    """A named pipe would block the read for ever (no writer): the build ends, with a warning."""
    root = _space(tmp_path / "space")
    os.mkfifo(root / ".gitbook/includes/pipe.md")
    (root / "guide/team.md").write_text(
        '# Team\n\n{% include "../.gitbook/includes/pipe.md" %}\n\n'
        '{% include "../.gitbook/includes" %}\n\nWe are here.\n'
    )
    with within(60, "the build read a named pipe and waited for a writer"):
        result = _build(root)
    assert result.exit_code == 0, result.output
    assert "guide/team.md:3: include: '../.gitbook/includes/pipe.md' is not a file" in result.stderr
    assert "guide/team.md:5: include: '../.gitbook/includes' is not a file" in result.stderr
    assert "We are here" in _article(tmp_path / "out", "guide/team")


@pytest.mark.parametrize("name", ["dates.yml", ".publish-ids.json"])
def test_a_pipe_in_place_of_the_space_files_never_hangs_the_build(
    tmp_path: Path, name: str
) -> None:
    """The dates file (read for its keys' lines) and the id ledger opened whatever was there."""
    root = _space(tmp_path / "space")
    os.mkfifo(root / name)
    with within(60, f"the build read {name}, a named pipe, and waited for a writer"):
        result = _build(root)
    if name == "dates.yml":  # no dates: the pages are undated, as with no file
        assert result.exit_code == 0, result.output
        assert "in SUMMARY.md but undated" in result.stderr
    else:
        assert result.exit_code == 2, result.output
        assert f"{name}:1: id ledger: cannot be read: not a regular file" in result.stderr


@pytest.mark.parametrize("n", [40, 450])  # in this process; on the load's worker processes
def test_pages_that_include_one_file_share_one_copy_of_it(tmp_path: Path, n: int) -> None:
    """Each page read the file (or unpickled its record) on its own: 10,000 pages including
    one 1 MB file held 10 GB. Loaded, and served again by the snapshot, the items hold one."""
    from pipeline.build.snapshot import rendered_site
    from pipeline.config import load_config
    from pipeline.load.loader import load_site
    from tests.build.test_incremental import age

    pages = {f"guide/p{k}.md": f'# P{k}\n\n{{% include "../.gitbook/includes/notice.md" %}}\n'
             for k in range(n)}  # fmt: skip
    summary = "# Summary\n\n" + "".join(f"* [P{k}](guide/p{k}.md)\n" for k in range(n))
    root = _space(tmp_path / "space", {**pages, "SUMMARY.md": summary})
    age(root)  # files older than the snapshot trusts (a file of this very second is read)
    cfg = load_config(root / "publish.toml")

    def copies(items: tuple[Item, ...]) -> int:
        return len({id(i.includes[0][1]) for i in items if i.includes})

    loaded = load_site(cfg, root)
    assert sum(1 for i in loaded.items if i.includes) == n + 2 and copies(loaded.items) == 1
    cache = tmp_path / "cache"
    rendered_site(cfg, root, cache)  # writes the id ledger: the snapshot is made next time
    age(root)
    rendered_site(cfg, root, cache)
    served, from_snapshot = rendered_site(cfg, root, cache)
    assert from_snapshot
    assert copies(served.site.items) == 1


def test_an_include_spelt_out_of_the_content_says_so_without_a_link(tmp_path: Path) -> None:
    """``%2e%2e/`` out of the space was said to go "through a symbolic link", where there is
    none; one through a linked folder still says so."""
    root = _space(tmp_path / "space")
    (tmp_path / "secret.md").write_text("secret outside the space\n")
    (root / "guide/team.md").write_text('# Team\n\n{% include "%2e%2e/%2e%2e/secret.md" %}\n')
    result = _build(root)
    assert result.exit_code == 0, result.output
    line = next(x for x in result.stderr.splitlines() if "guide/team.md:3: include:" in x)
    assert line.endswith("is outside the content folder; the block is left out"), line
    assert "secret" not in _article(tmp_path / "out", "guide/team")
