"""`publish links` end to end: the fixture handbook, a real local server, CliRunner."""

from __future__ import annotations

import json
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.linkcheck.conftest import HostileServer

FIXTURE = Path(__file__).parent.parent / "fixtures" / "links"


@pytest.fixture
def site(tmp_path: Path, hostile: HostileServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fixture copied to tmp, SERVER replaced by the local server, an NFD file added."""
    root = tmp_path / "site"
    shutil.copytree(FIXTURE, root)
    for md in root.rglob("*.md"):
        md.write_text(md.read_text(encoding="utf-8").replace("SERVER", hostile.base), "utf-8")
    (root / "content" / "essays" / unicodedata.normalize("NFD", "café.md")).write_text("# Café\n")
    monkeypatch.chdir(root)
    monkeypatch.delenv("PUBLISH_CACHE_DIR", raising=False)
    return root


def links(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["links", "--cache-dir", "cache", *args])
    return result.exit_code, result.stdout, result.stderr


def by_source(stdout: str) -> dict[str, list[dict[str, str]]]:
    rows = json.loads(stdout)
    out: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        out.setdefault(row["source"], []).append(row)
    return out


EXPECTED_BROKEN = {
    ("content/essays/README.md:4", "second.md"),
    ("content/essays/README.md:5", "café.md"),
    ("content/essays/first.md:15", "#geting-started"),
    ("content/essays/first.md:15", "first-step.md"),
    ("content/essays/first.md:17", ".gitbook/assets/diagram.png"),
    ("content/essays/first.md:21", "https://community.example/no-such-page/"),
    ("content/essays/first.md:23", "../../etc/passwd"),
    ("content/essays/first.md:25", "{base}/410"),
    ("content/essays/first.md:26", "{base}/page#nowhere"),
    ("content/essays/notes (draft).md:3", "../media/"),
    ("content/practice-program/README.md:3", "weekly.md"),
}


def test_json_report_names_exactly_the_planted_broken_links(
    site: Path, hostile: HostileServer
) -> None:
    code, stdout, stderr = links("--format", "json")
    assert code == 2, stderr
    rows = json.loads(stdout)
    broken = {
        (r["source"], unicodedata.normalize("NFC", r["url"]))
        for r in rows
        if r["status"] == "broken"
    }
    expected = {(s, u.format(base=hostile.base)) for s, u in EXPECTED_BROKEN}
    assert broken == expected
    unverifiable = [r for r in rows if r["status"] == "unverifiable"]
    assert [(r["source"], r["url"]) for r in unverifiable] == [
        ("content/essays/first.md:25", hostile.url("/403"))
    ]
    row = next(r for r in rows if r["url"] == "first-step.md")
    assert row["reason"] == "file not found: essays/first-step.md"
    assert row["suggestion"] == "did you mean first.md?"
    assert set(row) >= {"url", "source", "status", "reason", "suggestion"}
    # one GET per unique URL: /ok is linked three times, /page twice (two fragments)
    assert hostile.hits == {"GET /ok": 1, "GET /410": 1, "GET /403": 1, "GET /page": 1}
    assert "Checked" in stderr and "11 broken, 1 unverifiable" in stderr


def test_site_permalinks_resolve_to_content_files(site: Path, hostile: HostileServer) -> None:
    _, stdout, stderr = links("--format", "json", "--offline")
    rows = {r["url"]: r for r in json.loads(stdout) if r["source"].endswith("Second.md:7")}
    assert rows["https://community.example/essays/first/#going-further"]["status"] == "ok"
    assert rows["/essays/notes-draft/"]["reason"] == "essays/notes (draft).md"
    assert "content did not load" not in stderr


def test_warm_cache_refetches_nothing_that_was_ok(site: Path, hostile: HostileServer) -> None:
    links("--format", "json")
    assert json.loads((site / "cache" / "links.json").read_text())["entries"].keys() == {
        hostile.url("/ok"),
        hostile.url("/page#intro"),
    }  # failures and unverifiable results are never cached
    code, stdout, _ = links("--format", "json")
    assert code == 2
    assert hostile.hits["GET /ok"] == 1  # fresh in the cache
    assert hostile.hits["GET /410"] == 2  # a failure is checked again
    cached = next(r for r in json.loads(stdout) if r["url"] == hostile.url("/ok"))
    assert cached["status"] == "ok" and cached["reason"].endswith("(cached)")


def test_text_report_is_grouped_by_file(site: Path) -> None:
    code, stdout, _ = links("--offline")
    assert code == 2
    assert (
        "content/essays/first.md\n"
        "  15: broken: #geting-started\n"
        "      anchor #geting-started not found on this page\n"
        "      suggestion: nearest heading: #getting-started\n"
    ) in stdout
    assert "differs only by case: the link writes 'essays/second.md'" in stdout


def test_offline_makes_no_request(site: Path, hostile: HostileServer) -> None:
    code, stdout, stderr = links("--offline", "--format", "json")
    assert code == 2
    assert not hostile.hits
    assert all(not r["url"].startswith("http://127.") for r in json.loads(stdout))
    assert "skipped" in stderr


def test_github_annotations_and_markdown(site: Path, hostile: HostileServer) -> None:
    code, stdout, _ = links("--format", "github")
    assert code == 2
    assert (
        "::error file=content/essays/first.md,line=15::broken link first-step.md: "
        "file not found: essays/first-step.md (did you mean first.md?)"
    ) in stdout.splitlines()
    assert (
        f"::warning file=content/essays/first.md,line=25::unverifiable link {hostile.url('/403')}"
        in stdout
    )
    code, stdout, _ = links("--format", "markdown")
    assert stdout.startswith("## Link check\n")
    assert "| broken | `content/essays/first.md:15` | first-step.md |" in stdout


def test_exclude_and_strict_exit_codes(
    tmp_path: Path, hostile: HostileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "a.md").write_text(
        f"# A\n\n[wall]({hostile.url('/403')}) [gone]({hostile.url('/404')}) [ok](#a)\n"
    )
    (tmp_path / "publish.toml").write_text("[links]\ntimeout = 1.0\nretries = 0\n")
    monkeypatch.chdir(tmp_path)
    assert links()[0] == 2
    code, stdout, _ = links("--exclude", "/404$")
    assert code == 0, stdout  # unverifiable alone does not fail the run
    assert "unverifiable" in stdout
    assert links("--exclude", "/404$", "--strict")[0] == 2
    assert links("--exclude", "/40[34]$", "--strict")[0] == 0
    code, _, stderr = links("--exclude", "(")  # once "unexpected error", exit 1
    assert code == 2 and "'(' is not a regular expression" in stderr


def test_changed_since_checks_only_changed_files(site: Path, hostile: HostileServer) -> None:
    git = ["git", "-c", "user.email=t@example.org", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    first = site / "content" / "practice-program" / "README.md"
    first.write_text("# Practice program\n\n[Gone](gone.md) [Daily](daily_practice.md)\n")
    code, stdout, _ = links("--changed-since", "HEAD", "--format", "json")
    assert code == 2
    sources = {r["source"].rsplit(":", 1)[0] for r in json.loads(stdout)}
    assert sources == {"content/practice-program/README.md"}
    assert not hostile.hits
    code, _, stderr = links("--changed-since", "no-such-ref")
    assert code == 3 and "--changed-since: git: fatal: " in stderr and "usage" not in stderr


def test_changed_since_outside_git_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside a repository the message was the last line of git's usage text."""
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "a.md").write_text("# A\n")
    (tmp_path / "publish.toml").write_text("")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    code, _, stderr = links("--changed-since", "HEAD")
    assert code == 3 and "--changed-since: not inside a git repository" in stderr


