"""The renderer's shortcuts give the general rule's answers: plain URLs are resolved without
urllib, ASCII headings are slugged by a table."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from urllib.parse import quote, urljoin, urlsplit

from hypothesis import example, given
from hypothesis import strategies as st

from pipeline.render.links import PageContext
from pipeline.render.slugs import github_slug
from pipeline.support.paths import is_external, url_scheme
from tests.timing import assert_linear

URL_CHARS = "aZ09+-.:/?#[]@%;~_ \t\r\n\x00\x1f\x7fé℀ａ"
URLS = st.one_of(
    st.text(st.sampled_from(URL_CHARS), max_size=16),
    st.tuples(
        st.sampled_from(
            ["", "https:", "HTTP:", "mailto:", "a+b.c-d:", "1a:", " https:", "ht\ttp:"]
        ),
        st.sampled_from(["", "//", "/", "///"]),
        st.text(st.sampled_from(URL_CHARS), max_size=10),
    ).map("".join),
)


def outcome(fn: Callable[..., object], *args: str) -> object:
    """The result, or the exception's type and message: both must agree."""
    try:
        return fn(*args)
    except ValueError as exc:
        return type(exc).__name__, str(exc)


@given(URLS)
@example("https://[::1/x")
@example("//ex℀ample.org/")
@example(" javascript:alert(1)")
def test_url_scheme_is_urlsplits(url: str) -> None:
    assert outcome(url_scheme, url) == outcome(lambda u: urlsplit(u).scheme, url)
    assert outcome(is_external, url) == outcome(
        lambda u: bool(urlsplit(u).scheme) or u.startswith("//"), url
    )


PAGE_URLS = st.one_of(
    st.tuples(
        st.sampled_from(["https://e.org", "http://u@e.org:8080", "HTTPS://E.ORG", "ftp://e.org"]),
        st.lists(st.sampled_from(["a", "b c", ".", "..", "", "x;p", "é", "i.html"]), max_size=4),
        st.sampled_from(["", "/", "?q=1", "#f"]),
    ).map(lambda t: t[0] + "".join("/" + s for s in t[1]) + t[2]),
    st.sampled_from(
        ["https://e.org", "//e.org/a/", "/a/b/", "", "http://[::1]/a/", "https://é.org/a/"]
    ),
)
REL_PAGES = st.lists(
    st.sampled_from(["..", ".", "", "a", "b c", "%2e%2e", "é", ";", "@x", "~", "...", "x.md"]),
    min_size=1,
    max_size=6,
).map("/".join)


@given(PAGE_URLS, REL_PAGES, st.sampled_from([".md", "/", ""]))
@example("https://e.org/essays/x/", "../../../p", ".md")
@example("https://e.org/a/b.html", "../", ".md")
@example("https://e.org/a/b/", "x/../y", ".md")
@example("https://e.org/a/b/", "x/./y", ".md")
@example("https://e.org/a//b/", "y", ".md")
@example("https://e.org/a/./b/", "y", ".md")
@example("HTTPS://e.org/a/", "y", ".md")
@example("https://e.org/a/b/", "x/..", "")
def test_links_to_unlisted_pages_resolve_as_urljoin(url: str, path: str, end: str) -> None:
    target = path.lstrip("/") + end
    ctx = PageContext(source="essays/deep/a.md", url=url)
    expected = outcome(lambda u: urljoin(u, quote(target, safe="/%:@")), url)
    assert outcome(ctx.resolve, target, "link") == expected


def slug_rule(text: str) -> str:
    keep = {"Ll", "Lu", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No", "Pc"}
    text = unicodedata.normalize("NFC", text).strip().lower()
    return "".join(
        "-" if ch == " " else ch for ch in text if ch in " -" or unicodedata.category(ch) in keep
    )


def test_ascii_slugs_follow_the_character_rule() -> None:
    text = "a" + "".join(map(chr, range(128))) + "z"
    assert github_slug(text) == slug_rule(text)


@given(st.text(max_size=20))
def test_slugs_follow_the_character_rule(text: str) -> None:
    assert github_slug(text) == slug_rule(text)


def test_a_relative_links_query_goes_with_it() -> None:
    """The query was cut from every relative link: ``?page=2`` was the page itself in every
    feed and page, ``../../search/?q=x`` the search page without its words."""
    ctx = PageContext(
        source="essays/a.md",
        url="https://e.org/essays/a/",
        url_of={"essays/b.md": "https://e.org/essays/b/"},
    )
    assert ctx.resolve("?page=2", "link") == "https://e.org/essays/a/?page=2"
    assert ctx.resolve("?page=2#top", "link") == "https://e.org/essays/a/?page=2#top"
    assert ctx.resolve("../../search/?q=x", "link") == "https://e.org/search/?q=x"
    assert ctx.resolve("b.md?tab=2#x", "link") == "https://e.org/essays/b/?tab=2#x"
    assert ctx.resolve("b.md", "link") == "https://e.org/essays/b/"


def test_a_page_using_many_distinct_files_resolves_them_in_linear_time() -> None:
    """Each local file a page uses was looked for in the list of those before it: 40,000
    images on one page took 24 s to build, 80,000 took 90 s (a helper's finding)."""

    def resolve_all(n: int) -> tuple[str, ...]:
        ctx = PageContext(source="essays/a.md", url="https://e.org/essays/a/")
        for i in range(n):
            ctx.resolve(f"img{i}.png", "image")
        ctx.resolve("img0.png", "image")  # again: used once
        assert len(ctx.assets) == n
        return tuple(ctx.assets)

    assert resolve_all(3)[:2] == ("essays/img0.png", "essays/img1.png")  # in the order used
    assert_linear(resolve_all, 8_000, label="distinct local files")
