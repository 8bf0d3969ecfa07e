"""The remote checker against a real hostile server on 127.0.0.1 (see conftest.py)."""

from __future__ import annotations

import time
import tracemalloc
from dataclasses import replace

import pytest

from pipeline.config import HostConfig, LinksConfig
from pipeline.linkcheck.remote import (
    USER_AGENT,
    MediaExpectation,
    RemoteChecker,
    network_down,
    page_ids,
)
from pipeline.linkcheck.results import BROKEN, OK, UNVERIFIABLE
from tests.linkcheck.conftest import MEDIA_LENGTH, HostileServer, big_header, gzip_bomb

FAST = LinksConfig(
    timeout=1.0, retries=1, backoff=0.05, retry_after_cap=2.0, max_redirects=5, per_host=16
)


def check(server: HostileServer, *paths: str, config: LinksConfig = FAST) -> dict[str, object]:
    checker = RemoteChecker(config)
    out = checker.check([server.url(p) for p in paths])
    return {p: out[server.url(p)] for p in paths}


def test_ok_page_is_one_get_that_names_the_tool(hostile: HostileServer) -> None:
    r = check(hostile, "/ok", "/ok", "/ok#")
    assert r["/ok"].status == OK and r["/ok"].reason == "200 OK"
    assert hostile.hits == {"GET /ok": 1}  # deduplicated, no HEAD first
    assert hostile.agents == {USER_AGENT}
    assert USER_AGENT.startswith("publish-linkcheck/")


@pytest.mark.parametrize(("path", "reason"), [("/404", "404 Not Found"), ("/410", "410 Gone")])
def test_gone_is_broken(hostile: HostileServer, path: str, reason: str) -> None:
    r = check(hostile, path)[path]
    assert (r.status, r.reason) == (BROKEN, reason)
    assert hostile.count(path) == 1  # a 404 is not retried


@pytest.mark.parametrize("path", ["/403", "/999"])
def test_bot_walls_are_unverifiable(hostile: HostileServer, path: str) -> None:
    r = check(hostile, path)[path]
    assert r.status == UNVERIFIABLE
    assert "refuses automated checks" in r.reason


def test_head_405_does_not_matter_because_we_only_get(hostile: HostileServer) -> None:
    assert check(hostile, "/head405")["/head405"].status == OK
    assert hostile.hits == {"GET /head405": 1}


def test_5xx_is_retried_then_ok(hostile: HostileServer) -> None:
    assert check(hostile, "/flaky")["/flaky"].status == OK
    assert hostile.count("/flaky") == 2


def test_5xx_after_retries_is_broken(hostile: HostileServer) -> None:
    r = check(hostile, "/500", config=replace(FAST, retries=2))["/500"]
    assert (r.status, r.reason) == (BROKEN, "500 Internal Server Error")
    assert hostile.count("/500") == 3


def test_429_honours_retry_after(hostile: HostileServer) -> None:
    started = time.monotonic()
    r = check(hostile, "/429-once")["/429-once"]
    assert r.status == OK
    assert time.monotonic() - started >= 0.9  # waited the server's Retry-After: 1
    assert hostile.count("/429-once") == 2


def test_429_after_retries_is_unverifiable(hostile: HostileServer) -> None:
    r = check(hostile, "/429-always")["/429-always"]
    assert r.status == UNVERIFIABLE and "429" in r.reason
    assert hostile.count("/429-always") == 2


def test_429_with_a_retry_after_past_the_cap_is_not_waited_for(hostile: HostileServer) -> None:
    started = time.monotonic()
    r = check(hostile, "/429-long")["/429-long"]
    assert r.status == UNVERIFIABLE and "Retry-After 3600 s exceeds 2 s" in r.reason
    assert time.monotonic() - started < 1.0


def test_redirect_followed(hostile: HostileServer) -> None:
    r = check(hostile, "/redirect#intro")["/redirect#intro"]
    assert r.status == OK and "redirected to" in r.reason
    assert hostile.count("/redirect") == 1 and hostile.count("/page") == 1


