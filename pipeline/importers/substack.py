"""Reading a Substack export archive: the zip with ``posts.csv`` and ``posts/<id>.html``.

``posts.csv`` has a row per post (``post_id`` as ``<number>.<slug>``, ``post_date``,
``is_published``, ``type``, ``audience``, ``title``, ``subtitle``...); the body of each is
``posts/<post_id>.html``. Published posts become items dated as they were, with the subtitle
as description and the old ``/p/<slug>`` URL as an alias; drafts stay drafts; a paid-only
post is imported as a draft and named (publishing it is a decision, not a side effect).
With the publication's address, each post keeps the GUID Substack's RSS feed gives it (the
post's URL). Subscriber lists in the archive are never read. The archive is read within
bounds (members over :data:`MAX_MEMBER_BYTES`, or more than :data:`MAX_TOTAL_BYTES` in all,
are refused): a zip bomb is cut before it inflates.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from pipeline.errors import Problem
from pipeline.importers.common import notes_body, parse_date, shown
from pipeline.importers.dating import place_undated
from pipeline.importers.records import ImportedItem, ImportPlan, note

MAX_MEMBER_BYTES = 50_000_000
MAX_TOTAL_BYTES = 500_000_000
_ORDER = ("title", "date", "draft", "id", "guid", "description", "aliases")
_SKIPPED_TYPES = {"thread": "a discussion thread has no text to import"}


class Archive:
    """The members of the zip that an import reads, each within its bounds."""

    def __init__(self, data: bytes) -> None:
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            raise ValueError("not a zip archive (Substack's export is a .zip)") from None
        self.total = 0

    def read(self, name: str) -> bytes | None:
        try:
            info = self.zip.getinfo(name)
        except KeyError:
            return None
        if info.file_size > MAX_MEMBER_BYTES:
            raise ValueError(f"{name}: {info.file_size} bytes, more than {MAX_MEMBER_BYTES}")
        self.total += info.file_size
        if self.total > MAX_TOTAL_BYTES:
            raise ValueError(f"the archive inflates to more than {MAX_TOTAL_BYTES} bytes")
        with self.zip.open(info) as fh:
            data = fh.read(MAX_MEMBER_BYTES + 1)  # the header's size may lie
        if len(data) > MAX_MEMBER_BYTES:
            raise ValueError(f"{name}: more than {MAX_MEMBER_BYTES} bytes")
        return data


def _front(
    row: dict[str, str],
    number: str,
    slug: str,
    date: datetime | None,
    old_url: str,
    say: Callable[[str, str], None],
) -> dict[str, Any]:
    """A post's front matter from its row of posts.csv: title, date, draft (unpublished or
    paid-only, which ``say`` notes), id, guid under ``old_url``, description, aliases."""
    front: dict[str, Any] = {"title": (row.get("title") or "").strip() or slug}
    if date is not None:
        front["date"] = date
    published = (row.get("is_published") or "").strip().lower() == "true"
    paid = (row.get("audience") or "everyone").strip() not in ("everyone", "")
    if not published:
        front["draft"] = True
    elif paid:
        front["draft"] = True
        say("audience", "paid-only on Substack: imported as a draft; publish it deliberately")
    front["id"] = f"substack:{number}"
    if old_url:
        front["guid"] = f"{old_url.rstrip('/')}/p/{slug}"
    subtitle = " ".join((row.get("subtitle") or "").split())
    if subtitle:
        front["description"] = subtitle
    front["aliases"] = [f"/p/{slug}"]
    return front


def _rows(reader: csv.DictReader[str]) -> Iterator[dict[str, str]]:
    """The rows of ``posts.csv``; a ValueError naming the line where it stops being CSV (a
    field over the csv module's limit, a NUL byte), as every other problem of the archive."""
    try:
        yield from reader
    except csv.Error as exc:
        line = max(reader.line_num, 1)
        raise ValueError(f"posts.csv line {line}: not readable as CSV ({exc})") from None


def read_substack(
    data: bytes,
    source: str,
    *,
    section: str = "essays",
    since: datetime | None = None,
    old_url: str = "",
) -> ImportPlan:
    """The posts of a Substack export archive; ``old_url`` is the publication's address
    (``https://name.substack.com`` or its custom domain), for the posts' GUIDs."""
    archive = Archive(data)
    raw = archive.read("posts.csv")
    if raw is None:
        raise ValueError("no posts.csv: not a Substack export archive")
    where = f"{source}/posts.csv"
    notes: list[Problem] = []
    pending: list[tuple[int, dict[str, Any]]] = []
    bodies: dict[int, str] = {}
    skipped = 0
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig", errors="replace")))
    for row in _rows(reader):
        line = reader.line_num

        def say(field: str, message: str, line: int = line) -> None:
            notes.append(note(where, line, field, message))

        post_id = (row.get("post_id") or "").strip()
        number, _, slug = post_id.partition(".")
        if not number or not slug:
            say("post_id", f"{shown(post_id)} is not <number>.<slug>: not imported")
            skipped += 1
            continue
        kind = (row.get("type") or "newsletter").strip()
        if kind in _SKIPPED_TYPES:
            say("type", f"{_SKIPPED_TYPES[kind]}: not imported")
            skipped += 1
            continue
        html = archive.read(f"posts/{post_id}.html")
        if html is None:
            say("post_id", f"posts/{post_id}.html is not in the archive: not imported")
            skipped += 1
            continue
        date = parse_date(row.get("post_date") or "")
        if date is not None and since is not None and date < since:
            continue
        front = _front(row, number, slug, date, old_url, say)
        bodies[line] = notes_body(html.decode("utf-8", errors="replace")) or "<p></p>\n"
        front["_slug"] = slug
        pending.append((line, front))
    skipped += place_undated(pending, where, notes, "post_date")
    items = []
    for line, front in pending:
        slug = str(front.pop("_slug"))
        ordered = tuple((k, front[k]) for k in _ORDER if k in front)
        key = str(front["id"])  # the same whether or not the address was given
        items.append(ImportedItem(key, section, slug, ordered, bodies[line], line))
    return ImportPlan(source, "substack", tuple(items), (), tuple(notes), skipped)
