"""A local Mastodon API written from its documented contract (docs.joinmastodon.org).

* ``Authorization: Bearer <token>``, else 401 ``{"error": "The access token is invalid"}``.
* ``GET /api/v2/instance``: ``configuration.statuses.max_characters`` and
  ``characters_reserved_per_url`` (no auth needed).
* ``GET /api/v1/accounts/verify_credentials``: the token's account.
* ``POST /api/v1/statuses`` (JSON or form): ``status``; ``visibility`` (public, unlisted,
  private, direct); ``language`` (ISO 639-1); ``spoiler_text``. Over the limit (links count
  ``characters_reserved_per_url``) is 422 ``{"error": "Validation failed: Text character
  limit of N exceeded"}``. An ``Idempotency-Key`` seen before (per account) answers with the
  status it made, posting nothing.
* ``GET /api/v1/accounts/:id/statuses?limit=`` newest first; ``GET /api/v1/statuses/:id``.
* The status text becomes HTML as Mastodon renders it: paragraphs, ``<br />``, links as
  ``<a href="...">``.
* ``POST /api/v2/media`` (multipart/form-data: ``file``, ``description``): a
  MediaAttachment; 200 with its ``url`` when processed at once, 202 with ``url: null`` while
  processing (``processing`` polls). ``GET /api/v1/media/:id``: 206 while processing, then
  200. 422 for no file, a type not in ``supported_mime_types``, a file over
  ``image_size_limit`` or a description over ``description_limit`` (all in
  ``/api/v2/instance`` ``configuration.media_attachments``).
* ``POST /api/v1/statuses`` with ``media_ids``: each must be the account's, unattached and
  processed, else 422 (``Cannot attach files that have not finished processing. Try again
  in a moment!``); they become the status's ``media_attachments``.
* Every authenticated answer carries ``X-RateLimit-Limit``, ``-Remaining`` and ``-Reset``
  (ISO 8601); a call on an empty budget is 429 ``{"error": "Too many requests"}``.
``posted`` counts every status made: what the tests check; ``media`` every upload.
"""

from __future__ import annotations

import email.parser
import email.policy
import html
import itertools
import re
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from tests.contract.fakehttp import FakeHTTPServer, Request, Response, json_response

ACCOUNT = {"id": "109", "username": "commons", "acct": "commons", "display_name": "Commons"}
_LINK = re.compile(r"https?://[^\s<>\"]+")


def render_html(text: str) -> str:
    def para(p: str) -> str:
        out, last = [], 0
        for m in _LINK.finditer(p):
            out.append(html.escape(p[last : m.start()], quote=False))
            url = html.escape(m.group(), quote=True)
            out.append(f'<a href="{url}" rel="nofollow noopener" target="_blank">{url}</a>')
            last = m.end()
        out.append(html.escape(p[last:], quote=False))
        return "".join(out).replace("\n", "<br />")

    return "".join(f"<p>{para(p)}</p>" for p in text.split("\n\n") if p)


