"""Content validation: every mistake in every file, each as path:line: field: message."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner, Result

from pipeline.cli import main
from tests.conftest import FIXTURES

EXPECTED = [
    "essays/bad-date.md:3: date: expected a date like 2024-05-01",
    "essays/bad-kind.md:5: kind: expected one of",
    "essays/draft-bad.md:5: draft: expected true or false, got 'maybe'",
    "essays/dup-id-a.md:4: id: duplicate id 'same-id'",
    "essays/dup-id-b.md:4: id: duplicate id 'same-id'",
    "essays/empty.md:1: file: empty file",
    "essays/no-date.md:1: date: missing",
    "essays/no-title.md:1: title: missing",
    "essays/only-front-matter.md:6: body: empty",
    "essays/slug-one.md:5: slug: duplicate permalink",
    "essays/slug-two.md:5: slug: duplicate permalink",
    "essays/tags-string.md:5: tags: expected a list",
    "essays/unsafe.md:5: front matter: unsafe or unknown YAML tag refused",
    "essays/yaml-error.md:5: front matter: YAML syntax error",
    "events/no-start.md:1: starts: missing",
    "updates/latin1.md:2: file: not UTF-8 text",
]


def build_essays(tmp_path: Path, runner: CliRunner, files: dict[str, str], *more: str) -> Result:
    """Run ``publish build`` on essays ``files`` (name -> text) under a minimal configuration."""
    content = tmp_path / "content" / "essays"
    content.mkdir(parents=True)
    for name, text in files.items():
        (content / name).write_text(text, encoding="utf-8")
    (tmp_path / "publish.toml").write_text('[site]\nbase_url = "https://e.org/"\n')
    args = ["build", "--config", str(tmp_path / "publish.toml"), "--out", str(tmp_path / "out")]
    return runner.invoke(main, [*args, *more])


def test_every_mistake_reported_and_nothing_written(tmp_path: Path, runner: CliRunner) -> None:
    tree = tmp_path / "broken"
    shutil.copytree(FIXTURES / "broken", tree)
    out = tmp_path / "out"
    result = runner.invoke(
        main, ["build", "--config", str(tree / "publish.toml"), "--out", str(out)]
    )
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.stderr.splitlines() if ".md:" in ln]
    errors = [ln for ln in lines if not ln.startswith("warning: ")]
    for expected in EXPECTED:
        assert any(expected in ln for ln in errors), f"missing: {expected}\n{result.stderr}"
    assert len(errors) == len(EXPECTED)
    warnings = [ln for ln in lines if ln not in errors]  # shown with the errors, not hidden
    assert len(warnings) == 1 and warnings[0].startswith("warning: ")
    assert warnings[0].endswith(
        "content/essays/fine.md:5: mood: unknown key kept (not used by publish)"
    )
    assert "Traceback" not in result.output
    assert not out.exists()


def test_output_folder_untouched_when_content_breaks(site: Path, runner: CliRunner) -> None:
    out = site / "feeds"
    args = ["build", "--config", str(site / "publish.toml"), "--out", str(out)]
    assert runner.invoke(main, args).exit_code == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (site / "content/essays/why-we-gather.md").write_text("---\ntitle: [\n---\nx\n")
    result = runner.invoke(main, args)
    assert result.exit_code == 2
    assert "why-we-gather.md:2: front matter: YAML syntax error" in result.stderr
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before


def test_unknown_keys_warned_not_fatal_and_aliases_accepted(
    tmp_path: Path, runner: CliRunner
) -> None:
    content = tmp_path / "content" / "essays"
    content.mkdir(parents=True)
    (content / "a.md").write_text(
        "---\ntitle: A\ndate: 2024-01-01\nid: x1\nsummary: From Hugo\ncategories: [one]\n"
        "lastmod: 2024-02-01\nmood: sunny\n---\n\nBody.\n"
    )
    (tmp_path / "publish.toml").write_text('[site]\nbase_url = "https://e.org/"\n')
    result = runner.invoke(
        main,
        [
            "build",
            "--config",
            str(tmp_path / "publish.toml"),
            "--out",
            str(tmp_path / "out"),
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "a.md:8: mood: unknown key kept" in result.stderr
    feed = (tmp_path / "out" / "feed.json").read_text()
    assert '"summary": "From Hugo"' in feed
    assert '"tags": [\n    "one"' in feed or '"one"' in feed
    assert '"date_modified": "2024-02-01T00:00:00+00:00"' in feed


def test_gitbook_page_keys_build_strict_without_warnings(tmp_path: Path, runner: CliRunner) -> None:
    """GitBook's editor writes cover, coverY, icon and a layout map: each once warned as an
    unknown key, so ``--strict`` failed on a real handbook."""
    text = (
        "---\ntitle: A\ndate: 2024-01-01\nid: x1\ndescription: Why.\n"
        "cover: ../.gitbook/assets/cover.jpeg\ncoverY: -12\nicon: hand-wave\nhidden: false\n"
        "layout:\n  cover:\n    visible: true\n    size: hero\n  title:\n    visible: true\n"
        "  tableOfContents:\n    visible: false\n---\n\nBody.\n"
    )
    result = build_essays(tmp_path, runner, {"a.md": text}, "--strict")
    assert result.exit_code == 0, result.output
    assert "unknown key" not in result.stderr and ", 0 warnings" in result.stderr


def test_title_from_first_h1_and_not_repeated(tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / "content" / "essays").mkdir(parents=True)
    (tmp_path / "content/essays/h.md").write_text(
        "---\ndate: 2024-01-01\nid: h1\n---\n\n# From the heading\n\nText.\n"
    )
    (tmp_path / "publish.toml").write_text('[site]\nbase_url = "https://e.org/"\n')
    result = runner.invoke(
        main, ["build", "--config", str(tmp_path / "publish.toml"), "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    rss = (tmp_path / "out/rss.xml").read_text()
    assert "<title>From the heading</title>" in rss
    assert "<h1" not in rss


def test_bom_crlf_and_nfc_are_handled(tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / "content" / "essays").mkdir(parents=True)
    raw = "\ufeff---\r\ntitle: Cafe\u0301\r\ndate: 2024-01-01\r\nid: b1\r\n---\r\n\r\nText.\r\n"
    (tmp_path / "content/essays/b.md").write_bytes(raw.encode())
    (tmp_path / "publish.toml").write_text('[site]\nbase_url = "https://e.org/"\n')
    result = runner.invoke(
        main, ["build", "--config", str(tmp_path / "publish.toml"), "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    assert "<title>Caf\u00e9</title>" in (tmp_path / "out/rss.xml").read_text()


def test_binary_file_refused_clearly(tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / "content" / "essays").mkdir(parents=True)
    (tmp_path / "content/essays/x.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (tmp_path / "publish.toml").write_text('[site]\nbase_url = "https://e.org/"\n')
    result = runner.invoke(main, ["validate", "--config", str(tmp_path / "publish.toml")])
    assert result.exit_code == 2
    assert "x.md:1: file: binary file" in result.stderr


def test_hugo_and_jekyll_layouts_move_over(tmp_path: Path, runner: CliRunner) -> None:
    posts = tmp_path / "content" / "_posts"
    posts.mkdir(parents=True)
    (posts / "2023-04-05-hello-world.md").write_text("---\ntitle: Jekyll post\n---\nHello.\n")
    (posts / "2023-02-30-bad-day.md").write_text("---\ntitle: Bad day\n---\nText.\n")
    (tmp_path / "content" / "posts").mkdir()
    (tmp_path / "content/posts/hugo.md").write_text(
        "---\ntitle: Hugo post\ndate: 2023-06-01T10:00:00+02:00\n---\nHi.\n"
    )
    (tmp_path / "publish.toml").write_text('[site]\nbase_url = "https://e.org/"\n')
    args = ["build", "--config", str(tmp_path / "publish.toml"), "--out", str(tmp_path / "out")]
    result = runner.invoke(main, args)
    assert result.exit_code == 2
    assert (
        "2023-02-30-bad-day.md:1: date: file name date '2023-02-30' is not a date" in result.stderr
    )
    (posts / "2023-02-30-bad-day.md").unlink()
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    rss = (tmp_path / "out/rss.xml").read_text()
    assert "<link>https://e.org/essays/hello-world/</link>" in rss
    assert "<pubDate>Wed, 05 Apr 2023 00:00:00 +0000</pubDate>" in rss
    assert "<title>Hugo post</title>" in rss


def test_event_times_and_errors_name_the_right_key(tmp_path: Path, runner: CliRunner) -> None:
    events = tmp_path / "content" / "events"
    events.mkdir(parents=True)
    (events / "a.md").write_text(
        "---\ntitle: A\ndate: 2024-01-01\nid: e1\n"
        "starts: 2025-02-03 18:00\nends: 2025-02-03 20:00\n---\nx\n"
    )
    (events / "b.md").write_text(
        "---\ntitle: B\ndate: 2024-01-01\nid: e2\nstarts: soon\nends: 2025-02-03 20:00\n---\nx\n"
    )
    (tmp_path / "publish.toml").write_text('[site]\nbase_url = "https://e.org/"\n')
    args = ["build", "--config", str(tmp_path / "publish.toml"), "--out", str(tmp_path / "out")]
    result = runner.invoke(main, args)
    assert result.exit_code == 2
    assert "b.md:5: starts: expected a date" in result.stderr
    (events / "b.md").unlink()
    assert runner.invoke(main, args).exit_code == 0
    ics = (tmp_path / "out/events.ics").read_text()
    assert "DTSTART;TZID=UTC:20250203T180000" in ics  # a time with a space is not all-day


def test_reload_body_gives_the_body_the_load_gave(tmp_path: Path) -> None:
    """Items loaded without their body get it again from the file, without reading the YAML:
    with the opening H1 cut when it became the title, kept when a title key was given, the
    whole text without front matter; anything else is a file edited since. (The load
    offers the candidate bodies; the build picks the one its body key names.)"""
    import pytest

    from pipeline.build.keys import body_digest, reload_body
    from pipeline.config import load_config
    from pipeline.errors import ContentError
    from pipeline.load.loader import bodies, load_site

    shutil.copy(FIXTURES.parent.parent / "publish.toml", tmp_path / "publish.toml")
    content = tmp_path / "content"
    (content / "essays").mkdir(parents=True)
    files = {
        "essays/h1-title.md": "---\nid: a1\ndate: 2024-01-02\n---\n\n# Heading title\n\nText.\n",
        "essays/title-key.md": "---\nid: a2\ntitle: Key\ndate: 2024-01-03\n---\n# Kept\n\nMore.\n",
        "essays/dots.md": "---\nid: a3\ntitle: Dots\ndate: 2024-01-04\n...\nBody after dots.\n",
    }
    for rel, text in files.items():
        (content / rel).write_text(text, encoding="utf-8")
    cfg = load_config(tmp_path / "publish.toml")
    items = {i.source: i for i in load_site(cfg, content).items}
    assert items["essays/h1-title.md"].title == "Heading title"
    assert "# Heading title" not in items["essays/h1-title.md"].body
    assert "# Kept" in items["essays/title-key.md"].body
    for source, item in items.items():
        assert item.body in list(bodies(cfg, content, source)), source
        assert reload_body(cfg, content, source, body_digest(item.body)) == item.body, source
    path = content / "essays/h1-title.md"
    path.write_text(files["essays/h1-title.md"].replace("Text.", "Edited."), encoding="utf-8")
    with pytest.raises(ContentError, match="changed while the build was running"):
        reload_body(
            cfg, content, "essays/h1-title.md", body_digest(items["essays/h1-title.md"].body)
        )


def test_value_mistakes_read_as_yaml_not_python(tmp_path: Path, runner: CliRunner) -> None:
    """Messages once showed ``datetime.date(2024, 1, 1)`` and said two things about one title;
    a bare ``no`` as a title gave no hint that YAML had read it as false."""
    files = {
        "lst.md": "---\ntitle: [a, 2024-01-01]\ndate: 1969-12-31\nid: lst\ntags: yes\n---\nBody.\n",
        "bo.md": "---\ntitle: no\ndate: 2024-01-01\nid: bo\n---\nBody.\n",
    }
    result = build_essays(tmp_path, runner, files)
    assert result.exit_code == 2, result.output
    problems = [ln.split("content/essays/")[1] for ln in result.stderr.splitlines() if ".md:" in ln]
    assert problems == [
        "bo.md:2: title: expected text, got false: YAML reads an unquoted yes, no, on, off, true "
        "or false as that; put the text in quotes",
        "lst.md:2: title: expected text, got a list ['a', 2024-01-01]",
        "lst.md:3: date: date 1969-12-31 is out of range (1970-9000)",
        "lst.md:5: tags: expected a list like [a, b], got true",
    ]


def test_control_characters_leave_titles_on_pages_too(tmp_path: Path, runner: CliRunner) -> None:
    """The feeds dropped a title's BEL, ESC and NUL; the page kept them, raw."""
    text = '---\ntitle: "bell\\a esc\\e nul\\0 end"\ndate: 2024-01-01\nid: ctl\n---\nBody.\n'
    result = build_essays(tmp_path, runner, {"ctl.md": text})
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out/essays/ctl/index.html").read_text()
    assert "<h1>bell esc nul end</h1>" in page
    assert not any(c in page for c in "\a\x1b\x00")