def test_redirect_loop_reported(hostile: HostileServer) -> None:
    r = check(hostile, "/loop-a")["/loop-a"]
    assert r.status == BROKEN and r.reason.startswith("redirect loop: ")
    assert hostile.count("/loop-a") == 1 and hostile.count("/loop-b") == 1


def test_too_many_redirects(hostile: HostileServer) -> None:
    r = check(hostile, "/chain/0")["/chain/0"]
    assert (r.status, r.reason) == (BROKEN, "too many redirects (more than 5)")
    assert hostile.count("/chain/") == 6


@pytest.mark.parametrize(
    ("path", "target"), [("/to-file", "file:///etc/passwd"), ("/to-ftp", "ftp://")]
)
def test_redirect_to_other_scheme_refused(hostile: HostileServer, path: str, target: str) -> None:
    r = check(hostile, path)[path]
    assert r.status == BROKEN
    assert r.reason.startswith("redirect to a non-HTTP URL refused: " + target)


def test_a_redirect_to_a_url_that_is_not_one_is_broken_not_an_exception(
    hostile: HostileServer,
) -> None:
    """``Location: http://[::1`` once gave "ValueError: Invalid IPv6 URL"."""
    r = check(hostile, "/to-broken-url")["/to-broken-url"]
    assert (r.status, r.reason) == (BROKEN, "redirect to an invalid URL: 'http://[::1'")


@pytest.mark.parametrize("path", ["/bad-length", "/not-http"])
def test_a_malformed_answer_is_broken_with_a_one_line_reason(
    hostile: HostileServer, path: str
) -> None:
    """The HTTP parser's message quotes the bytes received over three lines; the report has a
    line per link, and the bytes a server sends (an escape sequence) are never printed raw."""
    r = check(hostile, path)[path]
    assert r.status == BROKEN
    assert r.reason.startswith("invalid response: ")
    assert "\n" not in r.reason and "\x1b" not in r.reason


def test_a_reason_phrase_with_control_characters_is_shown_escaped(
    hostile: HostileServer,
) -> None:
    """A server's reason phrase went to the terminal as it came: a BEL rang, an escape
    sequence could clear the screen of a CI log viewer."""
    r = check(hostile, "/bell")["/bell"]
    assert r.status == BROKEN and r.reason.startswith("404 ")
    assert r.reason.isprintable(), repr(r.reason)


def test_fragments_found_in_the_html(hostile: HostileServer) -> None:
    # #top and text fragments need no element (HTML spec); both were reported broken
    paths = ["/page#intro", "/page#legacy", "/page#from-github", "/page#missing"]
    paths += ["/page#top", "/page#:~:text=hello"]
    r = check(hostile, *paths)
    assert [r[p].status for p in paths] == [OK, OK, OK, BROKEN, OK, OK]
    assert r["/page#missing"].reason == "anchor #missing not found in the page (200 OK)"
    assert hostile.count("/page") == 1  # one GET for all the fragments
    assert page_ids(b'<div id=bare class="x">') == {"bare"}
    assert "x&y" in page_ids(b'<h2 id="x&amp;y">')  # an id written with an entity


def test_hostile_servers_end_within_bounds(hostile: HostileServer) -> None:
    """Never-answering, dripping, endless, bombing, huge: all reported, bounded time and memory."""
    paths = [
        "/hang", "/drip", "/endless", "/endless/2#x", "/gzip-bomb#x", "/bigheader", "/big",
        "/big/2#frag",
    ]  # fmt: skip
    gzip_bomb(), big_header()  # built before measuring: the server shares our process
    tracemalloc.start()
    started = time.monotonic()
    r = check(hostile, *paths)
    elapsed = time.monotonic() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # two tries of a 1 s timeout each, 0.05 s backoff, all in parallel
    assert elapsed < 4.0, elapsed
    assert peak < 20_000_000, peak  # the bomb inflates to 100 MB, the big body is 16 MB
    assert r["/hang"].status == UNVERIFIABLE and r["/hang"].reason == "timed out after 1 s"
    assert r["/drip"].status == UNVERIFIABLE and "timed out" in r["/drip"].reason
    assert hostile.count("/hang") == 2 and hostile.count("/drip") == 2  # retried once
    assert r["/endless"].status == OK  # headers were fine; the body was never read
    assert r["/endless/2#x"].status == UNVERIFIABLE  # capped read, anchor not in the first bytes
    assert "not in the first 2000000 bytes" in r["/endless/2#x"].reason
    assert r["/gzip-bomb#x"].status == UNVERIFIABLE
    assert r["/bigheader"].status == BROKEN
    assert r["/bigheader"].reason.startswith("invalid response: response header too large")
    assert r["/big"].status == OK and r["/big/2#frag"].status == OK  # not HTML: no body read
    # the client hung up after the headers: the server could not push the 16 MB through
    assert hostile.body_sent["/big"] < 16_777_216 and hostile.body_sent["/big/2"] < 16_777_216


