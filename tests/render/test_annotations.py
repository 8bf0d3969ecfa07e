"""GitBook's code annotations (``<a data-footnote-ref href="#user-content-fn-1">`` in a block of
raw HTML, the note a footnote definition no ``[^1]`` names): the notes were left out of the page
(cmark-gfm drops a footnote nothing names) and the link checker called each annotation's link
broken. The note is the page's footnote, its ``↩`` leads back to the annotation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.linkcheck.htmlids import page_ids
from pipeline.render.markdown import PageContext, render
from tests.conftest import small_site
from tests.timing import assert_linear

PAGE = """---
title: Random
date: 2024-01-01
id: r
---
A note named by the text[^2].

<pre class="language-java"><code class="lang-java">int r = (int) <a data-footnote-ref href="#user-content-fn-1">Math.random()</a> * 100;
int s = <a data-footnote-ref href="#user-content-fn-2">seed</a>;
int t = <a data-footnote-ref href="#user-content-fn-1">again</a>;
</code></pre>

See [the note](#user-content-fn-1).

[^1]: casting applies to the result only

[^2]: a note the text names
"""


def test_an_annotations_note_is_in_the_page_and_its_link_lands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    small_site(tmp_path, {"essays/random.md": PAGE})
    runner = CliRunner()
    checked = runner.invoke(main, ["links", "--offline", "--format", "json"])
    assert checked.exit_code == 0, checked.output
    assert {r["status"] for r in json.loads(checked.stdout)} == {"ok"}
    built = runner.invoke(main, ["build", "--out", "out"])
    assert built.exit_code == 0, built.output
    page = (tmp_path / "out/essays/random/index.html").read_text(encoding="utf-8")
    assert "casting applies to the result only" in page
    assert "[^" not in page  # the paragraph naming the notes is not shown
    ids = page_ids(page.encode())
    assert {"fn-1", "fnref-1", "fn-2", "fnref-2"} <= ids
    assert page.count('id="fnref-1"') == 1  # the first annotation, where ↩ leads
    assert page.count('id="fnref-2"') == 1  # the text's own reference, not the annotation
    assert page.count("<li id=") == 2  # each note once


def test_notes_stay_out_of_a_page_without_annotations() -> None:
    ctx = PageContext(source="a.md", url="https://e.org/a/", url_of={})
    out = render("Text.\n\n[^1]: a note nothing names\n", ctx)
    assert "a note nothing names" not in out  # cmark-gfm's rule, as on GitHub


def test_many_annotations_render_in_linear_time() -> None:
    def run(n: int) -> None:
        code = "".join(
            f'<a data-footnote-ref href="#user-content-fn-{i}">w{i}</a>\n' for i in range(n)
        )
        notes = "".join(f"[^{i}]: note {i}\n\n" for i in range(n))
        text = f"<pre><code>{code}</code></pre>\n\n{notes}"
        out = render(text, PageContext(source="a.md", url="https://e.org/a/", url_of={}))
        assert out.count("<li id=") == n

    assert_linear(run, 1_000)


@pytest.mark.parametrize(
    "text",
    [
        # the note is defined only inside a code block: no note, no [^1] shown
        '<pre><code><a data-footnote-ref href="#user-content-fn-1">w</a></code></pre>\n\n'
        "```\n[^1]: inside a fence only\n```\n",
        # the text ends inside an open block, which the naming paragraph would join
        '<pre><code><a data-footnote-ref href="#user-content-fn-1">w</a></code></pre>\n\n'
        "[^1]: a note\n\n<pre>\nnever closed\n",
        '<pre><code><a data-footnote-ref href="#user-content-fn-1">w</a></code></pre>\n\n'
        "[^1]: a note\n\n```\nnever closed\n",
    ],
)
def test_notes_that_cannot_be_named_show_no_stray_reference(text: str) -> None:
    """(a helper's findings: the page ended in <p>[^1]</p>, or [^1] inside the open block)"""
    out = render(text, PageContext(source="a.md", url="https://e.org/a/", url_of={}))
    assert "[^1]</" not in out and not out.rstrip().endswith("[^1]")
    assert out.count("[^1]") == text.count("```\n[^1]")  # only the code's own text


def test_labels_differing_by_case_are_one_note() -> None:
    """cmark-gfm matches labels case-folded: fn-A and fn-a are one note, named once."""
    text = (
        '<pre><code><a data-footnote-ref href="#user-content-fn-A">a</a>\n'
        '<a data-footnote-ref href="#user-content-fn-a">b</a></code></pre>\n\n'
        "[^A]: upper note\n\n[^a]: lower note\n"
    )
    out = render(text, PageContext(source="a.md", url="https://e.org/a/", url_of={}))
    assert out.count("<li id=") == 1 and "upper note" in out and "[^" not in out


def test_an_annotation_shown_as_code_stays_code() -> None:
    """An HTML sample in a fenced block showing an annotation was rewritten (an id added to
    the code's text) and its note made a footnote (a reviewer's finding)."""
    sample = '<a data-footnote-ref href="#user-content-fn-1">word</a>'
    text = f"```html\n{sample}\n```\n\n[^1]: the note\n"
    out = render(text, PageContext(source="a.md", url="https://e.org/a/", url_of={}))
    assert "fnref" not in out and "footnotes" not in out and "the note" not in out
