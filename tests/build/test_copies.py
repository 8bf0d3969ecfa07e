"""A file a page uses is copied beside the page by its name, and never over another file of
the site: a file named like the page's own ``index.html`` replaced the page (its author's
script served as the page), ``rss.xml`` used by the home page replaced the feed, and of two
images named ``image.png`` in two folders one was lost without a word. Each is now a
content error at the line that uses the file, and nothing is written."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner, Result

from pipeline.cli import main

FRONT = "---\ntitle: {title}\ndate: 2024-01-01\nid: {id}\n---\n\n"


def _site(tmp_path: Path, pages: dict[str, str], files: dict[str, bytes]) -> Path:
    content = tmp_path / "content"
    for rel, body in {**pages}.items():
        path = content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        stem = path.stem
        path.write_text(FRONT.format(title=stem, id=f"id-{stem}") + body, encoding="utf-8")
    for rel, data in files.items():
        path = content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (tmp_path / "publish.toml").write_text(
        '[site]\ntitle = "T"\nbase_url = "https://t.example/"\n', encoding="utf-8"
    )
    return content


def _build(tmp_path: Path, command: str = "build") -> Result:
    args = ["--content", str(tmp_path / "content"), "--config", str(tmp_path / "publish.toml")]
    if command == "build":
        args += ["--out", str(tmp_path / "out")]
    return CliRunner().invoke(main, [command, *args])


def test_a_file_named_as_the_page_itself_is_an_error_not_the_page(tmp_path: Path) -> None:
    script = b"<script>alert(document.cookie)</script>"
    _site(
        tmp_path,
        {"essays/p.md": "Intro.\n\nThe [slides](files/index.html).\n"},
        {"essays/files/index.html": script},
    )
    for command in ("build", "validate"):
        result = _build(tmp_path, command)
        assert result.exit_code == 2, result.output
        assert (
            "essays/p.md:9: file: essays/files/index.html would be copied to "
            "/essays/p/index.html, which the site writes itself; rename the file"
        ) in result.stderr
    out = tmp_path / "out"
    assert not out.exists() or not any(
        p.is_file() and p.name != ".publish.lock" for p in out.rglob("*")
    )


def test_a_file_named_as_a_feed_beside_the_home_page_is_an_error(tmp_path: Path) -> None:
    _site(tmp_path, {"index.md": "Our [feed](rss.xml).\n"}, {"rss.xml": b"ATTACHED"})
    result = _build(tmp_path)
    assert result.exit_code == 2, result.output
    assert "index.md:7: file: rss.xml would be copied to /rss.xml, which the site" in result.stderr


def test_two_files_of_one_name_on_one_page_are_an_error_naming_both(tmp_path: Path) -> None:
    _site(
        tmp_path,
        {"essays/p.md": "![first](a/image.png)\n\n![second](b/image.png)\n"},
        {"essays/a/image.png": b"first", "essays/b/image.png": b"second"},
    )
    result = _build(tmp_path)
    assert result.exit_code == 2, result.output
    assert (
        "essays/p.md:9: file: essays/b/image.png would be copied to /essays/p/image.png, where "
        "essays/a/image.png (used by essays/p.md:7) is copied; rename one of them"
    ) in result.stderr


def test_two_files_of_one_name_and_the_same_bytes_are_one_copy(tmp_path: Path) -> None:
    """keepnet's handbook links one 2.9 MB spec from .gitbook/assets/ and from openapi/, the
    same bytes: the whole build stopped, nothing written (a helper's finding)."""
    _site(
        tmp_path,
        {"essays/p.md": "[spec](a/spec.json) and [again](b/spec.json)\n"},
        {"essays/a/spec.json": b"{}", "essays/b/spec.json": b"{}"},
    )
    result = _build(tmp_path)
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out/essays/p/index.html").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]*spec\.json)"', page)
    assert len(links) == 2 and len(set(links)) == 1  # both links, to the one copy
    assert (tmp_path / "out/essays/p/spec.json").read_bytes() == b"{}"


def test_one_file_used_twice_and_distinct_names_are_copied(tmp_path: Path) -> None:
    _site(
        tmp_path,
        {"essays/p.md": "![a](a/image.png) and ![again](a/image.png)\n\n[notes](b/notes.pdf)\n"},
        {"essays/a/image.png": b"first", "essays/b/notes.pdf": b"pdf"},
    )
    result = _build(tmp_path)
    assert result.exit_code == 0, result.output
    page = tmp_path / "out" / "essays" / "p"
    assert (page / "image.png").read_bytes() == b"first"
    assert (page / "notes.pdf").read_bytes() == b"pdf"
    assert "<h1>p</h1>" in (page / "index.html").read_text(encoding="utf-8")


def test_a_file_stored_in_another_unicode_normalisation_is_copied_as_the_page_names_it(
    tmp_path: Path,
) -> None:
    """GitBook's sync and a Mac store ``Smörgåsbord.pdf`` decomposed (NFD) while the page
    writes it composed: GitBook serves it, and the copy was never made (the page linked to
    nothing). It is made under the name the page links to, folders included."""
    import unicodedata

    folder = unicodedata.normalize("NFD", "Menüs")
    name = unicodedata.normalize("NFD", "Community Smörgåsbord.pdf")
    _site(
        tmp_path,
        {"essays/p.md": "The [menu](<Menüs/Community Smörgåsbord.pdf>).\n"},
        {f"essays/{folder}/{name}": b"%PDF-1.4 menu"},
    )
    result = _build(tmp_path)
    assert result.exit_code == 0, result.output
    copied = tmp_path / "out" / "essays" / "p" / "Community Smörgåsbord.pdf"
    assert copied.read_bytes() == b"%PDF-1.4 menu"
    page = (tmp_path / "out" / "essays" / "p" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../essays/p/Community%20Sm%C3%B6rg%C3%A5sbord.pdf"' in page
