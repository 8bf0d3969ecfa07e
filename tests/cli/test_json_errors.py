"""Under ``--format json`` a command that fails before its report still writes one JSON
document on stdout, saying why (``publish build --format json | jq`` in CI had nothing to
parse); the text stays on stderr and the exit code is the same."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from click.testing import CliRunner, Result

from pipeline.cli import main
from tests.cli.conftest import error_and_warning, serving
from tests.conftest import FIXTURES
from tests.newsletter.test_secret_newsletter import assert_hidden

TOKEN = "fd/FAKE+FEED<4b2a>&\"1c'9e\\7d=e3"


def _document(result: Result) -> dict[str, Any]:
    """stdout as the one JSON document it must be: a failure's, with its exit code."""
    doc = json.loads(result.stdout)
    assert isinstance(doc, dict), result.stdout
    assert doc["ok"] is False and doc["exit_code"] == result.exit_code
    return doc


COMMANDS = [
    ["build"],
    ["validate"],
    ["links", "--offline"],
    ["digest"],
    ["announce"],
    ["notify"],
    ["import", "feed", "feed.xml"],
]


@pytest.mark.parametrize("quiet", [[], ["--quiet"]])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_bad_configuration_is_a_json_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str], quiet: list[str]
) -> None:
    (tmp_path / "publish.toml").write_text("[site]\ntitle = 'T'\nbase_url = [\n")
    (tmp_path / "content").mkdir()
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [*command, "--format", "json", *quiet])
    assert result.exit_code == 3, (result.stdout, result.stderr)
    doc = _document(result)
    assert doc["error"] == "configuration"
    [problem] = doc["problems"]
    assert (problem["path"], problem["line"], problem["field"]) == ("publish.toml", 3, "toml")
    assert doc["errors"] == [f"publish.toml:3: toml: {problem['message']}"]
    assert doc["message"] == "1 configuration error; nothing written."
    # stderr as before
    assert result.stderr.splitlines() == [*doc["errors"], doc["message"]]


