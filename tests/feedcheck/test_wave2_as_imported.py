"""``feed-diff`` and ``lint-feed`` read a feed as the importer reads it: its dates (``GMT+2``,
``Sept``, a fraction of a second, a day without a time), a known prefix used without its
declaration, an XML declaration after blank lines; and ``feed-diff`` compares titles with
their white space as the build writes it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pipeline.cli import main

ITUNES = 'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"'


def _feed(
    *items: tuple[str, str], rss: str = f'<rss version="2.0" {ITUNES}>', head: str = ""
) -> str:
    """An RSS feed of ``(title, pubDate)`` items, GUIDs ``ep-1``, ``ep-2``, …"""
    body = "".join(
        f'<item><title>{title}</title><guid isPermaLink="false">ep-{n}</guid>'
        f"<pubDate>{date}</pubDate><itunes:author>Ann</itunes:author></item>\n"
        for n, (title, date) in enumerate(items, 1)
    )
    return (
        f'{head}<?xml version="1.0" encoding="UTF-8"?>\n{rss}<channel><title>Show</title>'
        f"<link>https://example.org/</link><description>d</description>\n{body}</channel></rss>\n"
    )


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _diff(old: Path, new: Path) -> Result:
    return CliRunner().invoke(main, ["feed-diff", str(old), str(new)])


def _lint(path: Path) -> tuple[int, dict[str, str]]:
    """lint-feed's exit code and {rule: severity} of what it found."""
    return _lint_all(path)[:2]


def _lint_all(path: Path) -> tuple[int, dict[str, str], list[str]]:
    """lint-feed's exit code, {rule: severity} and the messages of ``xml.wellformed``."""
    result = CliRunner().invoke(main, ["lint-feed", str(path), "--format", "json"])
    doc = json.loads(result.stdout)
    rules = {x["rule"]: x["severity"] for x in doc["results"]}
    xml = [x["message"] for x in doc["results"] if x["rule"] == "xml.wellformed"]
    return result.exit_code, rules, xml


NO_CHANGES = "No changes subscribers would see.\n"


@pytest.mark.parametrize(
    ("written", "same_instant"),
    [
        ("Tue, 05 Mar 2024 10:00:00 GMT+2", "Tue, 05 Mar 2024 08:00:00 GMT"),
        ("Tue, 05 Mar 2024 10:00:00 GMT+0200", "Tue, 05 Mar 2024 08:00:00 GMT"),
        ("Tue, 05 Mar 2024 03:00:00 UTC-05:00", "Tue, 05 Mar 2024 08:00:00 GMT"),
        ("Thu, 05 Sept 2024 08:00:00 +0000", "Thu, 05 Sep 2024 08:00:00 GMT"),
        ("Thu, 05 Sep 2024 08:00:00.250 +0000", "Thu, 05 Sep 2024 08:00:00 GMT"),
        ("Thu, 05 Sep 2024", "Thu, 05 Sep 2024 00:00:00 GMT"),
        ("Tue, 05 Mar 2024 10:00:00 CET", "Tue, 05 Mar 2024 09:00:00 GMT"),
    ],
)
def test_feed_diff_reads_a_date_as_the_importer_does(
    tmp_path: Path, written: str, same_instant: str
) -> None:
    old = _write(tmp_path, "old.xml", _feed(("One", written)))
    new = _write(tmp_path, "new.xml", _feed(("One", same_instant)))
    result = _diff(old, new)
    assert (result.exit_code, result.stdout) == (0, NO_CHANGES)


def test_feed_diff_still_sees_a_date_that_moved(tmp_path: Path) -> None:
    old = _write(tmp_path, "old.xml", _feed(("One", "Tue, 05 Mar 2024 10:00:00 GMT+2")))
    new = _write(tmp_path, "new.xml", _feed(("One", "Tue, 05 Mar 2024 10:00:00 GMT")))
    result = _diff(old, new)
    assert result.exit_code == 0
    assert "2024-03-05T10:00:00+02:00" in result.stdout
    assert "1 redated" in result.stderr


