"""feed-diff's enclosure check, which an import's verification relies on: a moved audio URL
is reported (MEDIA MOVED), and a GUID-less episode is keyed by its enclosure URL as podcast
apps key it; a GUID given twice pairs by its first item."""

from __future__ import annotations

import json
from pathlib import Path

from tests.importers.conftest import publish


def _feed(*items: tuple[str, str]) -> bytes:
    body = "".join(
        f"<item><title>T{n}</title>{guid}<pubDate>Sat, 01 Jun 2024 10:00:00 +0000</pubDate>"
        f'<enclosure url="{url}" length="1" type="audio/mpeg"/></item>'
        for n, (guid, url) in enumerate(items)
    )
    return f'<rss version="2.0"><channel><title>S</title>{body}</channel></rss>'.encode()


def _diff(tmp_path: Path, old: bytes, new: bytes) -> tuple[int, dict[str, object]]:
    (tmp_path / "old.xml").write_bytes(old)
    (tmp_path / "new.xml").write_bytes(new)
    result = publish(
        "feed-diff", str(tmp_path / "old.xml"), str(tmp_path / "new.xml"), "--format", "json"
    )
    return result.exit_code, json.loads(result.stdout)


def test_a_moved_enclosure_is_reported(tmp_path: Path) -> None:
    code, doc = _diff(
        tmp_path,
        _feed(("<guid>a</guid>", "https://x.example/a.mp3")),
        _feed(("<guid>a</guid>", "https://y.example/a.mp3")),
    )
    assert code == 0
    assert doc["counts"]["enclosure"] == 1  # type: ignore[index]
    change = doc["changes"][0]  # type: ignore[index]
    assert (change["kind"], change["before"], change["after"]) == (
        "enclosure",
        "https://x.example/a.mp3",
        "https://y.example/a.mp3",
    )
    text = publish("feed-diff", str(tmp_path / "old.xml"), str(tmp_path / "new.xml"))
    assert "MEDIA MOVED" in text.stdout
    assert "1 enclosure URL changed" in text.stderr


def test_guidless_episodes_pair_by_enclosure_and_repeats_by_first(tmp_path: Path) -> None:
    code, doc = _diff(
        tmp_path,
        _feed(
            ("", "https://x.example/a.mp3"),
            ("<guid>b</guid>", "https://x.example/b.mp3"),
            ("<guid>b</guid>", "https://x.example/c.mp3"),
        ),
        _feed(
            ("<guid>https://x.example/a.mp3</guid>", "https://x.example/a.mp3"),
            ("<guid>b</guid>", "https://x.example/b.mp3"),
        ),
    )
    assert code == 0
    assert doc["changes"] == []
