"""Checking external http(s) URLs: asyncio + aiohttp, one GET per URL, bounded in time and memory.

Each unique URL (fragment removed) is fetched once per run with a GET whose body is not read:
the response is closed after the headers, as lychee does, so a 16 MB page or an endless stream
costs nothing. Only when a ``#fragment`` must be found is the body read, up to
``max_body_bytes`` (decompressed by us, capped, so a gzip bomb is harmless); a body that ends
early, drips past the timeout or cannot be decoded leaves the page's own verdict alone and makes
a fragment not in what was read unverifiable. Ids come from :mod:`~pipeline.linkcheck.htmlids`.

Redirects are followed by hand (loops, too many, and non-http(s) targets such as ``file://`` are
reported); 5xx and timeouts are retried with exponential backoff; 429 waits for ``Retry-After``
up to a cap. A global and a per-host semaphore bound the requests in flight; neither is held
while waiting to retry. A host that cannot be reached (DNS or connection failure) makes its
links unverifiable: from here a dead host and a down network look the same (a TLS
certificate or handshake a browser refuses is broken: that host answered);
:func:`network_down` tells when every host failed the same way. Every request has a total
timeout, which also bounds drip-feeding servers.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import quote, unquote, urljoin, urlsplit

import aiohttp

from pipeline import __version__
from pipeline.config import HostConfig, LinksConfig
from pipeline.linkcheck.htmlids import page_ids
from pipeline.linkcheck.results import BROKEN, OK, UNVERIFIABLE, Outcome
from pipeline.support.retryafter import retry_after
from pipeline.support.secrets import redact, redactor, register

USER_AGENT = f"publish-linkcheck/{__version__}"
BOT_WALL = frozenset({401, 403, 999})
GONE = frozenset({404, 410})
_ENV = re.compile(r"\$(?:\{(\w+)\}|(\w+))")


@dataclass(frozen=True)
class MediaExpectation:
    """What a feed says about an enclosure or image, to compare with the server's headers."""

    length: int = 0
    """Bytes; 0 when the feed does not say."""
    mime_type: str = ""


@dataclass(frozen=True)
class _Response:
    """One HTTP exchange reduced to what the checker needs."""

    status: int
    reason: str
    headers: Mapping[str, str]
    body: bytes | None = None
    truncated: bool = False
    unread: str = ""
    """Why the body could not be read to its end or decoded ('' when it was): the page itself
    answered, so only a fragment it might hold is in doubt."""
    unreachable: bool = False
    """No answer at all (DNS lookup or connection failed): from here a dead host and a down
    network look the same, so the link is unverifiable, not broken."""
    seconds: float = 0.0
    """How long the exchange took, once a connection slot was free (waits for one not
    counted: a link queued behind others of its host is not slow)."""


@dataclass
class _Stats:
    requests: int = 0
    per_url: dict[str, int] = field(default_factory=dict)
    answered: set[str] = field(default_factory=set)
    """Hosts that sent an HTTP response (any status)."""
    unreachable: dict[str, str] = field(default_factory=dict)
    """Host -> how reaching it failed (``DNS lookup failed``, ``connection failed``)."""


FOLLOW_TIMEOUTS = 3
"""One attempt at a URL, its redirects followed, spends at most this many ``[links] timeout``s
in its requests: ten redirects each answered just inside the timeout took ten times it, and
with the retries more (an hour at the defaults, for one link)."""


class _Transient(Exception):
    """A failure worth retrying (timeout, reset, 5xx, 429); ``final`` is reported after retries."""

    def __init__(self, final: Outcome, wait: float | None = None) -> None:
        super().__init__(final.reason)
        self.final = final
        self.wait = wait


def network_down(stats: _Stats) -> str:
    """How every host failed, when at least two were tried and none answered, each failing the
    same way (the network, or its DNS, looks down); otherwise ''."""
    kinds = set(stats.unreachable.values())
    if stats.answered or len(stats.unreachable) < 2 or len(kinds) != 1:
        return ""
    return kinds.pop()


