"""publish build on the bundled example: feeds agree, bytes are stable, GUIDs never move."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner, Result

from pipeline.build.gate import build_site
from pipeline.build.run import build
from pipeline.build.timings import Timings
from pipeline.cli import main
from pipeline.config import load_config

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def run_build(site: Path, out: Path, now: dt.datetime = NOW) -> None:
    cfg = load_config(site / "publish.toml")
    build(cfg, site / "content", out, now=now, cache_dir=site / ".cache")


def entries(out: Path, key: str = "") -> dict[str, list[tuple[str, str, str]]]:
    """(id, title, link) of every entry in the three formats of one feed."""
    base = out / key if key else out
    rss = feedparser.parse((base / "rss.xml").read_bytes())
    atom = feedparser.parse((base / "atom.xml").read_bytes())
    assert not rss.bozo and not atom.bozo, (rss.get("bozo_exception"), atom.get("bozo_exception"))
    js = json.loads((base / "feed.json").read_text())
    return {
        "rss": [(e.id, e.title, e.link) for e in rss.entries],
        "atom": [(e.id, e.title, e.link) for e in atom.entries],
        "json": [(i["id"], i["title"], i["url"]) for i in js["items"]],
    }


def test_cli_build_prints_one_summary_line(site: Path, runner: CliRunner) -> None:
    result = runner.invoke(
        main, ["build", "--config", str(site / "publish.toml"), "--out", str(site / "feeds")]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    summary = [ln for ln in result.stderr.splitlines() if ln.startswith("Built ")]
    assert len(summary) == 1 and re.search(r"Built \d+ feeds from 11 items", summary[0])


def test_timings_name_every_stage_that_ran(site: Path, runner: CliRunner) -> None:
    args = ["build", "--config", str(site / "publish.toml"), "--out", str(site / "feeds")]

    def stages(result: Result) -> list[str]:
        assert result.exit_code == 0, result.output
        lines = [ln for ln in result.stderr.splitlines() if ln.startswith("timings: ")]
        assert len(lines) == 1, result.stderr
        found = re.findall(r"([a-z-]+) (\d+\.\d\d) s", lines[0])
        assert all(float(seconds) >= 0 for _, seconds in found)
        return [name for name, _ in found]

    full = ["check", "start-up", "load", "render", "plan", "write", "finish"]
    assert stages(runner.invoke(main, [*args, "--timings"])) == full
    assert stages(runner.invoke(main, [*args, "--timings"])) == ["check"]  # nothing changed
    assert "timings:" not in runner.invoke(main, args).stderr


@pytest.mark.parametrize("key", ["", "essays", "updates", "episodes", "tags/governance"])
def test_three_formats_agree_item_for_item(site: Path, key: str) -> None:
    out = site / "out"
    run_build(site, out)
    found = entries(out, key)
    assert found["rss"] == found["atom"] == found["json"]
    assert found["rss"], "feed is empty"


def test_dates_agree_and_newest_first(site: Path) -> None:
    out = site / "out"
    run_build(site, out)
    rss = feedparser.parse((out / "rss.xml").read_bytes())
    atom = feedparser.parse((out / "atom.xml").read_bytes())
    js = json.loads((out / "feed.json").read_text())
    rss_dates = [e.published_parsed for e in rss.entries]
    assert rss_dates == [e.published_parsed for e in atom.entries]
    assert rss_dates == sorted(rss_dates, reverse=True)
    for entry, item in zip(rss.entries, js["items"], strict=True):
        parsed = dt.datetime.fromisoformat(item["date_published"]).astimezone(dt.UTC)
        assert parsed.timetuple()[:6] == tuple(entry.published_parsed)[:6]


def test_drafts_and_scheduled_items_left_out_until_due(site: Path) -> None:
    out = site / "out"
    run_build(site, out)
    text = (out / "rss.xml").read_text()
    assert "Money, openly" not in text
    assert "Season two starts" not in text
    run_build(site, out, now=dt.datetime(2099, 1, 2, tzinfo=dt.UTC))
    text = (out / "rss.xml").read_text()
    assert "Season two starts" in text and "Money, openly" not in text


def test_rss_essentials(site: Path) -> None:
    out = site / "out"
    run_build(site, out)
    rss = (out / "rss.xml").read_text()
    assert (
        '<atom:link href="https://commons.example.org/rss.xml" rel="self" type="application/rss+xml"/>'
        in rss
    )
    assert 'isPermaLink="false">urn:uuid:' in rss
    assert re.search(r"<pubDate>\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}</pubDate>", rss)
    assert "{%" not in rss
    assert not re.search(r'(?:href|src)=\\?"(?!https?://|#|mailto:)', rss)


def test_second_build_is_byte_identical_and_leaves_mtimes(site: Path) -> None:
    out = site / "out"
    run_build(site, out)
    first = {
        p: (p.read_bytes(), p.stat().st_mtime_ns)
        for p in out.rglob("*")
        if p.is_file() and not p.name.startswith(".publish")
    }
    os.utime(site / "content/essays/why-we-gather.md")
    run_build(site, out)
    second = {
        p: (p.read_bytes(), p.stat().st_mtime_ns)
        for p in out.rglob("*")
        if p.is_file() and not p.name.startswith(".publish")
    }
    assert first == second


def test_other_output_folder_same_bytes(site: Path, tmp_path: Path) -> None:
    run_build(site, tmp_path / "a")
    shutil.rmtree(site / ".cache")
    run_build(site, tmp_path / "b")
    for name in ("rss.xml", "atom.xml", "feed.json", "podcast.xml", "events.ics"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def _guid_of(out: Path, title: str) -> str:
    for e in feedparser.parse((out / "rss.xml").read_bytes()).entries:
        if e.title == title:
            return str(e.id)
    raise AssertionError(f"{title} not in feed")


def test_guid_survives_title_date_body_and_rename(site: Path) -> None:
    out = site / "out"
    run_build(site, out)
    before = _guid_of(out, "Why we gather")
    src = site / "content/essays/why-we-gather.md"
    text = src.read_text().replace("title: Why we gather", "title: Why we meet")
    text = text.replace("date: 2024-09-02", "date: 2024-09-03").replace("small groups", "circles")
    src.unlink()
    (site / "content/essays/why-we-meet.md").write_text(text)
    run_build(site, out)
    assert _guid_of(out, "Why we meet") == before


def test_guid_without_id_key_kept_by_ledger_across_rename(site: Path) -> None:
    post = site / "content/updates/no-id.md"
    post.write_text("---\ntitle: No id here\ndate: 2024-03-03\n---\n\nText.\n")
    out = site / "out"
    run_build(site, out)
    ledger = json.loads((site / "content/.publish-ids.json").read_text())
    assert "updates/no-id.md" in ledger["items"]
    before = _guid_of(out, "No id here")
    post.rename(site / "content/updates/renamed.md")
    run_build(site, out)
    assert _guid_of(out, "No id here") == before


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        ("folder", "cannot be read: Is a directory"),
        ('{"items": []}', "not valid JSON"),
        ("[" * 100_000 + "]" * 100_000, "not valid JSON"),  # once a RecursionError
    ],
    ids=["folder", "shape", "deep"],
)
def test_a_damaged_id_ledger_is_a_content_error(
    site: Path, runner: CliRunner, damage: str, words: str
) -> None:
    """A ledger that is a folder once ended in "unexpected error: IsADirectoryError"."""
    ledger = site / "content/.publish-ids.json"
    ledger.unlink(missing_ok=True)
    if damage == "folder":
        ledger.mkdir()
    else:
        ledger.write_text(damage)
    args = ["build", "--config", str(site / "publish.toml"), "--out", str(site / "feeds")]
    result = runner.invoke(main, args)
    assert result.exit_code == 2, result.output
    assert f".publish-ids.json:1: id ledger: {words}" in result.stderr
    assert not (site / "feeds").exists()


def test_the_content_folder_as_output_folder_is_refused(site: Path, runner: CliRunner) -> None:
    """With ``--out content``, removing a stale copied image deleted the editor's own file."""
    before = sorted(p.relative_to(site) for p in (site / "content").rglob("*"))
    args = ["build", "--config", str(site / "publish.toml"), "--out", str(site / "content")]
    result = runner.invoke(main, args)
    assert result.exit_code == 3, result.output
    assert "--out: the output folder is the content folder" in result.stderr
    assert sorted(p.relative_to(site) for p in (site / "content").rglob("*")) == before


