"""What subscribers would see change between two builds of the feeds.

Reads RSS 2.0 (and 1.0), Atom 1.0 and JSON Feed 1.x (:mod:`.feedread`), pairs the
items of each feed by GUID (the first item of a repeated one) and reports new and removed
items, changed titles (white space compared as the build writes it: a run of spaces or a
no-break space is one space), links and enclosure URLs (compared as requested: a space is
``%20``), and dates. A GUID change is the one change a
reader cannot absorb: the item shows up again as unread, and podcast apps download it twice.
It is detected when a new item's link, or its title and date, match an old item whose GUID is
gone, and flagged loudly. Items without a GUID go by their enclosure URL, else link, else title.

Stages: :func:`find_feeds` → :func:`parse_feed` → :func:`diff_feed` → :func:`diff_paths`
(which merges the same change seen in several feeds), then ``render_*`` for stdout.
"""

from __future__ import annotations

import dataclasses
import json
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from pipeline.feedcheck.feedread import Feed, FeedItem, find_feeds
from pipeline.support.paths import requested_url
from pipeline.support.text import counted


class ChangeKind(StrEnum):
    """What changed for subscribers, closed; most alarming first (the order of every report)."""

    GUID = "guid"
    """The one change a reader cannot absorb: the item shows up again as new."""
    ENCLOSURE = "enclosure"
    DETAILS = "details"
    """An episode's size, type, duration, season, number or explicit flag."""
    FEED_REMOVED = "feed-removed"
    REMOVED = "removed"
    TITLE = "title"
    LINK = "link"
    DATE = "date"
    ADDED = "added"
    FEED_ADDED = "feed-added"


GUID, ENCLOSURE, DETAILS, FEED_REMOVED, REMOVED, TITLE, LINK, DATE, ADDED, FEED_ADDED = ChangeKind
KINDS = tuple(ChangeKind)


@dataclass(frozen=True)
class Change:
    """One change a subscriber would notice, with every feed in which it shows."""

    kind: ChangeKind
    guid: str
    """The item's GUID in the new build (the old one for removed items)."""
    title: str
    link: str
    before: str = ""
    """The old value: title, link, date or GUID (empty for new and removed items)."""
    after: str = ""
    feeds: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class FeedDiff:
    """The changes between two builds, most alarming first."""

    changes: tuple[Change, ...]
    old_feeds: int
    new_feeds: int

    @property
    def guid_changed(self) -> bool:
        return any(c.kind == GUID for c in self.changes)

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)


def _when(value: datetime | None) -> str:
    return value.isoformat() if value is not None else "(none)"


def _same_date(a: datetime | None, b: datetime | None) -> bool:
    return a == b  # aware datetimes compare as instants, whatever their offsets


def _spaced(title: str) -> str:
    """``title`` with its white space as the build writes it (``load/item.py``): runs of
    spaces, tabs, line breaks and U+00A0 one space, none at either end. Titles are compared so:
    an imported show whose source wrote ``A\u00a0 B`` is not retitled by its first build."""
    return " ".join(title.split())


def _same(kind: ChangeKind, was: str, now: str) -> bool:
    if was == now:
        return True
    if kind == TITLE:
        return _spaced(was) == _spaced(now)
    # a link or an enclosure URL, as apps request it: a b.mp3 is a%20b.mp3, O.EXAMPLE.com:443
    return requested_url(was) == requested_url(now)


def _identified(items: Sequence[FeedItem]) -> list[FeedItem]:
    """Items without a GUID go by their link, else their title (as readers key them), so
    they are not all one item under the empty GUID."""
    return [
        i if i.guid else dataclasses.replace(i, guid=i.link or f"(title) {i.title}") for i in items
    ]


class _Unpaired:
    """The old items whose GUID is gone, in order, each paired at most once: a new item takes
    the first one with its link, else (a title recurs: "Mailbag") the first one with its title
    and date. Each lookup is a dict's; a taken item is skipped when met again (linear: it was
    two scans of the list per new item, quadratic when a feed changed its GUID scheme)."""

    def __init__(self, gone: Sequence[FeedItem]) -> None:
        self.gone = list(gone)
        self.taken = [False] * len(self.gone)
        self.by_link: dict[str, deque[int]] = {}
        self.by_title: dict[tuple[str, datetime | None], deque[int]] = {}
        for n, o in enumerate(self.gone):
            if o.link:
                self.by_link.setdefault(o.link, deque()).append(n)
            if o.title:
                self.by_title.setdefault((_spaced(o.title), o.date), deque()).append(n)

    def _first(self, queue: deque[int] | None) -> FeedItem | None:
        while queue:
            n = queue.popleft()
            if not self.taken[n]:
                self.taken[n] = True
                return self.gone[n]
        return None

    def take(self, item: FeedItem) -> FeedItem | None:
        """The unpaired old item that ``item`` is with a new GUID, now paired; None if none."""
        twin = self._first(self.by_link.get(item.link)) if item.link else None
        if twin is None and item.title:
            twin = self._first(self.by_title.get((_spaced(item.title), item.date)))
        return twin

    def left(self) -> list[FeedItem]:
        return [o for n, o in enumerate(self.gone) if not self.taken[n]]