def test_enclosure_checked_with_a_range_request(hostile: HostileServer) -> None:
    good, bad_len, bad_type = (hostile.url(f"/media{i}.mp3") for i in range(3))
    out = RemoteChecker(FAST).check(
        [],
        {
            good: MediaExpectation(MEDIA_LENGTH, "audio/mpeg"),
            bad_len: MediaExpectation(999, "audio/mpeg"),
            bad_type: MediaExpectation(MEDIA_LENGTH, "audio/x-m4a"),
        },
    )
    assert out[good].status == OK
    assert (
        out[bad_len].reason == f"Content-Length {MEDIA_LENGTH} differs from the feed's length 999"
    )
    assert (
        out[bad_type].reason == "Content-Type audio/mpeg differs from the feed's type audio/x-m4a"
    )
    assert hostile.headers_seen["/media0.mp3"]["range"] == "bytes=0-0"


def test_per_host_headers_from_env_and_accept_codes(
    hostile: HostileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LINK_TEST_TOKEN", "s3cret-token")
    hosts = [
        HostConfig(
            pattern=r"^127\.0\.0\.1$",
            accept=[403],
            headers={"Authorization": "Bearer $LINK_TEST_TOKEN"},
        )
    ]
    r = check(hostile, "/needs-token", "/403", config=replace(FAST, hosts=hosts))
    assert r["/needs-token"].status == OK
    assert r["/403"].status == OK and "accepted for 127.0.0.1" in r["/403"].reason


def test_per_host_concurrency_limit_is_respected(hostile: HostileServer) -> None:
    config = replace(FAST, per_host=2)
    started = time.monotonic()
    check(hostile, *[f"/slow/{i}" for i in range(8)], config=config)
    # 8 requests of 50 ms, two at a time: at least four rounds
    assert time.monotonic() - started >= 0.2
    assert hostile.count("/slow/") == 8


def test_a_body_that_ends_early_or_drips_leaves_the_page_ok(hostile: HostileServer) -> None:
    """A 200 page whose body ended before its Content-Length was reported broken (the
    library's payload error as the reason), and one whose body dripped past the timeout was
    fetched again and reported timed out: its plain link too, as soon as any link to it had a
    fragment. The page answered; only a fragment not in what arrived is in doubt."""
    paths = ["/short-body", "/short-body#intro", "/short-body#nowhere"]
    paths += ["/drip-body", "/drip-body#intro", "/drip-body#nowhere"]
    r = check(hostile, *paths)
    assert [r[p].status for p in paths] == [OK, OK, UNVERIFIABLE, OK, OK, UNVERIFIABLE]
    assert hostile.count("/short-body") == 1 and hostile.count("/drip-body") == 1


def test_a_body_in_raw_deflate_or_an_encoding_not_asked_for(hostile: HostileServer) -> None:
    """``Content-Encoding: deflate`` without its zlib wrapper (browsers read it) and a br body
    sent unasked were read as empty pages: every anchor in them reported broken."""
    paths = ["/raw-deflate#intro", "/raw-deflate#nowhere", "/brotli#intro", "/brotli"]
    r = check(hostile, *paths)
    assert [r[p].status for p in paths] == [OK, BROKEN, UNVERIFIABLE, OK]


def test_remote_anchors_are_the_ids_a_browser_finds(hostile: HostileServer) -> None:
    """The second attribute of a tag was never read (#modern, #search broken), and ids in
    comments or scripts and <meta name> passed for anchors."""
    paths = ["/ids#modern", "/ids#search", "/ids#legacy", "/ids#commented", "/ids#scripted"]
    paths += ["/ids#viewport", "/ids#quoted"]
    r = check(hostile, *paths)
    assert [r[p].status for p in paths] == [OK, OK, OK, BROKEN, BROKEN, BROKEN, BROKEN]
    assert hostile.count("/ids") == 1


def test_a_location_header_not_in_utf8_is_followed_percent_encoded(
    hostile: HostileServer,
) -> None:
    """``Location: /caf\\xe9`` (ISO-8859-1) was followed to ``/caf``: the URL cut at the byte,
    another page checked. Browsers send the byte percent-encoded."""
    r = check(hostile, "/latin1-location")["/latin1-location"]
    assert r.status == OK, r.reason
    assert hostile.count("/caf%E9") == 1 and hostile.count("/caf") == 1  # nothing else


def test_a_certificate_no_browser_accepts_is_broken_not_a_down_network(
    tls_base: str, closed_port: int
) -> None:
    """A self-signed (or expired, or another host's) certificate was an unreachable host:
    unverifiable, exit 0, and with one more host refusing connections the run warned that
    the network looked down. The host answered; every reader's browser refuses the page."""
    urls = [f"{tls_base}/", f"{tls_base}/page#intro"]
    refused = f"http://localhost:{closed_port}/"
    checker = RemoteChecker(FAST)
    out = checker.check([*urls, refused])
    assert [out[u].status for u in urls] == [BROKEN, BROKEN]
    assert all(out[u].reason.startswith("TLS certificate not valid") for u in urls)
    assert out[refused].status == UNVERIFIABLE
    assert network_down(checker.stats) == ""


def test_many_fragments_of_one_page_read_its_ids_once(hostile: HostileServer) -> None:
    """Each fragment linked on a page read the page's ids again: a site linking 350 sections
    of a long specification read its 1.8 MB 350 times (10 s, the event loop blocked)."""
    paths = [f"/many-ids#s{i}" for i in range(0, 70_000, 200)] + ["/many-ids#nowhere"]
    started = time.monotonic()
    r = check(hostile, *paths)
    elapsed = time.monotonic() - started
    assert [r[p].status for p in paths] == [OK] * 350 + [BROKEN]
    assert hostile.count("/many-ids") == 1
    assert elapsed < 3.0, elapsed


def test_https_on_a_server_without_tls_is_broken(plain_port: int) -> None:
    """``https://`` on a port that answers in plain HTTP was an unreachable host
    (unverifiable): it answered, and no browser gets a page from it."""
    url = f"https://127.0.0.1:{plain_port}/"
    r = RemoteChecker(FAST).check([url])[url]
    assert r.status == BROKEN and r.reason.startswith("TLS handshake failed")


def test_a_chain_of_slow_redirects_ends_within_a_few_timeouts(hostile: HostileServer) -> None:
    """Each redirect answered just inside the timeout: ten of them took ten timeouts, and the
    retries as many again (one link, an hour at the defaults). One attempt now ends after
    three timeouts, unverifiable, and is not retried."""
    config = replace(FAST, max_redirects=10)
    r = check(hostile, "/drag-chain/0", config=config)["/drag-chain/0"]
    assert r.status == UNVERIFIABLE, r
    assert r.reason == "redirects not done after 3 s (3 timeouts)"
    assert hostile.count("/drag-chain/0") == 1 and hostile.count("/drag-chain/6") == 0


def test_links_queued_behind_others_of_their_host_are_not_cut_short(
    hostile: HostileServer,
) -> None:
    """The redirect budget counts the time in requests, not the wait for a free connection:
    six slow pages of one host, one at a time, are each fine."""
    config = replace(FAST, per_host=1)
    paths = [f"/drag/{n}" for n in range(6)]
    results = check(hostile, *paths, config=config)
    assert {p: r.status for p, r in results.items()} == dict.fromkeys(paths, OK)
