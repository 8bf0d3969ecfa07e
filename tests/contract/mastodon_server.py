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
``posted`` counts every status made: what the tests check.
"""

from __future__ import annotations

import html
import itertools
import re
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

    def __init__(self, token: str, max_characters: int = 500) -> None:
        super().__init__()
        self.token = token
        self.max_characters = max_characters
        self.statuses: list[dict[str, Any]] = []
        self.keys: dict[str, str] = {}
        self._ids = itertools.count(111_000_000_000_000_001)

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
            return json_response(
                200, {"domain": "social.example", "configuration": {"statuses": statuses}}
            )
        if req.headers.get("Authorization") != f"Bearer {self.token}":
            return json_response(401, {"error": "The access token is invalid"})
        if req.path == "/api/v1/accounts/verify_credentials":
            return json_response(200, ACCOUNT)
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
        status_id = str(next(self._ids))
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
        }
        self.statuses.append(status)
        if key:
            self.keys[key] = status_id
        return json_response(200, status)
