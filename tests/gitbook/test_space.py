"""A Git-synced GitBook space as GitBook lays it out: ``.gitbook.yaml`` names the root, the
first page and the table of contents, and any folder name is a section."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pipeline.cli import main
from tests.hostile.sites import billion_laughs

CONFIG = '[site]\nbase_url = "https://h.example/"\n[content]\nflavour = "{flavour}"\n'


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _build(tmp_path: Path, content: str, flavour: str = "auto") -> Result:
    (tmp_path / "publish.toml").write_text(CONFIG.format(flavour=flavour))
    args = ["build", "--config", str(tmp_path / "publish.toml"), "--content", content]
    return CliRunner().invoke(main, [*args, "--out", str(tmp_path / "out")])


def _pages(out: Path) -> list[str]:
    return sorted(p.parent.relative_to(out).as_posix() for p in out.rglob("index.html"))


def test_gitbook_yaml_root_readme_and_summary_are_honoured(tmp_path: Path) -> None:
    """``.gitbook.yaml`` was ignored: every URL got a ``/docs/`` prefix, the table of contents
    became a page and the repository's own README the home page."""
    _write(
        tmp_path / "repo",
        {
            ".gitbook.yaml": "root: ./docs/\n\nstructure:\n  readme: intro.md\n"
            "  summary: table-of-contents.md\n",
            "README.md": "# The repository\n\nNot part of the handbook.\n",
            "docs/intro.md": "# Welcome\n\nThe handbook.\n",
            "docs/table-of-contents.md": "# Table of contents\n\n* [Welcome](intro.md)\n\n"
            "## People\n\n* [Onboarding](people/onboarding.md)\n",
            "docs/people/onboarding.md": "# Onboarding\n\nDay one.\n",
            "docs/people/draft.md": "# Not listed\n",
        },
    )
    result = _build(tmp_path, str(tmp_path / "repo"))
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    # onboarding/: GitBook's URL of the page (its title), a redirect to people/onboarding/
    assert _pages(out) == [".", "onboarding", "people/onboarding"]
    assert 'url=../people/onboarding/"' in (out / "onboarding" / "index.html").read_text()
    assert '<h1 id="welcome">Welcome</h1>' in (out / "index.html").read_text()
    said = result.stderr.replace("table-of-contents.md:", "").replace("in table-of-contents.md", "")
    assert "table-of-contents" not in said  # no page of it
    assert "not in table-of-contents.md" in result.stderr and "people/draft.md" in result.stderr


def test_a_gitbook_yaml_root_outside_the_content_is_refused(tmp_path: Path) -> None:
    _write(tmp_path / "repo", {".gitbook.yaml": "root: ../elsewhere/\n", "a.md": "# A\n"})
    (tmp_path / "elsewhere").mkdir()
    result = _build(tmp_path, str(tmp_path / "repo"))
    assert result.exit_code == 3, result.output
    assert ".gitbook.yaml:1: gitbook: root: '../elsewhere/' is outside the content folder" in (
        result.stderr
    )


def test_a_summary_outside_the_space_is_refused(tmp_path: Path) -> None:
    """``summary: ../../etc/hostname`` once built an empty site with exit 0, removing every
    page published before."""
    _write(tmp_path / "space", {".gitbook.yaml": "structure:\n  summary: ../../etc/x\n"})
    result = _build(tmp_path, str(tmp_path / "space"))
    assert result.exit_code == 3, result.output
    assert "summary: '../../etc/x' is not a file inside the space's root" in result.stderr


def test_a_readme_outside_the_space_is_left_out_with_a_warning(tmp_path: Path) -> None:
    """A real space names its repository's README above ``root: ./docs/`` as its first page;
    that file is not a page of the space: the home page is made without it, and said so."""
    _write(
        tmp_path / "repo",
        {
            ".gitbook.yaml": "root: ./docs/\n\nstructure:\n    readme: ../README.md\n",
            "README.md": "# The repository\n",
            "docs/SUMMARY.md": "# Summary\n\n* [Guide](guide.md)\n",
            "docs/guide.md": "# Guide\n\nRead me.\n",
        },
    )
    result = _build(tmp_path, str(tmp_path / "repo" / "docs"))
    assert result.exit_code == 0, result.output
    assert (
        ".gitbook.yaml:4: readme: '../README.md' is outside the space's root; the home page is "
        "made without it"
    ) in result.stderr
    assert _pages(tmp_path / "out") == [".", "guide"]
    assert "The repository" not in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")


def test_gitbook_mode_without_a_table_of_contents_is_an_error(tmp_path: Path) -> None:
    """It once built "0 pages" and exited 0."""
    _write(tmp_path / "space", {"README.md": "# Home\n", "guide.md": "# Guide\n"})
    result = _build(tmp_path, str(tmp_path / "space"), flavour="gitbook")
    assert result.exit_code == 2, result.output
    assert "SUMMARY.md:1: summary: GitBook mode needs this table of contents" in result.stderr


