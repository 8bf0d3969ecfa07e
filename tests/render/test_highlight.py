"""Code blocks highlighted at build time (Pygments), within limits."""

from __future__ import annotations

from pathlib import Path

from pipeline.render.highlight import MAX_BLOCK, highlight, stylesheet
from pipeline.render.links import PageContext
from pipeline.render.markdown import render

SHIPPED_CSS = Path(__file__).resolve().parents[2] / "pipeline/templates/site/static/highlight.css"


def _render(body: str) -> str:
    ctx = PageContext(source="essays/a.md", url="https://c.example.org/essays/a/")
    return render(body, ctx)


def test_a_known_language_gets_token_spans_and_its_text_stays_escaped() -> None:
    out = _render('```python\nif x < 1:\n    print("</code></pre><script>")\n```\n')
    assert out.startswith('<pre class="highlight"><code class="language-python">')
    assert '<span class="k">if</span>' in out
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert out.count("</code></pre>") == 1


def test_unknown_languages_and_plain_blocks_stay_as_they_are() -> None:
    for body in ("```brainfuck\n+++.\n```\n", "```\nplain <b>\n```\n", "    indented\n"):
        out = _render(body)
        assert "highlight" not in out and "<span" not in out


def test_a_huge_block_stays_plain() -> None:
    code = "x = 1\n" * (MAX_BLOCK // 6 + 1)
    assert "<span" not in _render(f"```python\n{code}```\n")


def test_html_without_code_blocks_is_returned_as_it_is() -> None:
    text = "<p>no code</p>"
    assert highlight(text) is text


def test_the_shipped_stylesheet_is_the_one_pygments_makes() -> None:
    """Regenerate with: python -c 'from pipeline.render.highlight import stylesheet;
    open("pipeline/templates/site/static/highlight.css", "w").write(stylesheet())'"""
    assert SHIPPED_CSS.read_text(encoding="utf-8") == stylesheet()
