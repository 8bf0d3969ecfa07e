"""The built sites in headless Chromium, as a reader sees them: nothing scrolls sideways at
360 px or 1280 px, no console errors, the sidebar's links lead to pages, prev/next walk the
whole reading order, the menu opens on a phone, axe-core finds no serious violation, and
dropping a CSS file or a template into the content repository changes the look."""

from __future__ import annotations

import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES, REPO
from tests.site.browser import (
    AXE,
    chromium,
    console_errors,
    needs_axe,
    overflow,
    serious_violations,
    serve,
)
from tests.site.conftest import build


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    with chromium() as d:
        yield d


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bundled")
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "publish.toml", root / "publish.toml")
    result = build(root, root / "out")
    assert result.exit_code == 0, result.output
    return root / "out"


@pytest.fixture(scope="module")
def handbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hb") / "handbook"
    shutil.copytree(FIXTURES / "handbook", root)
    result = build(root, root.parent / "out", content=root)
    assert result.exit_code == 0, result.output
    return root.parent / "out"


def _planted() -> set[str]:
    """File names of the broken images planted in the handbook (its links report them):
    the browser's 404 for them is the content's fault, named by ``publish links``."""
    lines = (FIXTURES / "handbook/EXPECTED_BROKEN.txt").read_text(encoding="utf-8").splitlines()
    return {ln.rsplit("/", 1)[-1] for ln in lines if ln.endswith((".png", ".jpg"))}


def _errors(driver: Any, planted: set[str]) -> list[str]:
    return [
        e for e in console_errors(driver) if e.split(" ", 1)[0].rsplit("/", 1)[-1] not in planted
    ]


def _pages(out: Path) -> list[str]:
    return sorted(
        p.relative_to(out).as_posix().removesuffix("index.html")
        for p in out.rglob("*.html")
        if "http-equiv" not in p.read_text(encoding="utf-8")  # redirect pages: no layout
    )


@pytest.mark.parametrize("name", ["bundled", "handbook"])
def test_no_page_scrolls_sideways_or_logs_errors(
    name: str, request: pytest.FixtureRequest, driver: Any
) -> None:
    out = request.getfixturevalue(name)
    planted = _planted() if name == "handbook" else set()
    pages = _pages(out)
    assert len(pages) > 20
    with serve(out) as base:
        console_errors(driver)
        for width in (360, 1280):
            driver.set_window_size(width, 900)
            for page in pages:
                driver.get(base + page)
                assert overflow(driver) == 0, f"{page} scrolls sideways at {width} px"
                assert _errors(driver, planted) == [], page


def test_sidebar_links_lead_to_pages(handbook: Path, driver: Any) -> None:
    with serve(handbook) as base:
        driver.set_window_size(1280, 900)
        driver.get(base + "essays/hosting-not-ruling/")
        hrefs = driver.execute_script(
            "return [...document.querySelectorAll('#sidebar a')].map(a => a.href)"
        )
        assert len(hrefs) > 30
        for href in hrefs:
            if href.startswith(base):
                with urllib.request.urlopen(href) as response:
                    assert response.status == 200, href
        current = driver.execute_script(
            "return document.querySelector('#sidebar a[aria-current=page]').textContent"
        )
        assert current == "Hosting, not ruling"


def test_prev_next_walk_the_whole_reading_order(handbook: Path, driver: Any) -> None:
    with serve(handbook) as base:
        driver.set_window_size(1280, 900)
        driver.get(base)
        forward = [driver.current_url]
        while driver.find_elements("css selector", "a[rel=next]"):
            driver.find_element("css selector", "a[rel=next]").click()
            assert driver.current_url not in forward
            forward.append(driver.current_url)
        sidebar = driver.execute_script(
            "return [...document.querySelectorAll('#sidebar a')].map(a => a.href)"
        )
        in_order = list(dict.fromkeys(h for h in sidebar if h.startswith(base)))
        assert forward == in_order  # every page of the table of contents, in its order
        backward = [driver.current_url]
        while driver.find_elements("css selector", "a[rel=prev]"):
            driver.find_element("css selector", "a[rel=prev]").click()
            backward.append(driver.current_url)
        assert backward[:-1] == forward[:0:-1]  # back to the first page after the home


def test_the_menu_opens_on_a_phone(bundled: Path, driver: Any) -> None:
    with serve(bundled) as base:
        driver.set_window_size(360, 800)
        driver.get(base + "essays/why-we-gather/")
        sidebar = driver.find_element("id", "sidebar")
        assert not sidebar.is_displayed()
        driver.find_element("css selector", ".menu-button").click()
        assert sidebar.is_displayed()
        link = driver.find_element("link text", "Episodes")
        link.click()
        assert driver.current_url == base + "episodes/"