def test_help_has_an_example() -> None:
    result = CliRunner().invoke(main, ["links", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "publish links" in result.output


def test_a_link_to_an_unpublished_page_is_broken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page SUMMARY.md does not list, or a draft, is never written: a published page's link
    to it rendered to a URL that 404s, and the checker said ok. A draft may link to one."""
    content = tmp_path / "content"
    (content / "guide").mkdir(parents=True)
    (content / "SUMMARY.md").write_text("# Summary\n\n* [Home](README.md)\n* [Draft](d.md)\n")
    (content / "README.md").write_text(
        "# Home\n\nSee [notes](guide/notes.md) and [d](d.md).\n\n[up](#top) [t](#:~:text=Home)\n"
    )
    (content / "guide" / "notes.md").write_text("# Notes\n\nNot listed. [Home](../README.md)\n")
    (content / "d.md").write_text("---\ndraft: true\n---\n# D\n\n[notes](guide/notes.md)\n")
    (tmp_path / "publish.toml").write_text('[site]\nbase_url = "https://h.example/"\n')
    monkeypatch.chdir(tmp_path)
    code, stdout, _ = links("--offline", "--format", "json")
    assert code == 2, stdout
    broken = sorted((r["source"], r["url"]) for r in json.loads(stdout) if r["status"] == "broken")
    assert broken == [("content/README.md:3", "d.md"), ("content/README.md:3", "guide/notes.md")]
    row = next(r for r in json.loads(stdout) if r["url"] == "guide/notes.md")
    assert "is not published (a draft, or a page SUMMARY.md does not list)" in row["reason"]


def test_content_errors_leave_the_links_checked_and_say_so(tmp_path: Path) -> None:
    """A content error is validate's to report: the links are still checked, with a warning
    (any other failure of the load is a bug and is not turned into a warning)."""
    content = tmp_path / "content" / "essays"
    content.mkdir(parents=True)
    (tmp_path / "publish.toml").write_text('[site]\nbase_url = "https://e.example/"\n')
    (content / "a.md").write_text("---\ndate: 2024-01-02\n---\n\nSee [b](b.md).\n")
    result = CliRunner().invoke(
        main,
        [
            "links",
            "--offline",
            "--config",
            str(tmp_path / "publish.toml"),
            "--content",
            str(tmp_path / "content"),
        ],
    )
    assert result.exit_code == 2, result.output
    assert "content did not load" in result.stderr
    assert "5: broken: b.md" in result.stdout  # the file's line, front matter counted


def test_exit_code_follows_what_a_reader_gets(
    tmp_path: Path, hostile: HostileServer, tls_base: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page whose body ended before its Content-Length failed the run (exit 2) once any
    link to it had a fragment, though a reader gets the page and its #intro; a certificate
    every browser refuses passed it (exit 0, unverifiable)."""
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    (root / "publish.toml").write_text(
        '[site]\ntitle = "T"\nbase_url = "https://t.example/"\n\n[content]\nflavour = "plain"\n'
        "\n[links]\ntimeout = 1.0\nretries = 0\n",
        encoding="utf-8",
    )
    page = root / "content" / "index.md"
    short = hostile.url("/short-body")
    page.write_text(f"# T\n\n[a]({short}) and [b]({short}#intro)\n", encoding="utf-8")
    monkeypatch.chdir(root)
    monkeypatch.delenv("PUBLISH_CACHE_DIR", raising=False)
    code, stdout, stderr = links("--format", "json")
    assert code == 0, stdout + stderr
    assert {(r["source"], r["status"]) for r in json.loads(stdout)} == {
        ("content/index.md:3", "ok")
    }

    page.write_text(page.read_text(encoding="utf-8") + f"\n[c]({tls_base}/)\n", encoding="utf-8")
    code, stdout, stderr = links("--format", "json")
    assert code == 2, stdout + stderr
    rows = {r["url"]: r for r in json.loads(stdout)}
    assert rows[f"{tls_base}/"]["source"] == "content/index.md:5"
    assert rows[f"{tls_base}/"]["status"] == "broken"


def test_a_broken_enclosure_is_reported_at_the_line_that_names_it(
    tmp_path: Path, hostile: HostileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Episode audio and transcripts hosted elsewhere were all reported at line 1 of their
    file, whichever front-matter line named them."""
    root = tmp_path / "pod"
    (root / "content" / "episodes").mkdir(parents=True)
    (root / "publish.toml").write_text(
        '[site]\ntitle = "Pod"\nbase_url = "https://pod.example/"\n\n[content]\n'
        'flavour = "plain"\n\n[links]\ntimeout = 1.0\nretries = 0\n\n[podcast]\nauthor = "A"\n'
        'owner_email = "a@pod.example"\ncategory = "Technology"\n'
        'image = "https://pod.example/cover.jpg"\n',
        encoding="utf-8",
    )
    (root / "content" / "episodes" / "001.md").write_text(
        f"---\ntitle: One\ndate: 2024-01-01\ndescription: first\naudio: {hostile.url('/404')}\n"
        "length: 1234\ntype: audio/mpeg\nduration: 60\n"
        f"transcript: {hostile.url('/gone/001.vtt')}\n---\nHello.\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(root)
    monkeypatch.delenv("PUBLISH_CACHE_DIR", raising=False)
    code, stdout, stderr = links("--format", "json")
    assert code == 2, stdout + stderr
    rows = {r["url"]: (r["source"], r["status"]) for r in json.loads(stdout)}
    assert rows[hostile.url("/404")] == ("content/episodes/001.md:5", "broken")
    assert rows[hostile.url("/gone/001.vtt")] == ("content/episodes/001.md:9", "broken")


def test_the_cache_keeps_no_verdict_the_settings_no_longer_give(
    tmp_path: Path, hostile: HostileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 999 accepted for a host was cached ok; with the host's `accept` removed the cached
    ok still passed `--strict` for a day, though the check now says unverifiable."""
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    settings = (
        '[site]\ntitle = "T"\nbase_url = "https://t.example/"\n\n[content]\nflavour = "plain"\n'
        "\n[links]\ntimeout = 1.0\nretries = 0\n"
    )
    accept = "\n[[links.hosts]]\npattern = '^127\\.0\\.0\\.1$'\naccept = [999]\n"
    (root / "publish.toml").write_text(settings + accept, encoding="utf-8")
    (root / "content" / "index.md").write_text(f"# T\n\n[a]({hostile.url('/999')})\n", "utf-8")
    monkeypatch.chdir(root)
    monkeypatch.delenv("PUBLISH_CACHE_DIR", raising=False)
    code, stdout, stderr = links("--strict", "--format", "json")
    assert code == 0, stdout + stderr
    assert [(r["source"], r["status"]) for r in json.loads(stdout)] == [
        ("content/index.md:3", "ok")
    ]

    (root / "publish.toml").write_text(settings, encoding="utf-8")
    code, stdout, stderr = links("--strict", "--format", "json")
    assert code == 2, stdout + stderr
    assert [r["status"] for r in json.loads(stdout)] == ["unverifiable"]
    assert hostile.count("/999") == 2


def test_an_items_remote_image_is_checked(
    tmp_path: Path, hostile: HostileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An essay's `image:` (the feeds' thumbnail and the page's card) hosted elsewhere was
    never checked: a 404 there passed."""
    root = tmp_path / "site"
    (root / "content" / "essays").mkdir(parents=True)
    (root / "publish.toml").write_text(
        '[site]\ntitle = "T"\nbase_url = "https://t.example/"\n\n[content]\nflavour = "plain"\n'
        "\n[links]\ntimeout = 1.0\nretries = 0\n",
        encoding="utf-8",
    )
    (root / "content" / "essays" / "first.md").write_text(
        f"---\ntitle: First\ndate: 2024-01-01\nimage: {hostile.url('/404')}\n---\nText.\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(root)
    monkeypatch.delenv("PUBLISH_CACHE_DIR", raising=False)
    code, stdout, stderr = links("--format", "json")
    assert code == 2, stdout + stderr
    rows = [(r["url"], r["source"], r["status"]) for r in json.loads(stdout)]
    assert rows == [(hostile.url("/404"), "content/essays/first.md:4", "broken")]


def test_changed_since_checks_a_stale_scheme_relative_link_again(
    tmp_path: Path, tls_base: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A `//host/path` link in an unchanged file whose cached ok had expired was never
    checked again under --changed-since: its cache entry is kept under `https:`."""
    from pipeline.config import load_config
    from pipeline.linkcheck.check import cache_key

    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    (root / "publish.toml").write_text(
        '[site]\ntitle = "T"\nbase_url = "https://t.example/"\n\n[content]\nflavour = "plain"\n'
        "\n[links]\ntimeout = 1.0\nretries = 0\n",
        encoding="utf-8",
    )
    link = "//" + tls_base.removeprefix("https://") + "/x"
    (root / "content" / "index.md").write_text(f"# T\n\n[a]({link})\n", encoding="utf-8")
    monkeypatch.chdir(root)
    monkeypatch.delenv("PUBLISH_CACHE_DIR", raising=False)
    git = ["git", "-c", "user.email=t@example.org", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    (root / "cache").mkdir()
    entry = {"checked": 0, "reason": "200 OK"}  # found ok long ago: stale
    (root / "cache" / "links.json").write_text(
        json.dumps(
            {
                "version": 1,
                "key": cache_key(load_config(root / "publish.toml")),
                "entries": {f"{tls_base}/x": entry},
            }
        ),
        encoding="utf-8",
    )
    code, stdout, stderr = links("--changed-since", "HEAD", "--format", "json")
    rows = [(r["url"], r["source"], r["status"]) for r in json.loads(stdout)]
    assert rows == [(link, "content/index.md:3", "broken")], stderr  # its certificate
    assert code == 2
