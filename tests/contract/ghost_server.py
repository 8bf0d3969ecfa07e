"""A local Ghost Admin API (v5), written from its documented contract.

* ``Authorization: Ghost <JWT>``: HS256 with the key's secret, header ``kid`` = the key id,
  ``aud`` = ``/admin/``, ``exp`` at most 5 minutes after ``iat``; otherwise 401
  ``{"errors": [{"message": ..., "type": "UnauthorizedError"}]}``.
* ``POST /ghost/api/admin/posts/?source=html`` ``{"posts": [{title, html, status, slug,
  custom_excerpt}]}``: 201; ``status`` defaults to ``draft``; the slug is lower-cased and, when
  taken, suffixed ``-2``, ``-3`` (as Ghost does); unknown fields are 422 ValidationError.
* ``GET /ghost/api/admin/posts/<id>/`` and ``/posts/slug/<slug>/``: ``{"posts": [post]}``
  or 404 NotFoundError.
* ``PUT /ghost/api/admin/posts/<id>/?newsletter=<slug>&email_segment=all``: needs the post's
  current ``updated_at`` (else 409 UpdateCollisionError); publishing a draft with a newsletter
  emails it (``emails`` records it); an already published post is never emailed again.
* ``email_only: true`` on a post (Admin API v5): publishing it with a newsletter emails it
  and sets its status to ``sent`` (it never appears on the site); without a newsletter it is
  422 ValidationError. ``email_segment`` (an NQL member filter; ``all`` by default) is kept
  on the post and its email's ``recipient_filter``; an empty one is 400 BadRequestError.
* ``POST /ghost/api/admin/email_previews/posts/<id>/`` ``{"emails": [...]}``: a test email.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import jwt

from tests.contract.fakehttp import FakeHTTPServer, Request, Response, json_response

POST_FIELDS = {
    "title",
    "html",
    "status",
    "slug",
    "custom_excerpt",
    "updated_at",
    "lexical",
    "email_only",
}


def _error(status: int, kind: str, message: str) -> Response:
    return json_response(status, {"errors": [{"message": message, "type": kind}]})


class GhostServer(FakeHTTPServer):
    error_body = staticmethod(
        lambda msg: {"errors": [{"message": msg, "type": "InternalServerError"}]}
    )

    def __init__(self, key_id: str, secret_hex: str, newsletter: str = "default-newsletter"):
        super().__init__()
        self.key_id = key_id
        self.secret = bytes.fromhex(secret_hex)
        self.newsletter = newsletter
        self.posts: dict[str, dict[str, Any]] = {}
        self.emails: list[tuple[str, str]] = []
        """(post id, newsletter) of every email sent to the list: what tests count."""
        self.segments: list[str] = []
        """The ``email_segment`` of each email, in the same order."""
        self.previews: list[tuple[str, list[str]]] = []
        self._ids = (f"6650{n:020x}" for n in itertools.count(1))
        self._clock = itertools.count(1)

    def _authorised(self, req: Request) -> bool:
        header = req.headers.get("Authorization", "")
        if not header.startswith("Ghost "):
            return False
        token = header[len("Ghost ") :]
        try:
            if jwt.get_unverified_header(token).get("kid") != self.key_id:
                return False
            claims = jwt.decode(token, self.secret, algorithms=["HS256"], audience="/admin/")
        except jwt.PyJWTError:
            return False
        return int(claims["exp"]) - int(claims["iat"]) <= 300

    def _stamp(self) -> str:
        return f"2024-05-12T08:00:{next(self._clock) % 60:02d}.{next(self._clock):03d}Z"

    def handle(self, req: Request) -> Response:
        if not self._authorised(req):
            return _error(401, "UnauthorizedError", "Invalid token: invalid signature")
        path = req.path
        if path == "/ghost/api/admin/posts/" and req.method == "POST":
            return self._create(req)
        m = re.fullmatch(r"/ghost/api/admin/posts/slug/([^/]+)/", path)
        if m and req.method == "GET":
            found = [p for p in self.posts.values() if p["slug"] == m.group(1)]
            if not found:
                return _error(404, "NotFoundError", "Post not found.")
            return json_response(200, {"posts": [found[0]]})
        m = re.fullmatch(r"/ghost/api/admin/email_previews/posts/([^/]+)/", path)
        if m and req.method == "POST":
            if m.group(1) not in self.posts:
                return _error(404, "NotFoundError", "Post not found.")
            self.previews.append((m.group(1), list((req.json() or {}).get("emails", []))))
            return 204, {}, b""
        m = re.fullmatch(r"/ghost/api/admin/posts/([^/]+)/", path)
        if not m or m.group(1) not in self.posts:
            return _error(404, "NotFoundError", "Post not found.")
        post = self.posts[m.group(1)]
        if req.method == "GET":
            return json_response(200, {"posts": [post]})
        if req.method == "PUT":
            return self._update(post, req)
        return _error(405, "MethodNotAllowedError", "Method not allowed")

    def _create(self, req: Request) -> Response:
        body = req.json() or {}
        posts = body.get("posts")
        if not isinstance(posts, list) or len(posts) != 1 or not isinstance(posts[0], dict):
            return _error(422, "ValidationError", "Validation error, cannot save post.")
        data = posts[0]
        extra = set(data) - POST_FIELDS
        if extra or not data.get("title"):
            return _error(422, "ValidationError", f"Validation error: {sorted(extra) or 'title'}")
        slug = re.sub(r"[^a-z0-9]+", "-", str(data.get("slug") or data["title"]).lower()).strip("-")
        taken = {p["slug"] for p in self.posts.values()}
        base, n = slug, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        post = {
            "id": next(self._ids),
            "title": data["title"],
            "slug": slug,
            "html": data.get("html", ""),
            "status": data.get("status", "draft"),
            "custom_excerpt": data.get("custom_excerpt"),
            "updated_at": self._stamp(),
            "email_only": bool(data.get("email_only", False)),
            "email_segment": "all",
            "email": None,
        }
        self.posts[post["id"]] = post
        return json_response(201, {"posts": [post]})

    def _update(self, post: dict[str, Any], req: Request) -> Response:
        body = req.json() or {}
        change = (body.get("posts") or [{}])[0]
        if change.get("updated_at") != post["updated_at"]:
            return _error(
                409, "UpdateCollisionError", "Saving failed! Someone else is editing this post."
            )
        query = dict(req.query)
        newsletter = query.get("newsletter")
        if newsletter is not None and newsletter != self.newsletter:
            return _error(404, "NotFoundError", "Newsletter not found.")
        segment = query.get("email_segment", "all")
        if not segment.strip():
            return _error(400, "BadRequestError", "Invalid email_segment filter.")
        email_only = bool(change.get("email_only", post["email_only"]))
        if email_only and change.get("status") == "published" and not newsletter:
            return _error(422, "ValidationError", "An email-only post needs a newsletter.")
        was = post["status"]
        for k, v in change.items():
            if k in POST_FIELDS and k != "updated_at":
                post[k] = v
        post["updated_at"] = self._stamp()
        if was == "draft" and post["status"] == "published" and newsletter:
            post["email"] = {"status": "submitted", "recipient_filter": segment}
            post["email_segment"] = segment
            if post["email_only"]:
                post["status"] = "sent"
            self.emails.append((post["id"], newsletter))
            self.segments.append(segment)
        return json_response(200, {"posts": [post]})