def expand_env(value: str) -> str:
    """``$NAME`` / ``${NAME}`` in a configured header value, from the environment."""
    return _ENV.sub(lambda m: os.environ.get(m.group(1) or m.group(2), ""), value)


def register_header_secrets(hosts: Iterable[HostConfig]) -> None:
    """Each variable a ``[[links.hosts]]`` header names holds a credential, whatever its name
    (``$GH_PAT``): redacted like the secrets :mod:`~pipeline.support.secrets` knows by name,
    since a server may echo it in a reason phrase or a redirect's URL."""
    for host in hosts:
        for value in host.headers.values():
            for m in _ENV.finditer(value):
                register(os.environ.get(m.group(1) or m.group(2), "").strip())


def split_fragment(url: str) -> tuple[str, str]:
    base, _, fragment = url.partition("#")
    return base, fragment


class RemoteChecker:
    """Checks external URLs for one run; ``stats.requests`` counts every request sent."""

    def __init__(
        self, config: LinksConfig, *, progress: Callable[[str], None] | None = None
    ) -> None:
        self.config = config
        self.progress = progress
        self.stats = _Stats()
        self._hosts = [(re.compile(h.pattern), h) for h in config.hosts]
        self._host_slots: dict[str, asyncio.Semaphore] = {}
        self._slots: asyncio.Semaphore | None = None
        register_header_secrets(config.hosts)
        self._hide = redactor()
        """Every reason is redacted where it is made: the links cache keeps ok reasons (a
        redirect's URL, a server's reason phrase) as well as the report shows them."""

    def _host_config(self, host: str) -> HostConfig | None:
        return next((h for rx, h in self._hosts if rx.search(host)), None)

    def _host_slot(self, host: str) -> asyncio.Semaphore:
        if host not in self._host_slots:
            hc = self._host_config(host)
            n = hc.concurrency if hc and hc.concurrency > 0 else self.config.per_host
            self._host_slots[host] = asyncio.Semaphore(max(1, n))
        return self._host_slots[host]

    # -- entry point --------------------------------------------------------------------------
    def check(
        self, urls: Iterable[str], media: Mapping[str, MediaExpectation] | None = None
    ) -> dict[str, Outcome]:
        """Check every URL (fragments included); returns an outcome per URL given."""
        return asyncio.run(self.check_async(urls, media or {}))

    async def check_async(
        self, urls: Iterable[str], media: Mapping[str, MediaExpectation]
    ) -> dict[str, Outcome]:
        every = [*urls, *media]
        wanted: dict[str, set[str]] = {}
        for url in every:
            base, fragment = split_fragment(url)
            wanted.setdefault(base, set())
            if fragment:
                wanted[base].add(fragment)
        self._slots = asyncio.Semaphore(max(1, self.config.max_concurrency))
        connector = aiohttp.TCPConnector(limit=0, ttl_dns_cache=300)
        async with aiohttp.ClientSession(
            connector=connector,
            auto_decompress=False,
            max_line_size=self.config.max_header_bytes,
            max_field_size=self.config.max_header_bytes,
            timeout=aiohttp.ClientTimeout(total=self.config.timeout),
            headers={"User-Agent": USER_AGENT},
        ) as session:
            tasks = {
                base: asyncio.create_task(self._check_base(session, base, frags, media.get(base)))
                for base, frags in wanted.items()
            }
            results = {base: await task for base, task in tasks.items()}
        out: dict[str, Outcome] = {}
        for url in every:
            base, fragment = split_fragment(url)
            out[url] = results[base].get(fragment, results[base][""])
        return out

    # -- one URL ------------------------------------------------------------------------------
    async def _check_base(
        self,
        session: aiohttp.ClientSession,
        url: str,
        fragments: set[str],
        media: MediaExpectation | None,
    ) -> dict[str, Outcome]:
        try:
            outcome, response = await self._with_retries(session, url, bool(fragments), media)
        except Exception as exc:  # never let one URL stop the run
            outcome, response = Outcome(BROKEN, redact(f"{type(exc).__name__}: {exc}")), None
        results = {"": outcome}
        ids: set[str] = set()
        if fragments and outcome.status == OK and response is not None and response.body:
            ids = page_ids(response.body)  # once for all its fragments: a 2 MB page takes 0.1 s
        for fragment in fragments:
            results[fragment] = self._fragment_outcome(outcome, response, fragment, ids)
        results = {k: replace(o, reason=self._hide(o.reason)) for k, o in results.items()}
        if self.progress:
            self.progress(url)
        return results

    def _fragment_outcome(
        self, page: Outcome, resp: _Response | None, fragment: str, ids: set[str]
    ) -> Outcome:
        if page.status != OK or resp is None:
            return page
        if resp.body is None:
            return page  # not an HTML page (a PDF's #page=2): the fragment is not ours to judge
        if fragment.lower() == "top" or fragment.startswith(":~:"):
            return page  # the top of the page, and text fragments, need no element (HTML spec)
        if fragment in ids or unquote(fragment) in ids:
            return page
        if resp.truncated:
            limit = self.config.max_body_bytes
            return Outcome(UNVERIFIABLE, f"anchor #{fragment} not in the first {limit} bytes")
        if resp.unread:
            return Outcome(UNVERIFIABLE, f"anchor #{fragment} not in what was read: {resp.unread}")
        return Outcome(BROKEN, f"anchor #{fragment} not found in the page ({page.reason})")

    async def _with_retries(
        self,
        session: aiohttp.ClientSession,
        url: str,
        want_body: bool,
        media: MediaExpectation | None,
    ) -> tuple[Outcome, _Response | None]:
        tries = max(0, self.config.retries) + 1
        for attempt in range(tries):
            try:
                return await self._follow(session, url, want_body, media)
            except _Transient as exc:
                if attempt == tries - 1:
                    return exc.final, None
                if exc.wait is not None:
                    if exc.wait > self.config.retry_after_cap:
                        cap = self.config.retry_after_cap
                        reason = (
                            f"{exc.final.reason}; Retry-After {exc.wait:.0f} s exceeds {cap:g} s"
                        )
                        return Outcome(UNVERIFIABLE, reason), None
                    await asyncio.sleep(exc.wait)
                else:
                    await asyncio.sleep(self.config.backoff * 2**attempt)
        raise AssertionError("unreachable")

    async def _follow(
        self,
        session: aiohttp.ClientSession,
        url: str,
        want_body: bool,
        media: MediaExpectation | None,
    ) -> tuple[Outcome, _Response | None]:
        chain = [url]
        current = url
        budget, spent = self.config.timeout * FOLLOW_TIMEOUTS, 0.0
        for _hop in range(self.config.max_redirects + 1):
            resp = await self._request(session, current, want_body, media)
            spent += resp.seconds
            location = resp.headers.get("Location")
            if 300 <= resp.status < 400 and location and spent > budget:
                # each request inside its timeout, the chain of them not
                reason = f"redirects not done after {budget:g} s ({FOLLOW_TIMEOUTS} timeouts)"
                return Outcome(UNVERIFIABLE, reason), None
            if 300 <= resp.status < 400 and location:
                try:
                    nxt = urljoin(current, _location(location))
                    scheme = urlsplit(nxt).scheme.lower()
                except ValueError:  # Location: http://[::1 and the like
                    return Outcome(BROKEN, f"redirect to an invalid URL: {location!r}"), None
                if scheme not in ("http", "https"):
                    return Outcome(BROKEN, f"redirect to a non-HTTP URL refused: {nxt}"), None
                if nxt in chain:
                    loop = " -> ".join([*chain[chain.index(nxt) :], nxt])
                    return Outcome(BROKEN, f"redirect loop: {loop}"), None
                chain.append(nxt)
                current = nxt
                continue
            return self._judge(resp, chain, media), resp
        limit = self.config.max_redirects
        return Outcome(BROKEN, f"too many redirects (more than {limit})"), None

    def _judge(self, resp: _Response, chain: list[str], media: MediaExpectation | None) -> Outcome:
        if resp.unreachable:
            return Outcome(UNVERIFIABLE, resp.reason)
        if resp.status == 0:
            return Outcome(BROKEN, resp.reason)
        status = f"{resp.status} {resp.reason}".strip()
        via = f" (redirected to {chain[-1]})" if len(chain) > 1 else ""
        host = urlsplit(chain[-1]).hostname or ""
        hc = self._host_config(host)
        if hc and resp.status in hc.accept:
            return Outcome(OK, f"{status}, accepted for {host}{via}")
        if resp.status in GONE:
            return Outcome(BROKEN, f"{status}{via}")
        if resp.status in BOT_WALL:
            return Outcome(UNVERIFIABLE, f"{status}: the site refuses automated checks{via}")
        if not 200 <= resp.status < 300:
            return Outcome(BROKEN, f"{status}{via}")
        if media is not None:
            problem = _media_mismatch(resp, media)
            if problem:
                return Outcome(BROKEN, problem + via)
        return Outcome(OK, f"{status}{via}")

    async def _request(
        self,
        session: aiohttp.ClientSession,
        url: str,
        want_body: bool,
        media: MediaExpectation | None,
    ) -> _Response:
        host = urlsplit(url).hostname or ""
        hc = self._host_config(host)
        headers = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
        headers["Accept-Encoding"] = "gzip, deflate" if want_body else "identity"
        if media is not None:
            headers["Range"] = "bytes=0-0"
        if hc:
            headers.update({k: expand_env(v) for k, v in hc.headers.items()})
        assert self._slots is not None
        timeout = self.config.timeout
        async with self._slots, self._host_slot(host):
            self.stats.requests += 1
            self.stats.per_url[url] = self.stats.per_url.get(url, 0) + 1
            started = time.monotonic()
            try:
                async with asyncio.timeout(timeout + 1.0):
                    resp = await self._exchange(session, url, headers, want_body)
                return replace(resp, seconds=time.monotonic() - started)
            except (TimeoutError, aiohttp.ServerTimeoutError):
                raise _Transient(Outcome(UNVERIFIABLE, f"timed out after {timeout:g} s")) from None
            except aiohttp.ClientSSLError as exc:  # the host answered; a browser refuses it too
                self.stats.answered.add(host)
                if isinstance(exc, aiohttp.ClientConnectorCertificateError):
                    problem = f"TLS certificate not valid: {exc.certificate_error}"
                    return _Response(0, redact(problem), {})
                problem = f"TLS handshake failed: {exc.os_error}"  # maybe a reset: tried again
                raise _Transient(Outcome(BROKEN, redact(problem))) from None
            except aiohttp.ClientConnectorError as exc:
                dns = isinstance(exc, aiohttp.ClientConnectorDNSError)
                kind = "DNS lookup failed" if dns else "connection failed"
                self.stats.unreachable.setdefault(host, kind)
                reason = f"{kind}: {redact(str(exc.os_error))}"
                return _Response(0, reason, {}, unreachable=True)
            except aiohttp.ClientResponseError as exc:
                msg = str(exc.message)
                if "more than" in msg or "too long" in msg.lower() or "Header" in msg:
                    limit = self.config.max_header_bytes
                    msg = f"response header too large (over {limit} bytes) or malformed"
                return _Response(0, f"invalid response: {redact(msg)}", {})
            except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError) as exc:
                raise _Transient(Outcome(BROKEN, f"connection lost: {redact(str(exc))}")) from None
            except aiohttp.InvalidURL as exc:
                return _Response(0, f"invalid URL: {exc}", {})

    async def _exchange(
        self, session: aiohttp.ClientSession, url: str, headers: dict[str, str], want_body: bool
    ) -> _Response:
        async with session.get(url, headers=headers, allow_redirects=False) as resp:
            self.stats.answered.add(resp.url.host or "")
            status = resp.status
            reason = resp.reason or ""
            hdrs = {k: v for k, v in resp.headers.items()}
            if status == 429:
                wait = retry_after(resp.headers.get("Retry-After"), time.time())
                resp.close()
                outcome = Outcome(UNVERIFIABLE, f"429 {reason}: rate limited after retries")
                raise _Transient(outcome, wait if wait is not None else self.config.backoff)
            if 500 <= status < 600:
                resp.close()
                raise _Transient(Outcome(BROKEN, f"{status} {reason}".strip()))
            ctype = resp.headers.get("Content-Type", "").lower()
            if want_body and 200 <= status < 300 and ("html" in ctype or not ctype):
                body, truncated, unread = await self._read_capped(resp)
                return _Response(status, reason, hdrs, body, truncated, unread)
            resp.close()  # stop after the headers: never download what is not needed
            return _Response(status, reason, hdrs)

    async def _read_capped(self, resp: aiohttp.ClientResponse) -> tuple[bytes, bool, str]:
        """The body, decoded, up to ``max_body_bytes``; whether it went on past them; and why
        the rest could not be read ('' when it could). A body that ends early, arrives too
        slowly or cannot be decoded leaves what was read: the page itself answered."""
        cap = self.config.max_body_bytes
        encoding = resp.headers.get("Content-Encoding", "").lower().strip()
        if encoding not in ("", "identity", "gzip", "x-gzip", "deflate"):
            resp.close()  # not asked for (Accept-Encoding: gzip, deflate), so not decoded
            return b"", False, f"the body's Content-Encoding {encoding} cannot be decoded"
        decoder = _Inflater(encoding) if encoding not in ("", "identity") else None
        out = bytearray()
        try:
            async for chunk in resp.content.iter_chunked(65536):
                out += decoder.feed(chunk, cap - len(out) + 1) if decoder else chunk
                if len(out) > cap:
                    resp.close()
                    return bytes(out[:cap]), True, ""
        except zlib.error:
            resp.close()
            return bytes(out), False, f"the body is not valid {encoding} data"
        except aiohttp.ClientPayloadError:
            return bytes(out), False, "the connection ended before the body did"
        except TimeoutError:  # aiohttp's total timeout, while the body dripped in
            resp.close()
            return bytes(out), False, f"the body took longer than {self.config.timeout:g} s"
        return bytes(out), False, ""