def test_newsletter_and_templates_sections_are_content(tmp_path: Path) -> None:
    """Folders of those names were skipped wherever they were: a handbook's Newsletter
    section vanished. Only the newsletter's own folders (beside the config) are skipped."""
    _write(
        tmp_path / "space",
        {
            "SUMMARY.md": "# Summary\n\n* [Home](README.md)\n* [Newsletter](newsletter/README.md)\n"
            "* [Meeting notes](templates/meeting-notes.md)\n",
            "README.md": "# Home\n",
            "newsletter/README.md": "# Newsletter\n\nHow we write it.\n",
            "templates/meeting-notes.md": "# Meeting notes\n\nA template.\n",
        },
    )
    result = _build(tmp_path, str(tmp_path / "space"))
    assert result.exit_code == 0, result.output
    pages = [".", "meeting-notes", "newsletter", "templates/meeting-notes"]
    assert _pages(tmp_path / "out") == pages  # meeting-notes/: GitBook's URL, a redirect


def test_the_newsletters_own_templates_inside_the_content_are_skipped(tmp_path: Path) -> None:
    """A space kept at the top of its repository: the newsletter's templates are not pages."""
    _write(
        tmp_path,
        {
            "README.md": "# Home\n",
            "guide.md": "# Guide\n",
            "templates/newsletter/digest.md": "# {{ title }}\n",
        },
    )
    result = _build(tmp_path, str(tmp_path), flavour="plain")
    assert result.exit_code == 0, result.output
    assert _pages(tmp_path / "out") == [".", "guide"]


@pytest.mark.parametrize(
    ("yaml_text", "line", "words"),
    [
        ("root: " + "[" * 5_000 + "]" * 5_000 + "\n", 1, "YAML nested more than 100 levels"),
        ("structure: &s {readme: *s}\n", 1, "a YAML alias refers to the value it is part of"),
        (billion_laughs(5) + "\nroot: *a4\n", 5, "YAML aliases expand to more than 10000 nodes"),
    ],
    ids=["deep", "cycle", "bomb"],
)
def test_a_hostile_gitbook_yaml_is_a_configuration_error(
    tmp_path: Path, yaml_text: str, line: int, words: str
) -> None:
    """``.gitbook.yaml`` was read with no bounds: 5,000 nested brackets crashed the build
    (RecursionError, exit 1); it is now read as front matter is."""
    _write(tmp_path / "repo", {".gitbook.yaml": yaml_text, "SUMMARY.md": "* [A](a.md)\n"})
    _write(tmp_path / "repo", {"a.md": "# A\n"})
    result = _build(tmp_path, str(tmp_path / "repo"))
    assert result.exit_code == 3, result.output
    assert f".gitbook.yaml:{line}: gitbook: cannot read it: {words}" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_gitbook_yaml_key_that_git_sync_does_not_read_is_named_at_its_line(
    tmp_path: Path,
) -> None:
    """Real spaces (arweave, BrighterCommand) have ``structure:`` after a zero-width space:
    a key no one reads, which was ignored without a word."""
    _write(
        tmp_path / "space",
        {
            ".gitbook.yaml": "root: ./\n\u200bstructure:\n  readme: README.md\n"
            "  sumary: SUMMARY.md\n",
            "README.md": "# Home\n",
            "SUMMARY.md": "# Summary\n\n* [Home](README.md)\n",
        },
    )
    result = _build(tmp_path, str(tmp_path / "space"))
    assert result.exit_code == 0, result.output
    assert (
        ".gitbook.yaml:2: gitbook: unknown key '\\u200bstructure' (it holds U+200B ZERO WIDTH "
        "SPACE, which cannot be seen): not read; expected one of root, structure, redirects"
    ) in result.stderr
    assert ".gitbook.yaml:4" not in result.stderr  # under a key not read: not looked at
    _write(tmp_path / "space", {".gitbook.yaml": "structure:\n  sumary: SUMMARY.md\n"})
    result = _build(tmp_path, str(tmp_path / "space"))
    assert result.exit_code == 0, result.output
    assert (
        ".gitbook.yaml:2: gitbook: unknown key 'structure.sumary': not read; expected one of "
        "readme, summary"
    ) in result.stderr