def test_a_folder_holding_the_content_as_output_folder_is_refused(
    site: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--out .``: the image of ``content/content/post.md`` was copied over the editor's
    ``content/post/pic.png``, and deleted as stale once the page let it go (a helper's
    finding). Nothing is written."""
    monkeypatch.chdir(site)
    before = sorted(p.relative_to(site) for p in site.rglob("*"))
    result = runner.invoke(main, ["build", "--out", "."])
    assert result.exit_code == 3, result.output
    assert "--out: the output folder holds the content folder" in result.stderr
    assert sorted(p.relative_to(site) for p in site.rglob("*")) == before


def test_an_unusable_cache_folder_is_named_not_a_traceback(site: Path, runner: CliRunner) -> None:
    blocker = site / "file"
    blocker.write_text("not a folder")
    args = ["build", "--config", str(site / "publish.toml"), "--out", str(site / "feeds")]
    result = runner.invoke(main, [*args, "--cache-dir", str(blocker / "cache")])
    assert result.exit_code == 3, result.output
    assert result.stderr.strip() == f"error: {blocker / 'cache'}: Not a directory"
    assert not (site / "feeds").exists()


def test_stale_outputs_removed(site: Path) -> None:
    out = site / "out"
    run_build(site, out)
    assert (out / "updates/new-forum/index.html").exists()
    (site / "content/updates/new-forum.md").unlink()
    run_build(site, out)
    assert not (out / "updates/new-forum/index.html").exists()
    assert not (out / "updates/new-forum").exists()  # no empty folder left to deploy
    assert (out / "updates").is_dir()  # the section's other pages are still there


def test_archives_rfc5005_when_limited(site: Path) -> None:
    toml = (site / "publish.toml").read_text().replace("limit = 0", "limit = 4")
    (site / "publish.toml").write_text(toml)
    out = site / "out"
    run_build(site, out)
    main_feed = feedparser.parse((out / "rss.xml").read_bytes())
    assert len(main_feed.entries) == 4
    rss = (out / "rss.xml").read_text()
    m = re.search(r'href="([^"]+)" rel="prev-archive"', rss)
    assert m, rss[:800]
    archived = []
    path: str | None = m.group(1)
    seen = 0
    while path and seen < 10:
        local = out / path.removeprefix("https://commons.example.org/")
        text = local.read_text()
        assert "<fh:archive/>" in text
        archived += [e.title for e in feedparser.parse(local.read_bytes()).entries]
        m2 = re.search(r'href="([^"]+)" rel="prev-archive"', text)
        path = m2.group(1) if m2 else None
        seen += 1
    assert len(archived) + 4 == 11
    assert len(set(archived)) == len(archived)


def test_calendar_feed(site: Path) -> None:
    out = site / "out"
    run_build(site, out)
    ics = (out / "events.ics").read_bytes().decode()
    assert ics.startswith("BEGIN:VCALENDAR\r\n") and ics.endswith("END:VCALENDAR\r\n")
    assert "UID:9c2e1d44-1b7f-4e5f-c1b2-3d4e5f6a7b02@commons.example.org" in ics
    assert "DTSTART;TZID=Europe/Berlin:20250314T190000" in ics
    assert "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin" in ics and "TZOFFSETTO:+0200" in ics
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))
    seq = re.search(r"UID:9c2e1d44-1b7f-4e5f-c1b2-3d4e5f6a7b02.*?SEQUENCE:(\d+)", ics, re.S)
    assert seq
    # editing the event (a later `updated`) raises SEQUENCE; rebuilding alone does not
    run_build(site, out)
    assert (out / "events.ics").read_bytes().decode() == ics
    src = site / "content/events/release-party.md"
    src.write_text(
        src.read_text().replace("2025-01-15T12:00:00+01:00", "2025-01-20T12:00:00+01:00")
    )
    run_build(site, out)
    seq2 = re.search(
        r"UID:9c2e1d44-1b7f-4e5f-c1b2-3d4e5f6a7b02.*?SEQUENCE:(\d+)",
        (out / "events.ics").read_text(),
        re.S,
    )
    assert seq2 and int(seq2.group(1)) > int(seq.group(1))


def test_pages_index_and_opml(site: Path) -> None:
    out = site / "out"
    run_build(site, out)
    page = (out / "essays/why-we-gather/index.html").read_text()
    assert "<h1>Why we gather</h1>" in page
    assert (out / "essays/why-we-gather/gathering.jpg").is_file()
    assert (out / "essays/why-we-gather/circles of belonging (1).png").is_file()
    index = (out / "index.html").read_text()
    for name in ("rss.xml", "atom.xml", "feed.json", "podcast.xml", "events.ics"):
        assert f"https://commons.example.org/{name}" in index
    opml = (out / "feeds.opml").read_text()
    assert 'xmlUrl="https://commons.example.org/essays/rss.xml"' in opml


def test_nothing_changed_means_nothing_done(site: Path) -> None:
    out = site / "out"
    cfg = load_config(site / "publish.toml")
    first = build_site(
        cfg,
        site / "content",
        out,
        now=NOW,
        cache_dir=site / ".cache",
        strict=False,
        timings=Timings(),
    )
    assert first.written
    again = build_site(
        load_config(site / "publish.toml"),
        site / "content",
        out,
        now=NOW,
        cache_dir=site / ".cache",
        strict=False,
        timings=Timings(),
    )
    assert again.written == () and again.items == first.items
    # a touched output is noticed and rewritten
    (out / "rss.xml").write_text("tampered")
    third = build_site(
        load_config(site / "publish.toml"),
        site / "content",
        out,
        now=NOW,
        cache_dir=site / ".cache",
        strict=False,
        timings=Timings(),
    )
    assert "rss.xml" in third.written
    assert feedparser.parse((out / "rss.xml").read_bytes()).entries


def test_calendar_parses_with_a_real_client_and_keeps_the_instant(site: Path) -> None:
    import icalendar

    out = site / "out"
    run_build(site, out)
    cal = icalendar.Calendar.from_ical((out / "events.ics").read_bytes())
    events = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    party = events["Release party in Berlin"]
    start = party.decoded("DTSTART")
    assert start.utcoffset() == dt.timedelta(hours=1)
    assert start.astimezone(dt.UTC) == dt.datetime(2025, 3, 14, 18, 0, tzinfo=dt.UTC)
    call = events["Monthly community call"]
    assert call.decoded("DTSTART").astimezone(dt.UTC).hour == 17  # 18:00 Berlin, naive in file
    assert len(list(cal.walk("VTIMEZONE"))) == 1


def test_without_pages_media_is_published_under_assets(site: Path) -> None:
    toml = (site / "publish.toml").read_text().replace("pages = true", "pages = false")
    (site / "publish.toml").write_text(toml)
    out = site / "out"
    run_build(site, out)
    podcast = feedparser.parse((out / "podcast.xml").read_bytes())
    for entry in podcast.entries:
        url = entry.enclosures[0].href
        assert url.startswith("https://commons.example.org/assets/episodes/media/")
        assert (out / url.removeprefix("https://commons.example.org/")).is_file()
    rss = (out / "rss.xml").read_text()
    assert "https://commons.example.org/assets/.gitbook/assets/gathering.jpg" in rss
    assert (out / "assets/.gitbook/assets/gathering.jpg").is_file()
    assert not (out / "essays/why-we-gather/index.html").exists()


def test_corrupt_caches_are_rebuilt_not_fatal(site: Path) -> None:
    out = site / "out"
    run_build(site, out)
    reference = (out / "rss.xml").read_bytes()
    for name in ("items.sqlite3", "render.sqlite3"):
        (site / ".cache" / name).write_bytes(b"not a database" * 100)
    os.utime(site / "content/essays/why-we-gather.md")
    run_build(site, out)
    assert (out / "rss.xml").read_bytes() == reference


def test_front_matter_cache_follows_edits(site: Path) -> None:
    out = site / "out"
    run_build(site, out)
    src = site / "content/essays/why-we-gather.md"
    src.write_text(src.read_text().replace("date: 2024-09-02", "date: 2024-09-05"))
    run_build(site, out)
    entry = next(
        e
        for e in feedparser.parse((out / "rss.xml").read_bytes()).entries
        if e.title == "Why we gather"
    )
    assert tuple(entry.published_parsed)[:3] == (2024, 9, 4)  # midnight Berlin = 22:00 UTC


def test_written_and_unchanged_count_every_output_file(site: Path) -> None:
    """Copied media included: the summary line's two counts add up to the output folder."""
    out = site / "out"
    first = build(load_config(site / "publish.toml"), site / "content", out, now=NOW)
    p = site / "content/essays/why-we-gather.md"
    p.write_text(p.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    again = build(load_config(site / "publish.toml"), site / "content", out, now=NOW)
    files = [
        f
        for f in out.rglob("*")
        if f.is_file()
        and not f.name.startswith(".publish")
        and f.relative_to(out).parts[0] != "search"
    ]  # the search index is kept apart, updated after the pages (tests/site/test_search_index)
    assert len(first.written) == len(files) == len(again.written) + again.unchanged
    assert 0 < len(again.written) < len(files)


def test_a_build_leaves_the_collector_on_and_its_objects_unscanned(site: Path) -> None:
    """The cycle collector is paused during a build; when it is on again, what the build
    allocated is not all waiting in the youngest generation, which the next allocation would
    scan in full (0.3 s after 10,000 posts)."""
    import gc

    assert gc.isenabled()
    run_build(site, site / "feeds")
    assert gc.isenabled()
    assert gc.get_count()[0] < gc.get_threshold()[0]


def test_a_sequence_key_added_to_a_revised_event_never_lowers_its_sequence(site: Path) -> None:
    """``sequence: 2`` added to an event whose ``updated`` had made SEQUENCE the minutes since
    its date lowered SEQUENCE, and calendar apps keep the copy with the higher one: the
    larger of the two is written."""
    out = site / "out"
    pattern = r"UID:9c2e1d44-1b7f-4e5f-c1b2-3d4e5f6a7b02.*?SEQUENCE:(\d+)"

    def sequence() -> int:
        run_build(site, out)
        found = re.search(pattern, (out / "events.ics").read_text(), re.S)
        assert found
        return int(found.group(1))

    before = sequence()
    assert before > 2  # updated is days after the date
    src = site / "content/events/release-party.md"
    text = src.read_text()
    src.write_text(text.replace("starts:", "sequence: 2\nstarts:", 1))
    assert sequence() == before
    src.write_text(text.replace("starts:", f"sequence: {before + 7}\nstarts:", 1))
    assert sequence() == before + 7
