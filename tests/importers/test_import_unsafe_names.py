"""Finding 11A (security): a file name an importer derives from the source (a Substack
slug, a feed's link, GUID or title, a media file's name) is one safe path segment, and the
writer refuses, naming the source item and writing nothing, any target outside the content
folder. Every case runs the real CLI and lists the whole tmp tree before and after."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from pipeline.importers.writer import digest
from tests.importers.conftest import SITE_TOML, front_matter, publish, tree

FIELDS = ["post_id", "post_date", "is_published", "type", "audience", "title", "subtitle"]
EVIL = "1.../../../../tmp/evil"
"""The sweep's post_id: its slug climbs out of content/essays (and any folder above it)."""


def substack_zip(path: Path, rows: list[tuple[str, str]]) -> Path:
    """An export whose posts.csv has a published post per ``(post_id, title)``."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS)
    writer.writeheader()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for post_id, title in rows:
            writer.writerow(
                {
                    "post_id": post_id,
                    "post_date": "2024-05-01T10:00:00.000Z",
                    "is_published": "true",
                    "type": "newsletter",
                    "audience": "everyone",
                    "title": title,
                    "subtitle": "",
                }
            )
            zf.writestr(f"posts/{post_id}.html", f"<p>{title}</p>")
        zf.writestr("posts.csv", out.getvalue())
    return path


SITE = "a/b/site"
"""Where the site is in the tmp tree: ``../../../../`` from its content/essays is ``a/``,
so a file climbing out lands where the test lists it."""


def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A new site at :data:`SITE` under ``tmp_path``, the working folder."""
    root = tmp_path / SITE
    root.mkdir(parents=True)
    (root / "publish.toml").write_text(SITE_TOML, encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def outside(before: dict[str, bytes], after: dict[str, bytes]) -> list[str]:
    """Files of the tmp tree new or changed since ``before``, but for content/ and the
    import ledger."""
    return [
        name
        for name, data in after.items()
        if before.get(name) != data
        and not name.startswith(f"{SITE}/content/")
        and name != f"{SITE}/imports.json"
    ]


def test_a_substack_slug_climbing_out_is_written_inside_as_one_segment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = site(tmp_path, monkeypatch)
    source = substack_zip(
        tmp_path / "traversal.zip",
        [
            (EVIL, "Evil"),
            ("2.a\\..\\..\\win", "Backslashes"),
            ("3..hidden", "Hidden"),
            ("4.con", "Device"),
            ("5.fine-post", "Fine"),
            ("1.evil-again", "Same post number"),
        ],
    )
    before = tree(tmp_path)
    dry = publish("import", "substack", str(source), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "would be created: content/essays/tmp-evil.md" in dry.stdout
    assert ".." not in dry.stdout
    assert tree(tmp_path) == before

    result = publish("import", "substack", str(source), "--old-url", "https://x.substack.com")
    assert result.exit_code == 0, result.output
    assert outside(before, tree(tmp_path)) == []
    assert not (tmp_path / "a" / "tmp").exists()
    essays = root / "content" / "essays"
    assert sorted(p.name for p in essays.iterdir()) == [
        "a-win.md",
        "con_.md",
        "fine-post.md",
        "hidden.md",
        "tmp-evil.md",
    ]
    where = f"{source}/posts.csv:2: post_id: slug '../../../../tmp/evil' cannot name a file"
    assert where in result.stderr
    assert "with no /p/ alias or GUID from it" in result.stderr
    assert f"{source}/posts.csv:7: post_id: post '1' again (line 2): not imported" in result.stderr
    evil = front_matter(essays / "tmp-evil.md")
    assert "aliases" not in evil and "guid" not in evil  # no /p/../../ redirect page either
    assert evil["id"] == "substack:1"
    fine = front_matter(essays / "fine-post.md")
    assert fine["aliases"] == ["/p/fine-post"]
    assert fine["guid"] == "https://x.substack.com/p/fine-post"
    assert front_matter(essays / "con_.md")["aliases"] == ["/p/con"]  # its URL as it was
    assert publish("build").exit_code == 0


def hostile_feed(tmp_path: Path) -> Path:
    """An RSS feed whose links, GUIDs, titles and enclosures are full of ``../``, plus a title
    that is a Windows device name and one whose slug is 320 bytes of UTF-8."""
    long_title = "\U00020000" * 80
    items = [
        ("../../../../tmp/evil", "../../../../tmp/evil", "../../../../tmp/evil.html"),
        ("..", "../../x", "https://old.example/..%2F..%2Fetc/passwd"),
        ("CON", "con-guid", "https://old.example/con"),
        (long_title, "long", "https://old.example/?p=1"),
        ("index", "idx", "https://old.example/2020/01/index.html"),
    ]
    body = "".join(
        f"<item><title>{title}</title><link>{link}</link><guid isPermaLink='false'>{guid}</guid>"
        "<pubDate>Sat, 01 Jun 2024 10:00:00 +0000</pubDate>"
        f"<enclosure url='https://old.example/../../{n}.mp3' length='1' type='audio/mpeg'/>"
        f"<description>Post {n}</description></item>"
        for n, (title, guid, link) in enumerate(items)
    )
    path = tmp_path / "hostile.xml"
    path.write_text(
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>T</title>"
        f"<link>https://old.example/</link>{body}</channel></rss>",
        encoding="utf-8",
    )
    return path


def test_a_hostile_feed_names_every_file_inside_the_section(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fails on the old code: the 80-character title made a 320-byte name (exit 3, 'File
    name too long', with files already written), 'CON' a con.md no Windows checkout holds,
    and an old link's index.html an index.md, the folder's page, not a post."""
    root = site(tmp_path, monkeypatch)
    source = hostile_feed(tmp_path)
    before = tree(tmp_path)
    result = publish("import", "feed", str(source))
    assert result.exit_code == 0, result.output
    assert outside(before, tree(tmp_path)) == []
    names = sorted(p.name for p in (root / "content" / "essays").iterdir())
    assert len(names) == 5
    assert all(len(n.encode()) <= 123 and not n.startswith(".") for n in names), names
    assert "con_.md" in names and "index_.md" in names
    assert not any(n.lower() in ("con.md", "index.md") for n in names)
    assert publish("build").exit_code == 0


def test_download_media_names_files_inside_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, httpserver: HTTPServer
) -> None:
    """``--download-media``: the files are named by the episodes' (safe) names and a plain
    extension, never by the URL's ``../`` path, and all land inside the folder given."""
    httpserver.expect_request("/a.mp3").respond_with_data(b"A" * 3)
    httpserver.expect_request("/b.mp3").respond_with_data(b"B" * 3)
    url = httpserver.url_for("/")
    root = site(tmp_path, monkeypatch)
    episodes = [
        ("../../../../tmp/evil", f"{url}a.mp3?x=../../../evil.sh"),
        ("\U00020000" * 80, f"{url}b.mp3"),
    ]
    items = "".join(
        f"<item><title>{title}</title><guid>g{n}</guid>"
        "<pubDate>Sat, 01 Jun 2024 10:00:00 +0000</pubDate>"
        f"<enclosure url='{audio}' length='3' type='audio/mpeg'/></item>"
        for n, (title, audio) in enumerate(episodes)
    )
    source = tmp_path / "show.xml"
    source.write_text(
        "<?xml version='1.0'?><rss version='2.0' "
        "xmlns:itunes='http://www.itunes.com/dtds/podcast-1.0.dtd'><channel><title>Show</title>"
        f"<link>https://old.example/</link><description>d</description>{items}</channel></rss>",
        encoding="utf-8",
    )
    before = tree(tmp_path)
    result = publish("import", "podcast", str(source), "--download-media", "media")
    assert result.exit_code == 0, result.output
    after = tree(tmp_path)
    new = [n for n in outside(before, after) if not n.startswith(f"{SITE}/media/")]
    assert new == [f"{SITE}/publish.toml"]  # the [podcast] settings, nothing else
    media = sorted(p.name for p in (root / "media").iterdir())
    assert media == ["tmpevil.mp3", "\U00020000" * 30 + ".mp3"], media
    assert (root / "media" / "tmpevil.mp3").read_bytes() == b"AAA"


def test_the_writer_refuses_a_target_outside_the_content_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defence in depth: a ledger entry naming a file outside content/ (a hand-edited or
    hostile imports.json), or a section folder that is a symbolic link out of it, is
    refused: exit 2, the source item named, nothing written anywhere."""
    root = site(tmp_path, monkeypatch)
    source = substack_zip(tmp_path / "export.zip", [("1.hello", "Hello")])
    target = root.parent / "victim.md"  # content/../../victim.md
    target.write_text("precious\n", encoding="utf-8")
    entry = {"file": "../../victim.md", "sha256": digest(target.read_bytes())}
    ledger = {"items": {"essays": {"substack:1": entry}}}
    (root / "imports.json").write_text(json.dumps(ledger), encoding="utf-8")
    before = tree(tmp_path)
    result = publish("import", "substack", str(source))
    assert result.exit_code == 2, result.output
    assert f"{source}:2: file: " in result.stderr
    assert (
        "outside the content folder" in result.stderr and "expected a file inside" in result.stderr
    )
    assert "Traceback" not in result.output
    assert tree(tmp_path) == before

    (root / "imports.json").unlink()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / "content").mkdir()
    (root / "content" / "essays").symlink_to(elsewhere, target_is_directory=True)
    before = tree(tmp_path)
    result = publish("import", "substack", str(source))
    assert result.exit_code == 2, result.output
    assert f"{source}:2: file name: 'hello' is no file name inside the content folder" in (
        result.stderr
    )
    assert "1 content error; nothing written." in result.stderr
    assert tree(tmp_path) == before and not any(elsewhere.iterdir())


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("../../../../tmp/evil", "tmp-evil"),
        ("..", "item"),
        (".git", "git"),
        ("a/b\\c:d*e?f", "a-b-c-d-e-f"),
        ("nul.txt", "nul_.txt"),
        ("COM1", "COM1_"),
        ("x\x00y\x1fz", "xyz"),
        ("\u202eevil", "evil"),
        ("a\ud800b", "a\ufffdb"),
    ],
)
def test_safe_name(text: str, name: str) -> None:
    from pipeline.importers.common import is_safe_name, safe_name

    assert safe_name(text) == name
    assert is_safe_name(name + ".md")


def test_safe_name_is_bounded_in_bytes() -> None:
    from pipeline.importers.common import MAX_NAME_BYTES, is_safe_name, safe_name

    name = safe_name("\U00020000" * 80)
    assert len(name.encode()) <= MAX_NAME_BYTES and name == "\U00020000" * 30
    assert not is_safe_name("../x.md") and not is_safe_name(".x.md") and not is_safe_name("con.md")
