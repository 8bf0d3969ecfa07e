"""SUMMARY.md parsing and its application to loaded items (pipeline.load.summary)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pipeline.config import Config, ContentConfig
from pipeline.errors import ContentError
from pipeline.load import pagenames
from pipeline.load.loader import load_site
from pipeline.load.pagenames import PageNames, page_resolver, resolve_target
from pipeline.load.summary import not_listed, place_pages, read_dates, undated
from pipeline.load.toc import TocEntry, parse_summary
from pipeline.support.text import nfc
from tests.hostile.sites import billion_laughs
from tests.timing import times_at

TOC = """\
# Table of contents

* [Home](README.md)

## Essays & Notes

* [Essays](essays/)
  * [Why *small* groups](<essays/why small (draft).md>)
    * [Deeper](essays/deep\\_dive.md)
  * [Money](essays/money)
* [Elsewhere](https://forum.example.net/)

## Archive

1. [Old notes](archive/Old-Notes.md)
2. [Again](essays/money.md)
3. [Gone](archive/missing.md)
"""


def test_parse_summary_levels_groups_and_targets() -> None:
    entries = parse_summary(TOC)
    assert [(e.title, e.target, e.depth, e.line) for e in entries] == [
        ("Home", "README.md", 0, 3),
        ("Essays", "essays/", 0, 7),
        ("Why small groups", "essays/why small (draft).md", 1, 8),
        ("Deeper", "essays/deep_dive.md", 2, 9),
        ("Money", "essays/money", 1, 10),
        ("Elsewhere", "https://forum.example.net/", 0, 11),
        ("Old notes", "archive/Old-Notes.md", 0, 15),
        ("Again", "essays/money.md", 0, 16),
        ("Gone", "archive/missing.md", 0, 17),
    ]
    assert [e.section for e in entries] == ["home", *["essays-notes"] * 5, *["archive"] * 3]
    assert entries[1].has_children and entries[2].has_children and not entries[3].has_children
    assert entries[5].external and not entries[0].external


def test_place_pages_resolves_folders_case_and_reports_problems() -> None:
    sources = [
        "README.md",
        "essays/README.md",
        "essays/why small (draft).md",
        "essays/deep_dive.md",
        "essays/money.md",
        "archive/old-notes.md",
    ]
    placed, problems = place_pages(parse_summary(TOC), sources)
    assert [p.source for p in sorted(placed.values(), key=lambda p: p.order)] == [
        "README.md",
        "essays/README.md",
        "essays/why small (draft).md",
        "essays/deep_dive.md",
        "essays/money.md",
        "archive/old-notes.md",
    ]
    assert placed["README.md"].navigation and placed["essays/README.md"].navigation
    assert not placed["essays/money.md"].navigation
    messages = [f"{p.line}: {p.message}" for p in problems]
    assert any(m.startswith("15: ") and "case differs" in m for m in messages)
    assert any(m.startswith("16: ") and "listed twice" in m for m in messages)
    assert any(m.startswith("17: ") and "is not a page" in m for m in messages)


def _write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _cfg(dates_file: str = "dates.yml") -> Config:
    return Config(content=ContentConfig(flavour="auto", dates_file=dates_file))


@pytest.fixture
def book(tmp_path: Path) -> Path:
    root = tmp_path / "book"
    _write(
        root,
        "SUMMARY.md",
        "# Contents\n\n* [Home](README.md)\n* [A](a.md)\n* [B](b.md)\n* [C](c.md)\n",
    )
    _write(root, "README.md", "# Home\n")
    _write(root, "a.md", "---\ndate: 2020-01-01\n---\n# A\n\nText.\n")
    _write(root, "b.md", "# B\n\nText.\n")
    _write(root, "c.md", "# C\n\nText.\n")
    _write(root, "d.md", "# D\n\nNot listed.\n")
    _write(root, "dates.yml", "b.md: 2021-02-03\n'./a.md': 1999-01-01\n")
    return root


def test_dates_from_front_matter_then_dates_file(book: Path) -> None:
    site = load_site(_cfg(), book)
    items = {i.source: i for i in site.items}
    assert items["a.md"].kind == "essay" and items["a.md"].date.year == 2020  # type: ignore[union-attr]
    assert items["b.md"].kind == "essay" and str(items["b.md"].date) == "2021-02-03 00:00:00+00:00"
    assert items["c.md"].kind == "page" and items["c.md"].date is None
    assert items["README.md"].kind == "page"
    assert items["d.md"].draft
    found = {(w.path.rsplit("/", 1)[-1], w.message) for w in site.warnings}
    assert ("c.md", undated("SUMMARY.md")) in found
    assert ("d.md", not_listed("SUMMARY.md")) in found


def test_auto_mode_needs_summary_not_just_assets(book: Path) -> None:
    (book / "SUMMARY.md").unlink()
    (book / ".gitbook" / "assets").mkdir(parents=True)
    (book / "a.md").write_text("# A\n\nText.\n", encoding="utf-8")
    site = load_site(_cfg(), book)
    assert all(i.kind == "page" and not i.draft for i in site.items)
    assert not any(w.message == not_listed("SUMMARY.md") for w in site.warnings)


def test_dates_file_entry_naming_no_page_is_a_warning(book: Path) -> None:
    (book / "dates.yml").write_text("b.md: 2021-02-03\nrenamed.md: 2020-01-01\n")
    site = load_site(_cfg(), book)
    assert any("'renamed.md' is not a page" in w.message and w.line == 2 for w in site.warnings)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("a.md: 2020-01-01\nb.md: [nope\n", 3, "YAML syntax error"),
        ("- a.md\n", 1, "expected a map"),
        ("a.md: " + "[" * 5_000 + "]" * 5_000 + "\n", 1, "YAML nested more than 100 levels"),
        ("a.md: &a [*a]\n", 1, "a YAML alias refers to the value it is part of"),
        (billion_laughs(5) + "\n", 5, "YAML aliases expand to more than 10000 nodes"),
        ("a.md: 2020-01-01\nb.md: next tuesday\n", 2, "expected a date"),
        ("a.md: 2020-01-01\nb.md: 2021-13-01\n", 2, "b.md: cannot read '2021-13-01': "),
        ("a.md: 2021-02-30T10:00:00\n", 1, "a.md: cannot read '2021-02-30T10:00:00': "),
    ],
)
def test_malformed_dates_file_is_a_content_error(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    (tmp_path / "dates.yml").write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        read_dates(tmp_path, "dates.yml", ZoneInfo("UTC"))
    problem = caught.value.problems[0]
    assert problem.line == line and words in problem.message
    assert problem.path.endswith("dates.yml")


def test_a_dates_file_of_thousands_of_pages_is_read(tmp_path: Path) -> None:
    """6,000 pages write 12,001 YAML nodes and no alias: read as written, where the bound
    meant for alias bombs refused it as one (a space past 5,000 pages could keep no dates
    file); aliases adding as many nodes are still refused."""
    lines = [f"p/p{n}.md: 2024-01-{1 + n % 28:02d}\n" for n in range(6_000)]
    (tmp_path / "dates.yml").write_text("".join(lines), encoding="utf-8")
    dates = read_dates(tmp_path, "dates.yml", ZoneInfo("UTC"))
    assert len(dates) == 6_000 and dates["p/p5999.md"].day == 8
    bomb = "".join(lines[:10]) + "x: &x [" + ", ".join(["1"] * 2_000) + "]\n"
    bomb += "".join(f"y{n}: *x\n" for n in range(6))
    (tmp_path / "dates.yml").write_text(bomb, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        read_dates(tmp_path, "dates.yml", ZoneInfo("UTC"))
    assert "YAML aliases expand to more than 10000 nodes" in caught.value.problems[0].message


def test_dates_file_name_is_configurable(book: Path) -> None:
    (book / "dates.yml").rename(book / "when.yaml")
    site = load_site(_cfg(dates_file="when.yaml"), book)
    assert {i.source: i.kind for i in site.items}["b.md"] == "essay"


def test_page_names_resolve_as_a_plain_map_does() -> None:
    """PageNames keeps its case-folded map made once; every answer is the plain map's."""
    sources = ["README.md", "essays/README.md", "essays/Money.md", "Archive/old.md", "a/b.md"]
    names = PageNames(sources)
    plain = {nfc(s): s for s in sources}
    assert dict(names) == plain
    for target in ("essays/", "essays/money", "ESSAYS/MONEY.md", "archive/OLD.md", "a/b", "x.md"):
        assert names.resolve(target) == resolve_target(target, plain), target
    assert page_resolver(sources)("essays/money.md")[0] == "essays/Money.md"


def _place_missing(n: int) -> Callable[[], None]:
    """Placing n SUMMARY.md links to pages the space does not have, among n pages."""
    sources = [f"essays/post-{i:06d}.md" for i in range(n)]
    entries = [TocEntry(f"T{i}", f"gone/page-{i}.md", i + 1, 0, "", f"T{i}") for i in range(n)]

    def place() -> None:
        pagenames._page_names.cache_clear()  # each run resolves anew (no answer kept)
        placed, problems = place_pages(entries, sources)
        assert not placed and len(problems) == n

    return place


def test_links_to_missing_pages_cost_time_linear_in_the_table() -> None:
    """Each link that names no page was looked up in a case-folded copy of every page's name,
    made again per link: quadratic (8 s at 10,000 such links)."""
    n = 4_000  # small enough for the pages' names to stay in the processor's caches
    runs = {size: _place_missing(size) for size in (n, 2 * n)}  # made outside what is timed
    small, large = times_at(lambda size: runs[size](), n, ratio=2.5, slack=0, repeats=7)
    assert large <= 2.5 * small, f"{small:.3f} s at n, {large:.3f} s at 2n"


def test_the_case_folded_names_are_made_once(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[int] = []
    real = pagenames._folded

    def counted(sources: Mapping[str, str]) -> dict[str, str]:
        made.append(len(sources))
        return real(sources)

    monkeypatch.setattr(pagenames, "_folded", counted)
    _place_missing(500)()
    assert made == [500]


def test_pages_nested_past_nine_levels_are_placed() -> None:
    """GitBook sets no limit to nesting; markdown-it's default (20 tokens: nine list levels)
    dropped the deeper pages, and every page after them, as "not in SUMMARY.md". (18 levels
    are read now.)"""
    lines = ["# Summary\n\n"]
    lines += ["  " * n + f"* [Level {n}](l{n}.md)\n" for n in range(12)]
    lines += ["* [After](after.md)\n", "    * [Tabbed](tabbed.md)\n"]
    entries = parse_summary("".join(lines))
    assert [(e.target, e.depth) for e in entries] == [
        *((f"l{n}.md", n) for n in range(12)),
        ("after.md", 0),
        ("tabbed.md", 1),
    ]
    assert {e.parent for e in entries[:12]} == {"Level 0"}


def test_one_table_of_pages_answers_each_target_once_and_alike() -> None:
    """The readers of one SUMMARY.md (loading, navigation, the space's old URLs) share the
    pages' table and its answers: each answer is the one a plain map of the pages gives,
    notes on case included, and other pages get a table of their own."""
    from pipeline.load.pagenames import page_names

    sources = ["README.md", "Guide/Setup.md", "guide/other.md", "tools/README.md"]
    names = page_names(sources)
    assert page_names(list(sources)) is names
    assert page_names([*sources, "more.md"]) is not names
    plain = {s: s for s in sources}
    for target in ["guide/setup.md", "Guide/Setup.md", "tools", "tools/", "./README.md", "nope"]:
        expected = resolve_target(target, plain)
        assert resolve_target(target, names) == expected
        assert resolve_target(target, names) == expected  # the kept answer
    assert resolve_target("guide/setup.md", names)[1]  # only the case differs: said
    assert set(names.resolved) >= {"guide/setup.md", "tools", "nope"}
