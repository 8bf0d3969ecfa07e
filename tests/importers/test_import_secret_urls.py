"""A feed fetched from a URL with a password or a token in it (a private feed, a host behind a
login), and an ``--old-url`` that cannot be the old address: the password and the token were
printed in every warning, in the JSON report and the summary, written into each Substack
post's GUID, and made the show's ``podcast:guid``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.importers.conftest import publish
from tests.importers.test_import_substack import archive
from tests.importers.test_real_podcast_feeds import HEAD, _item

PASSWORD = "S3cr3tPa55XYZ"
KEY = "K3yV4lu3ABCDEF"


def _written(home: Path) -> str:
    return "".join(
        p.read_text(encoding="utf-8", errors="replace") for p in home.rglob("*") if p.is_file()
    )


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_password_and_a_token_in_the_feeds_url_are_never_shown_nor_written(
    home: Path, httpserver: HTTPServer, fmt: str
) -> None:
    feed = HEAD + _item(1, "") + _item(2, "")
    httpserver.expect_request("/feed.xml").respond_with_data(
        feed + "</channel></rss>\n", content_type="application/rss+xml"
    )
    url = httpserver.url_for("/feed.xml").replace("://", f"://alice:{PASSWORD}@")
    result = publish("import", "podcast", f"{url}?key={KEY}", "--format", fmt)
    assert result.exit_code == 0, result.output
    assert "Imported 2 episodes from http://alice:***@127.0.0.1:" in result.stderr
    assert "feed.xml?key=***: podcast:guid: none in the feed" in result.stderr  # its source
    if fmt == "json":
        assert json.loads(result.stdout)["source"].endswith("/feed.xml?key=***")
    for secret in (PASSWORD, KEY):
        assert secret not in result.stdout + result.stderr
        assert secret not in _written(home)
    assert "guid =" not in (home / "publish.toml").read_text()  # not from a private address


@pytest.mark.parametrize(
    "old_url",
    [
        f"https://bob:{PASSWORD}@name.substack.com",
        "name.substack.com",
        "https://name.substack.com/archive?sort=new",
        "https://name.substack.com/#x",
        "https://name.substack.com/p/hello",
    ],
)
def test_an_old_url_that_is_not_the_publications_address_is_refused(
    home: Path, old_url: str
) -> None:
    """Each made GUIDs no reader knew (``name.substack.com/p/x``,
    ``…/archive?sort=new/p/x``): every post would show again; the password went into each."""
    zipped = archive(home / "export.zip")
    result = publish("import", "substack", str(zipped), "--old-url", old_url)
    assert result.exit_code == 3, result.output
    assert result.stderr.startswith("--old-url:1: old-url: ")
    assert PASSWORD not in result.output
    assert not (home / "content").exists()


def test_the_publications_address_makes_the_guids(home: Path) -> None:
    zipped = archive(home / "export.zip")
    result = publish("import", "substack", str(zipped), "--old-url", "https://name.substack.com/")
    assert result.exit_code == 0, result.output
    assert "guid: https://name.substack.com/p/" in _written(home)
