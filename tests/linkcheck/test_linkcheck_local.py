"""Local links: files, folders, anchors, case and Unicode mismatches, the site's own URLs."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.linkcheck.local import LocalChecker
from pipeline.linkcheck.results import BROKEN, OK, Outcome
from pipeline.linkcheck.sitepaths import classify
from pipeline.model import LinkRef, SourceDoc

BASE = "https://community.example/"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for rel, text in {
        "README.md": "# Home\n",
        "essays/README.md": "# Essays\n",
        "essays/first.md": "# First\n",
        "essays/Second.md": "# Second\n",
        "practice/README.md": "# Practice\n",
        "media/handbook.pdf": "%PDF",
        ".gitbook/assets/diagram.png": "png",
    }.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    # a file name stored decomposed (NFD), as macOS and some sync tools write it
    (tmp_path / "essays" / unicodedata.normalize("NFD", "café.md")).write_text("# Café\n")
    return tmp_path


DOCS = [
    SourceDoc(
        "essays/first.md",
        (),
        frozenset({"first", "getting-started", "going-further", "custom-id"}),
        ("First", "Getting started", "Going further"),
    ),
    SourceDoc("essays/Second.md", (), frozenset({"second", "a-second-look"})),
]


def checker(tree: Path) -> LocalChecker:
    return LocalChecker(
        tree,
        DOCS,
        base_url=BASE,
        permalinks={"/essays/first/": "essays/first.md"},
        redirects={"/old/first-steps/": "essays/first.md", "/old/removed/": "essays/gone.md"},
    )


def run(tree: Path, url: str, source: str = "essays/first.md") -> tuple[str, str, str]:
    o = checker(tree).check(LinkRef(source, 3, url, "text"))
    return o.status, o.reason, o.suggestion


def test_classify() -> None:
    assert classify("../a.md", BASE) == "local"
    assert classify("#x", BASE) == "local"
    assert classify("/essays/x/", BASE) == "site"
    assert classify("https://www.community.example/x", BASE) == "site"
    assert classify("https://elsewhere.example/x", BASE) == "remote"
    assert classify("//elsewhere.example/x", BASE) == "remote"
    assert classify("mailto:a@b.example", BASE) == "skip"


@pytest.mark.parametrize(
    "url",
    [
        "Second.md",
        "Second.md#a-second-look",
        "./Second.md",
        "../README.md",
        "../practice/",
        "../practice",
        "../media/handbook.pdf#page=2",
        "../.gitbook/assets/diagram.png",
        "#getting-started",
        "#custom-id",
        "",
        "Second%2Emd",
    ],
)
def test_good_links(tree: Path, url: str) -> None:
    assert run(tree, url)[0] == OK, run(tree, url)


def test_case_only_difference_is_named(tree: Path) -> None:
    status, reason, suggestion = run(tree, "second.md")
    assert status == BROKEN
    assert reason == (
        "file name differs only by case: the link writes 'essays/second.md', "
        "the file is 'essays/Second.md'"
    )
    assert suggestion == "link to Second.md"


def test_nfc_link_to_nfd_file_is_named(tree: Path) -> None:
    status, reason, suggestion = run(tree, unicodedata.normalize("NFC", "café.md"))
    assert status == BROKEN
    assert "differs only in Unicode normalisation" in reason
    assert "in NFC, the file on disk is named in NFD" in reason
    assert suggestion == "rename the file to its NFC (composed) form"


def test_missing_file_suggests_the_renamed_file(tree: Path) -> None:
    assert run(tree, "firstt.md") == (
        BROKEN,
        "file not found: essays/firstt.md",
        "did you mean first.md?",
    )


def test_root_relative_image_from_a_subfolder_suggests_the_right_path(tree: Path) -> None:
    status, reason, suggestion = run(tree, ".gitbook/assets/diagram.png")
    assert (status, reason) == (BROKEN, "file not found: essays/.gitbook/assets/diagram.png")
    assert suggestion == "did you mean ../.gitbook/assets/diagram.png?"


def test_folder_without_index(tree: Path) -> None:
    assert run(tree, "../media/")[:2] == (BROKEN, "folder media has no README.md or index.md")


def test_escaping_the_root_is_refused(tree: Path) -> None:
    status, reason, _ = run(tree, "../../etc/passwd")
    assert status == BROKEN and reason.startswith("refused: ")
    assert "outside the content root" in reason


def test_symlink_out_of_the_root_is_refused(
    tree: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    (outside / "secret.md").write_text("# secret")
    (tree / "essays" / "link.md").symlink_to(outside / "secret.md")
    status, reason, _ = run(tree, "link.md")
    assert status == BROKEN and "outside the content root" in reason


def test_broken_same_page_anchor_suggests_the_nearest_heading(tree: Path) -> None:
    assert run(tree, "#geting-started") == (
        BROKEN,
        "anchor #geting-started not found on this page",
        "nearest heading: #getting-started",
    )


def test_broken_cross_page_anchor(tree: Path) -> None:
    status, reason, suggestion = run(tree, "Second.md#a-second-lok")
    assert status == BROKEN
    assert reason == "anchor #a-second-lok not found in essays/Second.md"
    assert suggestion == "nearest heading: #a-second-look"


def test_anchor_differing_only_by_case(tree: Path) -> None:
    status, reason, suggestion = run(tree, "#Getting-Started")
    assert status == BROKEN and "differs only by case" in reason
    assert suggestion == "use #getting-started"


def test_site_url_by_permalink_and_redirect(tree: Path) -> None:
    assert run(tree, "https://community.example/essays/first/")[0] == OK
    assert run(tree, "https://community.example/essays/first/#going-further")[0] == OK
    assert run(tree, "/essays/first")[0] == OK
    status, reason, _ = run(tree, "https://community.example/old/first-steps/")
    assert status == OK and reason == "redirect /old/first-steps -> essays/first.md"
    status, reason, _ = run(tree, "https://community.example/old/first-steps/#nope")
    assert status == BROKEN and "anchor #nope" in reason


def test_site_url_to_a_missing_page(tree: Path) -> None:
    status, reason, suggestion = run(tree, "https://community.example/essays/frist/")
    assert status == BROKEN
    assert reason.startswith("no page at /essays/frist on this site")
    assert suggestion == "did you mean /essays/first?"
    status, reason, _ = run(tree, "https://community.example/old/removed/")
    assert (status, reason) == (BROKEN, "redirect /old/removed -> file not found: essays/gone.md")


def test_site_url_never_reads_outside_the_root(tree: Path) -> None:
    status, reason, _ = run(tree, "https://community.example/../../etc/passwd")
    assert status == BROKEN and reason.startswith("refused: ")


def _classified_by_urlsplit(url: str) -> str:
    """What ``classify`` says of a URL with no scheme, from urlsplit's own reading."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "malformed"
    if parts.netloc or parts.scheme or url.startswith("//"):
        return "not a path"  # a host (or the empty one of //): classified by it
    return "site" if url.startswith("/") else "local"


