"""A small JSON-over-HTTP client shared by the service backends.

The one "send with Retry-After, rate-limit budget and bounded retries" loop of every API
backend and announce channel (Discord, Mastodon, Bluesky, Ghost, Buttondown, listmonk, the
notify hubs). Explicit timeouts; 429 waits for ``Retry-After`` (or the ``X-RateLimit-*`` /
``RateLimit-*`` reset); an answer that empties the budget (``X-RateLimit-Remaining: 0`` or
Bluesky's ``RateLimit-Remaining: 0``) makes the next call wait until the reset (at most
``max_wait``); 5xx, timeouts and connection resets are retried with exponential backoff; a
4xx raises at once with the service's own message.
A ``recheck`` callback runs before retrying a request that may have been applied (a reset
after the server acted), so a non-idempotent call is never applied twice.
Every error text is redacted; request headers (the key) are never put in messages.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from urllib3.exceptions import NewConnectionError

from pipeline.config import NewsletterConfig
from pipeline.newsletter.errors import DeliveryError
from pipeline.support import jsontext
from pipeline.support.retryafter import exhausted_wait, rate_limit_wait
from pipeline.support.secrets import redact

ErrorText = Callable[[Any], str]

BODY_CHARS = 2000
"""How much of an error body is read for its message (it is redacted, then cut to 200)."""


def shown(value: Any) -> str:
    """A value from a service's JSON answer, for a message: text as it is, anything else as
    compact JSON, never Python's ``repr`` (which escapes a key in yet another spelling)."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class MalformedAnswer(DeliveryError):
    """A 2xx answer whose JSON is broken: the call was applied, its result is unknown."""


class _Retryable(Exception):
    def __init__(self, message: str, wait: float | None = None, applied: bool = True) -> None:
        super().__init__(message)
        self.wait = wait
        self.applied = applied
        """False when the server certainly did not act (429), so no recheck is needed."""


@dataclass(frozen=True)
class Patience:
    """How long a client waits for an answer, how often it tries again and how long it
    waits between tries (``backoff`` doubled each time, unless the service says how long)."""

    timeout: float = 30.0
    retries: int = 4
    backoff: float = 1.0
    max_wait: float = 120.0
    """A service asking to wait longer than this fails the call (run again later)."""


