"""A site served under a path (``base_url = "https://e.org/docs/"``): an alias ``/old/`` is read
from the site's base, as Hugo reads it, so its redirect page is ``old/index.html`` of the output,
served at ``https://e.org/docs/old/``. The link checker mapped the server's ``/old/`` to the item
(a link there 404s on the real server, and the page links it as ``https://e.org/old/``) and
stripped the base from a link's path before looking it up among the item's own URLs, which keep
it: a link to a page's real URL (``/docs/essays/new/``) was broken."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main

BASE = "https://e.org/docs/"
FRONT = "---\ntitle: {title}\ndate: 2024-01-0{day}\nid: {id}\n{extra}---\n"


def _site(tmp_path: Path, links: list[str], aliases: str = '["/old/"]') -> Path:
    """``essays/new.md`` with ``aliases``, ``essays/a.md`` whose body links each of ``links``
    on its own line (line 6 on); the site's publish.toml at https://e.org/docs/."""
    essays = tmp_path / "content" / "essays"
    essays.mkdir(parents=True)
    new = FRONT.format(title="New", day=1, id="n1", extra=f"aliases: {aliases}\n")
    (essays / "new.md").write_text(new + "New.\n", encoding="utf-8")
    body = "".join(f"[link {n}]({url})\n\n" for n, url in enumerate(links))
    (essays / "a.md").write_text(FRONT.format(title="A", day=2, id="a1", extra="") + body)
    config = tmp_path / "publish.toml"
    config.write_text(f'[site]\ntitle = "T"\nbase_url = "{BASE}"\n', encoding="utf-8")
    return config


def _links(config: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, dict[str, dict[str, str]]]:
    """``publish links --offline --format json``: its exit code and its rows by ``path:line``."""
    monkeypatch.chdir(config.parent)
    args = ["links", "--offline", "--format", "json", "--config", str(config)]
    result = CliRunner().invoke(main, [*args, "--cache-dir", "cache"])
    return result.exit_code, {row["source"]: row for row in json.loads(result.stdout)}


def test_an_alias_is_found_where_its_redirect_is_served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _site(
        tmp_path, ["/docs/old/", "/old/", "https://e.org/docs/old/", "https://e.org/old/"]
    )
    build = CliRunner().invoke(
        main, ["build", "--config", str(config), "--out", str(tmp_path / "out")]
    )
    assert build.exit_code == 0, build.output
    assert 'http-equiv="refresh"' in (tmp_path / "out/old/index.html").read_text("utf-8")
    assert not (tmp_path / "out/docs").exists()
    code, rows = _links(config, monkeypatch)
    assert code == 2
    where = "content/essays/a.md"
    assert rows[f"{where}:6"]["status"] == "ok" and rows[f"{where}:10"]["status"] == "ok"
    row = rows[f"{where}:8"]  # the server's /old/, outside the site: the alias without the base
    assert row["status"] == "broken", row
    assert "/docs/" in row["reason"] and row["suggestion"] == "did you mean /docs/old?"
    # https://e.org/old/ (line 12) is an outside link: not checked --offline
    assert {r["status"] for r in rows.values()} == {"ok", "broken"} and len(rows) == 3


def test_a_pages_own_url_under_the_base_is_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The item's own URL keeps the base; the path without it names the item's file, which the
    renderer links below the base (as GitBook reads a link from the space's root)."""
    urls = ["/docs/essays/new/", "https://e.org/docs/essays/new/", "/essays/new/", "/docs/"]
    code, rows = _links(_site(tmp_path, urls), monkeypatch)
    where = "content/essays/a.md"
    for line in (6, 8, 10, 12):  # line 12: the site's home page
        assert rows[f"{where}:{line}"]["status"] == "ok", rows[f"{where}:{line}"]
    assert code == 0 and len(rows) == 4


def test_an_alias_written_under_the_base_is_that_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``/docs/older/`` (what ``publish import`` keeps: the old site's own path) names
    ``https://e.org/docs/older/``, where the build writes it and the checker finds it; a
    relative alias is read from the page's folder below the base."""
    config = _site(tmp_path, ["/docs/older/", "/docs/essays/rel/"], '["/docs/older/", "rel"]')
    build = CliRunner().invoke(
        main, ["build", "--config", str(config), "--out", str(tmp_path / "out")]
    )
    assert build.exit_code == 0, build.output
    assert (tmp_path / "out/older/index.html").is_file()
    assert (tmp_path / "out/essays/rel/index.html").is_file()
    code, rows = _links(config, monkeypatch)
    assert code == 0 and {r["status"] for r in rows.values()} == {"ok"}, rows