def test_lint_feed_orders_items_by_the_offset_after_gmt(tmp_path: Path) -> None:
    # 10:00 GMT+2 is 08:00 UTC: the second item (09:00 UTC) is newer than the first
    feed = _feed(
        ("One", "Tue, 05 Mar 2024 10:00:00 GMT+2"), ("Two", "Tue, 05 Mar 2024 09:00:00 GMT")
    )
    _, rules = _lint(_write(tmp_path, "feed.xml", feed))
    assert rules["rss.items.newest-first"] == "soft"
    assert rules["rss.dates.rfc822"] == "soft"  # read, but not RFC 822: said, not fatal


def test_lint_feed_calls_an_unreadable_date_hard(tmp_path: Path) -> None:
    _, rules = _lint(_write(tmp_path, "feed.xml", _feed(("One", "Tue, 05 Mar 2024 10:00 IDK"))))
    assert rules["rss.dates.rfc822"] == "soft"  # an unknown zone: read as UTC, as apps do
    _, rules = _lint(_write(tmp_path, "feed.xml", _feed(("One", "next Tuesday"))))
    assert rules["rss.dates.rfc822"] == "hard"


UNDECLARED = _feed(("One", "Tue, 05 Mar 2024 08:00:00 GMT"), rss='<rss version="2.0">')
LATE = _feed(("One", "Tue, 05 Mar 2024 08:00:00 GMT"), head="\n\n")


@pytest.mark.parametrize("text", [UNDECLARED, LATE], ids=["undeclared-itunes", "blank-lines"])
def test_feed_diff_reads_what_the_importer_reads(tmp_path: Path, text: str) -> None:
    old = _write(tmp_path, "old.xml", text)
    new = _write(tmp_path, "new.xml", _feed(("One", "Tue, 05 Mar 2024 08:00:00 GMT")))
    result = _diff(old, new)
    assert (result.exit_code, result.stdout) == (0, NO_CHANGES)
    result = _diff(
        old, _write(tmp_path, "later.xml", _feed(("One moved", "Tue, 05 Mar 2024 08:00:00 GMT")))
    )
    assert result.exit_code == 0
    assert "1 retitled" in result.stderr


def test_feed_diff_reads_a_late_declaration_in_its_encoding(tmp_path: Path) -> None:
    text = _feed(("Caf\u00e9", "Tue, 05 Mar 2024 08:00:00 GMT"), head="\n\n").replace(
        "UTF-8", "ISO-8859-1"
    )
    old = tmp_path / "old.xml"
    old.write_bytes(text.encode("latin-1"))
    new = _write(tmp_path, "new.xml", _feed(("Caf\u00e9", "Tue, 05 Mar 2024 08:00:00 GMT")))
    result = _diff(old, new)
    assert (result.exit_code, result.stdout) == (0, NO_CHANGES)


def test_lint_feed_reads_on_and_reports_an_undeclared_prefix(tmp_path: Path) -> None:
    code, rules, xml = _lint_all(_write(tmp_path, "feed.xml", UNDECLARED))
    assert code == 2
    assert rules["xml.wellformed"] == "hard"
    assert len(xml) == 1 and ITUNES in xml[0]  # says what to add, and only that
    assert "rss.channel.language" in rules  # the feed's other rules were checked too


def test_lint_feed_reads_on_and_reports_a_late_declaration(tmp_path: Path) -> None:
    code, rules, xml = _lint_all(_write(tmp_path, "feed.xml", LATE))
    assert code == 2
    assert rules["xml.wellformed"] == "hard"
    assert len(xml) == 1 and "<?xml" in xml[0] and "xmlns" not in xml[0]
    assert "rss.channel.language" in rules


def test_lint_feed_passes_the_same_feed_written_right(tmp_path: Path) -> None:
    _, rules = _lint(_write(tmp_path, "feed.xml", _feed(("One", "Tue, 05 Mar 2024 08:00:00 GMT"))))
    assert "xml.wellformed" not in rules


def test_lint_feed_still_refuses_an_unknown_undeclared_prefix(tmp_path: Path) -> None:
    text = UNDECLARED.replace("itunes:author", "spotify:author")
    code, rules = _lint(_write(tmp_path, "feed.xml", text))
    assert (code, rules) == (2, {"xml.wellformed": "hard"})
    result = _diff(_write(tmp_path, "old.xml", text), _write(tmp_path, "new.xml", text))
    assert result.exit_code == 2
    assert f"{tmp_path / 'old.xml'}:" in result.output