@settings(max_examples=2000)
@given(st.text(alphabet="/ .\t\n\x00\x1f\xa0[]#?a%é", max_size=10))
@example(" //[a")
@example("\x00//[")
@example("/\t/[a")
@example("/\n/a]")
def test_a_path_without_a_scheme_is_classified_as_urlsplit_reads_it(url: str) -> None:
    """Relative links skip urlsplit (a fast path for every link of every page): what it
    strips (leading blanks, C0 controls) or removes (tabs, line breaks) could make ``//host``
    of ``/\\t/host``, so such text still goes through it."""
    expected = _classified_by_urlsplit(url)
    if expected != "not a path":
        assert classify(url, "https://example.org/") == expected


def test_an_anchor_in_a_local_html_file_is_looked_for(tree: Path) -> None:
    """``[x](slides/deck.html#missing)`` was ok whatever the file held: an HTML file is
    copied as it is, so its anchors are the ids a browser finds in it."""
    (tree / "slides").mkdir()
    (tree / "slides" / "deck.html").write_text(
        '<h2 id="intro">Intro</h2><!-- <p id="old"> --><a name="legacy">x</a>', encoding="utf-8"
    )
    links = LocalChecker(tree, DOCS, base_url=BASE, html_anchors=True)

    def check(url: str) -> Outcome:
        return links.check(LinkRef("essays/first.md", 3, url, "text"))

    for ok in ("#intro", "#legacy", "#top", ""):
        assert check(f"../slides/deck.html{ok}").status == OK, ok
    missing = check("../slides/deck.html#missing")
    assert missing.status == BROKEN and "slides/deck.html" in missing.reason
    assert check("../slides/deck.html#old").status == BROKEN  # only in a comment
    # the build's warnings ("points at nothing") leave anchors to publish links
    assert (
        checker(tree).check(LinkRef("essays/first.md", 3, "../slides/deck.html#x", "")).status == OK
    )