class ApiClient:
    """Calls one service's API with its auth headers, retries and error shapes."""

    def __init__(
        self,
        service: str,
        base_url: str,
        headers: Mapping[str, str],
        *,
        session: requests.Session,
        error_text: ErrorText,
        patience: Patience = Patience(),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.service = service
        self.base_url = base_url.rstrip("/") + "/"
        self._headers = dict(headers)
        self.session = session
        self.error_text = error_text
        self.timeout = patience.timeout
        self.retries = patience.retries
        self.backoff = patience.backoff
        self.max_wait = patience.max_wait
        self.sleep = sleep
        self.last_headers: Mapping[str, str] = {}
        """The headers of the last answer (rate-limit budgets are read from them)."""
        self._ready_at = 0.0
        """When the budget the last answer reported empty resets (``time.time()``)."""

    @classmethod
    def for_newsletter(
        cls,
        service: str,
        base_url: str,
        headers: Mapping[str, str],
        settings: NewsletterConfig,
        *,
        session: requests.Session,
        error_text: ErrorText,
        sleep: Callable[[float], None] = time.sleep,
    ) -> ApiClient:
        """A client with the timeout, retries and back-off set in ``[newsletter]``."""
        return cls(
            service,
            base_url,
            headers,
            session=session,
            error_text=error_text,
            patience=Patience(settings.api_timeout, settings.api_retries, settings.api_backoff),
            sleep=sleep,
        )

    def url(self, path: str) -> str:
        """Absolute URL under the API base; refuses to send our key to any other host."""
        url = urljoin(self.base_url, path.lstrip("/")) if "://" not in path else path
        base, target = urlsplit(self.base_url), urlsplit(url)
        if (target.scheme, target.netloc) != (base.scheme, base.netloc):
            raise DeliveryError(
                f"{self.service}: refusing to follow a link to another host ({target.netloc})"
            )
        return url

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Sequence[tuple[str, str]] | Mapping[str, str] | None = None,
        json: Any = None,
        data: Mapping[str, str] | bytes | None = None,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
        headers: Mapping[str, str] | None = None,
        ok: Sequence[int] = (200, 201, 202, 204),
        recheck: Callable[[], Any] | None = None,
    ) -> Any:
        """Perform a call and return its parsed JSON (None for an empty body). ``data`` is a
        form or raw bytes; ``files`` (name → file name, bytes, type) makes it multipart."""
        url = self.url(path)
        what = f"{method} {urlsplit(url).path}"
        attempt = 0
        while True:
            try:
                body = {"params": params, "json": json, "data": data, "files": files}
                return self._once(method, url, what, body, headers, ok)
            except _Retryable as exc:
                if attempt >= self.retries:
                    raise DeliveryError(
                        f"{self.service}: {what} failed after {attempt + 1} attempts: {exc}"
                    ) from None
                if exc.wait is not None and exc.wait > self.max_wait:
                    asked = f"{exc.wait:.0f} s" if exc.wait < 86_400 else "more than a day"
                    raise DeliveryError(
                        f"{self.service}: {what}: {exc}, and the service asks to wait {asked} "
                        f"(more than {self.max_wait:g} s); run again later"
                    ) from None
                wait = exc.wait if exc.wait is not None else self.backoff * 2**attempt
                self.sleep(wait)
                attempt += 1
                if exc.applied and recheck is not None:
                    found = recheck()
                    if found is not None:
                        return found

    def _once(
        self,
        method: str,
        url: str,
        what: str,
        body: Mapping[str, Any],
        headers: Mapping[str, str] | None,
        ok: Sequence[int],
    ) -> Any:
        self._wait_for_budget()
        try:
            resp = self.session.request(
                method,
                url,
                **body,
                headers={**self._headers, **(headers or {})},
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.ConnectTimeout:  # nothing reached the server
            raise _Retryable(f"no connection within {self.timeout:g} s", applied=False) from None
        except requests.Timeout:
            raise _Retryable(f"no answer within {self.timeout:g} s") from None
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            refused = isinstance(exc.__context__, NewConnectionError) or any(
                isinstance(a, NewConnectionError) for a in _reasons(exc)
            )
            raise _Retryable(
                f"connection failed ({type(exc).__name__})", applied=not refused
            ) from None
        return self._answer(resp, what, ok)

    def _answer(self, resp: requests.Response, what: str, ok: Sequence[int]) -> Any:
        """The parsed JSON of an answer, or the error it stands for."""
        self.last_headers = resp.headers
        after = exhausted_wait(resp.headers, time.time())
        self._ready_at = time.time() + min(after, self.max_wait) if after else 0.0
        code = resp.status_code
        if code == 429:
            raise _Retryable(
                "rate limited (HTTP 429)",
                wait=rate_limit_wait(resp.headers, time.time()),
                applied=False,
            )
        if code >= 500:
            raise _Retryable(f"HTTP {code}")
        if code not in ok:
            try:
                detail = self.error_text(jsontext.loads(resp.content))
            except ValueError:
                detail = resp.text
            # redacted, then cut: no half a key shown (a key across the first cut is dropped
            # at the second, which comes after the redaction)
            detail = redact(_head(detail, BODY_CHARS), limit=200)
            raise DeliveryError(f"{self.service} refused {what}: HTTP {code}: {detail}")
        if not resp.content:
            return None
        try:
            return jsontext.loads(resp.content)
        except ValueError:  # jsontext: nesting too deep to read is a ValueError too
            raise MalformedAnswer(
                f"{self.service}: {what} answered HTTP {code} with malformed JSON; "
                "nothing recorded as sent, the next run checks the service again"
            ) from None

    def _wait_for_budget(self) -> None:
        """Sleep until the budget the last answer emptied resets (no 429 provoked)."""
        wait = self._ready_at - time.time()
        if wait > 0:
            self.sleep(wait)
        self._ready_at = 0.0


def _head(text: str, chars: int) -> str:
    """The first ``chars`` characters of ``text`` without the word the cut falls in: a key
    spelt out (percent-encoded, escaped) may run across the cut, and a key's start is not
    redacted (no spelling of it is whole), but it lies within one word."""
    if len(text) <= chars or text[chars].isspace():
        return text[:chars]
    end = chars
    while end and not text[end - 1].isspace():
        end -= 1
    return text[:end]


def _reasons(exc: BaseException) -> list[object]:
    """The urllib3 causes inside a requests error (a refused connection never reached the
    server, so retrying it cannot apply a call twice)."""
    found: list[object] = []
    for arg in exc.args:
        found.append(arg)
        found.append(getattr(arg, "reason", None))
    return found
