"""The anchor GitBook writes into a heading whose id is not its title's slug, as found in
real Git Sync spaces: ``## Focus <a href="#focus" id="focus"></a>`` (401 headings of a modern
product handbook), ``## sendQueuedHits <a id="sendqueuedhits"></a>`` (before 2021: 106 in a
mobile SDK's docs).
GitBook shows it as the heading's id, and an id named again by a later heading of the page
takes ``-1``, ``-2`` (the space's own links, written by GitBook's editor, point at
``custom-languages.md#sample-language-file-4``). The tag was kept as HTML: every heading so
marked wrote the same id, each heading got its title's slug besides, and ``publish links``
reported GitBook's own links as broken anchors."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main
from pipeline.render.gitbook_text import preprocess
from tests.gitbook.conftest import article, run_space, write_space
from tests.timing import times_at

FILES = {
    "SUMMARY.md": "# Summary\n\n* [Home](README.md)\n* [Commands](commands.md)\n",
    "README.md": "# Home\n\n[Focus](commands.md#focus-1), [Delete](commands.md#sample-3), "
    "[Method](commands.md#focus).\n",
    "commands.md": "# Commands\n\n"
    '## Method <a href="#focus" id="focus"></a>\n\n'
    '## Focus <a href="#focus" id="focus"></a>\n\n'
    '```\n## Shown <a href="#focus" id="focus"></a>\n```\n\n'
    '### Title Block <a href="#sample" id="sample"></a>\n'
    '### List Block <a href="#sample" id="sample"></a>\n'
    '### Button Block <a href="#sample" id="sample"></a>\n'
    '### Delete Row <a href="#sample" id="sample"></a>\n\n'
    "## Focus\n\n"
    '## sendQueuedHits <a id="send-hits"></a>\n\n'
    '## Not one <a href="#focus" id="b"></a>\n',
}


def test_a_heading_takes_the_anchor_gitbook_wrote_repeats_numbered(tmp_path: Path) -> None:
    root = write_space(tmp_path / "space", FILES)
    out = tmp_path / "out"
    where = ["--config", str(root / "publish.toml"), "--content", str(root)]
    result = CliRunner().invoke(main, ["build", *where, "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = article(out, "commands")
    assert '<h2 id="focus">Method</h2>' in page
    assert '<h2 id="focus-1">Focus</h2>' in page
    assert '<h3 id="sample">Title Block</h3>' in page
    assert '<h3 id="sample-3">Delete Row</h3>' in page
    assert '<h2 id="focus-2">Focus</h2>' in page  # a title's slug after them: the next free id
    assert page.count('id="focus">') == 1 and page.count('id="sample">') == 1
    assert "## Shown &lt;a href=" in page  # in code: as written
    assert '<h2 id="send-hits">sendQueuedHits</h2>' in page  # as GitBook wrote it before 2021
    assert '<h2 id="not-one">Not one <a href=' in page  # an href naming another id: a link


def test_links_to_the_numbered_anchors_gitbook_wrote_are_ok(tmp_path: Path) -> None:
    root = write_space(tmp_path / "space", FILES)
    result = run_space(root, "links", "--offline")
    assert result.exit_code == 0, result.output
    assert "broken" not in result.stdout.replace("0 broken", "")


def test_numbering_repeated_anchors_is_linear() -> None:
    def work(n: int) -> object:
        named = "".join(f'## H <a href="#x-{i}" id="x-{i}"></a>\n' for i in range(1, n))
        return preprocess(named + '## H <a href="#x" id="x"></a>\n' * n)

    small, large = times_at(work, 4000)
    assert large <= 2.5 * small + 0.05