def diff_feed(old: Sequence[FeedItem], new: Sequence[FeedItem], name: str = "") -> list[Change]:
    """The changes between two versions of one feed. Items pair up by GUID; a new item whose
    link (or, failing that, title) matches an unpaired old item is that item with a new GUID."""
    feeds = (name,) if name else ()
    old, new = _identified(old), _identified(new)
    old_by_guid = {i.guid: i for i in reversed(old)}  # a GUID given twice: its first item
    new_by_guid = {i.guid: i for i in reversed(new)}
    changes: list[Change] = []
    for item in new_by_guid.values():
        before = old_by_guid.get(item.guid)
        if before is None:
            continue
        pairs = (
            (TITLE, before.title, item.title),
            (LINK, before.link, item.link),
            (ENCLOSURE, before.enclosure, item.enclosure),
        )
        for kind, was, now in pairs:
            if not _same(kind, was, now):
                changes.append(Change(kind, item.guid, item.title, item.link, was, now, feeds))
        if before.enclosure and item.enclosure and (moved := _details(before, item)):
            changes.append(Change(DETAILS, item.guid, item.title, item.link, *moved, feeds))
        if not _same_date(before.date, item.date):
            when = (_when(before.date), _when(item.date))
            changes.append(Change(DATE, item.guid, item.title, item.link, *when, feeds))
    gone = [i for i in old if i.guid not in new_by_guid]
    unpaired = _Unpaired(gone)
    for item in new:
        if item.guid in old_by_guid:
            continue
        twin = unpaired.take(item)
        if twin is None:
            changes.append(Change(ADDED, item.guid, item.title, item.link, feeds=feeds))
            continue
        changes.append(Change(GUID, item.guid, item.title, item.link, twin.guid, item.guid, feeds))
    changes.extend(Change(REMOVED, o.guid, o.title, o.link, feeds=feeds) for o in unpaired.left())
    return changes


def _details(before: FeedItem, after: FeedItem) -> tuple[str, str] | None:
    """The episode details that differ, as they were and as they are (``length 30000001`` →
    ``length 5``); None when none does. An item without an explicit flag of its own has the
    show's: one side without it is no change."""
    was, now = dict(before.details), dict(after.details)
    if was.get("title") or now.get("title"):  # the title Apple shows: itunes:title, or <title>
        was["title"], now["title"] = was["title"] or before.title, now["title"] or after.title
    else:  # neither has one: a changed <title> is said once, as retitled
        was.pop("title", None), now.pop("title", None)
    names = [
        n
        for n in was
        if n in now and was[n] != now[n] and not (n == "explicit" and "" in (was[n], now[n]))
    ]
    if not names:
        return None

    def shown(values: dict[str, str]) -> str:
        return ", ".join(f"{_SHOWN.get(n, n)} {values[n] or '(none)'}" for n in names)

    return shown(was), shown(now)


_SHOWN = {"title": "itunes:title", "episodeType": "itunes:episodeType"}


def _merge(changes: Iterable[Change]) -> tuple[Change, ...]:
    """One change per (kind, item, before, after), naming every feed it shows in."""
    merged: dict[tuple[str, str, str, str, str], Change] = {}
    for c in changes:
        key = (
            c.kind,
            c.guid,
            c.before,
            c.after,
            c.title if c.kind in (FEED_ADDED, FEED_REMOVED) else "",
        )
        seen = merged.get(key)
        if seen is None:
            merged[key] = c
        else:
            feeds = tuple(sorted(set(seen.feeds) | set(c.feeds)))
            merged[key] = Change(
                seen.kind, seen.guid, seen.title, seen.link, seen.before, seen.after, feeds
            )
    order = {kind: n for n, kind in enumerate(KINDS)}
    return tuple(
        sorted(merged.values(), key=lambda c: (order[c.kind], c.title, c.guid, c.before, c.after))
    )


def diff_feeds(old: Mapping[str, Feed], new: Mapping[str, Feed]) -> FeedDiff:
    """Compare two sets of feeds keyed by name; feeds only on one side are reported too."""
    changes: list[Change] = []
    if len(old) == 1 and len(new) == 1 and set(old) != set(new):
        # two single files with different names: compare them with each other
        pairs = [(next(iter(old.values())), next(iter(new.values())))]
    else:
        pairs = [(old[n], new[n]) for n in sorted(set(old) & set(new))]
        for n in sorted(set(new) - set(old)):
            f = new[n]
            changes.append(Change(FEED_ADDED, "", f.title, "", "", f"{len(f.items)} items", (n,)))
        for n in sorted(set(old) - set(new)):
            f = old[n]
            changes.append(Change(FEED_REMOVED, "", f.title, "", f"{len(f.items)} items", "", (n,)))
    for a, b in pairs:
        changes.extend(diff_feed(a.items, b.items, b.name))
    return FeedDiff(_merge(changes), len(old), len(new))


def diff_paths(old: Path, new: Path) -> FeedDiff:
    """Compare two feed folders (every feed in them) or two feed files."""
    return diff_feeds(find_feeds(old), find_feeds(new))


