"""An item's ``aliases`` are old paths of this site: the build writes a redirect page at
each. A value that is not one (a ``javascript:`` URL, another host, a backslash, a control
character, ``..``, an empty path) once became a folder of the site or was
dropped without a word; now it is a content error at the key's line, and nothing is
written."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.build.themeplan import old_path
from pipeline.config import Config, SiteConfig, load_config
from pipeline.config.oldurls import old_url_path, old_url_problem
from pipeline.load.loader import load_site
from tests.conftest import aliased_essay, run_site

BASE = "https://e.org/"


def _site(tmp_path: Path, aliases: list[str], base_url: str = "https://e.org/") -> Path:
    return aliased_essay(tmp_path, aliases, base_url)


def _errors(result: Result) -> list[str]:
    return [ln for ln in result.stderr.splitlines() if re.search(r"\.md:\d+: ", ln)]


BAD = {
    "javascript URL": "javascript:alert(1)",
    "protocol-relative URL": "//evil.example/x",
    "another host": "https://other.example/x",
    "the site's name inside another host": "https://e.org.evil.example/x",
    "the site's name as a user name": "https://e.org@evil.example/x",
    "backslash": "/old\\page/",
    "control character the text cleaning dropped": "/old/\u0001page/",
    "tab": "/old/\tpage/",
    "climbs out": "/essays/../../up/",
    "climbs out, percent-encoded": "/%2e%2e/%2e%2e/up/",
}
BLANK = {"empty": "", "blank": "  "}


@pytest.mark.parametrize("value", list(BAD.values()), ids=list(BAD))
@pytest.mark.parametrize("command", ["validate", "build"])
def test_a_bad_alias_is_a_content_error_at_its_line(
    tmp_path: Path, runner: CliRunner, command: str, value: str
) -> None:
    config = _site(tmp_path, ["/fine/", value])
    result = run_site(runner, command, config)
    assert result.exit_code == 2, result.output
    (error,) = _errors(result)  # "/fine/" is one
    expected = f"expected a path on this site such as /old/page/, got {value!r}"
    assert "content/essays/a.md:5: aliases: " + expected in error
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_every_bad_alias_of_every_file_is_reported_in_onerun_site(
    tmp_path: Path, runner: CliRunner
) -> None:
    config = _site(tmp_path, ["javascript:alert(1)", "/fine/", "//evil.example/x"])
    (tmp_path / "content/essays/b.md").write_text(
        "---\ntitle: B\ndate: 2024-01-02\nid: b\naliases: '\\\\x'\n---\n\nBody.\n",
        encoding="utf-8",
    )
    result = run_site(runner, "build", config)
    assert result.exit_code == 2, result.output
    shown = [re.sub(r"^.*content/", "", ln).split(" got ")[0] for ln in _errors(result)]
    assert sorted(shown) == [
        "essays/a.md:5: aliases: expected a path on this site such as /old/page/,",
        "essays/a.md:5: aliases: expected a path on this site such as /old/page/,",
        "essays/b.md:5: aliases: expected a path on this site such as /old/page/,",
    ]
    assert not (tmp_path / "out").exists()


GOOD = {
    "/old/page/": "old/page/index.html",
    "/old/bare": "old/bare/index.html",
    "/2019/old.html": "2019/old.html",
    "/query/?p=12#top": "query/index.html",
    "https://e.org/moved/": "moved/index.html",
    "HTTP://E.ORG:80/upper/": "upper/index.html",
    "//e.org/no-scheme/": "no-scheme/index.html",
    "relative/from-its-folder/": "essays/relative/from-its-folder/index.html",
}


def test_paths_and_urls_of_the_site_get_their_redirect_pages(
    tmp_path: Path, runner: CliRunner
) -> None:
    """A path is kept as written (one without its leading ``/`` read from the page's folder,
    as Hugo reads it); an absolute URL on the site's own host (any scheme, case
    or default port) stands for its path, where it once became an ``https:`` folder."""
    config = _site(tmp_path, list(GOOD))
    result = run_site(runner, "build", config)
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    for page in GOOD.values():
        text = (out / page).read_text(encoding="utf-8")
        assert 'http-equiv="refresh"' in text and "/essays/a/" in text, page
    assert not [p for p in out.rglob("*") if ":" in p.name or p.name in ("e.org", "E.ORG")]
    cfg = load_config(config)
    (item,) = load_site(cfg, tmp_path / "content").items
    assert item.aliases == (
        "/old/page/",
        "/old/bare",
        "/2019/old.html",
        "/query/?p=12#top",
        "/moved/",
        "/upper/",
        "/no-scheme/",
        "/essays/relative/from-its-folder/",
    )


def test_a_url_of_the_host_outside_the_sites_path_is_refused(
    tmp_path: Path, runner: CliRunner
) -> None:
    """A site served from ``/blog/``: a URL under it names a page of the site, one beside
    it does not."""
    config = _site(
        tmp_path, ["https://e.org/blog/old/", "https://e.org/shop/x/"], "https://e.org/blog/"
    )
    result = run_site(runner, "build", config)
    assert result.exit_code == 2, result.output
    (error,) = _errors(result)
    assert "content/essays/a.md:5: aliases: " in error and "'https://e.org/shop/x/'" in error
    assert not (tmp_path / "out").exists()
    config.write_text('[site]\nbase_url = "https://e.org/blog/"\n', encoding="utf-8")
    (tmp_path / "content/essays/a.md").write_text(
        '---\ntitle: A\ndate: 2024-01-01\nid: a\naliases: ["https://e.org/blog/old/"]\n---\n\nB.\n',
        encoding="utf-8",
    )
    result = run_site(runner, "build", config)
    assert result.exit_code == 0, result.output
    assert 'http-equiv="refresh"' in (tmp_path / "out/old/index.html").read_text("utf-8")


CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
PIECES = st.sampled_from(["/", "//", "..", ".", "%2e", "%2F", "\\", ":", "?", "#", "e.org", "x"])
OLD = st.one_of(
    st.text(max_size=30),
    st.lists(st.one_of(PIECES, st.text(max_size=3)), max_size=8).map("".join),
).flatmap(lambda t: st.sampled_from([t, "/" + t, "https://e.org/" + t, "//e.org" + t]))


@settings(max_examples=500, deadline=None)
@given(value=OLD)
def test_an_accepted_alias_is_a_page_inside_the_site(value: str) -> None:
    """Whatever an alias says, when it is accepted its redirect page (if any) is a file
    inside the output folder, named with no control character or backslash."""
    if old_url_problem(value, BASE) is not None:
        return
    rel = old_path(Config(site=SiteConfig(base_url=BASE)), old_url_path(value))
    if rel is None:
        return
    assert not rel.startswith("/") and "\\" not in rel and not CONTROL.search(rel), rel
    assert posixpath.normpath(rel).split("/")[0] != "..", rel
    assert not set(rel.split("/")) & {".", ".."}, rel


def test_an_id_with_a_line_break_is_refused_at_its_line(tmp_path: Path, runner: CliRunner) -> None:
    """An id goes into GUIDs, calendar UIDs and the digest ledger: a line break in one ended
    a line of events.ics (the calendar no app could read) and of the ledger."""
    config = _site(tmp_path, ["/old/"])
    page = tmp_path / "content" / "essays" / "a.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("id: a\n", 'id: "call\\r\\nEND:VEVENT"\n'),
        encoding="utf-8",
    )
    result = run_site(runner, "validate", config)
    assert result.exit_code == 2, result.output
    assert "content/essays/a.md:4: id: expected an identifier without line breaks" in result.stderr