def test_a_tag_typed_two_ways_is_listed_once(tmp_path: Path, runner: CliRunner) -> None:
    """``café`` composed and decomposed both became NFC, and the item carried it twice."""
    text = (
        "---\ntitle: A\ndate: 2024-01-01\nid: a1\ntags: [caf\u00e9, cafe\u0301, caf\u00e9]\n"
        "---\n\nBody.\n"
    )
    assert build_essays(tmp_path, runner, {"a.md": text}).exit_code == 0
    rss = (tmp_path / "out" / "rss.xml").read_text(encoding="utf-8")
    assert rss.count("<category>caf\u00e9</category>") == 1


def test_unbalanced_gitbook_containers_are_warned_at_their_line(
    tmp_path: Path, runner: CliRunner
) -> None:
    """An unclosed ``{% hint %}`` and a stray ``{% endtabs %}`` lost their markup silently."""
    text = (
        "---\ntitle: A\ndate: 2024-01-01\nid: a\n---\n\nIntro.\n\n"
        '{% hint style="info" %}\nNever closed.\n\n{% embed url="https://x.org" %}\n\n'
        "{% endtabs %}\n\n```\n{% hint %}\n```\n"
    )
    result = build_essays(tmp_path, runner, {"a.md": text})
    assert result.exit_code == 0, result.output
    warnings = [ln.split("content/essays/")[1] for ln in result.stderr.splitlines() if "a.md" in ln]
    assert warnings == [
        "a.md:9: body: {% hint %} is never closed by {% endhint %}",
        "a.md:14: body: {% endtabs %} closes no open {% tabs %}",
    ]
    assert "Never closed." in (tmp_path / "out/essays/a/index.html").read_text()