class MastodonServer(FakeHTTPServer):
    error_body = staticmethod(lambda msg: {"error": msg})

    def __init__(
        self, token: str, max_characters: int = 500, budget: int = 300, window: float = 300.0
    ) -> None:
        super().__init__()
        self.token = token
        self.max_characters = max_characters
        self.image_size_limit = 16_777_216
        self.description_limit = 1500
        self.processing = 0
        """Polls answered 206 before an upload is processed (0: processed at once, 200)."""
        self.budget = budget
        self.window = window
        self.used = 0
        self.reset_at = 0.0
        self.throttled = 0
        self.statuses: list[dict[str, Any]] = []
        self.media: dict[str, dict[str, Any]] = {}
        self.files: dict[str, bytes] = {}
        self._polls: dict[str, int] = {}
        self.keys: dict[str, str] = {}
        self._ids = itertools.count(111_000_000_000_000_001)

    def _limits(self) -> tuple[Response | None, dict[str, str]]:
        now = time.time()
        if now >= self.reset_at:
            self.used, self.reset_at = 0, now + self.window
        reset = datetime.fromtimestamp(self.reset_at, UTC).isoformat(timespec="milliseconds")
        headers = {"X-RateLimit-Limit": str(self.budget), "X-RateLimit-Reset": reset}
        if self.used >= self.budget:
            self.throttled += 1
            too_many = json_response(
                429, {"error": "Too many requests"}, {**headers, "X-RateLimit-Remaining": "0"}
            )
            return too_many, headers
        self.used += 1
        return None, {**headers, "X-RateLimit-Remaining": str(self.budget - self.used)}

    @property
    def posted(self) -> list[dict[str, Any]]:
        return self.statuses

    def handle(self, req: Request) -> Response:
        if req.path == "/api/v2/instance" and req.method == "GET":
            statuses = {
                "max_characters": self.max_characters,
                "max_media_attachments": 4,
                "characters_reserved_per_url": 23,
            }
            media = {
                "supported_mime_types": ["image/jpeg", "image/png", "image/gif", "image/webp"],
                "image_size_limit": self.image_size_limit,
                "description_limit": self.description_limit,
            }
            configuration = {"statuses": statuses, "media_attachments": media}
            return json_response(200, {"domain": "social.example", "configuration": configuration})
        if req.headers.get("Authorization") != f"Bearer {self.token}":
            return json_response(401, {"error": "The access token is invalid"})
        throttled, limits = self._limits()
        if throttled is not None:
            return throttled
        status, headers, body = self._route(req)
        return status, {**headers, **limits}, body

    def _route(self, req: Request) -> Response:
        if req.path == "/api/v1/accounts/verify_credentials":
            return json_response(200, ACCOUNT)
        if req.path == "/api/v2/media" and req.method == "POST":
            return self._upload(req)
        m = re.fullmatch(r"/api/v1/media/(\d+)", req.path)
        if m and req.method == "GET":
            return self._poll(m.group(1))
        if req.path == f"/api/v1/accounts/{ACCOUNT['id']}/statuses":
            limit = min(40, int(dict(req.query).get("limit", "20")))
            return json_response(200, list(reversed(self.statuses))[:limit])
        m = re.fullmatch(r"/api/v1/statuses/(\d+)", req.path)
        if m and req.method == "GET":
            found = [s for s in self.statuses if s["id"] == m.group(1)]
            return (
                json_response(200, found[0])
                if found
                else json_response(404, {"error": "Record not found"})
            )
        if req.path == "/api/v1/statuses" and req.method == "POST":
            return self._post(req)
        return json_response(404, {"error": "Record not found"})

    def _upload(self, req: Request) -> Response:
        parts = _multipart(req)
        if "file" not in parts:
            return json_response(422, {"error": "Validation failed: File can't be blank"})
        data, mime = parts["file"]
        if mime not in ("image/jpeg", "image/png", "image/gif", "image/webp"):
            return json_response(422, {"error": "Validation failed: File content type is invalid"})
        if len(data) > self.image_size_limit:
            return json_response(
                422, {"error": "Validation failed: File file size must be less than 16 MB"}
            )
        description = parts.get("description", (b"", ""))[0].decode()
        if len(description) > self.description_limit:
            return json_response(422, {"error": "Validation failed: Description is too long"})
        media_id = str(next(self._ids))
        self.files[media_id] = data
        self.media[media_id] = {
            "id": media_id,
            "type": "image",
            "url": None,
            "preview_url": None,
            "description": description,
            "mime": mime,
            "status_id": None,
        }
        self._polls[media_id] = self.processing
        if self.processing:
            return json_response(202, self._attachment(media_id))
        return self._poll(media_id)

    def _poll(self, media_id: str) -> Response:
        if media_id not in self.media:
            return json_response(404, {"error": "Record not found"})
        if self._polls[media_id] > 0:
            self._polls[media_id] -= 1
            return json_response(206, self._attachment(media_id))
        url = f"https://files.social.example/media_attachments/{media_id}/original"
        self.media[media_id]["url"] = url
        self.media[media_id]["preview_url"] = url.replace("original", "small")
        return json_response(200, self._attachment(media_id))

    def _attachment(self, media_id: str) -> dict[str, Any]:
        return {k: v for k, v in self.media[media_id].items() if k not in ("mime", "status_id")}

    def _attach(self, ids: Any) -> tuple[list[dict[str, Any]], str]:
        """The attachments ``media_ids`` name, or the 422 message."""
        if not isinstance(ids, list) or len(ids) > 4:
            return [], "Validation failed: Media ids is invalid"
        found = []
        for media_id in ids:
            media = self.media.get(str(media_id))
            if media is None or media["status_id"] is not None:
                return [], "Validation failed: Media ids is invalid"
            if media["url"] is None:
                return [], (
                    "Cannot attach files that have not finished processing. Try again in a moment!"
                )
            found.append(media)
        return found, ""

    def _post(self, req: Request) -> Response:
        if req.headers.get("Content-Type", "").startswith("application/json"):
            body = req.json()
        else:
            body = dict(parse_qsl(req.body.decode()))
        key = req.headers.get("Idempotency-Key")
        if key and key in self.keys:
            found = [s for s in self.statuses if s["id"] == self.keys[key]]
            return json_response(200, found[0])
        text = body.get("status", "")
        if not text:
            return json_response(422, {"error": "Validation failed: Text can't be blank"})
        length = len(_LINK.sub("x" * 23, text)) + len(body.get("spoiler_text", ""))
        if length > self.max_characters:
            return json_response(
                422,
                {
                    "error": "Validation failed: Text character limit of "
                    f"{self.max_characters} exceeded"
                },
            )
        visibility = body.get("visibility", "public")
        if visibility not in ("public", "unlisted", "private", "direct"):
            return json_response(422, {"error": "Validation failed: Visibility is not included"})
        language = body.get("language")
        if language is not None and not re.fullmatch(r"[a-z]{2,3}", language):
            return json_response(422, {"error": "Validation failed: Language is not valid"})
        attached, problem = self._attach(body.get("media_ids", []))
        if problem:
            return json_response(422, {"error": problem})
        status_id = str(next(self._ids))
        for media in attached:
            media["status_id"] = status_id
        status = {
            "id": status_id,
            "uri": f"https://social.example/users/commons/statuses/{status_id}",
            "url": f"https://social.example/@commons/{status_id}",
            "content": render_html(text),
            "text": text,
            "visibility": visibility,
            "language": language,
            "spoiler_text": body.get("spoiler_text", ""),
            "sensitive": bool(body.get("spoiler_text")),
            "account": ACCOUNT,
            "media_attachments": [
                {k: v for k, v in m.items() if k not in ("mime", "status_id")} for m in attached
            ],
        }
        self.statuses.append(status)
        if key:
            self.keys[key] = status_id
        return json_response(200, status)


def _multipart(req: Request) -> dict[str, tuple[bytes, str]]:
    """The parts of a multipart/form-data body: name → (bytes, content type)."""
    kind = req.headers.get("Content-Type", "")
    if not kind.startswith("multipart/form-data"):
        return {}
    head = f"Content-Type: {kind}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + req.body)
    parts: dict[str, tuple[bytes, str]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str):
            payload = part.get_payload(decode=True)
            data = payload if isinstance(payload, bytes) else b""
            parts[name] = (data, part.get_content_type())
    return parts
