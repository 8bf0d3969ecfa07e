"""``updated`` against ``date`` and against the build's clock: each mistake a warning naming
``path:line`` and the field, an error under ``--strict``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pipeline.config import load_config
from pipeline.errors import Problem
from pipeline.load.loader import load_site

NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)


def _essay(date: str, updated: str, more: str = "") -> str:
    return f"---\ntitle: A\ndate: {date}\nupdated: {updated}\n{more}---\n\nText.\n"


def _load(tmp_path: Path, files: dict[str, str], now: dt.datetime = NOW) -> list[Problem]:
    """The warnings of loading essays ``files`` at ``now`` (as a build's load is given it)."""
    content = tmp_path / "content" / "essays"
    content.mkdir(parents=True)
    for name, text in files.items():
        (content / name).write_text(text, encoding="utf-8")
    config = tmp_path / "publish.toml"
    config.write_text('[site]\nbase_url = "https://e.org/"\ntimezone = "UTC"\n')
    return list(load_site(load_config(config), tmp_path / "content", now=now).warnings)


def test_an_update_after_the_clock_is_a_warning_at_its_line(tmp_path: Path) -> None:
    warnings = _load(tmp_path, {"a.md": _essay("2025-05-01", "2025-07-01")})
    assert [(Path(w.path).name, w.line, w.field) for w in warnings] == [("a.md", 4, "updated")]
    assert "in the future" in warnings[0].message
    assert "2025-07-01" in warnings[0].message


def test_hugos_lastmod_is_named_at_its_own_line(tmp_path: Path) -> None:
    text = "---\ntitle: A\nlastmod: 2025-07-01\ndate: 2025-05-01\n---\n\nText.\n"
    warnings = _load(tmp_path, {"a.md": text})
    assert [(w.line, w.field) for w in warnings] == [(3, "updated")]


def test_an_update_before_the_clock_and_after_the_date_is_fine(tmp_path: Path) -> None:
    assert _load(tmp_path, {"a.md": _essay("2025-05-01", "2025-06-01T11:59:00Z")}) == []


def test_a_scheduled_item_gets_no_warning_of_its_update(tmp_path: Path) -> None:
    # scheduled for July, edited for then: it is not published at NOW, nothing is wrong
    assert _load(tmp_path, {"a.md": _essay("2025-07-01", "2025-07-02")}) == []


def test_a_draft_gets_no_warning_of_its_update(tmp_path: Path) -> None:
    assert _load(tmp_path, {"a.md": _essay("2025-05-01", "2026-01-01", "draft: true\n")}) == []


def test_without_a_clock_the_load_says_nothing_of_it(tmp_path: Path) -> None:
    content = tmp_path / "content" / "essays"
    content.mkdir(parents=True)
    (content / "a.md").write_text(_essay("2025-05-01", "2999-01-01"), encoding="utf-8")
    config = tmp_path / "publish.toml"
    config.write_text('[site]\nbase_url = "https://e.org/"\n')
    assert load_site(load_config(config), tmp_path / "content").warnings == ()
