"""Reading a Substack export archive: the zip with ``posts.csv`` and ``posts/<id>.html``.

``posts.csv`` has a row per post (``post_id`` as ``<number>.<slug>``, ``post_date``,
``is_published``, ``type``, ``audience``, ``title``, ``subtitle``...); the body of each is
``posts/<post_id>.html``. Published posts become items dated as they were, with the subtitle
as description and the old ``/p/<slug>`` URL as an alias; drafts stay drafts; a paid-only
post is imported as a draft and named (publishing it is a decision, not a side effect).
With the publication's address, each post keeps the GUID Substack's RSS feed gives it (the
post's URL). Subscriber lists in the archive are never read. The archive is read within
bounds (members over :data:`MAX_MEMBER_BYTES`, or more than :data:`MAX_TOTAL_BYTES` in all,
are refused): a zip bomb is cut before it inflates. A damaged, encrypted or unreadably
compressed member is refused by name. A slug is a file name only as :func:`safe_name` makes
it one: ``1.../../../tmp/evil`` is written as ``tmp-evil.md`` inside the section.
"""

from __future__ import annotations

import csv
import io
import lzma
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from pipeline.config.oldurls import old_url_problem
from pipeline.errors import Problem
from pipeline.importers.common import notes_body, parse_date, safe_name, shown
from pipeline.importers.dating import place_undated
from pipeline.importers.records import ImportedItem, ImportPlan, note

MAX_MEMBER_BYTES = 50_000_000
MAX_TOTAL_BYTES = 500_000_000
_ORDER = ("title", "date", "draft", "id", "guid", "description", "aliases")
_SKIPPED_TYPES = {"thread": "a discussion thread has no text to import"}
_METHODS = {
    zipfile.ZIP_STORED: "stored",
    zipfile.ZIP_DEFLATED: "deflate",
    zipfile.ZIP_BZIP2: "bzip2",
    zipfile.ZIP_LZMA: "LZMA",
}
"""The compression methods Python reads (Substack writes deflate); 99 is WinZip's AES."""
_DAMAGED = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, ValueError)
"""What reading a damaged member raises: a bad CRC, corrupt deflate or bzip2 data, a cut."""
_URL_SEGMENT = re.compile(r"[^/\\?#%\s\x00-\x1f\x7f]+")
"""A slug that is one path segment of a post's URL (``/p/<slug>``) as it is."""
_EXPECTED = "expected the archive as Substack exports it (download the export again)"


