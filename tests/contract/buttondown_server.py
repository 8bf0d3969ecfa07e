"""A local Buttondown v1 API written from its documented contract (OpenAPI 3.1).

What it enforces, as the real service does:
* ``Authorization: Token <key>`` (401 ``{"detail"}`` otherwise);
* ``POST /v1/emails``: ``additionalProperties: false`` (422 ``extra_forbidden``), required
  ``subject``, **``status`` defaulting to ``about_to_send``** (it sends!), front matter in the
  body refused (400 ``body_contains_frontmatter``), ``slug`` pattern and uniqueness
  (400 ``slug_invalid``), ``X-Idempotency-Key`` replaying the original response;
* ``GET /v1/emails?status=...&page=`` with ``{results,next,previous,count}`` pagination;
* ``PATCH /v1/emails/{id}`` status changes (``draft`` -> ``about_to_send`` sends it, back to
  ``draft`` undoes; anything sent cannot be changed: 400 ``status_invalid``);
* ``POST /v1/emails/{id}/send-draft`` ``{"recipients": [...]}`` for test copies.
``sends`` counts every email that went out to subscribers; that is what the tests check.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from tests.contract.fakehttp import FakeHTTPServer, Request, Response, json_response

EMAIL_INPUT = {
    "subject",
    "body",
    "status",
    "publish_date",
    "slug",
    "description",
    "canonical_url",
    "metadata",
    "secondary_id",
    "filters",
    "template",
    "image",
    "email_type",
    "attachments",
}
STATUSES = {
    "draft",
    "managed_by_rss",
    "about_to_send",
    "scheduled",
    "in_flight",
    "paused",
    "deleted",
    "errored",
    "sent",
    "imported",
    "throttled",
    "resending",
    "transactional",
    "suppressed",
}
OUT = {"about_to_send", "in_flight", "sent", "resending"}


def _error(status: int, code: str, detail: str) -> Response:
    return json_response(status, {"code": code, "detail": detail, "metadata": {}})


class ButtondownServer(FakeHTTPServer):
    def __init__(self, api_key: str, page_size: int = 100) -> None:
        super().__init__()
        self.api_key = api_key
        self.page_size = page_size
        self.emails: dict[str, dict[str, Any]] = {}
        self.order: list[str] = []
        self.idempotent: dict[str, Response] = {}
        self.sends: list[str] = []
        """Ids of emails that went out to the list, once per transition into sending."""
        self.test_sends: list[tuple[str, list[str]]] = []
        self.held: str = ""
        """A status word: the next status changes are answered 200 with the email as it was
        and that status (an account Buttondown holds for review sends nothing)."""

    def handle(self, req: Request) -> Response:
        if req.headers.get("Authorization") != f"Token {self.api_key}":
            return json_response(401, {"detail": "Invalid token."})
        key = req.headers.get("X-Idempotency-Key")
        if key is not None:
            if len(key) > 200:
                return _error(400, "idempotency_key_invalid", "Idempotency key too long.")
            if key in self.idempotent:
                return self.idempotent[key]
        response = self._route(req)
        if key is not None and response[0] < 500:
            self.idempotent[key] = response
        return response

    def _route(self, req: Request) -> Response:
        path = req.path.rstrip("/")
        if path == "/v1/emails" and req.method == "POST":
            return self._create(req)
        if path == "/v1/emails" and req.method == "GET":
            return self._list(req)
        m = re.fullmatch(r"/v1/emails/([^/]+)(/send-draft)?", path)
        if not m or m.group(1) not in self.emails:
            return json_response(404, {"detail": "Not found."})
        email = self.emails[m.group(1)]
        if m.group(2):
            if req.method != "POST":
                return json_response(405, {"detail": "Method not allowed."})
            body = req.json() or {}
            recipients = body.get("recipients") or body.get("subscribers")
            if not recipients:
                return _error(400, "recipients_invalid", "No recipients given.")
            self.test_sends.append((email["id"], list(recipients)))
            return json_response(200, {})
        if req.method == "GET":
            return json_response(200, email)
        if req.method == "DELETE":
            email["status"] = "deleted"
            return json_response(204, None)
        if req.method == "PATCH":
            return self._patch(email, req.json() or {})
        return json_response(405, {"detail": "Method not allowed."})

    def _create(self, req: Request) -> Response:
        body = req.json()
        if not isinstance(body, dict):
            return json_response(
                422, {"detail": [{"type": "dict_type", "loc": ["body"], "msg": "x"}]}
            )
        extra = sorted(set(body) - EMAIL_INPUT)
        if extra:
            return json_response(
                422,
                {
                    "detail": [
                        {
                            "type": "extra_forbidden",
                            "loc": ["body", k],
                            "msg": "Extra inputs are not permitted",
                        }
                        for k in extra
                    ]
                },
            )
        subject = body.get("subject")
        if not isinstance(subject, str) or not subject or len(subject) > 2000:
            return _error(400, "subject_invalid", "Subject is required.")
        text = body.get("body", "")
        if text.lstrip().startswith("---"):
            return _error(400, "body_contains_frontmatter", "Body must not contain front matter.")
        status = body.get("status", "about_to_send")  # the documented default: it sends
        if status not in STATUSES:
            return _error(400, "status_invalid", f"{status} is not a valid status.")
        slug = body.get("slug")
        if slug is not None:
            if not re.fullmatch(r"[a-zA-Z0-9_-]+", slug) or len(slug) > 100:
                return _error(400, "slug_invalid", "Slug must match ^[a-zA-Z0-9_-]+$.")
            if any(e.get("slug") == slug for e in self.emails.values()):
                return _error(400, "slug_invalid", "An email with this slug already exists.")
        email = {
            "id": str(uuid.uuid4()),
            "subject": subject,
            "body": text,
            "status": status,
            "slug": slug or "",
            "description": body.get("description", ""),
            "metadata": body.get("metadata") or {},
            "creation_date": "2024-05-06T08:00:00Z",
        }
        self.emails[email["id"]] = email
        self.order.append(email["id"])
        if status in OUT:
            self.sends.append(email["id"])
        return json_response(201, dict(email))

    def _list(self, req: Request) -> Response:
        wanted = {v for k, v in req.query if k == "status"}
        page = int(dict(req.query).get("page", "1"))
        rows = [
            self.emails[i]
            for i in self.order
            if (not wanted and self.emails[i]["status"] != "deleted")
            or self.emails[i]["status"] in wanted
        ]
        start = (page - 1) * self.page_size
        chunk = rows[start : start + self.page_size]
        query = "&".join(f"status={s}" for s in sorted(wanted))
        more = start + self.page_size < len(rows)
        return json_response(
            200,
            {
                "results": chunk,
                "next": f"{self.url}/v1/emails?{query}&page={page + 1}" if more else None,
                "previous": f"{self.url}/v1/emails?{query}&page={page - 1}" if page > 1 else None,
                "count": len(rows),
            },
        )

    def _patch(self, email: dict[str, Any], body: dict[str, Any]) -> Response:
        extra = sorted(set(body) - EMAIL_INPUT)
        if extra:
            return json_response(
                422,
                {
                    "detail": [
                        {
                            "type": "extra_forbidden",
                            "loc": ["body", extra[0]],
                            "msg": "Extra inputs are not permitted",
                        }
                    ]
                },
            )
        new = body.get("status")
        if new is not None and self.held:
            return json_response(200, {**email, "status": self.held})
        if new is not None:
            old = email["status"]
            if new not in STATUSES:
                return _error(400, "status_invalid", f"{new} is not a valid status.")
            if old in ("sent", "in_flight", "deleted") or (
                old == "about_to_send" and new == "about_to_send"
            ):
                return _error(400, "status_invalid", f"Cannot change status from {old} to {new}.")
            email["status"] = new
            if new in OUT and old not in OUT:
                self.sends.append(email["id"])
        for k, v in body.items():
            if k != "status":
                email[k] = v
        return json_response(200, dict(email))

    def deliver_all(self) -> None:
        """What Buttondown does a few minutes later: about_to_send becomes sent."""
        with self.lock:
            for e in self.emails.values():
                if e["status"] == "about_to_send":
                    e["status"] = "sent"
