"""The menu a GitBook space's ``SUMMARY.md`` makes holds no link a browser would run: an
entry's target that spells ``javascript:`` once its escapes are read is left out of the menu
and the breadcrumbs of every page."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.site.conftest import SPACE_CONFIG, XHTML, build, parse

ACTIVE = ("javascript:", "vbscript:", "data:")


@pytest.mark.parametrize(
    "target",
    [
        "java&#x09;script:alert(1)",
        "jav&NewLine;ascript:alert(1)",
        "java%09script:alert(1)",
        "javascript%3Aalert(1)",
        "java%0Ascript:alert(1)",
        "%01javascript:alert(1)",
        "vb%09script:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    ],
)
def test_a_summary_entry_never_makes_a_script_link(tmp_path: Path, target: str) -> None:
    """``[x](java&#x09;script:...)`` reached every page's menu as ``href="java<TAB>script:..."``
    (the entry's target read with its percent escapes decoded), which Chromium follows as
    ``javascript:`` (it drops tabs and line breaks in URLs): a click ran the script."""
    (tmp_path / "publish.toml").write_text(SPACE_CONFIG)
    content = tmp_path / "content"
    content.mkdir()
    (content / "SUMMARY.md").write_text(
        f"# Summary\n\n* [Intro](README.md)\n* [Bad]({target})\n  * [Child](child.md)\n"
        "* [Site](https://example.org/)\n"
    )
    (content / "README.md").write_text("# Intro\n\nWelcome.\n")
    (content / "child.md").write_text("# Child\n\nText.\n")
    out = tmp_path / "out"
    result = build(tmp_path, out)
    assert result.exit_code == 0, result.output
    for page in ("index.html", "child/index.html", "404.html"):
        tree = parse(out / page)
        hrefs = [a.get("href") or "" for a in tree.iter(XHTML + "a")]  # type: ignore[attr-defined]
        assert "https://example.org/" in hrefs, page  # other external entries stay
        assert "Child" in "".join(tree.itertext())  # type: ignore[attr-defined]
        for href in hrefs:
            url = "".join(c for c in href if c not in "\t\n\r").lstrip("\x00 \x01").lower()
            assert not url.startswith(ACTIVE), f"{page}: {href!r}"