class Archive:
    """The members of the zip that an import reads, each within its bounds."""

    def __init__(self, data: bytes) -> None:
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except _DAMAGED:
            raise ValueError("not a zip archive (Substack's export is a .zip)") from None
        self.total = 0
        self.twice = {n for n, k in Counter(self.zip.namelist()).items() if k > 1}
        """Names given to two members: tools differ on which they read, so neither is."""

    def read(self, name: str) -> bytes | None:
        try:
            info = self.zip.getinfo(name)
        except KeyError:
            return None
        if name in self.twice:
            raise ValueError(f"{name}: in the archive twice; {_EXPECTED}")
        if info.file_size > MAX_MEMBER_BYTES:
            raise ValueError(f"{name}: {info.file_size} bytes, more than {MAX_MEMBER_BYTES}")
        self.total += info.file_size
        if self.total > MAX_TOTAL_BYTES:
            raise ValueError(f"the archive inflates to more than {MAX_TOTAL_BYTES} bytes")
        if info.flag_bits & 0x1:
            raise ValueError(f"{name}: encrypted (a password-protected archive); {_EXPECTED}")
        if info.compress_type not in _METHODS:
            method = "99 (AES encryption)" if info.compress_type == 99 else info.compress_type
            raise ValueError(
                f"{name}: compressed with method {method}, which cannot be read; expected "
                "deflate (as Substack exports it), stored, bzip2 or LZMA"
            )
        try:
            with self.zip.open(info) as fh:
                data = fh.read(MAX_MEMBER_BYTES + 1)  # the header's size may lie
        except (*_DAMAGED, RuntimeError, NotImplementedError) as exc:
            raise ValueError(f"{name}: damaged archive ({exc}); {_EXPECTED}") from None
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
    paid-only, which ``say`` notes), id, guid under ``old_url``, description, aliases (guid
    and aliases only for a ``slug`` that is one URL path segment, as Substack's are)."""
    front: dict[str, Any] = {"title": " ".join((row.get("title") or "").split()) or slug}
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
    one_segment = _URL_SEGMENT.fullmatch(slug) is not None and slug not in (".", "..")
    if old_url and one_segment:
        front["guid"] = f"{old_url.rstrip('/')}/p/{slug}"
    subtitle = " ".join((row.get("subtitle") or "").split())
    if subtitle:
        front["description"] = subtitle
    if one_segment:
        front["aliases"] = [f"/p/{slug}"]
    return front


def _one_post_a_path(
    pending: list[tuple[int, dict[str, Any]]], where: str, notes: list[Problem]
) -> None:
    """Each ``/p/slug`` alias (and the GUID made with it) kept for the first post that has
    it (a slug in two rows, or in two cases: the site's paths are one), and left out where the
    build refuses it (over 255 bytes): the import wrote two posts of one GUID and alias, and
    the build refused them."""
    first: dict[str, int] = {}
    for line, front in pending:
        if "aliases" not in front:
            continue
        path = str(front["aliases"][0])
        why = old_url_problem(path, "")
        if why is None and (seen := first.setdefault(path.casefold(), line)) != line:
            why = f"{path} is also the path of the post at line {seen}"
        if why is not None:
            del front["aliases"]
            front.pop("guid", None)
            notes.append(note(where, line, "post_id", f"no /p/ alias or GUID from it: {why}"))


def _rows(reader: csv.DictReader[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of ``posts.csv``, each with the line it starts on (a quoted title or subtitle
    may hold line breaks); a ValueError naming the line where it stops being CSV (a field
    over the csv module's limit, a NUL byte), as every other problem of the archive."""
    try:
        end = reader.line_num if reader.fieldnames is not None else 0
        for row in reader:
            start, end = end + 1, reader.line_num
            yield start, row
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
    numbers: dict[str, int] = {}
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig", errors="replace")))
    for line, row in _rows(reader):

        def say(field: str, message: str, line: int = line) -> None:
            notes.append(note(where, line, field, message))

        post_id = (row.get("post_id") or "").strip()
        number, _, slug = post_id.partition(".")
        if not number or not slug:
            say("post_id", f"{shown(post_id)} is not <number>.<slug>: not imported")
            skipped += 1
            continue
        if number in numbers:
            say("post_id", f"post {shown(number)} again (line {numbers[number]}): not imported")
            skipped += 1
            continue
        numbers[number] = line
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
        if audio := (row.get("podcast_url") or "").strip():
            say("podcast_url", f"{shown(audio)}: not kept (episodes come in with `import podcast`)")
        bodies[line] = notes_body(html.decode("utf-8", errors="replace")) or "<p></p>\n"
        front["_slug"] = safe_name(slug, f"post-{safe_name(number)}")
        if "aliases" not in front or front["_slug"] != slug:
            kept = "" if "aliases" in front else ", with no /p/ alias or GUID from it"
            say(
                "post_id",
                f"slug {shown(slug)} cannot name a file as it is: the file is named "
                f"{front['_slug']!r}{kept}",
            )
        pending.append((line, front))
    skipped += place_undated(pending, where, notes, "post_date")
    _one_post_a_path(pending, where, notes)
    items = []
    for line, front in pending:
        slug = str(front.pop("_slug"))
        ordered = tuple((k, front[k]) for k in _ORDER if k in front)
        key = str(front["id"])  # the same whether or not the address was given
        link = str(front.get("guid", ""))  # the post's URL, with the publication's address
        body = bodies[line]
        items.append(ImportedItem(key, section, slug, ordered, body, line, (), link, link))
    return ImportPlan(source, "substack", tuple(items), (), tuple(notes), skipped)
