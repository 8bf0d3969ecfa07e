"""GitBook's blocks inside a quote block: Git Sync writes each line of the quote after ``> ``,
tags included (``> {% tabs %}``), and GitBook renders the block inside the quote. The pre-pass
read tags only at the start of a line: inside a quote the tabs lost their markup and titles
(the content left as paragraphs), a hint its aside."""

from __future__ import annotations

import html
import re
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main
from tests.gitbook.conftest import write_space

PAGE = """# Setup

> Before you start:
> {% tabs %}
> {% tab title="Linux" %}
> Run the script.
> {% endtab %}
>
> {% tab title="Windows" %}
> Run the installer.
> {% endtab %}
> {% endtabs %}

> > {% hint style="warning" %}
> > Back up first.
> > {% endhint %}

> ```
> {% hint style="info" %}
> ```

> {% hint style="danger" %}
> Never closed inside the quote.

{% endhint %}
"""


def _built(tmp_path: Path) -> tuple[str, str]:
    root = write_space(
        tmp_path / "space",
        {"SUMMARY.md": "# Summary\n\n* [Setup](README.md)\n", "README.md": PAGE},
    )
    out = tmp_path / "out"
    args = ["--config", str(root / "publish.toml"), "--content", str(root)]
    result = CliRunner().invoke(main, ["build", *args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = (out / "index.html").read_text(encoding="utf-8")
    return page[page.index("<main") : page.index("</main>")], result.output


def test_tabs_and_hints_inside_a_quote_are_rendered_inside_it(tmp_path: Path) -> None:
    page, _ = _built(tmp_path)
    first = page[page.index("<blockquote>") : page.index("Run the installer.")]
    assert "Before you start:" in first
    titles = re.findall(r'<h4 class="tab-title" id="[^"]*">([^<]*)</h4>', page)
    assert titles == ["Linux", "Windows"]
    assert "{%" not in first
    assert page.index('class="gitbook-tabs"') < page.index("</blockquote>")
    hint = page.index('class="hint hint-warning"')
    assert page.rfind("<blockquote>", 0, hint) > page.index("Run the installer.")
    assert "Back up first." in page[hint:]


def test_a_tag_in_quoted_code_stays_code_and_a_tag_closed_outside_its_quote_closes_nothing(
    tmp_path: Path,
) -> None:
    page, output = _built(tmp_path)
    assert '{% hint style="info" %}' in html.unescape(page)  # in the code block, as written
    assert "hint-info" not in page
    assert "hint-danger" not in page
    assert "Never closed inside the quote." in page
    warned = [line for line in output.splitlines() if "never closed" in line]
    assert len(warned) == 1 and "README.md:22" in warned[0], output
