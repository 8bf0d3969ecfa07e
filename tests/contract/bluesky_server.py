"""A local AT Protocol PDS (the parts a poster uses), from the lexicons and the HTTP API docs.

* ``POST /xrpc/com.atproto.server.createSession`` ``{identifier, password}``: the session
  (``accessJwt``, ``refreshJwt``, ``did``, ``handle``) or 401
  ``{"error": "AuthenticationRequired", "message": "Invalid identifier or password"}``.
* Other calls need ``Authorization: Bearer <accessJwt>`` (401 ``AuthenticationRequired``).
* ``POST /xrpc/com.atproto.repo.createRecord`` ``{repo, collection, rkey?, record}``: the
  ``repo`` must be the session's DID; an ``app.bsky.feed.post`` is validated (``$type``,
  ``text`` ≤ 300 graphemes and 3000 bytes, ``createdAt``, link facets whose byte range holds
  the URI); a record key must be a valid TID for posts and free, else 400 ``InvalidRequest``.
  Answers ``{uri, cid}``.
* ``GET /xrpc/com.atproto.repo.getRecord?repo&collection&rkey``: ``{uri, cid, value}`` or 400
  ``{"error": "RecordNotFound"}``.
* ``POST /xrpc/com.atproto.repo.uploadBlob`` (the raw bytes, their ``Content-Type``):
  ``{"blob": {"$type": "blob", "ref": {"$link": <cid>}, "mimeType", "size"}}``. A post's
  ``embed.external.thumb`` must be such a blob, uploaded, ``image/*`` and at most 1,000,000
  bytes (the lexicon's ``maxSize``), else 400 ``InvalidRequest``.
* Rate limits: every answer carries ``RateLimit-Limit``, ``RateLimit-Remaining``,
  ``RateLimit-Reset`` (POSIX seconds) and ``RateLimit-Policy`` (``N;w=SECONDS``); a call on
  an empty budget is 429 ``{"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}``.
Errors are ``{"error", "message"}``. ``records`` holds every post made (what tests count);
``blobs`` every upload (cid → bytes, type).
"""

from __future__ import annotations

import hashlib
import math
import re
import time
from typing import Any

from tests.contract.fakehttp import FakeHTTPServer, Request, Response, json_response

DID = "did:plc:abcdefghijklmnopqrstuvwx"
_TID = re.compile(r"[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}")


def _error(status: int, error: str, message: str) -> Response:
    return json_response(status, {"error": error, "message": message})