@pytest.mark.parametrize("linked", ["SUMMARY.md", ".gitbook.yaml", "dates.yml"])
def test_a_file_that_steers_the_build_linked_out_of_the_content_is_refused(
    tmp_path: Path, linked: str
) -> None:
    """SUMMARY.md, ``.gitbook.yaml`` or the dates file as a symbolic link to a file outside
    the content folder was read: the outside file's group heading was in every page's menu,
    exit 0 (pages linked out were already refused)."""
    outside = tmp_path / "outside"
    texts = {
        "SUMMARY.md": "# Outside\n\n## SECRET-OUTSIDE\n\n* [P](p.md)\n",
        ".gitbook.yaml": "root: ./\n# SECRET-OUTSIDE\n",
        "dates.yml": "p.md: 2001-02-03 # SECRET-OUTSIDE\n",
    }
    _write(outside, {linked: texts[linked]})
    _write(tmp_path / "space", {"SUMMARY.md": "# S\n\n* [P](p.md)\n", "p.md": "# P\n\nText.\n"})
    (tmp_path / "space" / linked).unlink(missing_ok=True)
    (tmp_path / "space" / linked).symlink_to(outside / linked)
    result = _build(tmp_path, str(tmp_path / "space"), flavour="gitbook")
    expected = 3 if linked == ".gitbook.yaml" else 2
    assert result.exit_code == expected, result.output
    assert f"{linked}:1: " in result.stderr
    assert "a symbolic link to a file outside the content folder; refused" in result.stderr
    assert "SECRET-OUTSIDE" not in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("key", ["dates_file", "summary", "readme"])
@pytest.mark.parametrize("value", ["../dates.yml", "/etc/passwd", "a/../../b.md", "~/x.yml"])
def test_a_content_file_named_outside_the_content_folder_is_a_configuration_error(
    tmp_path: Path, key: str, value: str
) -> None:
    """``dates_file = "../x.yml"`` (or ``/etc/passwd``) was read, quoted in its errors, and
    written by ``publish dates --suggest --write``."""
    _write(tmp_path / "space", {"SUMMARY.md": "# S\n\n* [P](p.md)\n", "p.md": "# P\n"})
    config = tmp_path / "publish.toml"
    config.write_text(CONFIG.format(flavour="gitbook") + f"{key} = {value!r}\n".replace("'", '"'))
    for args in (
        ["build", "--out", str(tmp_path / "out")],
        ["dates", "--suggest", "--write"],
    ):
        result = CliRunner().invoke(
            main, [*args, "--config", str(config), "--content", str(tmp_path / "space")]
        )
        assert result.exit_code == 3, result.output
        assert f"publish.toml:5: content.{key}: " in result.stderr
        assert "content folder" in result.stderr
    assert not (tmp_path / "out").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["publish.toml", "space"]


def test_a_table_of_contents_of_another_name_is_named_in_its_warnings(tmp_path: Path) -> None:
    """With ``structure.summary: toc.md`` an entry listed twice was reported at
    ``SUMMARY.md:5``, a file the space does not have."""
    _write(
        tmp_path / "repo",
        {
            ".gitbook.yaml": "structure:\n  summary: toc.md\n",
            "README.md": "# Intro\n",
            "a.md": "# A\n",
            "toc.md": "# Contents\n\n* [Intro](README.md)\n* [A](a.md)\n* [A again](a.md)\n",
        },
    )
    result = _build(tmp_path, str(tmp_path / "repo"))
    assert result.exit_code == 0, result.output
    assert "toc.md:5: summary: a.md is listed twice; the first place is used" in result.stderr
    assert "SUMMARY.md" not in result.stderr


@pytest.mark.parametrize("flavour", ["auto", "gitbook"])
def test_a_table_of_contents_the_space_file_names_and_lacks_is_an_error(
    tmp_path: Path, flavour: str
) -> None:
    """``structure.summary: nope/toc.md`` missing: with ``flavour = "auto"`` the build took
    the space for a folder of pages, published its SUMMARY.md as the page /summary/ and
    said nothing of ``.gitbook.yaml`` (exit 0)."""
    _write(
        tmp_path / "repo",
        {
            ".gitbook.yaml": "root: ./docs/\nstructure:\n  readme: intro.md\n  summary: nope/toc.md\n",
            "docs/intro.md": "# Intro\n\nhello\n",
            "docs/SUMMARY.md": "# Summary\n\n* [Intro](intro.md)\n",
        },
    )
    result = _build(tmp_path, str(tmp_path / "repo"), flavour=flavour)
    assert result.exit_code == 3, result.output
    assert (
        ".gitbook.yaml:4: gitbook: summary: 'nope/toc.md' is not a file in the space's root"
    ) in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_table_of_contents_over_the_file_size_limit_is_refused_unread(tmp_path: Path) -> None:
    """A page over ``max_file_bytes`` was refused, SUMMARY.md of any size read (100 MB: 21 s)."""
    _write(tmp_path / "space", {"SUMMARY.md": "# S\n\n" + "* [P](p.md)\n" * 2000, "p.md": "# P\n"})
    (tmp_path / "publish.toml").write_text(
        CONFIG.format(flavour="gitbook") + "max_file_bytes = 10000\n"
    )
    args = ["build", "--config", str(tmp_path / "publish.toml"), "--content"]
    result = CliRunner().invoke(
        main, [*args, str(tmp_path / "space"), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2, result.output
    assert "SUMMARY.md:1: file: file is 24005 bytes, over the limit of 10000" in result.stderr