class _Inflater:
    """``Content-Encoding: gzip`` or ``deflate``, the latter zlib-wrapped as the RFC says or
    raw, as some servers send it (browsers accept both): the first bytes tell which."""

    def __init__(self, encoding: str) -> None:
        self.raw_allowed = encoding == "deflate"
        self.inflater = zlib.decompressobj(47)  # a gzip or zlib header, whichever comes
        self.head: bytes | None = b""
        """The bytes fed while nothing came out yet, to start again as raw deflate."""

    def feed(self, chunk: bytes, limit: int) -> bytes:
        try:
            out = self.inflater.decompress(chunk, limit)
        except zlib.error:
            if not self.raw_allowed or self.head is None:
                raise
            self.raw_allowed = False
            self.inflater = zlib.decompressobj(-15)
            return self.feed(self.head + chunk, limit)
        if self.head is not None:
            self.head = None if out or len(self.head) > 64 else self.head + chunk
        return out


def _location(value: str) -> str:
    """A ``Location`` header as a URL: bytes that are not UTF-8 (which aiohttp keeps as lone
    surrogates, and which cut the URL short where they stood) percent-encoded, as browsers
    send them: ``/caf\\xe9`` is ``/caf%E9``."""
    value = value.strip()
    if value.isascii():
        return value
    return quote(value.encode("utf-8", "surrogateescape"), safe="!#$%&'()*+,/:;=?@[]~")


def _media_mismatch(resp: _Response, media: MediaExpectation) -> str:
    """Compare a ``Range: bytes=0-0`` answer with what the feed says; '' when they agree."""
    length: int | None = None
    content_range = resp.headers.get("Content-Range", "")
    if resp.status == 206 and "/" in content_range:
        total = content_range.rsplit("/", 1)[1].strip()
        length = int(total) if total.isdigit() else None
    elif resp.headers.get("Content-Length", "").isdigit():
        length = int(resp.headers["Content-Length"])
    ctype = resp.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if media.length and length is not None and length != media.length:
        return f"Content-Length {length} differs from the feed's length {media.length}"
    if media.mime_type and ctype and ctype != media.mime_type.lower():
        return f"Content-Type {ctype} differs from the feed's type {media.mime_type}"
    return ""