# --- reports ----------------------------------------------------------------------------------

_LABELS = {
    GUID: "GUID CHANGED",
    ENCLOSURE: "MEDIA MOVED",
    DETAILS: "media details",
    FEED_REMOVED: "feed removed",
    REMOVED: "removed",
    TITLE: "title changed",
    LINK: "link changed",
    DATE: "date moved",
    ADDED: "new",
    FEED_ADDED: "new feed",
}


def summary(diff: FeedDiff) -> str:
    """The one line that ends a run."""
    parts = [
        f"{counted(diff.count(GUID), 'GUID change')}",
        f"{diff.count(ADDED)} new",
        f"{diff.count(REMOVED)} removed",
        f"{diff.count(TITLE)} retitled",
        f"{diff.count(DATE)} redated",
    ]
    if moved := diff.count(ENCLOSURE):
        parts.append(f"{counted(moved, 'enclosure URL')} changed")
    if details := diff.count(DETAILS):
        parts.append(f"{counted(details, 'episode')} with other media details")
    parts += [f"{diff.count(LINK)} relinked"] if diff.count(LINK) else []
    if diff.count(FEED_ADDED) or diff.count(FEED_REMOVED):
        added = counted(diff.count(FEED_ADDED), "feed")
        parts.append(f"{added} added, {diff.count(FEED_REMOVED)} removed")
    feeds = counted(diff.new_feeds, "feed")
    return f"Feed diff: {', '.join(parts)} ({diff.old_feeds} → {feeds})"


def _feeds(c: Change, limit: int = 4) -> str:
    shown = ", ".join(c.feeds[:limit])
    more = len(c.feeds) - limit
    return shown + (f" (+{more} more)" if more > 0 else "")


def _detail(c: Change) -> str:
    if c.kind == GUID:
        return (
            f"{c.before} → {c.after}: readers will show it again as a new item "
            "(podcast apps re-download it)"
        )
    if c.kind == ENCLOSURE:
        if not c.after:  # the media went: nothing to follow
            return f"{c.before} → (none): the item has no media now (apps cannot download it)"
        return f"{c.before or '(none)'} → {c.after}: downloads follow the new URL"
    if c.kind == DETAILS:
        return f"{c.before} → {c.after}: apps show the new values"
    if c.kind in (TITLE, LINK, DATE):
        return f"{c.before!r} → {c.after!r}" if c.kind == TITLE else f"{c.before} → {c.after}"
    if c.kind in (FEED_ADDED, FEED_REMOVED):
        return c.after or c.before
    return c.link or c.guid


def render_text(diff: FeedDiff) -> str:
    if not diff.changes:
        return "No changes subscribers would see.\n"
    lines: list[str] = []
    if diff.guid_changed:
        lines.append(
            f"!!! {diff.count(GUID)} item(s) changed GUID: subscribers will see "
            "them again as new. Restore the old 'id:' in the front matter. !!!"
        )
    for c in diff.changes:
        title = " ".join(c.title.split())  # a title on lines of its own split the record
        lines.append(f"{_LABELS[c.kind]:<13} {title or '(untitled)'}")
        lines.append(f"{'':<14}{_detail(c)}")
        lines.append(f"{'':<14}in {_feeds(c)}")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(diff: FeedDiff) -> str:
    """A summary and a table, for ``$GITHUB_STEP_SUMMARY`` or a pull-request comment."""
    out = ["## Feed diff", "", summary(diff).removeprefix("Feed diff: ") + "."]
    if diff.guid_changed:
        out += [
            "",
            "> [!CAUTION]",
            f"> **{diff.count(GUID)} item(s) changed GUID.** Every subscriber will see them "
            "again as new items and podcast apps will download episodes twice. Restore the old "
            "`id:` in the item's front matter (or `content/.publish-ids.json`).",
        ]
    if diff.changes:
        out += ["", "| Change | Item | Detail | Feeds |", "| --- | --- | --- | --- |"]
        for c in diff.changes:
            label = f"**{_LABELS[c.kind]}**" if c.kind == GUID else _LABELS[c.kind]
            title = c.title or "(untitled)"
            item = f"[{_cell(title)}]({c.link})" if c.link else _cell(title)
            out.append(f"| {label} | {item} | {_cell(_detail(c))} | {_cell(_feeds(c))} |")
    else:
        out += ["", "No changes subscribers would see."]
    return "\n".join(out) + "\n"


def render_json(diff: FeedDiff) -> str:
    doc = {
        "guid_changed": diff.guid_changed,
        "old_feeds": diff.old_feeds,
        "new_feeds": diff.new_feeds,
        "counts": {kind: diff.count(kind) for kind in KINDS},
        "changes": [
            {
                "kind": c.kind,
                "guid": c.guid,
                "title": c.title,
                "link": c.link,
                "before": c.before,
                "after": c.after,
                "feeds": list(c.feeds),
            }
            for c in diff.changes
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def render(diff: FeedDiff, fmt: str) -> str:
    renderers = {"text": render_text, "markdown": render_markdown, "json": render_json}
    return renderers[fmt](diff)
