"""publish import substack: a row of posts.csv whose quoted title or subtitle holds line
breaks is named at the line it starts on (a paid-only post, as a draft), its title is one line, and a podcast post's
audio (`podcast_url`), which no key of an essay keeps, is named rather than lost."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from tests.importers.conftest import front_matter, publish

FIELDS = ["post_id", "post_date", "is_published", "type", "audience", "title", "subtitle"]
AUDIO = "https://api.substack.com/feed/podcast/2/abc.mp3"


def _row(
    post_id: str, day: int, kind: str, title: str, subtitle: str, audience: str = "everyone"
) -> dict[str, str]:
    date = f"2023-08-0{day}T07:30:00.000Z"
    values = [post_id, date, "true", kind, audience, title, subtitle]
    return dict(zip(FIELDS, values, strict=True))


def _archive(path: Path) -> Path:
    rows = io.StringIO()
    writer = csv.DictWriter(rows, fieldnames=[*FIELDS, "podcast_url"])
    writer.writeheader()
    writer.writerow(_row("1.two-lines", 1, "newsletter", "Two\nlines", "Sub\ntitle", "only_paid"))
    writer.writerow(_row("2.missing", 2, "newsletter", "Missing", ""))
    writer.writerow({**_row("3.episode", 3, "podcast", "Episode", ""), "podcast_url": AUDIO})
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("posts.csv", rows.getvalue())
        zf.writestr("posts/1.two-lines.html", "<p>One</p>")
        zf.writestr("posts/3.episode.html", "<p>Listen</p>")
    return path


def test_rows_with_line_breaks_and_podcast_audio(home: Path, tmp_path: Path) -> None:
    result = publish("import", "substack", str(_archive(tmp_path / "export.zip")))
    assert result.exit_code == 0, result.output
    essays = home / "content" / "essays"
    assert front_matter(essays / "two-lines.md")["title"] == "Two lines"
    assert front_matter(essays / "two-lines.md")["description"] == "Sub title"
    assert "export.zip/posts.csv:2: audience: paid-only" in result.stderr
    # the header is line 1, the first row lines 2-4: the second row starts on line 5
    assert "export.zip/posts.csv:5: post_id: posts/2.missing.html" in result.stderr
    assert "export.zip/posts.csv:6: podcast_url:" in result.stderr
    assert AUDIO in result.stderr
    assert front_matter(essays / "episode.md")["title"] == "Episode"
    assert publish("build").exit_code == 0