class BlueskyServer(FakeHTTPServer):
    error_body = staticmethod(lambda msg: {"error": "InternalServerError", "message": msg})

    def __init__(
        self, handle: str, password: str, budget: int = 1000, window: float = 300.0
    ) -> None:
        super().__init__()
        self.account_handle = handle
        self.password = password
        self.sessions = 0
        self.records: dict[str, dict[str, Any]] = {}
        self.blobs: dict[str, tuple[bytes, str]] = {}
        self.budget = budget
        self.window = window
        self.used = 0
        self.reset_at = 0.0
        self.throttled = 0

    def _limits(self) -> tuple[Response | None, dict[str, str]]:
        now = time.time()
        if now >= self.reset_at:
            self.used, self.reset_at = 0, now + self.window
        headers = {
            "RateLimit-Limit": str(self.budget),
            "RateLimit-Reset": str(math.ceil(self.reset_at)),
            "RateLimit-Policy": f"{self.budget};w={math.ceil(self.window)}",
        }
        if self.used >= self.budget:
            self.throttled += 1
            status, more, body = _error(429, "RateLimitExceeded", "Rate Limit Exceeded")
            return (status, {**more, **headers, "RateLimit-Remaining": "0"}, body), headers
        self.used += 1
        return None, {**headers, "RateLimit-Remaining": str(self.budget - self.used)}

    @property
    def token(self) -> str:
        return f"eyJhbGciOiJFUzI1NksifQ.access-{hashlib.sha256(self.password.encode()).hexdigest()}"

    def handle(self, req: Request) -> Response:
        throttled, limits = self._limits()
        if throttled is not None:
            return throttled
        status, headers, body = self._route(req)
        return status, {**headers, **limits}, body

    def _route(self, req: Request) -> Response:
        if req.path == "/xrpc/com.atproto.server.createSession" and req.method == "POST":
            body = req.json() or {}
            if body.get("identifier") not in (self.account_handle, DID) or (
                body.get("password") != self.password
            ):
                return _error(401, "AuthenticationRequired", "Invalid identifier or password")
            self.sessions += 1
            return json_response(
                200,
                {
                    "did": DID,
                    "handle": self.account_handle,
                    "accessJwt": self.token,
                    "refreshJwt": self.token + ".refresh",
                    "active": True,
                },
            )
        if req.headers.get("Authorization") != f"Bearer {self.token}":
            return _error(401, "AuthenticationRequired", "Authentication Required")
        if req.path == "/xrpc/com.atproto.repo.getRecord" and req.method == "GET":
            q = dict(req.query)
            uri = f"at://{q.get('repo')}/{q.get('collection')}/{q.get('rkey')}"
            if uri not in self.records:
                return _error(400, "RecordNotFound", f"Could not locate record: {uri}")
            return json_response(200, {"uri": uri, "cid": _cid(uri), "value": self.records[uri]})
        if req.path == "/xrpc/com.atproto.repo.createRecord" and req.method == "POST":
            return self._create(req.json() or {})
        if req.path == "/xrpc/com.atproto.repo.uploadBlob" and req.method == "POST":
            mime = req.headers.get("Content-Type", "")
            if not req.body or not mime:
                return _error(400, "InvalidRequest", "Request body and Content-Type required")
            cid = "bafkrei" + hashlib.sha256(req.body).hexdigest()[:52]
            self.blobs[cid] = (req.body, mime)
            blob = {"$type": "blob", "ref": {"$link": cid}, "mimeType": mime, "size": len(req.body)}
            return json_response(200, {"blob": blob})
        return _error(404, "MethodNotImplemented", "Method Not Implemented")

    def _create(self, body: dict[str, Any]) -> Response:
        if body.get("repo") not in (DID, self.account_handle):
            return _error(400, "InvalidRequest", "Could not find repo")
        record = body.get("record")
        collection = body.get("collection")
        if not isinstance(record, dict) or record.get("$type") != collection:
            return _error(400, "InvalidRequest", "Invalid $type")
        rkey = body.get("rkey")
        if collection == "app.bsky.feed.post":
            problem = _post_problem(record, rkey) or self._thumb_problem(record)
            if problem:
                return _error(400, "InvalidRequest", problem)
        uri = f"at://{DID}/{collection}/{rkey}"
        if uri in self.records:
            return _error(400, "InvalidRequest", f"Record already exists: {uri}")
        self.records[uri] = record
        return json_response(200, {"uri": uri, "cid": _cid(uri)})

    def _thumb_problem(self, record: dict[str, Any]) -> str:
        external = (record.get("embed") or {}).get("external") or {}
        if "thumb" not in external:
            return ""
        thumb = external["thumb"]
        ref = thumb.get("ref") if isinstance(thumb, dict) else None
        cid = ref.get("$link") if isinstance(ref, dict) else None
        if not isinstance(thumb, dict) or thumb.get("$type") != "blob" or cid not in self.blobs:
            return "Invalid app.bsky.embed.external record: thumb must be an uploaded blob"
        data, mime = self.blobs[cid]
        if not mime.startswith("image/") or thumb.get("mimeType") != mime:
            return "Invalid app.bsky.embed.external record: thumb mimeType not accepted"
        if len(data) > 1_000_000 or thumb.get("size") != len(data):
            return "Invalid app.bsky.embed.external record: thumb file too large"
        return ""


def _cid(uri: str) -> str:
    return "bafyrei" + hashlib.sha256(uri.encode()).hexdigest()[:52]


def _post_problem(record: dict[str, Any], rkey: Any) -> str:
    if rkey is not None and not (isinstance(rkey, str) and _TID.fullmatch(rkey)):
        return "Invalid record key: posts take a TID"
    text = record.get("text")
    if not isinstance(text, str) or len(text) > 300 or len(text.encode()) > 3000:
        return (
            "Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes"
        )
    if not isinstance(record.get("createdAt"), str):
        return 'Invalid app.bsky.feed.post record: Record must have the property "createdAt"'
    raw = text.encode()
    for facet in record.get("facets", []):
        index = facet.get("index", {})
        start, end = index.get("byteStart"), index.get("byteEnd")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(raw)):
            return "Invalid facet index"
        for feature in facet.get("features", []):
            if feature.get("$type") == "app.bsky.richtext.facet#link" and (
                raw[start:end].decode(errors="replace") != feature.get("uri")
            ):
                return "Invalid facet: the link's byte range does not hold its URI"
    return ""