def test_a_missing_page_shows_the_sites_404(bundled: Path, driver: Any) -> None:
    with serve(bundled) as base:
        driver.set_window_size(1280, 900)
        driver.get(base + "no/such/page/")
        console_errors(driver)  # the 404 status itself is logged; the page's files are not
        assert driver.find_element("tag name", "h1").text == "Page not found"
        driver.find_element("link text", "Essays").click()
        assert driver.current_url == base + "essays/"


@needs_axe
def test_axe_finds_no_serious_violation(bundled: Path, handbook: Path, driver: Any) -> None:
    script = AXE.read_text(encoding="utf-8")
    for out, pages in (
        (
            bundled,
            [
                "",
                "essays/why-we-gather/",
                "essays/",
                "tags/governance/",
                "episodes/001-welcome/",
                "events/release-party/",
                "archive/",
                "404.html",
            ],
        ),
        (handbook, ["", "essays/", "essays/hosting-not-ruling/"]),
    ):
        with serve(out) as base:
            for page in pages:
                driver.get(base + page)
                serious = serious_violations(driver, script)
                assert serious == [], f"{page}: {serious}"


def _look(driver: Any, url: str) -> tuple[str, str]:
    driver.get(url)
    return (
        driver.execute_script("return getComputedStyle(document.body).backgroundColor"),
        driver.execute_script("return document.querySelector('h1').textContent"),
    )


def test_dropping_a_css_file_or_a_template_changes_the_look(tmp_path: Path, driver: Any) -> None:
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copy(REPO / "publish.toml", tmp_path / "publish.toml")
    out = tmp_path / "out"
    assert build(tmp_path, out).exit_code == 0
    driver.set_window_size(1280, 900)
    with serve(out) as base:
        before = _look(driver, base + "essays/why-we-gather/")
        (tmp_path / "static").mkdir()
        (tmp_path / "static/theme.css").write_text("body { background: rgb(250, 240, 200); }\n")
        assert build(tmp_path, out).exit_code == 0
        after_css = _look(driver, base + "essays/why-we-gather/")
        (tmp_path / "templates").mkdir()
        (tmp_path / "templates/page.html.j2").write_text(
            '{% extends "base.html.j2" %}\n{% block main %}<h1>Our own: {{ page.title }}</h1>\n'
            "{{ body | safe }}{% endblock %}\n"
        )
        assert build(tmp_path, out).exit_code == 0
        after_template = _look(driver, base + "essays/why-we-gather/")
    assert before == ("rgb(255, 255, 255)", "Why we gather")
    assert after_css == ("rgb(250, 240, 200)", "Why we gather")
    assert after_template == ("rgb(250, 240, 200)", "Our own: Why we gather")


def _search(driver: Any, url: str, query: str) -> list[str]:
    """Type ``query`` into the search box of the page at ``url``; the result links once the
    box has announced them (its status line)."""
    from selenium.webdriver.support.ui import WebDriverWait

    if url:
        driver.get(url)
    box = WebDriverWait(driver, 20).until(lambda d: d.find_elements("id", "search-input"))[0]
    box.clear()
    box.send_keys(query)
    WebDriverWait(driver, 20).until(
        lambda d: (
            d.find_element("id", "search-status").text
            and d.find_element("id", "search-status").get_attribute("data-query") == query
        )
    )
    links = driver.find_elements("css selector", "#search-results a")
    return [link.get_attribute("href") for link in links]


def test_search_finds_a_word_from_an_essays_body(bundled: Path, driver: Any) -> None:
    assert (bundled / "search/manifest.json").is_file()
    with serve(bundled) as base:
        driver.set_window_size(1280, 900)
        found = _search(driver, base + "essays/", "applaud")  # in the body only
        assert found == [base + "essays/why-we-gather/"]
        assert driver.find_element("id", "search-status").text == "1 result"
        summary = driver.find_element("css selector", "#search-results p").text
        assert summary.startswith("What a small group can do")  # its description
        driver.get(found[0])
        assert driver.find_element("tag name", "h1").text == "Why we gather"
        assert console_errors(driver) == []


def test_search_matches_a_prefix_and_every_word(bundled: Path, driver: Any) -> None:
    with serve(bundled) as base:
        driver.set_window_size(1280, 900)
        assert _search(driver, base, "applau") == [base + "essays/why-we-gather/"]
        assert _search(driver, "", "crowd applaud") == [base + "essays/why-we-gather/"]
        assert _search(driver, "", "applaud zyzzyva") == []
        assert driver.find_element("id", "search-status").text.startswith("No results")
        assert _search(driver, "", "applaud ") == [base + "essays/why-we-gather/"]
        assert _search(driver, "", "applau ") == []  # a finished word is not a prefix
        assert console_errors(driver) == []


