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


# The spans of a block: written by our own pass over Pygments' tokens (pinned: they do not
# change with the version of Pygments installed).

_SAMPLE = (
    'def f(a, b="x<y>&z"):\n'
    "\t return a  # 'quoted' & \"double\"\n"
    "\n"
    "   \n"
    "let s = `tmpl ${a}` ; /* c */ <div class='k'>é ü 漢</div>\r\n"
    "key: value  # yaml\n"
    "[table]\nx = 1\n"
    "echo $HOME && ls > out  # &amp; &lt;b&gt; as written\n"
    "\n\n"
)


def _text_of(spans_html: str) -> str:
    import html
    import re

    return html.unescape(re.sub(r"</?span[^>]*>", "", spans_html))


def _check_spans(code: str, language: str) -> None:
    import re

    from pipeline.render.highlight import _lexer, spans

    lexer = _lexer(language)
    assert lexer is not None, language
    tokens = list(lexer.get_tokens(code))
    out = spans(tokens)
    text = "".join(v for _, v in tokens)
    ended = text if not text or text.endswith("\n") else text + "\n"  # the last line ends
    assert _text_of(out) == ended  # every character, once, in order
    assert "<span" not in re.sub(r'<span class="[\w -]+">', "", out)  # only class spans
    for line in out.split("\n"):
        opens = line.count("<span")
        assert opens == line.count("</span>"), (language, line)  # closed on their own line
    assert not re.search(r'<span class="[^"]*"></span>', out)  # no empty span
    for same in re.finditer(r'<span class="([^"]*)">[^<]*</span><span class="([^"]*)">', out):
        assert same.group(1) != same.group(2), (language, same.group(0))  # one span a run


def test_every_language_gets_spans_that_hold_its_text_exactly() -> None:
    from pipeline.render.highlight import LANGUAGES

    for language in sorted(LANGUAGES):
        _check_spans(_SAMPLE, language)
        _check_spans("", language)
        _check_spans("x", language)
        _check_spans("\n", language)


def test_the_spans_of_a_known_block_are_these_bytes() -> None:
    """Pinned (the spans of Pygments' HtmlFormatter 2.21 for it): a later Pygments that
    writes its HTML otherwise changes no page. The tokens are given as a lexer gave them
    (``x = "a<b" & 1  # c``, a blank line, ``if y:`` and ``pass``), so only our pass is
    tested, not how a version of Pygments lexes Python."""
    from pygments.token import Token

    from pipeline.render.highlight import spans

    text, name, op, string, ws = Token.Text, Token.Name, Token.Operator, Token.String.Double, " "
    tokens = [
        (name, "x"), (text, ws), (op, "="), (text, ws), (string, '"'), (string, "a<b"),
        (string, '"'), (text, ws), (op, "&"), (text, ws), (Token.Number.Integer, "1"),
        (text, "  "), (Token.Comment.Single, "# c"), (Token.Text.Whitespace, "\n"),
        (Token.Text.Whitespace, "\n"), (Token.Keyword, "if"), (text, ws), (name, "y"),
        (Token.Punctuation, ":"), (Token.Text.Whitespace, "\n"), (text, "    "),
        (Token.Keyword, "pass"),
    ]  # fmt: skip
    got = spans(tokens)
    assert got == (
        '<span class="n">x</span> <span class="o">=</span> <span class="s2">&quot;a&lt;b&quot;'.replace(
            "&quot;", '"'
        )
        + '</span> <span class="o">&amp;</span> <span class="mi">1</span>  '
        '<span class="c1"># c</span>\n\n'
        '<span class="k">if</span> <span class="n">y</span><span class="p">:</span>\n'
        '    <span class="k">pass</span>\n'
    )
    custom = Token.Keyword.Custom.Deeper  # types of a lexer's own: their parents' classes too
    assert spans([(custom, "k")]) == '<span class="k k-Custom k-Custom-Deeper">k</span>\n'


def test_random_text_in_three_languages_keeps_its_characters() -> None:
    from hypothesis import given
    from hypothesis import strategies as st

    @given(
        st.text(alphabet=st.sampled_from(list("ab1 \t\n\r<>&\"'#:=-{}[]()`$/*\\é漢")), max_size=80)
    )
    def check(code: str) -> None:
        for language in ("python", "javascript", "yaml", "bash"):
            _check_spans(code, language)

    check()
