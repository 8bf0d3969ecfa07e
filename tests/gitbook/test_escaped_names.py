"""Pages whose file names hold ``#`` or ``?``, linked percent-encoded (``c%23sharp.md``,
``what%3F.md``) in SUMMARY.md and in pages: a link's path is cut from its query and fragment
first, then decoded. Decoded first, ``c%23sharp.md`` named the file ``c`` and the anchor
``sharp.md``: the pages were left unpublished and every link to them reported broken."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote

from tests.gitbook.conftest import article as article_of
from tests.gitbook.conftest import run_space, write_space

SUMMARY = (
    "# Summary\n\n* [Home](README.md)\n* [Links](links.md)\n* [C sharp](c%23sharp.md)\n"
    "* [What](what%3F.md)\n* [Folder](f%23x/README.md)\n* [Per cent](100%25.md)\n"
)
LINKS = (
    "# Links\n\n[hash](c%23sharp.md) [question](what%3F.md#what-now) [folder](f%23x/)\n"
    "[per cent](100%25.md) [spaced](<my page.md>)\n"
)


def _space(root: Path, links: str = LINKS) -> Path:
    files = {
        "SUMMARY.md": SUMMARY + "* [Mine](my%20page.md)\n",
        "README.md": "# Home\n\nHome.\n",
        "links.md": links,
        "c#sharp.md": "# C sharp\n\nCSHARP\n",
        "what?.md": "# What\n\n## What now\n\nWHAT\n",
        "f#x/README.md": "# Folder\n\nBack [home](../c%23sharp.md).\n",
        "100%.md": "# Per cent\n\nALL\n",
        "my page.md": "# Mine\n\nMINE\n",
    }
    return write_space(root, files)


def test_pages_named_with_hash_and_question_mark_are_published_and_linked(tmp_path: Path) -> None:
    root = _space(tmp_path / "space")
    out = tmp_path / "out"
    result = run_space(root, "build", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "SUMMARY.md:" not in result.stderr  # every entry is a page
    assert "not in SUMMARY.md" not in result.stderr
    assert "points at nothing" not in result.stderr
    assert "CSHARP" in article_of(out, "csharp")
    assert "WHAT" in article_of(out, "what")
    assert "ALL" in article_of(out, "100")
    assert "Back" in article_of(out, "f#x")  # the folder's page, written under its own name
    links = article_of(out, "links")
    assert '<a href="../csharp/">hash</a>' in links
    assert '<a href="../what/#what-now">question</a>' in links
    assert '<a href="../f%23x/">folder</a>' in links  # "#" escaped: a browser follows it
    assert '<a href="../100/">per cent</a>' in links
    assert '<a href="../my-page/">spaced</a>' in links
    home = (out / "index.html").read_text(encoding="utf-8")
    for url in ("csharp/", "what/", "f%23x/", "100/", "my-page/"):
        assert f'href="{url}"' in home  # the menu lists them


def test_the_link_checker_finds_them(tmp_path: Path) -> None:
    root = _space(tmp_path / "space")
    result = run_space(root, "links", "--offline")
    assert result.exit_code == 0, result.output
    assert "broken:" not in result.output and "0 broken" in result.output


def test_a_bare_question_mark_starts_the_query_and_the_checker_says_how_to_link(
    tmp_path: Path,
) -> None:
    """``what?.md`` is the path ``what`` and the query ``.md`` (a browser asks for
    ``what``): broken, and the suggestion is a link that works."""
    root = _space(tmp_path / "space", LINKS + "\n[bare](<what?.md>)\n")
    result = run_space(root, "links", "--offline")
    assert result.exit_code == 2, result.output
    assert "6: broken: what?.md" in result.output
    assert "did you mean what%3F.md?" in result.output


def test_files_named_with_hash_and_question_mark_are_copied_where_the_page_links_them(
    tmp_path: Path,
) -> None:
    """An image or file whose name holds ``#``, ``?`` or ``%``, linked percent-encoded: the
    page linked ``./hash%23tag.png``, the file was never copied (its name read as the link
    ``hash`` and the fragment ``tag.png``), and neither the build nor the link check said so."""
    files = {
        "SUMMARY.md": "# Summary\n\n* [Home](README.md)\n",
        "README.md": "# Home\n\n![hash](.gitbook/assets/hash%23tag.png)\n\n"
        '<img src=".gitbook/assets/q%3Fx.png" alt="q">\n\n'
        "[download](.gitbook/assets/c%23.pdf) [all](.gitbook/assets/100%25.pdf)\n",
    }
    root = write_space(tmp_path / "space", files)
    (root / ".gitbook" / "assets").mkdir(parents=True)
    for name, data in {"hash#tag.png": b"PNG1", "q?x.png": b"PNG2", "c#.pdf": b"PDF1"}.items():
        (root / ".gitbook" / "assets" / name).write_bytes(data)
    (root / ".gitbook" / "assets" / "100%.pdf").write_bytes(b"PDF2")
    out = tmp_path / "out"
    result = run_space(root, "build", "--out", str(out))
    assert result.exit_code == 0, result.output
    home = (out / "index.html").read_text(encoding="utf-8")
    for url, name, data in (
        ("hash%23tag.png", "hash#tag.png", b"PNG1"),
        ("q%3Fx.png", "q?x.png", b"PNG2"),
        ("c%23.pdf", "c#.pdf", b"PDF1"),
        ("100%25.pdf", "100%.pdf", b"PDF2"),
    ):
        assert f'="./{url}"' in home
        assert (out / name).read_bytes() == data  # what ./{url} asks the server for


def test_a_page_named_in_another_normalisation_is_linked_to_its_page(tmp_path: Path) -> None:
    """``Café.md`` stored decomposed (as a Mac names it) and linked composed, and the other
    way round: SUMMARY.md published both, but the links in pages were left as ``.md`` links
    to files the site does not have (``./Caf%C3%A9.md``)."""
    decomposed = unicodedata.normalize("NFD", "Café.md")
    composed_link = unicodedata.normalize("NFC", "Café.md")
    decomposed_link = unicodedata.normalize("NFD", "Thé.md")
    files = {
        "SUMMARY.md": f"# S\n\n* [Home](README.md)\n* [Café](<{composed_link}>)\n"
        f"* [Thé](<{decomposed_link}>)\n",
        "README.md": f"# Home\n\n[to cafe](<{composed_link}#uber-uns>) "
        f"[to tea](<{decomposed_link}>)\n",
        decomposed: "# Café\n\n## Über uns\n\nCAFE\n",
        unicodedata.normalize("NFC", "Thé.md"): "# Thé\n\nTEA\n",
    }
    root = write_space(tmp_path / "space", files)
    out = tmp_path / "out"
    result = run_space(root, "build", "--out", str(out))
    assert result.exit_code == 0, result.output
    home = article_of(out, ".")
    hrefs = dict((text, href) for href, text in re.findall(r'<a href="([^"]*)">([^<]*)</a>', home))
    assert ".md" not in hrefs["to cafe"] + hrefs["to tea"]
    cafe = (out / unquote(hrefs["to cafe"].split("#")[0])).resolve() / "index.html"
    tea = (out / unquote(hrefs["to tea"])).resolve() / "index.html"
    assert "CAFE" in cafe.read_text(encoding="utf-8")
    assert 'id="uber-uns"' in cafe.read_text(encoding="utf-8")
    assert "TEA" in tea.read_text(encoding="utf-8")