@pytest.fixture(scope="module")
def greetings(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("greetings")
    (root / "content/essays").mkdir(parents=True)
    (root / "publish.toml").write_text('[site]\nbase_url = "https://c.example.org/"\n')
    for n, (title, body) in enumerate(
        [
            ("Letters", "Viele Grüße aus Köln, and a naïve café."),
            ("Greetings", "Greetings are the subject here, in plain English."),
            ("Other", "Nothing about letters at all."),
        ]
    ):
        (root / f"content/essays/e{n}.md").write_text(
            f"---\ntitle: {title}\ndate: 2025-01-0{n + 1}\nid: e{n}\n---\n\n{body}\n",
            encoding="utf-8",
        )
    result = build(root, root / "out")
    assert result.exit_code == 0, result.output
    return root / "out"


def test_search_folds_accents_and_case(greetings: Path, driver: Any) -> None:
    with serve(greetings) as base:
        driver.set_window_size(1280, 900)
        letters = [base + "essays/e0/"]
        assert _search(driver, base, "grusse") == letters
        for query in ("grüße", "GRÜSSE", "Grüsse koln", "cafe", "naive", "köl"):
            assert _search(driver, "", query) == letters, query
        # the title counts more than the text
        assert _search(driver, "", "letters") == [base + "essays/e0/", base + "essays/e2/"]
        assert console_errors(driver) == []


def test_the_search_box_folds_words_as_the_index_does(greetings: Path, driver: Any) -> None:
    """search.js and pipeline/syndication/search/tokens.py, on text meant to set them apart."""
    from pipeline.syndication.search.index import shard_key
    from pipeline.syndication.search.tokens import words

    texts = [
        "Grüße aus KÖLN, naïve café",
        "ﬁsh ½ x² İstanbul ΣΟΦΟΣ ὈΔΥΣΣΕΎΣ",
        "e\u0301te\u0301 Ａｂｃ résumé-like_words 12ab",
        "हिन्दी 中文字 עִבְרִית ạ̀ ℌello",
        "a " + "z" * 41 + " " + "y" * 40,
        "emoji 🎉 mixed🎉word",
    ]
    with serve(greetings) as base:
        driver.get(base)
        for text in texts:
            got = driver.execute_script(
                "return document.getElementById('search').searchWords(arguments[0])", text
            )
            assert got == [[w, shard_key(w)] for w in words(text)], text


def test_search_results_by_keyboard(greetings: Path, driver: Any) -> None:
    from selenium.webdriver.common.keys import Keys

    with serve(greetings) as base:
        driver.set_window_size(1280, 900)
        _search(driver, base + "essays/e2/", "greetings")
        box = driver.find_element("id", "search-input")
        assert (
            box.get_attribute("aria-label")
            or driver.find_element("css selector", "label[for=search-input]").get_attribute(
                "textContent"
            )
            == "Search"
        )
        assert driver.find_element("id", "search-status").get_attribute("role") == "status"
        box.send_keys(Keys.ARROW_DOWN)
        focused = driver.switch_to.active_element
        assert focused.get_attribute("href") == base + "essays/e1/"
        focused.send_keys(Keys.ESCAPE)
        assert not driver.find_element("id", "search-panel").is_displayed()
        assert driver.switch_to.active_element.get_attribute("id") == "search-input"
        box.send_keys(Keys.ENTER)  # the first result
        assert driver.current_url == base + "essays/e1/"
        assert console_errors(driver) == []


def test_the_site_works_from_a_sub_path(bundled: Path, tmp_path: Path, driver: Any) -> None:
    """Served at /handbook/ of a host (a GitHub Pages project site): links, the theme and
    search keep working, with the base URL saying nothing about it."""
    shutil.copytree(bundled, tmp_path / "handbook")
    with serve(tmp_path) as host:
        base = host + "handbook/"
        driver.set_window_size(360, 800)
        found = _search(driver, base + "tags/governance/", "applaud")
        assert found == [base + "essays/why-we-gather/"]
        driver.get(base + "essays/why-we-gather/")
        color = driver.execute_script(
            "return getComputedStyle(document.querySelector('.top')).backgroundColor"
        )
        assert color == "rgb(246, 248, 250)"  # the theme's CSS was found
        driver.find_element("css selector", "a[rel=next]").click()
        assert driver.current_url == base + "essays/hosting-not-bossing/"
        assert overflow(driver) == 0
        assert console_errors(driver) == []


def test_a_gitbook_url_with_a_heading_lands_on_that_heading(tmp_path: Path, driver: Any) -> None:
    """``/crewing#roles`` (GitBook's URL of practices/crew.md) ends at our page's heading."""
    root = tmp_path / "space"
    shutil.copytree(FIXTURES / "space", root)
    result = build(root, tmp_path / "out", content=root)
    assert result.exit_code == 0, result.output
    with serve(tmp_path / "out") as base:
        driver.set_window_size(1280, 900)
        driver.get(base + "crewing/#roles")
        assert driver.current_url == base + "practices/crew/#roles"
        assert driver.find_element("tag name", "h1").text == "Crewing"
        assert not console_errors(driver)