def test_a_title_from_the_h1_reads_as_the_rendered_heading(
    tmp_path: Path, runner: CliRunner
) -> None:
    """GitBook writes ``\\_`` and ``\\#`` escapes and ``&#x20;`` in headings: titles kept them."""
    text = "---\ndate: 2024-01-01\nid: a\n---\n\n# What's \\_new\\_ in C\\# &#x20;2024?\n\nBody.\n"
    result = build_essays(tmp_path, runner, {"a.md": text})
    assert result.exit_code == 0, result.output
    feed = json.loads((tmp_path / "out" / "feed.json").read_text(encoding="utf-8"))
    assert feed["items"][0]["title"] == "What's _new_ in C# 2024?"


def test_a_single_author_is_cleaned_like_a_list_of_them(tmp_path: Path, runner: CliRunner) -> None:
    """``authors: [..]`` lost its control characters; ``authors: "..."`` kept them."""
    text = '---\ntitle: A\ndate: 2024-01-01\nid: a\nauthors: "Ann\\a Lee"\n---\n\nBody.\n'
    assert build_essays(tmp_path, runner, {"a.md": text}).exit_code == 0
    feed = json.loads((tmp_path / "out" / "feed.json").read_text(encoding="utf-8"))
    assert [a["name"] for a in feed["items"][0]["authors"]] == ["Ann Lee"]


