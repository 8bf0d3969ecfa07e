"""A GitBook tag shown in a code sample is text: it pairs with no real tag. A hint holding a
fenced sample of ``{% hint %}`` lost its box (its text a plain paragraph) with two wrong
warnings, and a sample of ``{% endhint %}`` closed the real hint early for the link scan, which
then read the rest of the page as code and never saw its links."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from tests.gitbook.conftest import article as article_of
from tests.gitbook.conftest import run_space, write_space
from tests.timing import assert_linear

SUMMARY = "# Summary\n\n* [Home](README.md)\n* [Page](page.md)\n"


def _space(root: Path, page: str) -> Path:
    files = {"SUMMARY.md": SUMMARY, "README.md": "# Home\n\nHome.\n", "page.md": page}
    return write_space(root, files)


@pytest.mark.parametrize("fence", ["```", "~~~", "````"])
def test_a_hint_shown_in_fenced_code_inside_a_hint_is_text(tmp_path: Path, fence: str) -> None:
    page = (
        '# Page\n\n{% hint style="danger" %}\nDANGER-BOX: to start a warning box, type:\n\n'
        f'{fence}markdown\n{{% hint style="warning" %}}\n{fence}\n{{% endhint %}}\n\nAfter.\n'
    )
    root = _space(tmp_path / "space", page)
    out = tmp_path / "out"
    result = run_space(root, "build", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "{%" not in result.stderr  # neither "never closed" nor "closes no open"
    article = article_of(out, "page")
    box = article[article.index('<blockquote class="hint hint-danger"') :]
    box = box[: box.index("</blockquote>")]
    assert "DANGER-BOX" in box
    assert '{% hint style="warning" %}' in html.unescape(box)  # the sample, as written
    assert article.index("</blockquote>") < article.index("After.")
    assert "hint-warning" not in article
    validated = run_space(root, "validate")
    assert validated.exit_code == 0, validated.output
    assert "{%" not in validated.stderr


def test_a_tab_shown_in_fenced_code_inside_a_tab_is_text(tmp_path: Path) -> None:
    page = (
        '# Page\n\n{% tabs %}\n{% tab title="First" %}\nFIRST-TAB shows a tab:\n\n'
        '~~~\n{% tab title="Sample" %}\n~~~\n{% endtab %}\n\n{% tab title="Second" %}\n'
        "SECOND-TAB\n{% endtab %}\n{% endtabs %}\n"
    )
    root = _space(tmp_path / "space", page)
    out = tmp_path / "out"
    result = run_space(root, "build", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "{%" not in result.stderr
    article = article_of(out, "page")
    assert article.count('<section class="tab">') == 2
    first = article[article.index(">First<") : article.index(">Second<")]
    assert "FIRST-TAB" in first and '{% tab title="Sample" %}' in html.unescape(first)
    assert "</section>" in first  # the first tab closed before the second opens


@pytest.mark.parametrize("fence", ["```", "~~~"])
def test_an_end_tag_shown_in_fenced_code_does_not_close_the_box_for_the_link_scan(
    tmp_path: Path, fence: str
) -> None:
    """The link scan paired the real hint with the sample's end tag: the sample's closing
    fence then opened a code block that ran to the end of the page, and the broken link in it
    was never checked."""
    page = (
        '# Page\n\n{% hint style="info" %}\nEnd a box with:\n\n'
        f"{fence}\n{{% endhint %}}\n{fence}\n\nSee [the missing page](missing.md).\n"
        "{% endhint %}\n\n[Also missing](gone.md)\n"
    )
    root = _space(tmp_path / "space", page)
    result = run_space(root, "links", "--offline")
    assert result.exit_code == 2, result.output
    assert "10: broken: missing.md" in result.output
    assert "13: broken: gone.md" in result.output
    built = run_space(root, "build", "--out", str(tmp_path / "out"))
    assert built.exit_code == 0, built.output
    assert "page.md:10: link: missing.md points at nothing" in built.stderr


def test_a_tag_shown_in_indented_code_inside_a_hint_is_text(tmp_path: Path) -> None:
    page = (
        '# Page\n\n{% hint style="info" %}\nOpen a box with:\n\n    {% hint style="warning" %}\n\n'
        "See [the missing page](missing.md).\n{% endhint %}\n"
    )
    root = _space(tmp_path / "space", page)
    out = tmp_path / "out"
    built = run_space(root, "build", "--out", str(out))
    assert built.exit_code == 0, built.output
    assert "page.md:8: link: missing.md points at nothing" in built.stderr
    assert "{%" not in built.stderr
    article = article_of(out, "page")
    assert '<blockquote class="hint hint-info"' in article
    assert '{% hint style="warning" %}' in html.unescape(article)  # shown as written
    assert article.index("missing page") < article.index("</blockquote>")
    result = run_space(root, "links", "--offline")
    assert result.exit_code == 2, result.output
    assert "8: broken: missing.md" in result.output


def test_fences_the_two_readings_see_differently_keep_the_scan_linear(tmp_path: Path) -> None:
    """A guard, not a bug of the old code: a line the pre-pass's walker takes for a fence and
    markdown-it for text (a backtick fence whose info string holds a backtick) puts the tags
    after it in code for one and not the other. Each such tag is taken as closed by nothing,
    not searched from again (doubling the page at most about doubles the time)."""
    shape = '{% hint style="info" %}\n``` `x\n'
    roots = {
        size: _space(tmp_path / f"space-{size}", "# Page\n\n" + shape * size)
        for size in (10_000, 20_000)
    }

    def links(size: int) -> None:
        root = roots[size]
        result = run_space(root, "links", "--offline", "--cache-dir", str(root.parent / "cache"))
        assert result.exit_code in (0, 2), result.output

    assert_linear(links, 10_000, ratio=2.5, slack=0.05)
