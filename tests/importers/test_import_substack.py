"""publish import substack, on a generated archive with the export's documented layout:
posts.csv (one row per post) and posts/<post_id>.html (its body)."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest

from pipeline.importers import substack
from tests.importers.conftest import front_matter, publish, tree

FIELDS = [
    "post_id",
    "post_date",
    "is_published",
    "email_sent_at",
    "inbox_sent_at",
    "type",
    "audience",
    "title",
    "subtitle",
    "podcast_url",
]
POSTS = [
    (
        "101.first-harvest",
        "2023-08-01T07:30:00.000Z",
        "true",
        "newsletter",
        "everyone",
        "First harvest",
        "Tomatoes, finally",
        "<p>Ripe <strong>at last</strong>.</p>\n<p>a_b_c</p>",
    ),
    (
        "102.members-only-seeds",
        "2023-09-01T07:30:00.000Z",
        "true",
        "newsletter",
        "only_paid",
        "Members-only seeds",
        "",
        "<p>For paying members.</p>",
    ),
    ("103.unfinished", "", "false", "newsletter", "everyone", "Unfinished", "", "<p>Draft.</p>"),
    ("104.chat", "2023-10-01T07:30:00.000Z", "true", "thread", "everyone", "Chat", "", None),
    ("105.lost", "2023-11-01T07:30:00.000Z", "true", "newsletter", "everyone", "Lost", "", None),
]


def archive(path: Path, posts: list[tuple[str, ...]] = POSTS) -> Path:
    rows = io.StringIO()
    writer = csv.DictWriter(rows, fieldnames=FIELDS)
    writer.writeheader()
    with zipfile.ZipFile(path, "w") as zf:
        for post_id, date, published, kind, audience, title, subtitle, body in posts:
            writer.writerow(
                {
                    "post_id": post_id,
                    "post_date": date,
                    "is_published": published,
                    "type": kind,
                    "audience": audience,
                    "title": title,
                    "subtitle": subtitle,
                }
            )
            if body is not None:
                zf.writestr(f"posts/{post_id}.html", body)
        zf.writestr("posts.csv", rows.getvalue())
        zf.writestr("email_list.name.csv", "email,active_subscription\nreader@example.org,true\n")
    return path


def test_posts_drafts_and_paid_posts(home: Path, tmp_path: Path) -> None:
    source = archive(tmp_path / "export.zip")
    result = publish("import", "substack", str(source), "--old-url", "https://garden.substack.com/")
    assert result.exit_code == 0, result.output
    essays = home / "content" / "essays"
    assert sorted(p.name for p in essays.iterdir()) == [
        "first-harvest.md",
        "members-only-seeds.md",
        "unfinished.md",
    ]
    first = front_matter(essays / "first-harvest.md")
    assert first["guid"] == "https://garden.substack.com/p/first-harvest"
    assert first["id"] == "substack:101"
    assert first["aliases"] == ["/p/first-harvest"]
    assert first["description"] == "Tomatoes, finally"
    assert first["date"] == "2023-08-01T07:30:00+00:00"
    assert "draft" not in first
    assert front_matter(essays / "members-only-seeds.md")["draft"] is True
    assert front_matter(essays / "unfinished.md")["draft"] is True
    where = f"{source}/posts.csv"
    assert f"{where}:3: audience: paid-only on Substack: imported as a draft" in result.stderr
    assert f"{where}:5: type: a discussion thread has no text to import" in result.stderr
    assert f"{where}:6: post_id: posts/105.lost.html is not in the archive" in result.stderr
    assert "reader@example.org" not in "".join(p.read_text() for p in essays.iterdir())

    assert publish("build").exit_code == 0
    rss = (home / "feeds" / "rss.xml").read_text()
    assert '<guid isPermaLink="false">https://garden.substack.com/p/first-harvest</guid>' in rss
    assert "Members-only" not in rss and "Unfinished" not in rss
    assert "<p>a_b_c</p>" in rss  # the HTML as Substack wrote it
    assert "https://new.example.org/essays/first-harvest/" in rss  # the slug carries over

    before = tree(home / "content")
    again = publish("import", "substack", str(source), "--old-url", "https://garden.substack.com")
    assert "0 new, 0 updated, 3 unchanged" in again.stderr
    assert tree(home / "content") == before


def test_not_an_archive_and_a_bomb_are_refused(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "export.zip"
    bad.write_bytes(b"not a zip")
    result = publish("import", "substack", str(bad))
    assert result.exit_code == 2 and "not a zip archive" in result.stderr
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as zf:
        zf.writestr("README.txt", "hi")
    result = publish("import", "substack", str(empty))
    assert result.exit_code == 2 and "no posts.csv" in result.stderr
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("posts.csv", ",".join(FIELDS) + "\n" + " " * 5000)
    monkeypatch.setattr(substack, "MAX_MEMBER_BYTES", 1000)  # a bound, not our logic
    result = publish("import", "substack", str(bomb))
    assert result.exit_code == 2 and "more than 1000" in result.stderr
    assert not (home / "content").exists()


def test_a_posts_csv_that_stops_being_csv_is_refused_naming_the_line(
    home: Path, tmp_path: Path
) -> None:
    """A field over the csv module's limit (an unclosed quote swallowing the file) raised
    csv.Error past the importer's errors: "unexpected error", exit 1."""
    bad = tmp_path / "export.zip"
    with zipfile.ZipFile(bad, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        header = ",".join(FIELDS)
        zf.writestr("posts.csv", f'{header}\n1.a,"never closed\n' + "x," * 100_000 + "\n")
    result = publish("import", "substack", str(bad))
    assert result.exit_code == 2, result.output
    assert ":1: substack: posts.csv line " in result.stderr
    assert ": not readable as CSV (" in result.stderr
    assert not (home / "content").exists()


def test_posts_sharing_a_slug_keep_one_path_and_the_build_takes_what_was_written(
    home: Path,
) -> None:
    """Rows ``101.hello-world``, ``102.hello-world``, ``103.Hello-World`` and a slug of 300
    characters: two posts got one GUID and alias, ``Hello-World.md`` and ``hello-world.md``
    were written side by side (one permalink), the long slug's alias was one the build
    refuses; every import said nothing, and the build exited 2."""
    row = ("2023-08-01T07:30:00.000Z", "true", "newsletter", "everyone")
    posts = [
        (f"{n}.{slug}", *row, f"Post {n}", "", f"<p>Body {n}.</p>")
        for n, slug in ((101, "hello-world"), (102, "hello-world"), (103, "Hello-World"))
    ] + [("104." + "x" * 300, *row, "Long", "", "<p>Long.</p>")]
    zipped = archive(home / "export.zip", posts)
    result = publish("import", "substack", str(zipped), "--old-url", "https://name.substack.com")
    assert result.exit_code == 0, result.output
    assert "posts.csv:3: post_id: no /p/ alias or GUID from it: /p/hello-world is also the " in (
        result.stderr
    )
    assert "posts.csv:4: post_id: no /p/ alias or GUID from it: /p/Hello-World is also" in (
        result.stderr
    )
    assert "posts.csv:5: post_id: no /p/ alias or GUID from it: " in result.stderr
    names = sorted(p.name.casefold() for p in (home / "content" / "essays").glob("*.md"))
    assert len(names) == len(set(names)) == 4
    guids = [
        front_matter(p).get("guid") for p in sorted((home / "content" / "essays").glob("*.md"))
    ]
    assert guids.count("https://name.substack.com/p/hello-world") == 1
    built = publish("build")
    assert built.exit_code == 0, built.output
