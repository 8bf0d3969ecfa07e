"""GitBook tags written over two lines, and includes in single quotes. A split
``{% embed url="..."`` / ``caption="..." %}`` vanished with its URL and caption, and
``{% include '...' %}`` dropped the included text, both without a word."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from pipeline.cli import main
from tests.gitbook.conftest import write_space
from tests.timing import assert_linear

SUMMARY = "# Summary\n\n* [Home](README.md)\n* [Page](page.md)\n"
VIDEO = "https://www.youtube.com/watch?v=NfXfLa6dU6A"


def _space(root: Path, page: str) -> Path:
    files = {
        "SUMMARY.md": SUMMARY,
        "README.md": "# Home\n\nHome.\n",
        "page.md": page,
        ".gitbook/includes/notice.md": "---\ntitle: Notice\n---\n\nNOTICE-TEXT\n",
    }
    return write_space(root, files)


def _run(root: Path, *args: str) -> Result:
    where = ["--config", str(root / "publish.toml"), "--content", str(root)]
    return CliRunner().invoke(main, [*args, *where])


def _build(root: Path) -> tuple[Result, str]:
    out = root.parent / "out"
    result = _run(root, "build", "--out", str(out))
    assert result.exit_code == 0, result.output
    text = (out / "page" / "index.html").read_text(encoding="utf-8")
    return result, text[text.index("<article") : text.index("</article>")]


def test_an_embed_continued_on_the_next_line_is_read(tmp_path: Path) -> None:
    page = f'# Page\n\n{{% embed url="{VIDEO}"\ncaption="Intro video" %}}\n\nAfter.\n'
    result, article = _build(_space(tmp_path / "space", page))
    assert f'data-embed-url="{VIDEO}"' in article
    assert "Intro video" in article
    assert article.index("Intro video") < article.index("After.")
    assert "{%" not in article and "{%" not in result.stderr


def test_a_hint_opened_over_two_lines_is_a_box_closed_by_its_end_tag(tmp_path: Path) -> None:
    page = (
        '# Page\n\n{% hint style="warning"\n   %}\nBOX-TEXT\n{% endhint %}\n\nAfter [x](gone.md).\n'
    )
    root = _space(tmp_path / "space", page)
    result, article = _build(root)
    assert '<blockquote class="hint hint-warning"' in article
    assert article.index("BOX-TEXT") < article.index("</blockquote>") < article.index("After")
    assert "{%" not in result.stderr  # no "closes no open {% hint %}"
    assert "page.md:8: link: gone.md points at nothing" in result.stderr  # lines kept
    validated = _run(root, "validate")
    assert validated.exit_code == 0 and "{%" not in validated.stderr


def test_a_split_tag_sharing_its_lines_with_text_is_dropped_with_a_warning(
    tmp_path: Path,
) -> None:
    page = (
        '# Page\n\nText before\n\nSee {% embed url="https://example.org/v"\n'
        'caption="A video" %} here.\n\n{% hint style="info" %}\nIn a box.\n{% endhint %}\n'
    )
    root = _space(tmp_path / "space", page)
    result, article = _build(root)
    assert "See  here." in article and "A video" not in article and "{%" not in article
    assert "page.md:5: body: {% embed %} is written over 2 lines" in result.stderr
    assert '<blockquote class="hint hint-info"' in article
    validated = _run(root, "validate")
    assert "page.md:5: body: {% embed %} is written over 2 lines" in validated.stderr


def test_an_include_in_single_quotes_is_included(tmp_path: Path) -> None:
    page = "# Page\n\n{% include '.gitbook/includes/notice.md' %}\n\nAfter.\n"
    result, article = _build(_space(tmp_path / "space", page))
    assert article.index("NOTICE-TEXT") < article.index("After.")
    assert ": include:" not in result.stderr


def test_a_missing_include_in_single_quotes_is_warned_of_at_its_line(tmp_path: Path) -> None:
    page = "# Page\n\nText.\n\n{% include 'nowhere.md' %}\n"
    result, _ = _build(_space(tmp_path / "space", page))
    assert "page.md:5: include: 'nowhere.md'" in result.stderr


def test_an_include_over_two_lines_is_left_out_with_a_warning(tmp_path: Path) -> None:
    page = '# Page\n\nText.\n\n{% include\n".gitbook/includes/notice.md" %}\n\nAfter.\n'
    result, article = _build(_space(tmp_path / "space", page))
    assert "NOTICE-TEXT" not in article and "{%" not in article
    assert "page.md:5: body: {% include %} is written over 2 lines" in result.stderr


def test_warning_of_many_split_tags_stays_linear(tmp_path: Path) -> None:
    """A guard of this fix: each dropped tag's line is counted on from the last one's, not
    from the paragraph's start (quadratic in a paragraph of split tags: 41 s at 50,000)."""
    shape = 'a {% embed url="x"\ncaption="y" %} b\n'
    roots = {
        size: _space(tmp_path / f"space-{size}", "# Page\n\n" + shape * size)
        for size in (10_000, 20_000)
    }

    def validate(size: int) -> None:
        result = _run(roots[size], "validate")
        assert result.exit_code == 0, result.output

    assert_linear(validate, 10_000, ratio=2.5, slack=0.05)