def test_a_comment_in_a_code_block_is_no_title(tmp_path: Path, runner: CliRunner) -> None:
    """A ``# comment`` of a shell block was taken for the first H1: a post without a title
    was titled 'install deps' in silence. A fenced block's lines are code; the H1 after it
    is the title, and a post with none is the missing title's error."""
    code = (
        "Intro.\n\n```bash\n# install deps\npip install x\n```\n\n~~~~\n# not this\n~~~~\n"
        "\n- ```\n  # in a list item's fence\n  ```\n\n<pre>\n# in raw HTML\n</pre>\n"
        "\n> # in a quote\n\nUnderlined\n==========\n"  # (the title is the H1 after these)
    )
    titled = "---\ndate: 2024-01-01\nid: a\n---\n" + code + "\n# The title\n\nBody.\n"
    result = build_essays(tmp_path / "t", runner, {"a.md": titled})
    assert result.exit_code == 0, result.output
    feed = json.loads((tmp_path / "t/out/feed.json").read_text(encoding="utf-8"))
    assert feed["items"][0]["title"] == "The title"
    untitled = "---\ndate: 2024-01-01\nid: a\n---\n" + code
    result = build_essays(tmp_path / "u", runner, {"a.md": untitled})
    assert result.exit_code == 2
    assert "essays/a.md:1: title: missing" in result.output