@pytest.mark.parametrize("command", [["validate"], ["build", "--out", "feeds"]])
def test_content_errors_are_a_json_document_with_their_warnings(
    site: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    error_and_warning(site / "content" / "essays")
    monkeypatch.chdir(site)
    result = CliRunner().invoke(main, [*command, "--format", "json"])
    assert result.exit_code == 2, (result.stdout, result.stderr)
    doc = _document(result)
    assert doc["error"] == "content"
    [problem] = doc["problems"]
    assert (problem["path"], problem["line"], problem["field"]) == (
        "content/essays/b.md",
        4,
        "date",
    )
    [warning] = doc["warnings"]  # as the report of a build that works lists them
    assert warning.startswith("content/essays/a.md:5: subtitle_x: ")
    assert doc["message"] == "1 content error and 1 warning; nothing written."
    assert "content/essays/b.md:4: date: " in result.stderr
    assert not (site / "feeds").exists()


def test_strict_build_whose_warnings_fail_it_prints_one_document(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (site / "content" / "essays" / "a.md").write_text(
        "---\ntitle: A\nid: a\ndate: 2025-01-01\nsubtitle_x: kept\n---\n\nA.\n", encoding="utf-8"
    )
    monkeypatch.chdir(site)
    result = CliRunner().invoke(main, ["build", "--strict", "--format", "json"])
    assert result.exit_code == 2, (result.stdout, result.stderr)
    doc = _document(result)
    assert [(p["path"], p["line"], p["field"]) for p in doc["problems"]] == [
        ("content/essays/a.md", 5, "subtitle_x")
    ]


def test_a_folder_the_file_system_refuses_is_a_json_document(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (site / "taken").write_text("a file where the output folder should be\n")
    monkeypatch.chdir(site)
    result = CliRunner().invoke(main, ["build", "--out", "taken/feeds", "--format", "json"])
    assert result.exit_code == 3, (result.stdout, result.stderr)
    doc = _document(result)
    assert doc["error"] == "configuration" and doc["problems"] == []
    assert doc["message"].startswith("taken")
    assert result.stderr.splitlines()[-1] == f"error: {doc['message']}"


def test_lint_feed_of_a_missing_file_is_a_json_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["lint-feed", "nope.xml", "--format", "json"])
    assert result.exit_code == 2, (result.stdout, result.stderr)
    doc = _document(result)
    assert doc["error"] == "content" and doc["problems"] == []
    assert doc["message"].startswith("cannot read nope.xml: ")
    assert result.stderr == f"error: {doc['message']}\n"


def test_feed_diff_of_a_malformed_feed_is_a_json_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "old.xml").write_text("<rss version='2.0'>\n<channel>\n")
    (tmp_path / "new.xml").write_text(
        "<rss version='2.0'><channel><title>T</title></channel></rss>\n"
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["feed-diff", "old.xml", "new.xml", "--format", "json"])
    assert result.exit_code == 2, (result.stdout, result.stderr)
    doc = _document(result)
    [problem] = doc["problems"]
    assert (problem["path"], problem["field"]) == ("old.xml", "feed")
    assert problem["line"] >= 1 and "not well-formed XML" in problem["message"]


def test_a_failure_after_the_report_adds_no_second_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``import --verify`` prints what it wrote, then builds: a build that cannot start (the
    configuration names a content folder the import does not write into) fails after the
    report, which stays the only document on stdout."""
    shutil.copy(FIXTURES / "import" / "wordpress.xml", tmp_path / "feed.xml")
    (tmp_path / "publish.toml").write_text(
        "[site]\ntitle = 'T'\nbase_url = 'https://example.org/'\n[content]\nfolder = 'elsewhere'\n"
    )
    monkeypatch.chdir(tmp_path)
    args = ["import", "feed", "feed.xml", "--verify", "--format", "json"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 3, (result.stdout, result.stderr)
    doc = json.loads(result.stdout)
    assert "ok" not in doc and doc["created"], doc  # the import's own report
    assert "error: " in result.stderr


class _Answer(BaseHTTPRequestHandler):
    """404 for ``/missing``; anything else is a document that is no feed."""

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        body = b"" if self.path.startswith("/missing") else b"<html><body>no feed</body></html>"
        self.send_response(404 if self.path.startswith("/missing") else 200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def server() -> Iterator[str]:
    with serving(_Answer) as url:
        yield url


def test_a_token_in_a_failing_url_is_redacted_in_the_json_document(
    server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``FEED_TOKEN`` is a secret by its name: the error naming the URL is redacted on
    stdout as on stderr, in every spelling (raw, JSON-escaped, percent-encoded)."""
    monkeypatch.setenv("FEED_TOKEN", TOKEN)
    monkeypatch.chdir(tmp_path)
    url = f"{server}/missing/feed.xml?token={quote(TOKEN, safe='')}&raw={TOKEN}"
    result = CliRunner().invoke(main, ["lint-feed", url, "--format", "json"])
    assert result.exit_code == 2, (result.stdout, result.stderr)
    doc = _document(result)
    assert doc["message"].startswith(f"cannot fetch {server}/missing/feed.xml?token=***&raw=***")
    assert result.stderr == f"error: {doc['message']}\n"
    assert_hidden((TOKEN,), result.stdout, result.stderr)
    assert json.dumps(TOKEN)[1:-1] not in result.stdout


def test_a_token_in_a_problems_path_is_redacted_in_json_and_text(
    server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import of a URL that is no feed is a content error at ``URL:1``: the URL's token
    was shown as given on stderr (problems were not redacted), and must not reach stdout."""
    monkeypatch.setenv("FEED_TOKEN", TOKEN)
    monkeypatch.chdir(tmp_path)
    url = f"{server}/page?token={quote(TOKEN, safe='')}&raw={TOKEN}"
    result = CliRunner().invoke(main, ["import", "feed", url, "--format", "json"])
    assert result.exit_code == 2, (result.stdout, result.stderr)
    doc = _document(result)
    [problem] = doc["problems"]
    assert problem["path"] == f"{server}/page?token=***&raw=***"
    assert (problem["line"], problem["field"]) == (1, "feed")
    assert f"{server}/page?token=***&raw=***:1: feed: " in result.stderr
    assert_hidden((TOKEN,), result.stdout, result.stderr)


def test_a_report_whose_token_only_decoding_finds_is_still_json(
    server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """lint-feed redacted its JSON text whole: a token percent-encoded twice is found only by
    decoding the word it is in, and the word withheld was ``"feed": "URL",`` with its quotes
    and comma, leaving stdout no JSON parser reads. Each string is redacted before it is
    escaped."""
    monkeypatch.setenv("FEED_TOKEN", TOKEN)
    monkeypatch.chdir(tmp_path)
    url = f"{server}/page?token={quote(quote(TOKEN, safe=''), safe='')}"
    result = CliRunner().invoke(main, ["lint-feed", url, "--format", "json"])
    assert result.exit_code == 2, (result.stdout, result.stderr)  # an HTML page: no feed
    doc = json.loads(result.stdout)
    assert doc["feed"] == f"{server}/page?token=***" and doc["hard"] >= 1  # named a secret
    assert_hidden((TOKEN,), result.stdout, result.stderr)
