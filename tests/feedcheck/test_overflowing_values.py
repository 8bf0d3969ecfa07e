"""Numbers no clock or parser holds, in feeds someone else wrote: a date whose year, day or
offset has twenty digits, and an artwork URL whose IPv6 host never closes. Each ended
``lint-feed``, ``feed-diff`` and ``import`` with "unexpected error: OverflowError" or
"ValueError: Invalid IPv6 URL" (exit 1); each is now read as no date or named as no URL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.support.retryafter import retry_after

HUGE = "99999999999999999999"
DATES = {
    "year": f"Mon, 02 Jun {HUGE} 15:30:00 GMT",
    "day": f"Mon, {HUGE} Jun 2025 15:30:00 GMT",
    "hour": f"Mon, 02 Jun 2025 {HUGE}:30:00 GMT",
    "offset": f"Mon, 02 Jun 2025 15:30:00 +{HUGE}",
}


def _rss(date: str, extra: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">'
        "<channel><title>S</title><link>https://o.example.com/</link><description>D</description>\n"
        f"<item><title>E</title><guid>g1</guid><pubDate>{date}</pubDate>{extra}</item>\n"
        "</channel></rss>\n"
    )


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.mark.parametrize("field", list(DATES))
def test_a_date_past_every_clock_is_no_date(tmp_path: Path, field: str) -> None:
    feed = tmp_path / "f.xml"
    feed.write_text(_rss(DATES[field]), encoding="utf-8")
    as_json = tmp_path / "f.json"
    item = {"id": "a", "content_text": "x", "date_published": DATES[field]}
    as_json.write_text(json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "t",
                                   "items": [item]}), encoding="utf-8")  # fmt: skip
    (tmp_path / "publish.toml").write_text(
        '[site]\ntitle = "T"\nbase_url = "https://e.org/"\n', encoding="utf-8"
    )
    config = str(tmp_path / "publish.toml")
    runs = {
        "lint-feed": _run("lint-feed", str(feed)),
        "feed-diff": _run("feed-diff", str(feed), str(feed)),
        "feed-diff json": _run("feed-diff", str(as_json), str(as_json)),
        "import": _run("import", "feed", str(feed), "--config", config, "--dry-run"),
        "import json": _run("import", "feed", str(as_json), "--config", config, "--dry-run"),
    }
    for name, (code, output) in runs.items():
        assert code in (0, 2), (name, output)
        assert "unexpected error" not in output and "Traceback" not in output, (name, output)
    assert "pubDate" in runs["lint-feed"][1]  # the linter names the date it cannot read


def test_a_retry_after_date_past_every_clock_is_no_wait() -> None:
    for date in DATES.values():
        assert retry_after(date, 0.0) is None


def test_a_retry_after_in_digits_beyond_ascii_is_no_wait() -> None:
    """``Retry-After: ²`` (or Arabic-Indic ``١``): digits to ``str.isdigit``, not to
    ``float``; the link checker reported the link broken with Python's ValueError."""
    for value in ("\u00b2", "\u0661\u0662", "\u2460"):
        assert retry_after(value, 0.0) is None
    assert retry_after("120", 0.0) == 120.0


@pytest.mark.parametrize("where", ["item", "channel"])
def test_an_artwork_url_no_parser_reads_is_named(tmp_path: Path, where: str) -> None:
    image = '<itunes:image href="http://[x"/>'
    text = _rss("Mon, 02 Jun 2025 15:30:00 GMT", image if where == "item" else "")
    if where == "channel":
        text = text.replace("<description>D</description>", f"<description>D</description>{image}")
    feed = tmp_path / "f.xml"
    feed.write_text(text, encoding="utf-8")
    code, output = _run("lint-feed", str(feed))
    assert code in (0, 2), output
    assert "artwork URL 'http://[x' is not a URL" in output
    assert "unexpected error" not in output