@pytest.mark.parametrize(
    "written",
    ["A  gathering", "A\u00a0gathering", " A gathering ", "A\tgathering", "A \u00a0 gathering"],
)
def test_feed_diff_compares_titles_with_white_space_as_the_build_writes_it(
    tmp_path: Path, written: str
) -> None:
    old = _write(tmp_path, "old.xml", _feed((written, "Tue, 05 Mar 2024 08:00:00 GMT")))
    new = _write(tmp_path, "new.xml", _feed(("A gathering", "Tue, 05 Mar 2024 08:00:00 GMT")))
    result = _diff(old, new)
    assert (result.exit_code, result.stdout) == (0, NO_CHANGES)


def test_feed_diff_pairs_a_new_guid_by_its_title_whatever_its_spaces(tmp_path: Path) -> None:
    old = _write(tmp_path, "old.xml", _feed(("A\u00a0 gathering", "Tue, 05 Mar 2024 08:00:00 GMT")))
    new_text = _feed(("A gathering", "Tue, 05 Mar 2024 08:00:00 GMT")).replace("ep-1", "other-1")
    result = _diff(old, _write(tmp_path, "new.xml", new_text))
    assert result.exit_code == 2  # the one alarm: a GUID changed, not an item added and removed
    assert "0 new, 0 removed" in result.stderr


def test_feed_diff_still_sees_a_real_retitle(tmp_path: Path) -> None:
    old = _write(tmp_path, "old.xml", _feed(("A\u00a0gathering", "Tue, 05 Mar 2024 08:00:00 GMT")))
    new = _write(tmp_path, "new.xml", _feed(("A meeting", "Tue, 05 Mar 2024 08:00:00 GMT")))
    result = _diff(old, new)
    assert result.exit_code == 0
    assert "1 retitled" in result.stderr


def _with_enclosure(url: str) -> str:
    enclosure = f'<enclosure url="{url}" length="1000" type="audio/mpeg"/>'
    return _feed(("One", "Tue, 05 Mar 2024 08:00:00 GMT")).replace("</item>", enclosure + "</item>")


@pytest.mark.parametrize(
    ("written", "built"),
    [
        ("https://cdn.example.com/Ep\u00e9 8.mp3", "https://cdn.example.com/Ep%C3%A9%208.mp3"),
        ("https://b\u00fccher.example/a b.mp3", "https://xn--bcher-kva.example/a%20b.mp3"),
        ("https://o.example.com/a.mp3", "HTTPS://O.EXAMPLE.com:443/a.mp3"),
        ("http://o.example.com:80/a.mp3?x=1", "http://o.example.COM/a.mp3?x=1"),
        ("https://o.example.com", "https://o.example.com/"),
        ("https://[2001:DB8::1]:443/a.mp3", "https://[2001:db8::1]/a.mp3"),
    ],
)
def test_feed_diff_compares_enclosure_urls_as_apps_request_them(
    tmp_path: Path, written: str, built: str
) -> None:
    old = _write(tmp_path, "old.xml", _with_enclosure(written))
    new = _write(tmp_path, "new.xml", _with_enclosure(built))
    result = _diff(old, new)
    assert (result.exit_code, result.stdout) == (0, NO_CHANGES)


@pytest.mark.parametrize(
    "moved",
    [
        "https://cdn.example.com/a%2Fb.mp3",
        "https://cdn.example.com:8443/a b.mp3",
        "http://cdn.example.com/a b.mp3",
        "https://cdn.example.com/A b.mp3",
    ],
)
def test_feed_diff_still_sees_media_that_moved(tmp_path: Path, moved: str) -> None:
    """A path in another case, another port or scheme is another request."""
    old = _write(tmp_path, "old.xml", _with_enclosure("https://cdn.example.com/a b.mp3"))
    new = _write(tmp_path, "new.xml", _with_enclosure(moved))
    result = _diff(old, new)
    assert "1 enclosure URL changed" in result.stderr
