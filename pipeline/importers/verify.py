"""After an import and a build: did every item keep its GUID and enclosure, and is each there?

The source feed is compared with the feed the build wrote, as ``publish feed-diff`` compares
them (:mod:`pipeline.feedcheck.diff`): zero GUID changes, zero enclosure URL changes but the
ones the import made and reported (FeedBurner's proxy URL replaced by the file it led to),
and every item the import wrote as published present. Drafts and items the import left out (its
report says why) are not expected.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.feedcheck.diff import ENCLOSURE, GUID, diff_feed
from pipeline.feedcheck.feedread import parse_feed, read_feed
from pipeline.importers.records import ImportPlan
from pipeline.importers.xmlsource import known_prefixes_declared
from pipeline.support.text import counted

_BUILT = {"rss": "rss.xml", "atom": "atom.xml", "json": "feed.json"}


@dataclass(frozen=True)
class Verdict:
    """What the check found, and the built feed it read."""

    feed: str
    guid_changes: int
    enclosure_changes: int
    expected: int
    missing: tuple[str, ...]
    """GUIDs written as published items that the built feed lacks."""
    left_out: int
    """Source items the import left out or wrote as drafts (each named in its report)."""
    reported: int = 0
    """Enclosure URL changes the import made on purpose and reported: the audio it wrote."""

    @property
    def ok(self) -> bool:
        return not (self.guid_changes or self.enclosure_changes or self.missing)

    def line(self, what: str) -> str:
        present = self.expected - len(self.missing)
        verdict = "Verified" if self.ok else "NOT VERIFIED"
        guids, urls = self.guid_changes, self.enclosure_changes
        out = f"{verdict}: {counted(guids, 'GUID change')}, {counted(urls, 'enclosure URL change')}"
        if self.reported:
            out += f" besides the {self.reported} the import reported"
        out += f", {present} of {self.expected} {what} present in {self.feed}"
        if self.left_out:
            out += f" ({self.left_out} source items left out or drafted, as reported)"
        if self.missing:
            out += "; missing: " + ", ".join(self.missing[:5])
        return out


def built_feed(kind: str, source: bytes, out_dir: Path) -> Path:
    """The feed of the build to compare with the source: the podcast feed for a podcast,
    else the site feed in the source's own format."""
    if kind == "podcast":
        return out_dir / "podcast.xml"
    head = source.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head == b"{":
        return out_dir / _BUILT["json"]
    parsed = parse_feed(source, "source")
    return out_dir / _BUILT["atom" if parsed is not None and parsed.kind == "atom" else "rss"]


def verify(plan: ImportPlan, source: bytes, feed: Path) -> Verdict:
    """Compare the source with the built ``feed`` item by item."""
    old = parse_feed(known_prefixes_declared(source), "source", plan.source)  # as imported
    new = read_feed(feed)
    if old is None or new is None:
        raise ValueError(f"{feed if new is None else plan.source}: not an RSS, Atom or JSON feed")
    changes = diff_feed(old.items, new.items)
    built = {i.guid for i in new.items}
    published = [item.key for item in plan.items if dict(item.front).get("draft") is not True]
    missing = tuple(sorted(g for g in published if g not in built))
    audio = {item.key: dict(item.front).get("audio") for item in plan.items}
    moved = [c for c in changes if c.kind == ENCLOSURE]
    reported = sum(1 for c in moved if c.after and c.after == audio.get(c.guid))
    return Verdict(
        feed.name,
        sum(1 for c in changes if c.kind == GUID),
        len(moved) - reported,
        len(published),
        missing,
        plan.skipped,
        reported,
    )
