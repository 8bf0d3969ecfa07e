"""A page titled by its opening H1 (no ``title`` key) shows that heading as its ``<h1>``: the
link checker, which reads the whole body, accepted ``#hello-world`` for it while the page's
``<h1>`` had no id (a link that scrolled nowhere), and a later heading of the same name was
``#hello-world-1`` to the checker but ``#hello-world`` on the page. Every anchor the checker
accepts is an id of the page the build writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.linkcheck.htmlids import page_ids
from tests.conftest import offline_statuses, small_site

TITLED_BY_H1 = (
    "---\ndate: 2024-01-01\nid: a\n---\n# Hello *World*\n\nText.\n\n## Sub\n\n## Hello World\n"
)
LINKING = (
    "---\ntitle: B\ndate: 2024-01-02\nid: b\n---\n"
    "[t](a.md#hello-world) [s](a.md#sub) [u](a.md#hello-world-1) [v](a.md#hello-world-2)\n"
)
EXPLICIT = "---\ndate: 2024-01-03\nid: c\n---\n# Start here {#intro}\n\n## Intro\n"


@pytest.mark.parametrize("gitbook", [False, True])
def test_every_anchor_the_checker_accepts_is_an_id_of_the_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gitbook: bool
) -> None:
    monkeypatch.chdir(tmp_path)
    files = {"essays/a.md": TITLED_BY_H1, "essays/b.md": LINKING, "essays/c.md": EXPLICIT}
    config = small_site(tmp_path, files)
    if gitbook:
        config.write_text(
            config.read_text(encoding="utf-8") + '[content]\nslug_style = "gitbook"\n',
            encoding="utf-8",
        )
    runner = CliRunner()
    checked, rows = offline_statuses()
    assert rows == {
        "a.md#hello-world": "ok",
        "a.md#sub": "ok",
        "a.md#hello-world-1": "ok",
        "a.md#hello-world-2": "broken",
    }, checked.output
    built = runner.invoke(main, ["build", "--out", "out"])
    assert built.exit_code == 0, built.output
    page = (tmp_path / "out/essays/a/index.html").read_bytes()
    ids = page_ids(page)
    assert {"hello-world", "sub", "hello-world-1"} <= ids
    assert "hello-world-2" not in ids
    assert b'<h1 id="hello-world">Hello World</h1>' in page
    explicit = (tmp_path / "out/essays/c/index.html").read_bytes()
    assert {"intro", "intro-1"} <= page_ids(explicit)
    # the {#id} is the title's id, not its words (it showed in <title> and <h1>)
    assert b'<h1 id="intro">Start here</h1>' in explicit and b"{#" not in explicit


def test_a_page_with_a_title_key_has_no_title_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its ``<h1>`` is the key's text, no heading of the body: nothing links it by a slug."""
    monkeypatch.chdir(tmp_path)
    small_site(tmp_path, {"essays/b.md": LINKING.replace("a.md", "b.md")})
    built = CliRunner().invoke(main, ["build", "--out", "out"])
    assert built.exit_code == 0, built.output
    assert b"<h1>B</h1>" in (tmp_path / "out/essays/b/index.html").read_bytes()
